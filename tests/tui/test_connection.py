"""Live state you can trust: the app after a database restart, a replaced or deleted file.

The PostgreSQL tests stop and start a private server of their own
(``tests.pg_server``), never the shared one. Polling is off unless a test says
otherwise, so ``ctrl+r`` decides when the app looks again; the clock the banner
reads is fixed.
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp, make_app
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.widgets.connection_banner import ConnectionBanner
from tests.pg_server import PrivateServer
from tests.tui.helpers import (
    Scenario,
    main_screen,
    notifications,
    screen_text,
    seed,
    settle,
    table,
)
from tests.tui.test_actions import go_to
from tests.tui.test_live import wait_for

FIXED = datetime(2026, 3, 4, 10, 42, 7)


def run_fixed(
    registry: ModelRegistry, scenario: Scenario, poll_interval: float | None = None
) -> RegistryApp:
    """Run ``scenario`` at 120x36 with the banner's clock fixed at 10:42:07."""
    app = make_app(registry, poll_interval=poll_interval, clock=lambda: FIXED)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await scenario(pilot, app)

    asyncio.run(main())
    return app


def banner_text(app: RegistryApp) -> str | None:
    """The disconnected banner of the current screen, or None when there is none."""
    banners = app.screen.query(ConnectionBanner)
    return str(banners.first().render()) if banners else None


async def reload(pilot: Pilot[None]) -> None:
    """ctrl+r, then wait for every worker and message."""
    await pilot.press("ctrl+r")
    await settle(pilot)
    await settle(pilot)


@pytest.mark.postgres
def test_app_survives_a_postgres_restart(private_pg: PrivateServer) -> None:
    """Server stopped: ctrl+r shows "Disconnected since 10:42:07, retrying". Server back:
    ctrl+r removes the banner, the listing shows a model registered meanwhile, the detail
    screen loads, and retiring a model works (checked in the database)."""
    registry = ModelRegistry(private_pg.url, actor="tester@host")
    ids = seed(registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert banner_text(app) is None
        private_pg.stop()
        await reload(pilot)
        text = banner_text(app)
        assert text is not None and "Disconnected since 10:42:07, retrying" in text
        assert "ctrl+r" in text
        private_pg.start()
        with ModelRegistry(private_pg.url) as other:
            other.register_model("late", "1.0.0", "c.pt", "t", verify_checkpoint=False)
        await reload(pilot)
        assert banner_text(app) is None
        assert any("Reconnected" in n for n in notifications(app))
        assert table(app).total == 5
        await go_to(pilot, app, ids["bert"])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "bert-base" in screen_text(app) and "loading" not in screen_text(app)
        await pilot.press("escape")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, 0.05)

    run_fixed(registry, scenario)
    assert registry.records.require(ids["bert"]).status == "retired"
    registry.close()


