"""The help screen: every key of the screen it was opened from, with what it does.

Built from the bindings themselves (the same descriptions the footer shows),
so it cannot drift from what the keys do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import ScrollableContainer, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, OptionList, Static, Tree

from registry_tui.render.text import literal


@dataclass(frozen=True, slots=True)
class HelpRow:
    """One action and the keys that do it, under the title of where it applies."""

    keys: str
    description: str
    section: str


SECTION_TITLES = {
    "MainScreen": "Main screen",
    "DetailScreen": "Detail screen",
    "HistoryScreen": "History screen",
    "CompareScreen": "Comparison screen",
    "LineageScreen": "Lineage screen",
    "CardScreen": "Model card screen",
    "PendingScreen": "Pending requests screen",
    "ModelTable": "Model table",
    "FilterBar": "Filter bar",
    "Sidebar": "Sidebar",
    "LineageTree": "Lineage tree",
}
"""Titles of the screens and widgets that have keys of their own."""

EVERYWHERE = "Everywhere"

_SKIPPED_ACTIONS = ("help_quit", "screen.copy_text", "app.help", "help")


def section_title(node: object) -> str:
    """Where a binding applies, in words: never an internal class name."""
    if isinstance(node, App):
        return EVERYWHERE
    for cls in type(node).__mro__:
        if cls.__name__ in SECTION_TITLES:
            return SECTION_TITLES[cls.__name__]
    if isinstance(node, Input):
        return "Text input"
    if isinstance(node, OptionList | Tree | DataTable):
        return "Lists"
    if isinstance(node, ScrollableContainer):
        return "Scrolling"
    return "This screen" if isinstance(node, Screen) else "Moving around"


def help_rows(app: App[Any], bindings: Iterable[ActiveBinding]) -> list[HelpRow]:
    """Group active bindings by action: ``j / ↓   Down``; sections say where they apply."""
    grouped: dict[tuple[str, str], tuple[list[str], str]] = {}
    for active in bindings:
        binding = active.binding
        if not binding.description or binding.action in _SKIPPED_ACTIONS:
            continue
        section = section_title(active.node)
        keys, _ = grouped.setdefault((binding.action, binding.description), ([], section))
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    rows = [
        (action.startswith("app.focus"), HelpRow(" / ".join(keys), desc, sec))
        for (action, desc), (keys, sec) in grouped.items()
    ]
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def help_table(rows: list[HelpRow]) -> Table:
    """The rows as a two-column table, grouped by section: screens first, global keys last."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("Key", style="bold", no_wrap=True, min_width=16)
    table.add_column("Action")
    sections = list(dict.fromkeys(r.section for r in rows))
    order = sorted(sections, key=lambda s: (s == EVERYWHERE, not s.endswith("screen")))
    for section in order:
        table.add_row(Text(section, style="bold underline"), "")
        for row in (r for r in rows if r.section == section):
            table.add_row(literal(row.keys), literal(row.description))
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    """Keys and what they do."""

    AUTO_FOCUS = "#help-scroll"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close help", id="help.close"),
        Binding("j", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, rows: list[HelpRow]) -> None:
        super().__init__(classes="dialog")
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Text("Keys", style="bold"), id="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(help_table(self.rows), id="help-body")
            yield Static(Text("esc or ? closes", style="dim"), id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        """Scroll the list by ``lines``."""
        self.query_one("#help-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)
