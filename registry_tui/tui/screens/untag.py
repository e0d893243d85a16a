"""Pick one of the model's tags to remove; ``enter`` removes it, ``esc`` cancels."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static

from registry_tui.records import ModelRecord
from registry_tui.render.text import literal
from registry_tui.tui.screens.pick_list import PickListScreen


class UntagScreen(PickListScreen[str | None]):
    """Choose which tag to take off a model."""

    AUTO_FOCUS = "#untag-options"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="untag.cancel"),
        Binding("j", "cursor(1)", "Next tag", show=False, id="untag.next_tag"),
        Binding("k", "cursor(-1)", "Previous tag", show=False, id="untag.previous_tag"),
    ]

    def __init__(self, record: ModelRecord) -> None:
        super().__init__(classes="dialog")
        self.record = record

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Remove a tag from ", style="bold")
            title.append_text(literal(self.record.label, "bold"))
            yield Static(title, id="dialog-title")
            yield OptionList(*(literal(t) for t in self.record.tags), id="untag-options")
            yield Static(Text("enter remove · esc cancel", style="dim"), id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.record.tags[event.option_index])

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
