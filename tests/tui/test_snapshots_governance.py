"""Snapshot tests of protected tags in the app: the pending-requests screen, the promote
dialog on a protected tag, and a break-glass promote in the history.

Update with ``pytest tests/tui/test_snapshots_governance.py --snapshot-update``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.tui.screens import pending
from tests.conftest import FixedClock
from tests.tui.helpers import seed
from tests.tui.test_snapshots import SIZES, SnapCompare, snap


@pytest.fixture
def governed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> ModelRegistry:
    """The seeded registry (at a relative path, the same on every run) with ``production``
    protected (two approvals from bob or carol) and ``staging`` protected with a
    one-minute time to live: alice asked for 1.2.0 in production (bob approved once) and
    for bert in staging (expired since). The pending view's clock reads two hours on."""
    monkeypatch.chdir(tmp_path)
    registry = ModelRegistry("models.db", clock=clock, actor="tester@host")
    ids = seed(registry)
    registry.protect_tag("production", reviewers=("bob", "carol"), approvals=2)
    registry.protect_tag("staging", request_ttl=60)
    monkeypatch.setenv("LOGNAME", "alice")
    first = registry.request_promotion(ids["v12"], "production", "val_loss 0.42 -> 0.40")
    registry.request_promotion(ids["bert"], "staging", "try it on staging")
    monkeypatch.setenv("LOGNAME", "bob")
    registry.approve(first, comment="checked the eval set")
    clock.now += timedelta(hours=2)
    monkeypatch.setenv("LOGNAME", "carol")
    monkeypatch.setattr(pending, "utc_now", lambda: datetime(2026, 1, 1, 14, 0, 30))
    return registry


@pytest.mark.parametrize("size", SIZES)
def test_pending_screen(
    snap_compare: SnapCompare, governed: ModelRegistry, size: tuple[int, int]
) -> None:
    """P: two requests (one 1/2 approvals, one expired), the first in full with the
    comparison against production's holder, and the advisory label (SQLite)."""
    assert snap(snap_compare, governed, size, "P")


def test_pending_approve_confirmation(snap_compare: SnapCompare, governed: ModelRegistry) -> None:
    """a on the first request: the question says this approval moves the tag now."""
    assert snap(snap_compare, governed, (80, 24), "P", "a")


def test_promote_modal_on_a_protected_tag(
    snap_compare: SnapCompare, governed: ModelRegistry
) -> None:
    """p with 'production' typed: the preview says the tag is protected and enter requests."""
    assert snap(snap_compare, governed, (80, 24), "p", *"production")
