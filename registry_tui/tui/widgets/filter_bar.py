"""The filter bar: one line of the filter language, applied as you type.

Typing posts :class:`FilterBar.Changed` after a short pause (debounced);
``enter`` posts :class:`FilterBar.Submitted` at once; ``esc`` clears the bar;
``up`` and ``down`` step through the filters used earlier in the session.
A bad filter's message is shown in full, wrapped on the lines under the input,
by :meth:`FilterBar.show_error`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from registry_tui.render.text import literal

DEBOUNCE_S = 0.02
"""Pause after a keystroke before the listing is queried.

Shorter than the gap between two keys of a fast typist (about 50 ms), so in
practice every key is listed: a listing costs a few milliseconds at a million
models, a newer keystroke cancels the older listing's worker, and a result
that arrives after a newer one is dropped. What the pause still coalesces is
a burst of keys delivered together (a key held down, a terminal's paste).
"""
PLACEHOLDER = "filter: gpt tag:production task:… status:all val_loss<0.4 sort:-accuracy #id"
HISTORY_SIZE = 100
"""Filters remembered for ``up``/``down`` (for the session)."""


class FilterHistory:
    """Earlier filters, oldest first, browsed from the newest with :meth:`back`."""

    def __init__(self) -> None:
        self.entries: list[str] = []
        self._index: int | None = None
        self._draft = ""

    def remember(self, text: str) -> None:
        """Keep ``text`` as the newest entry (blank and repeated filters are skipped)."""
        self._index = None
        text = text.strip()
        if not text:
            return
        if text in self.entries:
            self.entries.remove(text)
        self.entries = [*self.entries, text][-HISTORY_SIZE:]

    def back(self, current: str) -> str | None:
        """The filter before the one shown (``current`` is kept as a draft), or None."""
        if not self.entries or self._index == 0:
            return None
        if self._index is None:
            self._draft = current
            self._index = len(self.entries)
            if self.entries[-1] == current.strip() and len(self.entries) > 1:
                self._index -= 1  # the filter shown is the newest entry: step past it
        self._index -= 1
        return self.entries[self._index]

    def forward(self) -> str | None:
        """The filter after the one shown; the draft after the newest; None past it."""
        if self._index is None:
            return None
        self._index += 1
        if self._index >= len(self.entries):
            self._index = None
            return self._draft
        return self.entries[self._index]


class FilterBar(Vertical):
    """The filter input with its prompt, and its error message below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
        Binding("up", "history_back", "Earlier filter", show=False, id="filter.history_back"),
        Binding("down", "history_forward", "Later filter", show=False, id="filter.history_forward"),
    ]

    @dataclass
    class Changed(Message):
        """The filter text changed (after the debounce pause)."""

        text: str

        def can_replace(self, message: Message) -> bool:
            """Only the newest text is listed."""
            return isinstance(message, FilterBar.Changed)

    @dataclass
    class Submitted(Message):
        """``enter``: apply the filter now and go back to the table."""

        text: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        self._jump_from: str | None = None
        self.history = FilterHistory()

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-row"):
            yield Static("/", id="filter-prompt")
            yield Input(
                placeholder=PLACEHOLDER, id="filter-input", compact=True, select_on_focus=False
            )
        yield Static("", id="filter-error")

    @property
    def input(self) -> Input:
        """The text input."""
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        """The filter as typed."""
        return self.input.value

    def focus_at_end(self) -> None:
        """Focus the input with the cursor after the last character (to refine the filter)."""
        self.input.focus()
        self.input.cursor_position = len(self.input.value)

    def set_text(self, text: str) -> None:
        """Replace the filter (from the sidebar or the palette) and apply it at once."""
        self._cancel_timer()
        self._show(text)
        self.history.remember(text)
        self.post_message(self.Submitted(text))

    def restore(self, text: str) -> None:
        """Show ``text`` without applying it (the filter behind a jump to a model)."""
        self._cancel_timer()
        self._jump_from = None
        self._show(text)

    def begin_jump(self, current: str) -> None:
        """Show ``#`` to type a model id; ``esc`` brings ``current`` back."""
        self.restore("#")
        self._jump_from = current

    def _show(self, text: str) -> None:
        with self.input.prevent(Input.Changed):
            self.input.value = text
        self.input.cursor_position = len(text)

    def show_error(self, message: str) -> None:
        """Show why the filter is not valid (the table keeps its last good listing)."""
        error = self.query_one("#filter-error", Static)
        error.update(literal(message))
        error.display = True
        self.add_class("-error")

    def clear_error(self) -> None:
        """Hide the error message."""
        error = self.query_one("#filter-error", Static)
        if not error.display and not self.has_class("-error"):
            return  # already clear: every listing calls this, and an update lays out the screen
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
        self.history.remember(event.value)
        self.post_message(self.Submitted(event.value))

    def _fire(self) -> None:
        self._timer = None
        self.post_message(self.Changed(self.input.value))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def action_clear(self) -> None:
        """Clear the filter (or give up a jump) and go back to the table."""
        if self._jump_from is not None and self.text.startswith(("#", ":")):
            self.set_text(self._jump_from)
        else:
            self.set_text("")

    def action_history_back(self) -> None:
        """Show the filter used before the one in the bar."""
        text = self.history.back(self.input.value)
        if text is not None:
            self._recall(text)

    def action_history_forward(self) -> None:
        """Show the filter used after the one in the bar."""
        text = self.history.forward()
        if text is not None:
            self._recall(text)

    def _recall(self, text: str) -> None:
        with self.input.prevent(Input.Changed):
            self.input.value = text
        self.input.cursor_position = len(text)
        self._fire()
