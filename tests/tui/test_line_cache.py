"""The model table's line cache: a line is drawn once, and again as soon as what it shows changes.

``render_line`` is what Textual calls for each visible line on every refresh;
these tests call it directly and compare the strips it returns: the same
object means it came from the cache.
"""

from __future__ import annotations

from rich.style import Style
from textual.pilot import Pilot
from textual.strip import Strip

from registry_tui import ModelRegistry
from registry_tui.records import ModelQuery
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.main import MainScreen
from tests.tui.helpers import main_screen, run, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


def styles(strip: Strip) -> list[Style | None]:
    """The style of every segment of ``strip``."""
    return [segment.style for segment in strip]


def test_an_unchanged_line_comes_from_the_cache(seeded: Seeded) -> None:
    """Drawing the same line twice with nothing changed returns the same strip, for the
    header and for a row."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        grid = table(app)
        header, row = grid.render_line(0), grid.render_line(2)
        assert grid.render_line(0) is header and grid.render_line(2) is row
        assert "name" in header.text

    run(registry, scenario)


def test_the_rows_the_cursor_leaves_and_reaches_are_drawn_again(seeded: Seeded) -> None:
    """After ``j`` the first row loses the cursor's style and the second gains it; the
    text of both stays."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        grid = table(app)
        first, second = grid.render_line(1), grid.render_line(2)
        await pilot.press("j")
        await settle(pilot)
        left, reached = grid.render_line(1), grid.render_line(2)
        assert (left.text, reached.text) == (first.text, second.text)
        assert styles(left) != styles(first) and styles(reached) != styles(second)

    run(registry, scenario)


def test_a_marked_row_is_drawn_with_its_tick(seeded: Seeded) -> None:
    """``space`` marks the row under the cursor: its line shows the tick at once, and
    unmarking takes it away again."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        grid = table(app)
        assert "✓" not in grid.render_line(1).text
        await pilot.press("space")
        await settle(pilot)
        assert "✓" in grid.render_line(1).text
        grid.clear_marks()
        await settle(pilot)
        assert "✓" not in grid.render_line(1).text

    run(registry, scenario)


def test_new_rows_replace_the_cached_lines(seeded: Seeded) -> None:
    """A new listing in the same rows draws the new models, not the cached old ones."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen: MainScreen = main_screen(app)
        grid = table(app)
        assert "gpt-old" not in grid.render_line(1).text
        old = registry.records.query(ModelQuery(status="retired"))
        screen.post_message(MainScreen.Loaded(screen.generation, screen.query_model, 1, 0, old, 0))
        await settle(pilot)
        line = grid.render_line(1).text
        assert "gpt-old" in line and str(ids["old"]) in line

    run(registry, scenario)


def test_a_theme_change_redraws_every_line(seeded: Seeded) -> None:
    """Switching the theme draws the lines again in the new theme's colours."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        grid = table(app)
        dark = grid.render_line(2)
        app.theme = "textual-light"
        await settle(pilot)
        light = grid.render_line(2)
        assert light.text == dark.text and styles(light) != styles(dark)

    run(registry, scenario)
