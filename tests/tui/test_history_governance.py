"""The history screen shows the events of protected tags: requests, approvals,
rejections, and break-glass promotes in red with a marker in words."""

from __future__ import annotations

from textual.geometry import Region
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.render import history_table
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.history import HistoryScreen
from tests.hostile import HOSTILE, WIDE
from tests.recorded_events import append_event
from tests.tui.helpers import run, settle
from tests.tui.test_history import history_text


def _governed(registry: ModelRegistry, reason: str = "better loss") -> tuple[int, int]:
    a = registry.register_model("m", "1.0.0", "c/a.pt", "t", verify_checkpoint=False)
    b = registry.register_model("m", "1.1.0", "c/b.pt", "t", verify_checkpoint=False)
    request = {"request_id": 4, "reason": reason}
    append_event(registry, "request", b, tag="production", actor="trainer", details=request)
    approve = {"request_id": 4, "comment": reason}
    append_event(registry, "approve", b, tag="production", actor="bob", details=approve)
    append_event(registry, "reject", a, tag="production", actor="bob", details=request)
    append_event(registry, "break_glass", a, tag="production", actor="admin", details=request)
    return a, b


def _break_glass_styles(screen: HistoryScreen) -> list[str]:
    """The colours of the cells of the break-glass line and of the other lines."""
    body = screen.query_one("#history-body")
    colours: list[str] = []
    for strip in body.render_lines(Region(0, 0, body.size.width, body.size.height)):
        for segment in strip:
            if "BREAK GLASS" in segment.text and segment.style and segment.style.color:
                colours.append(segment.style.color.name)
    return colours


def test_break_glass_is_red_and_marked_in_words(sqlite_registry: ModelRegistry) -> None:
    """A break-glass promote reads ``⚠ BREAK GLASS`` (so NO_COLOR still tells) in the
    stylesheet's error colour; request, approve and reject lines name their request."""
    _governed(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        text = history_text(app)
        assert "⚠ BREAK GLASS break_glass" in text
        for kind in ("request", "approve", "reject"):
            assert any(kind in line and "request #4" in line for line in text.splitlines())
        expected = screen.get_component_rich_style("history--break-glass").color
        assert expected is not None
        assert _break_glass_styles(screen) and set(_break_glass_styles(screen)) == {expected.name}

    run(sqlite_registry, scenario)


def test_the_cli_history_marks_break_glass_too(sqlite_registry: ModelRegistry) -> None:
    """The history table (the CLI's) shows the same marker: one rendering path."""
    _governed(sqlite_registry)
    events = sqlite_registry.records.events(None, None, 10, 0)
    table = history_table(events)
    cells = [str(c) for c in table.columns[2].cells]
    assert "⚠ BREAK GLASS break_glass" in cells and "approve" in cells


def test_hostile_reasons_and_reviewer_names_show_literally(sqlite_registry: ModelRegistry) -> None:
    """Reasons, comments and reviewer names full of markup, escapes, bidi controls and long
    CJK text reach the history screen as visible text, never as markup or escapes."""
    a = sqlite_registry.register_model("m", "1.0.0", "c/a.pt", "t", verify_checkpoint=False)
    details = {"request_id": 9, "reason": HOSTILE + WIDE, "comment": HOSTILE}
    append_event(sqlite_registry, "approve", a, tag="production", actor=HOSTILE, details=details)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("h")
        await settle(pilot)
        text = history_text(app)
        assert "[bold red]x[/]" in text and "\\x1b]52;c;" in text and "\\u202e" in text
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        assert "模型注册表" in text

    run(sqlite_registry, scenario, size=(200, 50))
