"""Protected tags on both backends: refusals, approvals, expiry, staleness, history."""

from __future__ import annotations

import pytest

from registry_tui import ModelRegistry
from registry_tui.errors import ApprovalRefused, ApprovalRequired, RequestNotFoundError
from tests.conftest import FixedClock
from tests.governance.helpers import acting_as, holder, two_models


def _protected(registry: ModelRegistry, mp: pytest.MonkeyPatch, **kw: object) -> tuple[int, int]:
    a, b = two_models(registry)
    with acting_as(mp, "admin"):
        registry.protect_tag("production", **kw)  # type: ignore[arg-type]
    return a, b


def test_direct_changes_of_a_protected_tag_are_refused(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """promote, rollback, untag, register with the tag, retire and delete of the holder
    all raise ApprovalRequired naming the tag and how to request; nothing changes."""
    a, b = _protected(registry, monkeypatch)
    expected = (
        f"Tag 'production' is protected: request the move with registry-tui request "
        f'--model-id {b} --tag production --reason "..." (it needs 1 approval)'
    )
    with pytest.raises(ApprovalRequired) as caught:
        registry.promote_model(b, "production")
    assert str(caught.value) == expected
    attempts = [
        lambda: registry.remove_tag(a, "production"),
        lambda: registry.retire_model(a),
        lambda: registry.delete_model(a, force=True),
        lambda: registry.register_model(
            "c", "1.0.0", "c.pt", "lm", verify_checkpoint=False, tags=["production"]
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ApprovalRequired, match="Tag 'production' is protected"):
            attempt()
    assert holder(registry) == a
    assert registry.get_model(a)["status"] == "active"  # type: ignore[index]
    assert registry.get_model(name="c", version="1.0.0") is None


def test_a_rollback_of_a_protected_tag_is_refused(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rollback that would give the tag back to its previous holder needs a request
    naming that model."""
    a, b = two_models(registry)
    registry.promote_model(b, "production")
    registry.promote_model(a, "production")
    with acting_as(monkeypatch, "admin"):
        registry.protect_tag("production")
    with pytest.raises(ApprovalRequired, match=f"--model-id {b} --tag production"):
        registry.rollback_tag("production")
    assert holder(registry) == a


def test_an_approval_moves_the_tag_and_records_who_approved(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two approvals needed, the first leaves the request pending and the tag put;
    the second applies it: the tag moves, the promote event names the request and both
    approvers, and request/approve events are in the history."""
    a, b = _protected(registry, monkeypatch, approvals=2, reviewers=["rev1", "rev2"])
    with acting_as(monkeypatch, "trainer"):
        rid = registry.request_promotion(b, "production", "lower val_loss")
    with acting_as(monkeypatch, "rev1"):
        first = registry.approve(rid, comment="looks good")
    assert first.state == "pending" and [x.reviewer for x in first.approvals] == ["rev1"]
    assert holder(registry) == a
    with acting_as(monkeypatch, "rev2"):
        done = registry.approve(rid)
    assert done.state == "applied" and done.decided_by == "rev2" and not done.is_open
    assert holder(registry) == b
    events = registry.events(tag="production", limit=None)
    promote = events[0]
    assert promote.event == "promote" and promote.model_id == b
    assert promote.details["request_id"] == rid
    assert promote.details["approved_by"] == ["rev1", "rev2"]
    assert [e.event for e in events[:5]] == ["promote", "approve", "approve", "request", "protect"]
    assert registry.pending_requests() == []


def test_self_approval_double_approval_and_strangers_are_refused(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The requester cannot approve their own request; nobody approves twice; a user not
    among the reviewers cannot approve; each refusal names the request and writes nothing."""
    a, b = _protected(registry, monkeypatch, approvals=2, reviewers=["trainer", "rev1", "rev2"])
    with acting_as(monkeypatch, "trainer"):
        rid = registry.request_promotion(b, "production", "better")
        with pytest.raises(ApprovalRefused, match=f"trainer requested request {rid}"):
            registry.approve(rid)
    with acting_as(monkeypatch, "rev1"):
        registry.approve(rid)
        with pytest.raises(ApprovalRefused, match=f"already approved request {rid}"):
            registry.approve(rid)
    with (
        acting_as(monkeypatch, "mallory"),
        pytest.raises(ApprovalRefused, match="not a reviewer of tag 'production'"),
    ):
        registry.approve(rid)
    r = registry.request(rid)
    assert r.state == "pending" and [x.reviewer for x in r.approvals] == ["rev1"]
    assert holder(registry) == a


def test_self_approval_counts_when_allowed(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With allow_self_approval the requester's own approval applies the request."""
    _a, b = _protected(registry, monkeypatch, allow_self_approval=True)
    with acting_as(monkeypatch, "trainer"):
        rid = registry.request_promotion(b, "production", "better")
        assert registry.approve(rid).state == "applied"
    assert holder(registry) == b


def test_an_expired_request_is_reported_then_closed_by_an_approval(
    registry: ModelRegistry, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past its lifetime a request shows as expired; approving it is refused, closes it as
    expired with an ``expire`` event, and the tag stays."""
    from datetime import timedelta

    a, b = _protected(registry, monkeypatch, request_ttl="1h")
    with acting_as(monkeypatch, "trainer"):
        rid = registry.request_promotion(b, "production", "better")
    assert registry.request(rid).expires_at is not None
    clock.now += timedelta(hours=2)
    assert [r.state for r in registry.pending_requests()] == ["expired"]
    with (
        acting_as(monkeypatch, "rev"),
        pytest.raises(ApprovalRefused, match=f"Request {rid} expired at"),
    ):
        registry.approve(rid)
    closed = registry.request(rid)
    assert closed.state == "expired" and not closed.is_open
    assert registry.pending_requests() == []
    assert registry.events(tag="production", limit=1)[0].event == "expire"
    assert holder(registry) == a


def test_a_request_goes_stale_when_the_holder_changes(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request made while model a held the tag is stale once another request moved the
    tag: reported stale, refused on approval (saying who holds it now), closed as stale."""
    _a, b = _protected(registry, monkeypatch)
    c = registry.register_model("c", "1.0.0", "c.pt", "lm", verify_checkpoint=False)
    with acting_as(monkeypatch, "trainer"):
        first = registry.request_promotion(b, "production", "b is better")
        second = registry.request_promotion(c, "production", "c is better")
    with acting_as(monkeypatch, "rev"):
        registry.approve(first)
        assert registry.request(second).state == "stale"
        with pytest.raises(ApprovalRefused, match=f"tag 'production' is now held by model {b}"):
            registry.approve(second)
    assert registry.request(second).state == "stale"
    assert registry.events(tag="production", limit=1)[0].event == "stale"
    assert holder(registry) == b


def test_reject_cancel_and_decided_requests(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewer rejects with a reason; only the requester cancels; a decided request
    cannot be approved, rejected or cancelled again; an unknown id is a LookupError."""
    a, b = _protected(registry, monkeypatch, reviewers=["rev"])
    with acting_as(monkeypatch, "trainer"):
        r1 = registry.request_promotion(b, "production", "one")
        r2 = registry.request_promotion(b, "production", "two")
    with acting_as(monkeypatch, "rev"):
        rejected = registry.reject(r1, "not yet")
        with pytest.raises(ApprovalRefused, match=f"Only trainer, who made request {r2}"):
            registry.cancel(r2)
    assert rejected.state == "rejected" and rejected.decision_note == "not yet"
    with acting_as(monkeypatch, "trainer"):
        with pytest.raises(ApprovalRefused, match="not a reviewer"):
            registry.reject(r2, "no")
        assert registry.cancel(r2).state == "cancelled"
    with (
        acting_as(monkeypatch, "rev"),
        pytest.raises(ApprovalRefused, match=f"Request {r1} is already rejected"),
    ):
        registry.approve(r1)
    with pytest.raises(RequestNotFoundError):
        registry.request(999)
    kinds = [e.event for e in registry.events(tag="production", limit=3)]
    assert kinds == ["cancel", "reject", "request"]
    assert holder(registry) == a


def test_unprotect_is_itself_a_reviewed_change(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing a protection is refused; unprotect_tag makes a request that, approved,
    lifts the protection (an ``unprotect`` event); then the tag moves directly again."""
    _a, b = _protected(registry, monkeypatch)
    with acting_as(monkeypatch, "admin"):
        assert registry.protect_tag("production").approvals == 1  # same settings: unchanged
        with pytest.raises(ValueError, match="already protected"):
            registry.protect_tag("production", approvals=3)
        rid = registry.unprotect_tag("production", "release freeze over")
    assert registry.protection("production") is not None
    with acting_as(monkeypatch, "rev"):
        assert registry.approve(rid).state == "applied"
    assert registry.protections() == {}
    assert registry.events(tag="production", limit=1)[0].event == "unprotect"
    registry.promote_model(b, "production")
    assert holder(registry) == b


def test_break_glass_moves_a_protected_tag_and_says_so(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The break-glass promote (the test role is the registry's owner) moves the tag with
    a ``break_glass`` event carrying the reason; a rollback still finds the history."""
    a, b = _protected(registry, monkeypatch)
    result = registry.break_glass_promote(b, "production", "incident 42")
    assert result.changed and [m.model_id for m in result.removed_from] == [a]
    event = registry.events(tag="production", limit=1)[0]
    assert event.event == "break_glass" and event.details["reason"] == "incident 42"
    assert holder(registry) == b


def test_bad_arguments_are_one_line_errors(registry: ModelRegistry) -> None:
    """Bad protections and requests are refused with a clear ValueError, nothing stored."""
    _a, b = two_models(registry)
    for bad in (
        lambda: registry.protect_tag("production", approvals=0),
        lambda: registry.protect_tag("production", reviewers=["bad name"]),
        lambda: registry.protect_tag("production", request_ttl="soon"),
        lambda: registry.request_promotion(b, "production", "unprotected tag"),
        lambda: registry.request_promotion(b, "production", ""),
    ):
        with pytest.raises(ValueError) as caught:
            bad()
        assert "\n" not in str(caught.value)
    assert registry.protections() == {}


def test_on_sqlite_the_identity_is_the_os_user_and_advisory(
    sqlite_registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite who you are is the operating-system user (not the ``actor``), labelled
    not enforced; a ``role:GROUP`` reviewer is a member of that OS group."""
    import getpass
    import grp
    import os

    who = sqlite_registry.identity()
    assert (who.name, who.enforced, who.backend) == (getpass.getuser(), False, "sqlite")
    assert who.name != sqlite_registry.actor
    _a, b = two_models(sqlite_registry)
    group = grp.getgrgid(os.getgid()).gr_name
    sqlite_registry.protect_tag("production", reviewers=[f"role:{group}"])
    with acting_as(monkeypatch, "trainer"):
        rid = sqlite_registry.request_promotion(b, "production", "better")
    with (
        acting_as(monkeypatch, "no-such-user-x"),
        pytest.raises(ApprovalRefused, match="not a reviewer"),
    ):
        sqlite_registry.approve(rid)
    assert sqlite_registry.approve(rid).state == "applied"
    assert holder(sqlite_registry) == b
