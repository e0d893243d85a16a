"""A yes/no question before a destructive action.

Focus starts on **No**, so an absent-minded ``enter`` changes nothing; ``y``
confirms, ``n`` and ``esc`` cancel. The screen returns True or False. Callers
pass text whose user-supplied parts went through ``visible`` (shown literally), and
``details``: one line per consequence of the change, listed under the question;
``details=None`` opens the question at once, saying it is still checking, with
yes disabled until :meth:`ConfirmScreen.show_plan` fills it in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from registry_tui.render.text import visible


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that cannot be undone."""

    AUTO_FOCUS = "#no"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        Binding("left,right", "app.focus_next", "Switch button", show=False, id="confirm.switch"),
    ]

    def __init__(
        self,
        title: str,
        question: str,
        confirm: str = "Yes",
        *,
        danger: bool = False,
        details: Sequence[str] | None = (),
    ) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.question = question
        self.confirm = confirm
        self.danger = danger
        self.details = None if details is None else tuple(details)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger" if self.danger else ""):
            yield Static(Text(visible(self.title_text), style="bold"), id="dialog-title")
            question = "\n".join(visible(line) for line in self.question.split("\n"))
            yield Static(Text(question), id="dialog-question")  # lines kept, text literal
            details = Static(self._details_text(), id="dialog-details")
            details.display = self.details != ()
            yield details
            with Horizontal(id="dialog-buttons"):
                yield Button("No", id="no", compact=True)
                yield Button(
                    f"{self.confirm} (y)",
                    id="yes",
                    variant="error" if self.danger else "warning",
                    compact=True,
                    disabled=self.details is None,
                )

    def _details_text(self) -> Text:
        if self.details is None:
            return Text("checking what this changes…", style="dim")
        return Text("\n").join(Text(f"• {visible(line)}") for line in self.details)

    @property
    def ready(self) -> bool:
        """True once the consequences are shown (until then yes does nothing)."""
        return self.details is not None

    def show_plan(self, title: str, question: str, confirm: str, details: Sequence[str]) -> None:
        """Fill in a question opened before its consequences were known."""
        self.title_text, self.question, self.confirm = title, question, confirm
        self.details = tuple(details)
        self.query_one("#dialog-title", Static).update(Text(title, style="bold"))
        self.query_one("#dialog-question", Static).update(Text(question))
        box = self.query_one("#dialog-details", Static)
        box.update(self._details_text())
        box.display = bool(self.details)
        yes = self.query_one("#yes", Button)
        yes.label, yes.disabled = f"{confirm} (y)", False

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Close the question with an answer (yes only once the consequences are shown)."""
        if yes and not self.ready:
            return
        self.dismiss(yes)
