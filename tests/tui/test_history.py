"""The history screen, restore and rollback from the app, and the help screens."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.help import HelpScreen, help_table
from registry_tui.tui.screens.history import (
    PAGE,
    HistoryFilter,
    HistoryScreen,
    parse_history_filter,
)
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.rollback import RollbackScreen
from tests.tui.helpers import main_screen, notifications, run, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


def history_text(app: RegistryApp) -> str:
    """The history screen's body as plain text, every line (scrolled out or not)."""
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    body = screen.query_one("#history-body")
    from textual.geometry import Region

    strips = body.render_lines(Region(0, 0, body.size.width, body.size.height))
    return "\n".join(s.text.rstrip() for s in strips)


async def type_filter(pilot: Pilot[None], text: str) -> None:
    """Replace the history filter with ``text`` and wait for the page."""
    field = pilot.app.screen.query_one("#history-filter", Input)
    field.value = text
    await settle(pilot, 0.05)


def test_h_opens_the_history_newest_first_with_actor_and_time(seeded: Seeded) -> None:
    """h shows every kind of event, newest first, each with its time and actor."""
    registry, ids = seeded
    registry.promote_model(ids["bert"], "production")
    registry.delete_model(ids["base"], force=True)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("h")
        await settle(pilot)
        text = history_text(app)
        lines = [line for line in text.splitlines() if line and not line.startswith(" ")]
        assert [line.split()[2] for line in lines[:3]] == ["delete", "unlink", "promote"]
        assert "retire" in text and "register" in text and "tester@host" in text
        assert "2026-01-01 12:00:" in text
        assert "page 1 · " in str(app.screen.query_one("#history-status").render())
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

    run(registry, scenario)


def test_history_filters_by_tag_and_model(seeded: Seeded) -> None:
    """tag:production keeps the production events; model:ID (or #ID) one model's; a bad
    token is reported and the page kept."""
    registry, ids = seeded
    registry.promote_model(ids["bert"], "production")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("h")
        await settle(pilot)
        await type_filter(pilot, "tag:production")
        events = [line.split()[2:5] for line in history_text(app).splitlines() if line[:1] != " "]
        bert, v11 = f"#{ids['bert']}", f"#{ids['v11']}"
        assert events == [["promote", bert, "bert-base"], ["promote", v11, "gpt-small"]]
        await type_filter(pilot, f"#{ids['old']}")
        text = history_text(app)
        assert "retire" in text and "gpt-old" in text and "bert-base" not in text
        await type_filter(pilot, "colour:blue")
        error = str(app.screen.query_one("#history-error").render())
        assert "Unknown history filter 'colour:blue'" in error
        assert "gpt-old" in history_text(app)

    run(registry, scenario)


def test_history_pages_older_and_newer(sqlite_registry: ModelRegistry) -> None:
    """] shows the next older page of 50, [ goes back; the status line says which page."""
    for n in range(PAGE + 5):
        sqlite_registry.register_model(
            f"m{n}", "1.0.0", "ckpt/m.pt", "classification", verify_checkpoint=False
        )

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("h")
        await settle(pilot)
        assert f"m{PAGE + 4} 1.0.0" in history_text(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        text = history_text(app)
        assert "m0 1.0.0" in text and f"m{PAGE + 4} 1.0.0" not in text
        status = str(app.screen.query_one("#history-status").render())
        assert status.startswith("page 2 · 5 events")
        await pilot.press("right_square_bracket")  # no older page: stays
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert str(app.screen.query_one("#history-status").render()).startswith("page 1 · 50")

    run(sqlite_registry, scenario)


def test_history_from_the_detail_screen_is_that_models() -> None:
    """The history screen opened from a model's details starts filtered on that model."""
    assert parse_history_filter("tag:production model:7") == HistoryFilter(7, "production")
    assert parse_history_filter("") == HistoryFilter()
    with pytest.raises(ValueError, match="Bad model id"):
        parse_history_filter("model:x")


def test_detail_h_filters_on_the_model(seeded: Seeded) -> None:
    """h on the detail screen of a model lists only its events."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).open_detail(ids["bert"])
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert app.screen.query_one("#history-filter", Input).value == f"model:{ids['bert']}"
        text = history_text(app)
        assert "bert-base" in text and "gpt-small" not in text

    run(registry, scenario)


def test_restore_from_the_main_screen_un_retires(seeded: Seeded) -> None:
    """R on a retired model (listed with status:retired) makes it active: a restore event."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).filter_bar.set_text("status:retired")
        await settle(pilot, 0.1)
        assert table(app).current is not None
        assert table(app).current.model_id == ids["old"]  # type: ignore[union-attr]
        await pilot.press("R")
        await settle(pilot, 0.05)
        assert any("Restored gpt-old 0.9.0" in n for n in notifications(app))

    run(registry, scenario)
    assert registry.records.require(ids["old"]).status == "active"
    assert registry.events(limit=1)[0].event == "restore"


def test_restore_of_an_active_model_says_already_active(seeded: Seeded) -> None:
    """R on an active model writes nothing and says it is already active."""
    registry, _ = seeded
    before = registry.records.change_token()

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("R")
        await settle(pilot, 0.05)
        assert any("is already active" in n for n in notifications(app))

    run(registry, scenario)
    assert registry.records.change_token() == before


def test_rollback_previews_then_confirms(seeded: Seeded) -> None:
    """b, pick production: the preview names the next holder; y gives the tag back."""
    registry, ids = seeded
    registry.promote_model(ids["v12"], "production")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, RollbackScreen)
        while app.screen.tags[app.screen.query_one("#rollback-options").highlighted] != (
            "production"
        ):
            await pilot.press("down")
            await settle(pilot)
        preview = str(app.screen.query_one("#preview").render())
        v11, v12 = ids["v11"], ids["v12"]
        assert preview == f"production: gpt-small 1.2.0 #{v12} -> gpt-small 1.1.0 #{v11}"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, 0.05)
        assert isinstance(app.screen, MainScreen)

    run(registry, scenario)
    assert [r.model_id for r in registry.records.tag_holders("production")] == [ids["v11"]]
    assert registry.events(limit=1)[0].event == "rollback"


