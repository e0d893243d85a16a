"""Ask for a reason before a change that records one (rejecting or requesting a move).

The question names what is about to happen; ``enter`` with a reason typed does it,
``esc`` cancels. An empty reason is refused on the spot. The screen returns the
reason, or None when cancelled.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from registry_tui.render.text import visible


class ReasonScreen(ModalScreen[str | None]):
    """A question and a one-line reason to go with the answer."""

    AUTO_FOCUS = "#reason-input"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Confirm", priority=True, id="reason.submit"),
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]

    def __init__(self, title: str, question: str, confirm: str) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.question = question
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(visible(self.title_text), style="bold"), id="dialog-title")
            question = "\n".join(visible(line) for line in self.question.split("\n"))
            yield Static(Text(question), id="dialog-question")
            yield Input(placeholder="reason (recorded in the history)", id="reason-input",
                        compact=True)  # fmt: skip
            yield Static("", id="reason-error")
            hint = f"enter {self.confirm.lower()} · esc cancel"
            yield Static(Text(hint, style="dim"), id="dialog-hint")

    @property
    def reason(self) -> str:
        """The reason as typed, without surrounding blanks."""
        return self.query_one("#reason-input", Input).value.strip()

    def action_submit(self) -> None:
        """Answer with the reason typed (an empty one is refused here)."""
        if not self.reason:
            error = Text("A reason is required: type one, or esc to cancel", style="red")
            self.query_one("#reason-error", Static).update(error)
            return
        self.dismiss(self.reason)

    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(None)
