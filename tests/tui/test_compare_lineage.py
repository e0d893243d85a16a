"""Comparison (space, c) and lineage (l) screens: what they show and where enter goes."""

from __future__ import annotations

from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.render import comparison_rows
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.widgets.lineage_tree import LineageTree
from registry_tui.tui.widgets.metric_bars import bar, bar_fractions
from tests.tui.helpers import main_screen, notifications, run, screen_text, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


def test_space_marks_and_c_compares_the_marked_models(seeded: Seeded) -> None:
    """Marked models appear side by side with the best value starred and config differences."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "space", "j", "space")  # v12 and v11
        await settle(pilot)
        assert table(app).marked == {ids["v12"], ids["v11"]}
        assert "2 marked" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.model_ids == sorted([ids["v11"], ids["v12"]])
        text = screen_text(app)
        assert "gpt-small 1.1.0" in text and "gpt-small 1.2.0" in text
        assert "0.4 ★" in text  # v12 has the best val_loss
        assert "0.86 ★" in text  # and the best accuracy
        assert "Config differences" in text and "d_model" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("escape")  # esc clears the marks
        assert table(app).marked == set()

    run(registry, scenario)


def test_c_without_marks_compares_the_model_with_its_parent(seeded: Seeded) -> None:
    """With nothing marked, c compares the highlighted model with its parent."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "c")  # v12, parent v11
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.model_ids == [ids["v11"], ids["v12"]]
        await pilot.press("escape", "g", "c")  # bert has no parent
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("no parent" in n for n in notifications(app))

    run(registry, scenario)


def test_metric_bars_scale_between_the_row_extremes() -> None:
    """The smallest value gets a short bar, the largest a full one; missing values none."""
    assert bar_fractions([1.0, 2.0, None]) == [0.15, 1.0, None]
    assert bar_fractions([3.0, 3.0]) == [1.0, 1.0]
    assert bar(1.0, 4) == "████" and bar(0.5, 4) == "██  "


def test_comparison_uses_the_cli_direction_rules(seeded: Seeded) -> None:
    """Lower is better for losses, higher for accuracy: the same rows the CLI prints."""
    registry, ids = seeded
    records = registry.compare_records([ids["v11"], ids["v12"]])
    rows = {r.metric: r for r in comparison_rows(records)}
    assert rows["val_loss"].lower_better and rows["val_loss"].best == {1}
    assert not rows["accuracy"].lower_better and rows["accuracy"].best == {1}


def test_lineage_shows_the_whole_family_with_deltas(seeded: Seeded) -> None:
    """l shows root to leaves, the current model highlighted, each node's key-metric change."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "j", "l")  # v11, in the middle of the family
        await settle(pilot)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LineageScreen)
        tree = screen.query_one(LineageTree)
        assert list(tree.records) == [ids["base"], ids["v11"], ids["v12"]]
        assert tree.cursor_node is not None and tree.cursor_node.data == ids["v11"]
        text = screen_text(app)
        assert "gpt-small 1.0.0" in text and "gpt-small 1.2.0" in text
        assert "(-0.08)" in text  # v11's val_loss against v10's
        assert "vs parent" in text

    run(registry, scenario)


def test_enter_in_lineage_jumps_to_that_model(seeded: Seeded) -> None:
    """enter on another node closes the tree and puts the table cursor on that model."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "l")  # v12
        await settle(pilot)
        await pilot.pause()
        await pilot.press("k", "k", "enter")  # up to the root
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        current = table(app).current
        assert current is not None and current.model_id == ids["base"]

    run(registry, scenario)


def test_lineage_jump_to_a_model_outside_the_listing_opens_its_details(seeded: Seeded) -> None:
    """A family member the filter hides is shown on its detail screen instead."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).filter_bar.set_text("name:gpt-small tag:staging")
        await settle(pilot, 0.05)
        await pilot.press("l")
        await settle(pilot)
        await pilot.pause()
        await pilot.press("k", "enter")  # v11 is not in the filtered listing
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.model_id == ids["v11"]

    run(registry, scenario)


def test_lineage_and_compare_use_the_registrys_metric_directions(seeded: Seeded) -> None:
    """With ``val_loss`` recorded as higher-is-better, the compare screen stars the higher
    val_loss and the lineage tree gets the direction for its deltas."""
    registry, _ = seeded
    registry.set_metric_direction("val_loss", False)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "c")  # v12 with its parent v11
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert "0.4 ★" not in screen_text(app)  # v12's lower val_loss is no longer best
        await pilot.press("escape", "l")
        await settle(pilot)
        assert isinstance(app.screen, LineageScreen)
        tree = app.screen.query_one(LineageTree)
        assert tree.higher == ["val_loss"] and tree.lower == []

    run(registry, scenario)
