"""User data renders literally: markup does nothing, escape sequences never reach the terminal."""

from __future__ import annotations

from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.lineage import LineageScreen
from tests.tui.helpers import main_screen, notifications, run, screen_text, settle, table

NAME = "[bold red]x"
TASK = "[@click=app.quit]t"
PATH = "ckpt/\x1b]52;c;ZXZpbA==\x07evil.pt"


def evil(registry: ModelRegistry) -> int:
    """A model whose name, task, path, metric and metadata carry markup and escapes."""
    parent = registry.register_model(
        NAME, "1.0.0", PATH, TASK,
        metrics={"[b]loss": 0.5}, metadata={"note": "\x1b[31mred\x1b[0m [link=x]y[/link]"},
        verify_checkpoint=False,
    )  # fmt: skip
    return registry.register_model(
        NAME, "1.1.0", PATH, TASK, metrics={"[b]loss": 0.4}, parent_model_id=parent,
        verify_checkpoint=False,
    )  # fmt: skip


def test_markup_and_escapes_render_literally_everywhere(sqlite_registry: ModelRegistry) -> None:
    """Table, detail pane, detail screen and lineage show the characters; the app keeps running."""
    child = evil(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        text = screen_text(app)
        assert NAME in text and "[@click=app.quit]" in text
        assert "\x1b" not in text and "\x07" not in text
        assert "\\x1b" in text  # shown escaped in the detail pane
        await pilot.click(table(app), offset=(10, 1))  # clicking a [@click] cell does nothing
        await settle(pilot)
        assert app.is_running
        main_screen(app).open_detail(child - 1)  # the parent carries the metadata
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert NAME in text and "[link=x]y[/link]" in text and "[b]loss" in text
        assert "\x1b" not in text
        await pilot.press("escape", "l")
        await settle(pilot)
        await pilot.pause()
        assert isinstance(app.screen, LineageScreen)
        assert NAME in screen_text(app)

    run(sqlite_registry, scenario)


def test_copy_toast_shows_the_path_escaped_but_copies_it_exactly(
    sqlite_registry: ModelRegistry,
) -> None:
    """y copies the real bytes; the toast shows escapes as text, never as control characters."""
    evil(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.clipboard == PATH
        assert any("\\x1b" in n and "\x1b" not in n for n in notifications(app))

    run(sqlite_registry, scenario)


def test_markup_in_filter_text_and_errors_is_literal(sqlite_registry: ModelRegistry) -> None:
    """Markup typed into the filter (free text or a bad token) is searched or reported literally."""
    evil(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        bar.input.value = "[bold"
        await settle(pilot, 0.12)
        assert table(app).total == 2
        bar.input.value = "[red]oops:x"
        await settle(pilot, 0.12)
        assert bar.has_class("-error")
        assert "[red]oops:x" in str(bar.query_one("#filter-error").render())

    run(sqlite_registry, scenario)


def test_markup_in_a_task_type_is_literal_in_the_command_palette(
    sqlite_registry: ModelRegistry,
) -> None:
    """The palette's 'Filter by task' entry shows '[@click=app.quit]t' and filters by it."""
    evil(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("ctrl+p")
        for char in "Filter by task":
            await pilot.press("space" if char == " " else char)
        await pilot.pause(0.3)
        assert "[@click=app.quit]t" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, 0.1)
        assert app.is_running
        assert main_screen(app).filter_bar.text == "task:[@click=app.quit]t"
        assert table(app).total == 2

    run(sqlite_registry, scenario)
