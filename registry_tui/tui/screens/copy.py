"""Pick what to copy from a model: checkpoint path, ``name:version``, id or the JSON record.

Each choice shows a preview of the text (made visible, cut to one line); the
screen returns the exact text to copy, or None when cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from registry_tui.records import ModelRecord
from registry_tui.render import copy_choices
from registry_tui.render.text import literal
from registry_tui.tui.screens.pick_list import PickListScreen

PREVIEW_CHARS = 36


@dataclass(frozen=True, slots=True)
class CopyChoice:
    """What was picked: a name for the toast and the exact text."""

    what: str
    text: str


class CopyScreen(PickListScreen[CopyChoice | None]):
    """Choose what to put on the clipboard."""

    AUTO_FOCUS = "#copy-options"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="copy.cancel"),
        Binding("j", "cursor(1)", "Next choice", show=False, id="copy.next_choice"),
        Binding("k", "cursor(-1)", "Previous choice", show=False, id="copy.previous_choice"),
    ]

    def __init__(self, record: ModelRecord) -> None:
        super().__init__(classes="dialog")
        self.record = record
        self.choices = copy_choices(record)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Copy from ", style="bold")
            title.append_text(literal(self.record.label, "bold"))
            yield Static(title, id="dialog-title")
            yield OptionList(*(self._option(w, t) for w, t in self.choices), id="copy-options")
            yield Static(Text("enter copy · esc cancel", style="dim"), id="dialog-hint")

    @staticmethod
    def _option(what: str, text: str) -> Option:
        one_line = " ".join(text.split())
        preview = one_line if len(one_line) <= PREVIEW_CHARS else one_line[:PREVIEW_CHARS] + "…"
        prompt = Text(f"{what:<17}", style="bold")
        prompt.append_text(literal(preview, "dim"))
        return Option(prompt)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        what, text = self.choices[event.option_index]
        self.dismiss(CopyChoice(what, text))

    def action_cancel(self) -> None:
        """Close without copying."""
        self.dismiss(None)
