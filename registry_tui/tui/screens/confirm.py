"""A yes/no question before a destructive action.

Focus starts on **No**, so an absent-minded ``enter`` changes nothing; ``y``
confirms, ``n`` and ``esc`` cancel. The screen returns True or False. Callers
pass text whose user-supplied parts went through ``plain`` (shown literally).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from registry_tui.tui.text import plain


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that cannot be undone."""

    AUTO_FOCUS = "#no"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        Binding("left,right", "app.focus_next", "Switch button", show=False, id="confirm.switch"),
    ]

    def __init__(self, title: str, question: str, confirm: str = "Yes", *, danger: bool = False):
        super().__init__(classes="dialog")
        self.title_text = title
        self.question = question
        self.confirm = confirm
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger" if self.danger else ""):
            yield Static(Text(plain(self.title_text), style="bold"), id="dialog-title")
            question = "\n".join(plain(line) for line in self.question.split("\n"))
            yield Static(Text(question), id="dialog-question")  # lines kept, text literal
            with Horizontal(id="dialog-buttons"):
                yield Button("No", id="no", compact=True)
                yield Button(
                    f"{self.confirm} (y)",
                    id="yes",
                    variant="error" if self.danger else "warning",
                    compact=True,
                )

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Close the question with an answer."""
        self.dismiss(yes)
