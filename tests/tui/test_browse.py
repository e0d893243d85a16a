"""Browsing: the first screen, moving, the detail pane and screen, sidebar, sizes, help."""

from __future__ import annotations

from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.help import HelpScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.too_small import TooSmallScreen
from registry_tui.tui.widgets.detail_pane import DetailPane
from registry_tui.tui.widgets.sidebar import Sidebar
from tests.tui.helpers import (
    main_screen,
    run,
    screen_text,
    seed,
    settle,
    status_text,
    table,
    table_ids,
)

Seeded = tuple[ModelRegistry, dict[str, int]]


def test_first_screen_lists_active_models_newest_first(seeded: Seeded) -> None:
    """The table shows the active models (newest first), the status line counts them."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert table_ids(app) == [ids["bert"], ids["v12"], ids["v11"], ids["base"]]
        assert status_text(app).startswith("4 models · row 1")
        assert table(app).has_focus

    run(registry, scenario)


def test_movement_keys_and_detail_pane_follow_the_cursor(seeded: Seeded) -> None:
    """j/k/down/up move one row, G/g jump to the ends; the detail pane follows the cursor."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        pane = main_screen(app).query_one(DetailPane)
        for key, row in [("j", 1), ("down", 2), ("k", 1), ("up", 0), ("G", 3), ("g", 0)]:
            await pilot.press(key)
            await settle(pilot)
            assert t.cursor == row, key
        await pilot.press("j")
        await settle(pilot)
        assert pane.model_id == ids["v12"]
        assert "row 2" in status_text(app)

    run(registry, scenario)


def test_enter_opens_detail_screen_with_history_and_esc_goes_back(seeded: Seeded) -> None:
    """enter opens the detail screen (fields, metrics, history); esc returns to the table."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "j", "enter")  # gpt-small 1.1.0
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.model_id == ids["v11"]
        text = screen_text(app)
        assert f"gpt-small 1.1.0 #{ids['v11']}" in text
        assert "checkpoint_path" in text and "ckpt/v11.pt" in text
        assert "val_loss" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert table(app).cursor == 2

    run(registry, scenario)


def test_detail_screen_lists_the_events_of_the_model(seeded: Seeded) -> None:
    """The history section names the model's events (register, promote)."""
    registry, ids = seeded
    registry.promote_model(ids["v12"], "production")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).open_detail(ids["v12"])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        text = screen_text(app)
        assert "History" in text
        assert "register" in text and "promote" in text

    run(registry, scenario, size=(160, 60))


def test_sidebar_shows_counts_folds_at_80_and_s_brings_it_back(seeded: Seeded) -> None:
    """At 120 wide the sidebar lists task types and tags with counts; at 80 it folds; s toggles."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        sidebar = main_screen(app).query_one(Sidebar)
        assert sidebar.display
        prompts = [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]
        assert len(prompts) > 5
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not sidebar.display
        await pilot.press("s")
        assert sidebar.display
        await pilot.press("s")
        assert not sidebar.display

    run(registry, scenario)


def test_sidebar_pick_filters_by_task(seeded: Seeded) -> None:
    """Choosing a task type in the sidebar fills the filter bar and narrows the table."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        sidebar = screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("task-0")  # the first task type
        await pilot.press("enter")
        await settle(pilot, 0.1)
        assert screen.filter_bar.text == "task:classification"
        assert table_ids(app) == [ids["bert"]]
        assert table(app).has_focus

    run(registry, scenario)


def test_too_small_terminal_shows_a_notice_until_it_grows(seeded: Seeded) -> None:
    """Below 80x24 a 'terminal too small' notice replaces the layout; growing restores it."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "Terminal too small" in screen_text(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

    run(registry, scenario)


def test_help_lists_every_key_and_esc_never_quits(seeded: Seeded) -> None:
    """? opens help built from the bindings; esc closes it; esc on the main screen never quits."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {row.description for row in app.screen.rows}
        for action in (
            "Promote",
            "Retire",
            "Delete",
            "Compare",
            "Lineage",
            "Filter",
            "Mark and move down",
            "Copy",
            "Reload",
            "Remove tag",
            "Quit",
            "Open",
            "Last model",
        ):
            assert action in described, action
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("escape", "escape")
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    run(registry, scenario)


def test_ctrl_r_reloads_changes_made_elsewhere(seeded: Seeded, db_path: object) -> None:
    """ctrl+r shows a model registered by another connection, with no poll running."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        with ModelRegistry(registry.location) as other:
            other.register_model(
                "late", "1.0.0", "ckpt/late.pt", "classification", verify_checkpoint=False
            )
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert table(app).total == 5
        assert table(app).record_at(0).name == "late"  # type: ignore[union-attr]

    run(registry, scenario)


def test_app_browses_and_promotes_on_every_backend(registry: ModelRegistry) -> None:
    """On SQLite and PostgreSQL alike: the listing shows, and p moves an exclusive tag."""
    ids = seed(registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert table_ids(app) == [ids["bert"], ids["v12"], ids["v11"], ids["base"]]
        await pilot.press("j", "p", *"production", "enter")
        await settle(pilot, 0.05)

    run(registry, scenario)
    assert [r.model_id for r in registry.records.tag_holders("production")] == [ids["v12"]]
