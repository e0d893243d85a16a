"""Protected tags and promotion requests: protecting, requesting, reading requests.

The decisions (approve, reject, cancel, break glass) are in
:mod:`registry_tui.registry_governance`, on top of these.

A protected tag moves only when a request collects its approvals: the approval
that reaches the number needed moves the tag in its own transaction. Who is
asking is the PostgreSQL login (``session_user``), or the operating-system user on
SQLite, where approvals are advisory (see :meth:`RequestMethods.identity`).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from registry_tui import validate
from registry_tui.db import approvals as rows
from registry_tui.db import roles
from registry_tui.db.guard import guard as _guard
from registry_tui.errors import (
    ApprovalRefused,
    ModelStateError,
    RequestNotFoundError,
    ValidationError,
)
from registry_tui.governance import rules
from registry_tui.governance.identity import in_os_group, os_user
from registry_tui.governance.records import Identity, PromotionRequest, Protection
from registry_tui.registry_core import RegistryCore

if TYPE_CHECKING:
    from registry_tui.db.writes import Writer


class RequestMethods(RegistryCore):
    """Protect tags, request promotions and read the requests."""

    # -- who is asking ------------------------------------------------------------------
    @_guard
    def identity(self) -> Identity:
        """Who requests and approves: ``session_user`` on PostgreSQL (enforced: the
        ``actor`` a client passes plays no part), the OS user on SQLite (advisory)."""
        if self.backend == "postgresql":
            return Identity(roles.session_user(self._storage.db), True, "postgresql")
        return Identity(os_user(), False, "sqlite")

    def _writer_as(self, who: Identity) -> Writer:
        """A writer whose events name ``who`` (the server's login on PostgreSQL)."""
        from registry_tui.db.writes import Writer  # writes only: kept off reads

        return Writer(self._store, who.name)

    def _may_review(self, who: Identity, protection: Protection | None) -> bool:
        if protection is None or not protection.reviewers:
            return True
        for reviewer in protection.reviewers:
            if not reviewer.startswith(rules.ROLE_PREFIX):
                if reviewer == who.name:
                    return True
                continue
            group = reviewer.removeprefix(rules.ROLE_PREFIX)
            if who.enforced and roles.has_role(self._storage.db, group):
                return True
            if not who.enforced and in_os_group(who.name, group):
                return True
        return False

    # -- protections ----------------------------------------------------------------------
    @_guard
    def protections(self) -> dict[str, Protection]:
        """Every protected tag's protection, by tag."""
        return rows.protections(self._storage.db)

    @_guard
    def protection(self, tag: str) -> Protection | None:
        """The tag's protection, or None when it is not protected."""
        return rows.protection(self._storage.db, validate.tag(tag))

    @_guard
    def protect_tag(
        self,
        tag: str,
        reviewers: Any = (),
        approvals: int = 1,
        allow_self_approval: bool = False,
        request_ttl: int | float | timedelta | str | None = None,
    ) -> Protection:
        """Protect ``tag``: from now on it moves only through approved requests::

            registry.protect_tag("production", reviewers=["alice", "role:ml_leads"], approvals=2,
                                 request_ttl=timedelta(days=7))

        Protecting a tag is direct; changing or lifting a protection is itself a
        reviewed change (:meth:`unprotect_tag`). Protecting it again with the same
        settings returns the protection unchanged.

        Args:
            tag: the tag.
            reviewers: who may approve: user names, or ``role:NAME`` for the members of
                a PostgreSQL role (an OS group on SQLite). Empty: anyone but the requester.
            approvals: distinct approvals a move needs (1-20).
            allow_self_approval: count the requester's own approval.
            request_ttl: how long a request stays approvable: seconds, a ``timedelta``
                or ``"7d"`` (None: until decided).

        Raises:
            ValueError: bad arguments, or the tag is already protected differently.
        """
        tag = validate.tag(tag)
        if not isinstance(allow_self_approval, bool):
            raise ValidationError("allow_self_approval must be True or False")
        who, at = self.identity(), self._now()
        wanted = Protection(
            tag, rules.reviewers(reviewers), rules.approvals_needed(approvals),
            allow_self_approval, rules.ttl_seconds(request_ttl), who.name, at,
        )  # fmt: skip
        with self._session.write():
            self._refuse_unless_admin(who, "Protecting a tag")
            return self._protect_in(who, wanted)

    def _protect_in(self, who: Identity, wanted: Protection) -> Protection:
        db = self._storage.db
        existing = rows.protection(db, wanted.tag)
        if existing is not None:
            if dataclasses.replace(existing, protected_by="", protected_at="") == (
                dataclasses.replace(wanted, protected_by="", protected_at="")
            ):
                return existing
            raise ValidationError(
                f"Tag '{wanted.tag}' is already protected; changing its protection is a "
                f'reviewed change: registry-tui unprotect {wanted.tag} --reason "...", '
                "then protect it again"
            )
        rows.save_protection(db, wanted)
        details = {
            "reviewers": list(wanted.reviewers), "approvals": wanted.approvals,
            "allow_self_approval": wanted.allow_self_approval,
            "request_ttl_s": wanted.request_ttl_s, "advisory": not who.enforced,
        }  # fmt: skip
        self._writer_as(who).event(wanted.protected_at, "protect", None, wanted.tag, None, details)
        return wanted

    def _refuse_unless_admin(self, who: Identity, what: str) -> None:
        """On a hardened PostgreSQL setup (an admin role recorded), only admins may."""
        db = self._storage.db
        if not who.enforced or roles.admin_role(db) is None or roles.is_admin(db):
            return
        raise ApprovalRefused(f"{what} needs the admin role '{roles.admin_role(db)}'")

    # -- requests -------------------------------------------------------------------------
    @_guard
    def unprotect_tag(self, tag: str, reason: str) -> int:
        """Ask to lift ``tag``'s protection; returns the request id (kind ``unprotect``).

        The protection is lifted when the request collects the approvals the
        protection needs, as for a promotion.
        """
        tag, why = validate.tag(tag), rules.reason(reason)
        with self._session.write():
            return self._new_request("unprotect", tag, None, why)

    @_guard
    def request_promotion(self, model_id: int, tag: str, reason: str) -> int:
        """Ask for ``tag`` (protected) to move to the model; returns the request id.

        The request records the tag's holder now: if another model holds the tag by
        the time it is approved, the request is stale and refused.
        """
        mid, tag, why = validate.model_id(model_id), validate.tag(tag), rules.reason(reason)
        with self._session.write():
            writer = self._writer_as(self.identity())
            if writer.status_of(mid) != "active":
                raise ModelStateError(f"Model {mid} is retired; only active models can be promoted")
            return self._new_request("promote", tag, mid, why)

    def _new_request(self, kind: str, tag: str, model_id: int | None, reason: str) -> int:
        db, who, at = self._storage.db, self.identity(), self._now()
        protection = rows.protection(db, tag)
        if protection is None:
            hint = "promote it directly" if kind == "promote" else "nothing to lift"
            raise ValidationError(f"Tag '{tag}' is not protected: {hint}")
        holder = rows.current_holders(db, [tag])[tag]
        if kind == "promote" and holder == model_id:
            raise ValidationError(f"Model {model_id} already holds tag '{tag}'")
        request_id = rows.insert_request(db, {
            "kind": kind, "tag": tag, "model_id": model_id, "reason": reason,
            "requested_by": who.name, "requested_at": at,
            "expires_at": rules.expires_at(at, protection.request_ttl_s),
            "holder_at_request": holder, "state": "pending", "needed": protection.approvals,
            "allow_self": protection.allow_self_approval,
        })  # fmt: skip
        details = {"request_id": request_id, "kind": kind, "reason": reason, "holder": holder}
        self._writer_as(who).event(at, "request", model_id, tag, holder, details)
        return request_id

    # -- reading requests -----------------------------------------------------------------
    def _evaluated(self, found: list[PromotionRequest]) -> list[PromotionRequest]:
        """Open requests past their expiry, or whose tag changed holder, say so."""
        now = self._now()
        tags = sorted({r.tag for r in found if r.is_open and r.kind == "promote"})
        holders = rows.current_holders(self._storage.db, tags)
        return [_effective(r, now, holders) for r in found]

    @_guard
    def request(self, request_id: int) -> PromotionRequest:
        """One request (:class:`RequestNotFoundError` when there is none)."""
        rid = validate.model_id(request_id, "request_id")
        found = rows.requests(self._storage.db, request_id=rid)
        if not found:
            raise RequestNotFoundError(rid)
        return self._evaluated(found)[0]

    @_guard
    def pending_requests(self, tag: str | None = None) -> list[PromotionRequest]:
        """Undecided requests, oldest first; expired or stale ones show that state."""
        tag = None if tag is None else validate.tag(tag)
        found = rows.requests(self._storage.db, tag=tag, open_only=True, newest_first=False)
        return self._evaluated(found)

    @_guard
    def requests(self, tag: str | None = None, limit: int = 100) -> list[PromotionRequest]:
        """Every request (decided or not), newest first, at most ``limit``."""
        tag = None if tag is None else validate.tag(tag)
        found = rows.requests(self._storage.db, tag=tag, limit=validate.count(limit, "limit"))
        return self._evaluated(found)


def _effective(r: PromotionRequest, now: str, holders: dict[str, int | None]) -> PromotionRequest:
    """``r`` with the state an approval would find: expired, stale, or as stored."""
    if not r.is_open or r.state != "pending":
        return r
    if rules.is_expired(r.expires_at, now):
        return dataclasses.replace(r, state="expired")
    if r.kind == "promote" and holders.get(r.tag, r.holder_at_request) != r.holder_at_request:
        return dataclasses.replace(r, state="stale")
    return r
