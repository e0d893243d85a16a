"""``NO_COLOR``: the app runs monochrome and every screen still draws."""

from __future__ import annotations

import pytest
from textual.filter import Monochrome, NoColor
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.help import HelpScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.promote import PromoteScreen
from tests.tui.helpers import run, settle


def test_every_screen_draws_under_no_color(
    seeded: tuple[ModelRegistry, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With NO_COLOR=1 the monochrome filter is on and main, detail, compare, lineage,
    help and promote all render (the table once failed on an unstyled segment)."""
    monkeypatch.setenv("NO_COLOR", "1")
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert any(isinstance(f, Monochrome | NoColor) for f in app.get_line_filters())
        await pilot.press("down")  # gpt-small 1.2.0: it has a parent to compare with
        for key, screen_type in [
            ("enter", DetailScreen), ("c", CompareScreen), ("l", LineageScreen),
            ("question_mark", HelpScreen), ("p", PromoteScreen),
        ]:  # fmt: skip
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type), key
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running
        assert app.return_code is None

    run(registry, scenario)
