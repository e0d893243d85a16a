"""Snapshot tests: every screen of the app at 80x24 and 120x36, on the seeded demo registry.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the report before committing the new SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from registry_tui import ModelRegistry
from registry_tui.checkpoints import facts
from registry_tui.tui.app import make_app
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.lineage import LineageScreen
from tests.checkpoints.builders import write_safetensors
from tests.tui.helpers import settle
from tests.tui.test_checkpoint_hostile import HOSTILE_ESTIMATE, HOSTILE_FACTS
from tests.tui.test_checkpoint_panel import ESTIMATE, RECORDED, TENSORS, register
from tests.tui.test_compare_lineage import chain

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
def test_card_screen(snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]) -> None:
    """Model card preview of the first model (enter, m): front matter, title, summary."""
    assert snap(snap_compare, demo, size, "enter", "m")


@pytest.mark.parametrize("size", SIZES)
def test_lineage_screen(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """Lineage tree of the first model's family (l)."""
    assert snap(snap_compare, demo, size, "l")


SEVEN = [10, 12, 15, 17, 21, 8, 3]
"""Seven models of the demo's gpt-small family (seed 0): a comparison wider than 80 columns."""


@pytest.mark.parametrize("size", SIZES)
def test_compare_screen(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """Seven models side by side: all at 120x36, a scrollable window of them at 80x24."""
    app = make_app(demo, poll_interval=None)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app.push_screen(CompareScreen(demo, SEVEN))
        await settle(pilot, 0.1)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_lineage_of_a_50_deep_chain(
    snap_compare: SnapCompare, sqlite_registry: ModelRegistry
) -> None:
    """A 50-step fine-tune chain at 80x24: one column of nodes, the cursor on the last one."""
    ids = chain(sqlite_registry, 50)
    app = make_app(sqlite_registry, poll_interval=None)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app.push_screen(LineageScreen(sqlite_registry, ids[-1]))
        await settle(pilot, 0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


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
def test_detail_help_screen(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """Help of the detail screen: its actions under plain section titles (enter, ?)."""
    assert snap(snap_compare, demo, size, "enter", "question_mark")


@pytest.mark.parametrize("size", SIZES)
def test_history_screen(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """The registry's history, newest first, with actors and times (h)."""
    assert snap(snap_compare, demo, size, "h")


@pytest.mark.parametrize("size", SIZES)
def test_copy_modal(snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]) -> None:
    """What y offers to copy, each with a preview (enter, y)."""
    assert snap(snap_compare, demo, size, "enter", "y")


@pytest.mark.parametrize("size", SIZES)
def test_rollback_modal(
    snap_compare: SnapCompare, demo: ModelRegistry, size: tuple[int, int]
) -> None:
    """The rollback dialog: tags in use and who would hold the highlighted one (b)."""
    assert snap(snap_compare, demo, size, "b")


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


@pytest.fixture
def checkpointed(
    sqlite_registry: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ModelRegistry:
    """One model whose metadata holds recorded checkpoint facts and a memory estimate, its
    checkpoint a real safetensors file at a relative path (the same on every run)."""
    monkeypatch.chdir(tmp_path)
    write_safetensors(tmp_path / "model.safetensors", TENSORS)
    metadata = {facts.KEY: RECORDED, facts.ESTIMATE_KEY: ESTIMATE}
    register(sqlite_registry, "model.safetensors", metadata, memory_req_gb=17.4)
    return sqlite_registry


def panel_keys(size: tuple[int, int]) -> tuple[str, ...]:
    """Scroll the detail page down to the checkpoint panel (below fields and metrics)."""
    return ("enter", *["j"] * 17)


@pytest.mark.parametrize("size", SIZES)
def test_checkpoint_panel(
    snap_compare: SnapCompare, checkpointed: ModelRegistry, size: tuple[int, int]
) -> None:
    """The detail page's checkpoint panel: format, parameters by dtype, sizes, optimizer
    state, architecture and the memory estimate, with ``~17.4 GB``."""
    assert snap(snap_compare, checkpointed, size, *panel_keys(size))


@pytest.mark.parametrize("size", SIZES)
def test_checkpoint_inspected_now(
    snap_compare: SnapCompare, checkpointed: ModelRegistry, size: tuple[int, int]
) -> None:
    """``i`` on the detail page: the file read now, as ``registry-tui inspect`` shows it,
    with the line comparing it with what was recorded."""
    assert snap(snap_compare, checkpointed, size, "enter", "i")


def test_checkpoint_panel_no_color(
    snap_compare: SnapCompare, checkpointed: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checkpoint panel with NO_COLOR set, at 80x24: monochrome, still legible."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap(snap_compare, checkpointed, (80, 24), *panel_keys((80, 24)))


def test_checkpoint_panel_hostile(
    snap_compare: SnapCompare, sqlite_registry: ModelRegistry
) -> None:
    """Hostile recorded facts at 80x24: markup, escape sequences and bidi overrides shown
    as typed (escaped), long values cut."""
    metadata = {facts.KEY: HOSTILE_FACTS, facts.ESTIMATE_KEY: HOSTILE_ESTIMATE}
    register(sqlite_registry, "ckpt/model.pt", metadata, memory_req_gb=14.2)
    assert snap(snap_compare, sqlite_registry, (80, 24), *panel_keys((80, 24)))


@pytest.mark.parametrize("size", SIZES)
def test_detail_screen_with_its_run(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:  # fmt: skip
    """Detail screen of a model whose run an ExperimentDB holds: the run panel (name,
    status, created, notes, final and best of each metric) under the metrics."""
    from tests import experimentdb
    from tests.conftest import FixedClock

    monkeypatch.chdir(tmp_path)
    run_id = experimentdb.sample(Path("experiments.db"))["baseline"]
    registry = ModelRegistry("models.db", clock=FixedClock(), experiments="experiments.db")
    registry.register_model(
        "gpt-small", "1.0.0", "ckpt/epoch_20.pt", "language_modeling",
        metrics={"val_loss": 1.1, "accuracy": 0.75}, training_run_id=run_id,
        verify_checkpoint=False, inspect=False,
    )  # fmt: skip
    assert snap(snap_compare, registry, size, "enter")
