"""Decisions on promotion requests: approve, reject, cancel; and the break-glass promote.

:class:`GovernanceMethods` is what :class:`~registry_tui.registry.ModelRegistry`
mixes in: the protections and requests of
:class:`~registry_tui.registry_requests.RequestMethods`, plus these. An approval is
one transaction: it locks the request, checks it is still pending, not expired and
not stale, records the approval, and when the approvals reach what is needed moves
the tag and closes the request, every event written in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry_tui import validate
from registry_tui.db import approvals as rows
from registry_tui.db import hardening, roles
from registry_tui.db.guard import guard as _guard
from registry_tui.errors import ApprovalRefused, RequestNotFoundError, ValidationError
from registry_tui.governance import rules
from registry_tui.governance.records import Approval, Identity, PromotionRequest
from registry_tui.records import PromoteResult
from registry_tui.registry_requests import RequestMethods, _effective

if TYPE_CHECKING:
    from registry_tui.db.writes import Writer


class GovernanceMethods(RequestMethods):
    """Protected tags: protect, request, approve, reject, cancel, break glass, read."""

    @_guard
    def approve(self, request_id: int, comment: str | None = None) -> PromotionRequest:
        """Approve a request as :meth:`identity`; returns the request after it.

        Its state is ``applied`` when this approval reached the number needed (the
        tag moved, or the protection was lifted, in this same transaction), else
        still ``pending`` with one more approval. Two reviewers approving at the
        same moment queue on the request's lock: the tag moves once.

        Raises:
            ApprovalRefused: the approver requested it (and the tag does not allow
                self-approval), already approved it, is not a reviewer, or the request
                is decided, expired or stale (these two are closed and recorded so).
            LookupError: no such request.
        """
        rid, note = validate.model_id(request_id, "request_id"), rules.comment(comment)
        who = self.identity()
        with self._session.write():
            if hardening.hardened(self._storage.db):
                refusal = hardening.approve(self._storage.db, rid, note)
            else:
                refusal = self._approve_in(rid, who, note)
        if refusal is not None:
            raise ApprovalRefused(refusal)
        return self.request(rid)

    def _locked(self, rid: int) -> PromotionRequest:
        """The request, its row locked until the transaction ends."""
        db = self._storage.db
        if not rows.lock_request(db, rid):
            raise RequestNotFoundError(rid)
        return rows.requests(db, request_id=rid)[0]

    def _approve_in(self, rid: int, who: Identity, note: str | None) -> str | None:
        db, writer, now = self._storage.db, self._writer_as(who), self._now()
        r = self._locked(rid)
        writer.lock_tag(r.tag)  # the holder cannot change between the check and the move
        lapsed = self._close_if_lapsed(r, writer, now)
        if lapsed is not None:
            return lapsed
        allow_self = rows.allows_self(db, rid)
        if who.name == r.requested_by and not allow_self:
            raise ApprovalRefused(
                f"{who.name} requested request {rid} and cannot approve it: "
                f"tag '{r.tag}' needs approvals from others"
            )
        if any(a.reviewer == who.name for a in r.approvals):
            raise ApprovalRefused(f"{who.name} has already approved request {rid}")
        if not self._may_review(who, rows.protection(db, r.tag)):
            raise ApprovalRefused(f"{who.name} is not a reviewer of tag '{r.tag}' (request {rid})")
        rows.add_approval(db, rid, who.name, now, note)
        details = {"request_id": rid, "comment": note, "advisory": not who.enforced}
        writer.event(now, "approve", r.model_id, r.tag, None, details)
        approved = [*r.approvals, Approval(who.name, now, note)]
        approvers = rules.counted(approved, r.requested_by, allow_self)
        if len(approvers) >= r.needed:
            self._apply(r, writer, approvers, now)
        return None

    def _close_if_lapsed(self, r: PromotionRequest, writer: Writer, now: str) -> str | None:
        """Refuse a decided request; close an expired or stale one (saying why)."""
        if r.state != "pending" or r.decided_at is not None:
            raise ApprovalRefused(f"Request {r.request_id} is already {r.state}")
        holders = rows.current_holders(self._storage.db, [r.tag])
        state = _effective(r, now, holders).state
        if state == "pending":
            return None
        if state == "expired":
            why = f"expired at {r.expires_at}"
        else:
            now_held = holders[r.tag]
            held = "nobody" if now_held is None else f"model {now_held}"
            was = "nobody" if r.holder_at_request is None else f"model {r.holder_at_request}"
            why = f"stale: tag '{r.tag}' is now held by {held}, not {was} as when requested"
        rows.decide(self._storage.db, r.request_id, state, writer.actor, now, why)
        event = "expire" if state == "expired" else "stale"
        writer.event(now, event, r.model_id, r.tag, None, {"request_id": r.request_id, "why": why})
        return f"Request {r.request_id} {why}; request the move again"

    def _apply(self, r: PromotionRequest, writer: Writer, approvers: list[str], now: str) -> None:
        """Move the tag (or lift the protection) and close the request as applied."""
        details = {"request_id": r.request_id, "approved_by": approvers}
        if r.kind == "promote" and r.model_id is not None:
            writer.promote(r.model_id, r.tag, True, now, approval=details)
        else:
            rows.delete_protection(self._storage.db, r.tag)
            writer.event(now, "unprotect", None, r.tag, None, details)
        rows.decide(self._storage.db, r.request_id, "applied", writer.actor, now, None)

    @_guard
    def reject(self, request_id: int, reason: str) -> PromotionRequest:
        """Reject an open request (a reviewer of its tag only); returns it, ``rejected``."""
        rid, why = validate.model_id(request_id, "request_id"), rules.reason(reason)
        who = self.identity()
        with self._session.write():
            if hardening.hardened(self._storage.db):
                hardening.decide(self._storage.db, rid, "rejected", why)
                return self.request(rid)
            r = self._open(rid)
            if not self._may_review(who, rows.protection(self._storage.db, r.tag)):
                raise ApprovalRefused(
                    f"{who.name} is not a reviewer of tag '{r.tag}' and cannot reject request {rid}"
                )
            self._close(r, who, "rejected", "reject", why)
        return self.request(rid)

    @_guard
    def cancel(self, request_id: int) -> PromotionRequest:
        """Withdraw an open request (its requester only); returns it, ``cancelled``."""
        rid, who = validate.model_id(request_id, "request_id"), self.identity()
        with self._session.write():
            if hardening.hardened(self._storage.db):
                hardening.decide(self._storage.db, rid, "cancelled", None)
                return self.request(rid)
            r = self._open(rid)
            if who.name != r.requested_by:
                raise ApprovalRefused(
                    f"Only {r.requested_by}, who made request {rid}, can cancel it"
                )
            self._close(r, who, "cancelled", "cancel", None)
        return self.request(rid)

    def _open(self, rid: int) -> PromotionRequest:
        r = self._locked(rid)
        if r.decided_at is not None:
            raise ApprovalRefused(f"Request {rid} is already {r.state}")
        return r

    def _close(
        self, r: PromotionRequest, who: Identity, state: str, event: str, note: str | None
    ) -> None:
        now = self._now()
        rows.decide(self._storage.db, r.request_id, state, who.name, now, note)
        details = {"request_id": r.request_id, "reason": note}
        self._writer_as(who).event(now, event, r.model_id, r.tag, None, details)

    @_guard
    def break_glass_promote(self, model_id: int, tag: str, reason: str) -> PromoteResult:
        """Move a (protected) tag at once, as an admin, recorded as a ``break_glass`` event.

        On PostgreSQL the admin is a member of the admin role ``setup-roles`` recorded,
        else the registry's owner or a superuser; on SQLite anyone (advisory).
        """
        mid, tag, why = validate.model_id(model_id), validate.tag(tag), rules.reason(reason)
        who = self.identity()
        with self._session.write():
            changed, removed = self._break_glass_in(who, mid, tag, why)
            found = self._store.many([mid, *removed])
        return PromoteResult(
            found[mid], tag, tuple(found[i] for i in removed if i in found), changed
        )

    def _break_glass_in(
        self, who: Identity, mid: int, tag: str, why: str
    ) -> tuple[bool, list[int]]:
        db = self._storage.db
        if hardening.hardened(db):
            return hardening.break_glass(db, mid, tag, why)
        if who.enforced and not roles.is_admin(db):
            raise ApprovalRefused(f"{who.name} is not an admin: break-glass promote refused")
        details = {"reason": why, "advisory": not who.enforced}
        return self._writer_as(who).promote(
            mid, tag, True, self._now(), approval=details, kind="break_glass"
        )

    @_guard
    def setup_roles(
        self,
        admin_role: str = "registry_admin",
        reviewer_role: str = "registry_reviewer",
        writer_role: str = "registry_writer",
    ) -> list[str]:
        """The hardened PostgreSQL setup (``registry-tui admin setup-roles``); returns
        what it did, one line each. Run it as the registry's owner.

        Creates the three roles (NOLOGIN; grant them to login roles), lets ordinary roles
        read everything but write the tag, protection and approval tables only through
        ``SECURITY DEFINER`` functions owned by the registry's owner, and records the admin
        role (who may protect tags and break glass). Running it again is harmless.

        Raises:
            ValueError: on SQLite (there is no server to enforce anything), or a bad role name.
        """
        if self.backend != "postgresql":
            raise ValidationError(
                "setup-roles needs PostgreSQL: on SQLite approvals are advisory, since anyone "
                "who can write the file could bypass them"
            )
        names = [rules.reviewers([n])[0] for n in (admin_role, reviewer_role, writer_role)]
        if any(n.startswith(rules.ROLE_PREFIX) for n in names):
            raise ValidationError("Give role names without the role: prefix")
        with self._session.write():
            return hardening.setup(self._storage.db, *names)
