"""The detail screen: one model's fields, metrics, exports, metadata tree and history."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from registry_tui.errors import RegistryError
from registry_tui.records import EventRecord, ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render import history_table
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.text import plain
from registry_tui.tui.widgets.detail_pane import detail_renderable

HISTORY_LIMIT = 50
LABEL_LIMIT = 20


def history_renderable(events: list[EventRecord], labels: dict[int, str]) -> RenderableType:
    """The model's history, newest first, or a note that it has none."""
    title = Text("History", style="bold")
    if not events:
        return Group(title, Text("no events", style="dim"))
    return Group(title, history_table(events, labels))


class DetailScreen(Screen[None]):
    """Everything about one model."""

    AUTO_FOCUS = "#detail-scroll"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back"),
        Binding("j", "scroll(1)", "Down", show=False, id="detail.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="detail.up"),
    ]

    class Loaded(Message):
        """The model and its history arrived (``record`` None when it is gone)."""

        def __init__(
            self, record: ModelRecord | None, events: list[EventRecord], labels: dict[int, str]
        ) -> None:
            super().__init__()
            self.record, self.events, self.labels = record, events, labels

    def __init__(self, registry: ModelRegistry, model_id: int) -> None:
        super().__init__()
        self.registry = registry
        self.model_id = model_id

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Model {self.model_id}", style="bold"), id="screen-title")
        with VerticalScroll(id="detail-scroll"):
            yield Static(Text("loading…", style="dim"), id="detail-body")
            yield Static("", id="detail-history")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#detail-scroll").focus()
        self._load()

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="detail")
    def _load(self) -> None:
        try:
            record = self.registry.get_record(self.model_id)
            events = self.registry.events(model_id=self.model_id, limit=HISTORY_LIMIT)
            labels = self._labels(events)
        except RegistryError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.post_message(self.Loaded(record, events, labels))

    def _labels(self, events: list[EventRecord]) -> dict[int, str]:
        """``name version`` of the models the events mention (deleted ones are left out)."""
        ids = {i for e in events for i in (e.model_id, e.previous_model_id) if i is not None}
        records = self.registry.records_by_id(sorted(ids)[:LABEL_LIMIT])
        return {model_id: record.label for model_id, record in records.items()}

    def on_detail_screen_loaded(self, message: Loaded) -> None:
        title = Text(f"Model {self.model_id}", style="bold")
        body = self.query_one("#detail-body", Static)
        if message.record is None:
            body.update(Text(f"Model {self.model_id} no longer exists", style="red"))
        else:
            title.append(" · ")
            title.append(plain(message.record.status), style="dim")
            body.update(detail_renderable(message.record))
        self.query_one("#screen-title", Static).update(title)
        self.query_one("#detail-history", Static).update(
            history_renderable(message.events, message.labels)
        )

    def action_scroll(self, lines: int) -> None:
        """Scroll the page by ``lines``."""
        scroll = self.query_one("#detail-scroll", VerticalScroll)
        scroll.scroll_relative(y=lines, animate=False)
