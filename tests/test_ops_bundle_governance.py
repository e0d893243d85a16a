"""dump and load carry protected tags, their requests and approvals: a registry moved
to another file or to PostgreSQL keeps its governance, never silently unprotected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.errors import ApprovalRequired
from registry_tui.ops.bundle import BundleConflictError
from tests.conftest import FixedClock
from tests.governance.helpers import acting_as, holder, two_models


def _governed(registry: ModelRegistry, mp: pytest.MonkeyPatch) -> dict[str, int]:
    """``production`` protected (two approvals), one request applied, one half-approved."""
    a, b = two_models(registry)
    c = registry.register_model("c", "1.0.0", "c.pt", "lm", verify_checkpoint=False)
    with acting_as(mp, "admin"):
        registry.protect_tag("production", reviewers=["rev1", "rev2"], approvals=2)
    with acting_as(mp, "trainer"):
        applied = registry.request_promotion(b, "production", "better val_loss")
    for reviewer in ("rev1", "rev2"):
        with acting_as(mp, reviewer):
            registry.approve(applied, comment=f"ok from {reviewer}")
    with acting_as(mp, "trainer"):
        half = registry.request_promotion(c, "production", "try c [b]next[/b]")
    with acting_as(mp, "rev1"):
        registry.approve(half)
    return {"a": a, "b": b, "c": c, "applied": applied, "half": half}


@pytest.fixture
def governed(
    sqlite_registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> tuple[ModelRegistry, dict[str, int]]:
    return sqlite_registry, _governed(sqlite_registry, monkeypatch)


def _state(registry: ModelRegistry) -> tuple[Any, ...]:
    return (
        registry.protections(),
        registry.requests(limit=100),
        registry.pending_requests(),
        holder(registry),
    )


def test_the_bundle_holds_protections_requests_and_approvals(
    governed: tuple[ModelRegistry, dict[str, int]],
) -> None:
    """Each governance table is in the bundle, approvals in (request, reviewer) order,
    and the request counter with the other counters."""
    registry, ids = governed
    bundle = registry.dump_bundle()
    assert [p["tag"] for p in bundle["tag_protections"]] == ["production"]
    assert bundle["tag_protections"][0]["reviewers"] == ["rev1", "rev2"]
    assert [r["request_id"] for r in bundle["promotion_requests"]] == [ids["applied"], ids["half"]]
    assert [(a["request_id"], a["reviewer"]) for a in bundle["request_approvals"]] == [
        (ids["applied"], "rev1"), (ids["applied"], "rev2"), (ids["half"], "rev1"),
    ]  # fmt: skip
    assert bundle["sequences"]["promotion_requests"] == ids["half"]


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_a_moved_registry_keeps_its_governance(
    governed: tuple[ModelRegistry, dict[str, int]],
    target: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    clock: FixedClock,
) -> None:
    """SQLite -> load into a new SQLite file or PostgreSQL: the same protections, requests
    (applied and pending, approvals kept) and holder; the tag is still protected; the
    bundle dumped again is byte for byte the same; a new request takes a fresh id."""
    registry, ids = governed
    first = registry.dump(tmp_path / "a.json")
    url = str(tmp_path / "moved.db") if target == "sqlite" else request.getfixturevalue("pg_url")
    with ModelRegistry(url, clock=clock) as moved:
        moved.load(first)
        assert _state(moved) == _state(registry)
        assert moved.dump(tmp_path / "b.json").read_bytes() == first.read_bytes()
        with pytest.raises(ApprovalRequired, match="Tag 'production' is protected"):
            moved.promote_model(ids["a"], "production")
        with acting_as(monkeypatch, "trainer"):
            fresh = moved.request_promotion(ids["a"], "production", "back to a")
        assert fresh == ids["half"] + 1
        with acting_as(monkeypatch, "rev2"):
            assert moved.approve(ids["half"]).state == "applied"  # rev1's approval came along
        assert holder(moved) == ids["c"]


def test_a_different_protection_conflicts_and_nothing_is_written(
    governed: tuple[ModelRegistry, dict[str, int]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Loading into a registry protecting the tag otherwise is refused, naming it: a
    load never replaces a protection."""
    registry, _ = governed
    bundle = registry.dump_bundle()
    bundle["models"], bundle["model_tags"], bundle["registry_events"] = [], [], []
    bundle["model_configs"], bundle["checkpoint_hashes"], bundle["model_exports"] = [], [], []
    bundle["promotion_requests"], bundle["request_approvals"] = [], []
    with ModelRegistry(tmp_path / "other.db") as other:
        with acting_as(monkeypatch, "admin"):
            other.protect_tag("production", approvals=1)
        with pytest.raises(BundleConflictError, match="tag_protections 'production'"):
            other.load(bundle)
        assert other.protection("production").approvals == 1  # type: ignore[union-attr]


def test_approvals_of_an_unknown_request_are_refused(
    governed: tuple[ModelRegistry, dict[str, int]], tmp_path: Path
) -> None:
    """An approval whose request is neither in the bundle nor in the registry: refused."""
    registry, ids = governed
    bundle = registry.dump_bundle()
    bundle["promotion_requests"] = [
        r for r in bundle["promotion_requests"] if r["request_id"] != ids["half"]
    ]
    with ModelRegistry(tmp_path / "other.db") as other:
        with pytest.raises(BundleConflictError, match=f"request {ids['half']} refer"):
            other.load(bundle)
        assert other.protections() == {}
