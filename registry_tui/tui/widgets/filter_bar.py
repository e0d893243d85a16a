"""The filter bar: one line of the filter language, applied as you type.

Typing posts :class:`FilterBar.Changed` after a short pause (debounced);
``enter`` posts :class:`FilterBar.Submitted` at once; ``esc`` clears the bar.
A bad token is shown in red at the right of the bar by :meth:`FilterBar.show_error`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from registry_tui.tui.text import literal

DEBOUNCE_S = 0.04
"""Pause after a keystroke before the listing is queried."""
PLACEHOLDER = "filter: gpt tag:production task:… status:all val_loss<0.4 sort:-accuracy"


class FilterBar(Horizontal):
    """The filter input with its prompt and its error message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
    ]

    class Changed(Message):
        """The filter text changed (after the debounce pause)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Submitted(Message):
        """``enter``: apply the filter now and go back to the table."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("/", id="filter-prompt")
        yield Input(placeholder=PLACEHOLDER, id="filter-input", compact=True)
        yield Static("", id="filter-error")

    @property
    def input(self) -> Input:
        """The text input."""
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        """The filter as typed."""
        return self.input.value

    def set_text(self, text: str) -> None:
        """Replace the filter (from the sidebar or the palette) and apply it at once."""
        self._cancel_timer()
        with self.input.prevent(Input.Changed):
            self.input.value = text
        self.input.cursor_position = len(text)
        self.post_message(self.Submitted(text))

    def show_error(self, message: str) -> None:
        """Show why the filter is not valid (the table keeps its last good listing)."""
        error = self.query_one("#filter-error", Static)
        error.update(literal(message))
        error.display = True
        self.add_class("-error")

    def clear_error(self) -> None:
        """Hide the error message."""
        error = self.query_one("#filter-error", Static)
        error.update("")
        error.display = False
        self.remove_class("-error")

    def on_mount(self) -> None:
        self.clear_error()

    @on(Input.Changed, "#filter-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_timer()
        self._timer = self.set_timer(DEBOUNCE_S, self._fire)

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._cancel_timer()
        self.post_message(self.Submitted(event.value))

    def _fire(self) -> None:
        self._timer = None
        self.post_message(self.Changed(self.input.value))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def action_clear(self) -> None:
        """Clear the filter and go back to the table."""
        self.set_text("")