@pytest.mark.postgres
def test_app_reconnects_by_itself_with_polling(private_pg: PrivateServer) -> None:
    """With polling on, the banner appears after the stop and goes after the start without
    a key press (the app retries on its own)."""
    registry = ModelRegistry(private_pg.url, actor="tester@host")
    seed(registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        private_pg.stop()
        await wait_for(pilot, lambda: banner_text(app) is not None, timeout=10)
        private_pg.start()
        await wait_for(pilot, lambda: banner_text(app) is None, timeout=10)
        await settle(pilot)
        assert table(app).total == 4

    run_fixed(registry, scenario, poll_interval=0.1)
    registry.close()


def test_a_deleted_file_shows_the_disconnected_state_and_is_not_recreated(
    seeded: tuple[ModelRegistry, dict[str, int]], tmp_path: Path
) -> None:
    """The registry file moved away under the app: ctrl+r shows the banner naming it gone
    and no file appears; the file put back: ctrl+r brings the listing back."""
    registry, _ = seeded
    path = Path(registry.location)
    saved = tmp_path / "saved.db"

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        os.replace(path, saved)
        await reload(pilot)
        text = banner_text(app)
        assert text is not None and "gone" in text
        assert not path.exists()
        os.replace(saved, path)
        await reload(pilot)
        assert banner_text(app) is None
        assert table(app).total == 4

    run_fixed(registry, scenario)


def test_a_replaced_file_is_reopened(
    seeded: tuple[ModelRegistry, dict[str, int]], tmp_path: Path
) -> None:
    """Another registry moved over the open file: ctrl+r lists the new file's models."""
    registry, _ = seeded
    with ModelRegistry(tmp_path / "other.db") as other:
        other.register_model("replacement", "1.0.0", "c.pt", "t", verify_checkpoint=False)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        os.replace(tmp_path / "other.db", registry.location)
        await reload(pilot)
        t = table(app)
        assert t.total == 1
        record = t.record_at(0)
        assert record is not None and record.name == "replacement"

    run_fixed(registry, scenario)


def test_detail_screen_shows_a_failed_load_with_a_way_back(
    seeded: tuple[ModelRegistry, dict[str, int]],
) -> None:
    """Opening a model's details while the file is gone shows the error and how to go
    back instead of "loading…" forever; esc goes back."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["bert"])
        registry.close()
        os.unlink(registry.location)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        body = " ".join(screen_text(app).split())
        assert "Could not load model" in body and "esc back" in body
        assert "loading" not in body
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

    run_fixed(registry, scenario)


def test_the_too_small_notice_leaves_when_the_window_grows_even_after_help(
    seeded: tuple[ModelRegistry, dict[str, int]],
) -> None:
    """At 70x20 the notice shows; ? there opens nothing over it; growing back to 120x36
    leaves the main screen on top with no notice anywhere in the stack."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        from registry_tui.tui.screens.too_small import TooSmallScreen

        await pilot.resize_terminal(70, 20)
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert not any(isinstance(s, TooSmallScreen) for s in app.screen_stack)

    run_fixed(registry, scenario)


def test_a_stale_listing_result_is_ignored(seeded: tuple[ModelRegistry, dict[str, int]]) -> None:
    """A listing posted for an older generation (a slow query overtaken by a newer one)
    does not replace what the newer one showed."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        shown = [table(app).record_at(i) for i in range(table(app).total)]
        stale = registry.records.query(screen.query_model.__class__(status="retired"))
        screen.post_message(
            MainScreen.Loaded(screen.generation - 1, screen.query_model, 1, 0, stale, 0)
        )
        await settle(pilot)
        assert [table(app).record_at(i) for i in range(table(app).total)] == shown
        assert ids["old"] not in [r.model_id for r in shown if r is not None]

    run_fixed(registry, scenario)


def test_a_stale_count_or_rows_result_is_ignored(
    seeded: tuple[ModelRegistry, dict[str, int]],
) -> None:
    """An exact count or a window of rows posted for an older listing changes neither the
    shown total, its exactness nor the rows; the same count for the listing shown is taken."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen, grid = main_screen(app), table(app)
        total = grid.total
        shown = [grid.record_at(i) for i in range(total)]
        old = registry.records.query(screen.query_model.__class__(status="retired"))
        screen.total_exact = False
        screen.post_message(MainScreen.Counted(screen.generation - 1, total + 50))
        screen.post_message(MainScreen.RowsLoaded(screen.generation - 1, 0, old))
        await settle(pilot)
        assert (grid.total, screen.total_exact) == (total, False)
        assert [grid.record_at(i) for i in range(grid.total)] == shown
        grid.set_total(grid.generation - 1, total + 50)
        assert grid.total == total
        screen.post_message(MainScreen.Counted(screen.generation, total))
        await settle(pilot)
        assert screen.total_exact and ids["old"] not in [r.model_id for r in shown if r]

    run_fixed(registry, scenario)


def test_marks_on_a_model_deleted_elsewhere_are_dropped(
    seeded: tuple[ModelRegistry, dict[str, int]],
) -> None:
    """Two marked models, one deleted by another connection: after the refresh only the
    other stays marked, and the app says why."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["bert"])
        await pilot.press("space")
        await go_to(pilot, app, ids["v12"])
        await pilot.press("space")
        await settle(pilot)
        assert table(app).marked == {ids["bert"], ids["v12"]}
        with ModelRegistry(registry.location) as other:
            other.delete_model(ids["bert"], force=True)
        await reload(pilot)
        assert table(app).marked == {ids["v12"]}
        assert any("deleted elsewhere" in n for n in notifications(app))

    run_fixed(registry, scenario)


def test_retries_back_off_doubling_up_to_thirty_seconds(
    seeded: tuple[ModelRegistry, dict[str, int]],
) -> None:
    """Each failed try doubles the wait before the next (1, 2, 4 ... s), never beyond 30 s;
    the banner says when the next try is; a good read resets it."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        delays = []
        for _ in range(7):
            app.post_message(RegistryApp.Unreachable("Cannot reach the database"))
            await settle(pilot)
            delays.append(app.retry_delay)
        assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
        assert app.lost_since == FIXED
        text = banner_text(app)
        assert text is not None and "next try in 30 s" in text
        await reload(pilot)
        assert app.lost_since is None and app.retry_delay == 0.0 and banner_text(app) is None

    app = make_app(registry, poll_interval=1.0, clock=lambda: FIXED)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await scenario(pilot, app)

    asyncio.run(main())
