"""The app over a guide-made file full of odd values: browsing, details and lineage work."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.main import MainScreen
from tests.test_legacy import make_odd_file
from tests.tui.helpers import run, screen_text, settle, table


def test_app_browses_odd_legacy_values(tmp_path: Path) -> None:
    """Every row of an odd file (all statuses) shows, its detail opens, and the lineage of
    a parent cycle opens; nothing crashes and odd values are marked in the detail."""
    registry = ModelRegistry(make_odd_file(tmp_path / "models.db"))

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("slash", *"status:all", "enter")
        await settle(pilot)
        assert table(app).total == 12
        seen = ""
        for _ in range(12):
            await pilot.press("enter")
            await settle(pilot)
            seen += screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("l")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            await pilot.press("j")
        assert "⚠" in seen and "12.5 MB" in seen

    run(registry, scenario)
    registry.close()