def test_rollback_without_a_previous_holder_writes_nothing(seeded: Seeded) -> None:
    """A tag with no earlier holder shows why, and enter does not roll it back."""
    registry, _ = seeded
    before = registry.records.change_token()

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, RollbackScreen)
        assert "No previous holder" in str(app.screen.query_one("#preview").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RollbackScreen)
        await pilot.press("escape")

    run(registry, scenario)
    assert registry.records.change_token() == before


INTERNAL_NAMES = (
    "VerticalScroll", "LineageTree", "ModelTable", "TooSmall", "Screen", "OptionList",
    "DataTable", "Widget",
)  # fmt: skip


@pytest.mark.parametrize("keys", [(), ("enter",), ("h",), ("l",), ("c",), ("slash",)])
def test_help_names_no_internal_classes(seeded: Seeded, keys: tuple[str, ...]) -> None:
    """? on the main, detail, history, lineage and comparison screens (and in the filter
    bar) lists keys under plain titles: no class names, no terminal copy key."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        table(app).move_to(table(app).index_of(ids["v11"]) or 0)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        app.action_help()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows
        words = " ".join(f"{r.section} {r.keys} {r.description}" for r in rows)
        for name in INTERNAL_NAMES:
            assert name not in words.replace("screen", ""), (name, words)
        assert any(r.section == "Everywhere" for r in rows)
        assert help_table(rows).row_count > len(rows)

    run(registry, scenario)


def test_palette_keys_opens_the_help_screen_not_textuals_panel(seeded: Seeded) -> None:
    """The palette's 'Keys' command shows this app's help, never Textual's keys panel."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Keys") == 1 and "History" in titles and "Roll back tag" in titles
        app.action_show_help_panel()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert not app.screen.query("HelpPanel")

    run(registry, scenario)


def test_help_at_a_too_small_size_does_nothing(seeded: Seeded) -> None:
    """? on the too-small notice opens nothing over it (the notice says what to do)."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("question_mark")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)

    run(registry, scenario, size=(60, 20))


def test_detail_screen_help_lists_its_actions(seeded: Seeded) -> None:
    """The detail screen's help lists p, u, r, R, d, y, c, l, b and h with descriptions."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).open_detail(ids["v11"])
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("question_mark")
        rows = {r.keys: r.description for r in app.screen.rows if r.section == "Detail screen"}  # type: ignore[attr-defined]
        for key in ("p", "u", "r", "R", "d", "y", "c", "l", "b", "h"):
            assert rows.get(key), key

    run(registry, scenario)


def test_history_and_rollback_show_user_text_literally(sqlite_registry: ModelRegistry) -> None:
    """Names, paths and details carrying markup, OSC 52 and OSC 2 reach the history screen
    and the rollback preview as visible text, never as escape sequences or markup."""
    name = "[bold red]x\x1b]2;title\x07"
    path = "exports/\x1b]52;c;ZXZpbA==\x07.onnx"
    a = sqlite_registry.register_model(
        name, "1.0.0", "ckpt/a.pt", "t", verify_checkpoint=False, tags=["production"]
    )
    b = sqlite_registry.register_model(name, "1.1.0", "ckpt/b.pt", "t", verify_checkpoint=False)
    sqlite_registry.add_export_format(a, "onnx", path)
    sqlite_registry.promote_model(b, "production")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("h")
        await settle(pilot)
        text = history_text(app)
        assert "[bold red]x\\x1b]2;title\\x07" in text and "\\x1b]52;c;" in text
        assert "\x1b" not in text and "\x07" not in text
        await pilot.press("escape", "b")
        await settle(pilot)
        preview = str(app.screen.query_one("#preview").render())
        assert "[bold red]x\\x1b]2;title\\x07 1.0.0" in preview and "\x1b" not in preview

    run(sqlite_registry, scenario)


def test_restore_and_rollback_from_the_app_on_each_backend(registry: ModelRegistry) -> None:
    """On SQLite and PostgreSQL: R on a retired model's details and a confirmed rollback
    write 'restore' and 'rollback' events that the history screen then lists."""
    a = registry.register_model("m", "1.0.0", "c/a.pt", "t", verify_checkpoint=False)
    b = registry.register_model("m", "1.1.0", "c/b.pt", "t", verify_checkpoint=False)
    registry.promote_model(a, "production")
    registry.promote_model(b, "production")
    registry.retire_model(a)
    registry.restore_model(a)
    registry.retire_model(a)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).open_detail(a)
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot, 0.05)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, RollbackScreen)
        await pilot.press("enter", "y")
        await settle(pilot, 0.05)
        await pilot.press("h")
        await settle(pilot)
        kinds = [line.split()[2] for line in history_text(app).splitlines() if line[:1] != " "]
        assert kinds[:2] == ["rollback", "restore"]

    run(registry, scenario)
    assert registry.records.require(a).status == "active"
    assert [r.model_id for r in registry.records.tag_holders("production")] == [a]
