"""The lineage screen (l): the family tree, where its keys go, and how it follows changes."""

from __future__ import annotations

from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.widgets.lineage_tree import LineageTree
from tests.tui.helpers import main_screen, run, screen_text, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


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
