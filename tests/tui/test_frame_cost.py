"""The main screen does the costly redraws (layout passes) only when something changed."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.widgets import detail_pane
from registry_tui.tui.widgets.detail_pane import DetailPane
from tests.tui.helpers import main_screen, run, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


def test_the_detail_pane_draws_once_per_burst_and_not_twice_the_same(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several models highlighted before the next refresh draw the pane once, for the last;
    showing the model already drawn (its full record adds nothing) draws nothing."""
    registry, _ = seeded
    drawn: list[int] = []
    real = detail_pane.detail_pane_renderable

    def counting(record, **directions):  # type: ignore[no-untyped-def]
        drawn.append(record.model_id)
        return real(record, **directions)

    monkeypatch.setattr(detail_pane, "detail_pane_renderable", counting)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        pane = main_screen(app).query_one(DetailPane)
        first, second, third = (table(app).record_at(i) for i in range(3))
        assert first is not None and second is not None and third is not None
        drawn.clear()
        pane.show(second)
        pane.show(third)
        await settle(pilot, 0.05)
        assert drawn == [third.model_id]
        assert pane.model_id == third.model_id
        pane.show(third)
        await settle(pilot, 0.05)
        assert drawn == [third.model_id]

    run(registry, scenario)


def test_listings_update_the_status_line_and_filter_bar_without_a_layout_pass(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new listing rewrites the one-line status line in place and leaves the (hidden,
    empty) filter error alone: neither asks the screen to lay itself out again."""
    registry, _ = seeded
    layouts: list[str | None] = []
    real = Static.refresh

    def spying(self: Static, *args: object, layout: bool = False, **kwargs: object) -> object:
        if layout and self.id in ("status-line", "filter-error"):
            layouts.append(self.id)
        return real(self, *args, layout=layout, **kwargs)  # type: ignore[arg-type]

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        monkeypatch.setattr(Static, "refresh", spying)
        screen = main_screen(app)
        screen.filter_bar.input.value = "gpt"
        await settle(pilot, 0.2)
        screen.filter_bar.input.value = ""
        await settle(pilot, 0.2)
        assert layouts == []

    run(registry, scenario)
