"""Snapshot tests: every screen of the app at 80x24 and 120x36, on the seeded demo registry.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the report before committing the new SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from registry_tui import ModelRegistry
from registry_tui.tui.app import make_app
from tests.tui.helpers import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


def steps(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before`` that waits for the data, presses ``keys`` and waits again."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot, 0.1)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False  # a blinking cursor would make the picture flicker

    return run_before


def snap(snap_compare: SnapCompare, registry: ModelRegistry, size: tuple[int, int],
         *keys: str) -> bool:  # fmt: skip
    """Screenshot the app after ``keys`` and compare with the stored snapshot."""
    app = make_app(registry, poll_interval=None)
    return snap_compare(app, terminal_size=size, run_before=steps(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]) -> None:
    """Main screen: table, detail pane, status line (and the sidebar at 120x36)."""
    assert snap(snap_compare, demo, size)


@pytest.mark.parametrize("size", SIZES)
def test_detail_screen(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """Detail screen of the first model (enter)."""
    assert snap(snap_compare, demo, size, "enter")


@pytest.mark.parametrize("size", SIZES)
def test_lineage_screen(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """Lineage tree of the first model's family (l)."""
    assert snap(snap_compare, demo, size, "l")


@pytest.mark.parametrize("size", SIZES)
def test_compare_screen(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """Two marked models side by side with metric bars (space marks and moves down: space,
    space, c)."""
    assert snap(snap_compare, demo, size, "space", "space", "c")


@pytest.mark.parametrize("size", SIZES)
def test_promote_modal(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """Promote dialog with 'production' typed and the change it will make."""
    keys = ("p", *"production")
    assert snap(snap_compare, demo, size, *keys)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]) -> None:
    """Help screen listing the keys (?)."""
    assert snap(snap_compare, demo, size, "question_mark")


@pytest.mark.parametrize("size", SIZES)
def test_delete_confirmation(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """Delete confirmation with the focus on No (d)."""
    assert snap(snap_compare, demo, size, "d")


@pytest.mark.parametrize("size", SIZES)
def test_filter_error(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """A bad filter token shown in red in the filter bar."""
    assert snap(snap_compare, demo, size, "slash", *"tag:production", "space", *"bogus:1")


def test_too_small_notice(snap_compare: SnapCompare, demo: ModelRegistry) -> None:
    """Below 80x24 the app shows a notice instead of its layout."""
    assert snap(snap_compare, demo, (70, 20))
