"""Frozen records of protections, promotion requests, approvals and identities."""

from __future__ import annotations

from dataclasses import dataclass

REQUEST_KINDS = ("promote", "unprotect")
"""What a request asks: move the tag to a model, or lift the tag's protection."""

REQUEST_STATES = ("pending", "applied", "rejected", "cancelled", "expired", "stale")
"""Every state of a request; ``pending`` (and ``expired``/``stale`` until decided) is open."""

OPEN_STATES = frozenset({"pending", "expired", "stale"})


@dataclass(frozen=True, slots=True)
class Protection:
    """A protected tag: who reviews its moves and how many approvals a move needs.

    Attributes:
        tag: the protected tag.
        reviewers: user names, or ``role:NAME`` for members of a PostgreSQL role
            (of an operating-system group on SQLite); empty: anyone but the requester.
        approvals: distinct approvals a request needs.
        allow_self_approval: the requester's own approval counts.
        request_ttl_s: seconds a request stays open (None: until decided).
        protected_by: who protected it (the identity, see :class:`Identity`).
        protected_at: when (``YYYY-MM-DD HH:MM:SS`` UTC).
    """

    tag: str
    reviewers: tuple[str, ...]
    approvals: int
    allow_self_approval: bool
    request_ttl_s: int | None
    protected_by: str
    protected_at: str


@dataclass(frozen=True, slots=True)
class Approval:
    """One reviewer's approval of a request."""

    reviewer: str
    at: str
    comment: str | None


@dataclass(frozen=True, slots=True)
class PromotionRequest:
    """A request to move a protected tag (``promote``) or lift its protection (``unprotect``).

    Attributes:
        request_id: its id.
        kind: ``"promote"`` or ``"unprotect"``.
        tag: the tag.
        model_id: the model to promote (None for ``unprotect``).
        reason: why, as the requester wrote it.
        requested_by: the requester's identity.
        requested_at: when.
        expires_at: when it stops being approvable (None: never).
        holder_at_request: the tag's holder when requested; a different holder at
            approval makes the request ``stale``.
        state: ``pending``, ``applied``, ``rejected``, ``cancelled``, ``expired`` or
            ``stale``. A pending request past its expiry, or whose tag changed holder,
            is reported ``expired`` / ``stale`` before anyone decides it.
        approvals: the approvals so far, oldest first.
        needed: approvals it needs.
        decided_by: who applied, rejected or cancelled it (or whose approval found
            it expired or stale).
        decided_at: when.
        decision_note: the rejection's reason, or what made it expire or go stale.
    """

    request_id: int
    kind: str
    tag: str
    model_id: int | None
    reason: str
    requested_by: str
    requested_at: str
    expires_at: str | None
    holder_at_request: int | None
    state: str
    approvals: tuple[Approval, ...]
    needed: int
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None

    @property
    def is_open(self) -> bool:
        """True while the request is undecided (pending, or expired/stale but not yet closed)."""
        return self.state in OPEN_STATES and self.decided_at is None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the registry takes the caller to be when requesting and approving.

    Attributes:
        name: the PostgreSQL ``session_user``, or the operating-system user on SQLite.
        enforced: True on PostgreSQL (the server says who is connected); False on
            SQLite, where approvals are advisory (anyone who can write the file
            could bypass them).
        backend: ``"sqlite"`` or ``"postgresql"``.
    """

    name: str
    enforced: bool
    backend: str
