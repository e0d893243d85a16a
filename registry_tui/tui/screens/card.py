"""The model card screen: a preview of the model's Hugging Face ``README.md``.

The card is written by the registry (``registry.model_card``) in a thread
worker and shown through Textual's Markdown widget, its front matter as a
YAML block. User text in the card is escaped by the card writer, so it shows
literally; links never open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static
from textual.worker import Worker

from registry_tui.cards import preview
from registry_tui.errors import RegistryError
from registry_tui.registry import ModelRegistry
from registry_tui.render.text import literal
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.work import report_failed_work


class CardScreen(Screen[None]):
    """One model's card, as ``registry-tui card`` would write it."""

    AUTO_FOCUS = "#card-scroll"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="card.back"),
        Binding("j", "scroll(1)", "Down", show=False, id="card.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="card.up"),
    ]

    @dataclass
    class Loaded(Message):
        """The card was written: ``text`` is the README, ``label`` the model's."""

        label: str
        text: str

    @dataclass
    class LoadFailed(Message):
        """The card could not be written (the model is gone, the database unreachable)."""

        error: str

    def __init__(self, registry: ModelRegistry, model_id: int) -> None:
        super().__init__()
        self.registry = registry
        self.model_id = model_id
        self.card: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Model card · model {self.model_id}", style="bold"), id="screen-title")
        with VerticalScroll(id="card-scroll"):
            yield Static(Text("writing the card…", style="dim"), id="card-status")
            yield Markdown(id="card-body", open_links=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._load()

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self._load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Work of this screen that failed unexpectedly: one line (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

    @work(
        thread=True, exclusive=True, group="card", exit_on_error=False,
        description="Writing the model card",
    )  # fmt: skip
    def _load(self) -> None:
        try:
            record = self.registry.records.require(self.model_id)
            text = self.registry.model_card(self.model_id)
        except RegistryError as exc:
            self.post_message(self.LoadFailed(str(exc)))
            return
        self.post_message(self.Loaded(record.label, text))

    async def on_card_screen_loaded(self, message: Loaded) -> None:
        self.card = message.text
        title = Text("Model card · ", style="bold")
        title.append_text(literal(message.label, "bold"))
        self.query_one("#screen-title", Static).update(title)
        self.query_one("#card-status", Static).display = False
        await self.query_one("#card-body", Markdown).update(preview(message.text))

    def on_card_screen_load_failed(self, message: LoadFailed) -> None:
        """Say why instead of "writing…" forever, and the ways out."""
        text = Text(f"Could not write the card of model {self.model_id}: ", style="red")
        text.append_text(literal(message.error, "red"))
        text.append("\nesc back · ctrl+r retry", style="dim")
        status = self.query_one("#card-status", Static)
        status.display = True
        status.update(text)

    def action_scroll(self, lines: int) -> None:
        """Scroll the card by ``lines``."""
        self.query_one("#card-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)
