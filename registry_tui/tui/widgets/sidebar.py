"""The sidebar: task types and tags with their model counts; picking one filters.

Counts come from ``registry.records.facets`` (every status). Selecting an
entry posts :class:`Sidebar.Picked`; the screen turns it into a filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from registry_tui.records import Facets
from registry_tui.render.text import literal


def _entry(label: Text, count: int) -> Table:
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", style="dim", no_wrap=True)
    grid.add_row(label, f"{count:,}")
    return grid


class Sidebar(OptionList):
    """Task types and tags, each with how many models it has."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="sidebar.cursor_down"),
        Binding("k", "cursor_up", "Up", show=False, id="sidebar.cursor_up"),
    ]

    @dataclass
    class Picked(Message):
        """An entry was chosen: ``kind`` is ``all``, ``task`` or ``tag``."""

        kind: str
        value: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self._values: dict[str, tuple[str, str]] = {}

    def show_facets(self, facets: Facets) -> None:
        """Fill the list from ``facets``, keeping the highlighted entry where possible."""
        previous = self.highlighted_option.id if self.highlighted_option else None
        self._values = {"all": ("all", "")}
        options: list[Option | None] = [
            Option(_entry(Text("All models", style="bold"), facets.total), id="all"),
            None,
            Option(Text("Task types", style="bold underline"), disabled=True),
        ]
        for index, (task, count) in enumerate(facets.task_types):
            key = f"task-{index}"
            self._values[key] = ("task", task)
            options.append(Option(_entry(literal(task), count), id=key))
        options += [None, Option(Text("Tags", style="bold underline"), disabled=True)]
        for index, (tag, count) in enumerate(facets.tags):
            key = f"tag-{index}"
            self._values[key] = ("tag", tag)
            style = "bold" if tag == "production" else ""
            options.append(Option(_entry(literal(tag, style), count), id=key))
        self.set_options(options)
        if previous in self._values:
            self.highlighted = self.get_option_index(previous)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        picked = self._values.get(event.option.id or "")
        if picked is not None:
            self.post_message(self.Picked(*picked))
