"""The app itself: database work that fails unexpectedly."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.history import HistoryScreen
from tests.tui.helpers import notifications, run, settle

Seeded = tuple[ModelRegistry, dict[str, int]]


def test_an_unexpected_error_in_a_screens_worker_is_one_line_not_a_crash(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A history load that raises something the registry never raises leaves the app
    running and says, in one notification, which work failed and the kind of error,
    without the error's text (it may quote row data)."""
    registry, _ = seeded

    def boom(*_: Any, **__: Any) -> None:
        raise RuntimeError("row data: secret-checkpoint.pt")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        monkeypatch.setattr(registry.records, "events", boom)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and app.is_running
        shown = [n for n in notifications(app) if "failed unexpectedly" in n]
        assert shown == [
            "Loading the history failed unexpectedly (RuntimeError); ctrl+r tries again"
        ]
        assert not any("secret" in n for n in notifications(app))

    run(registry, scenario)
