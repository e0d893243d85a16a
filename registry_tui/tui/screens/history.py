"""The registry's history: every promotion, rollback, retirement, restore, deletion,
registration and promotion request (requested, approved, rejected ...), newest
first, a page at a time, with who did it and when. A break-glass promote is red
and says ``⚠ BREAK GLASS``, so it stands out without colour too.

The filter (``/``) takes ``tag:NAME`` and ``model:ID`` (or ``#ID``, or a bare
id); ``]`` and ``[`` go to older and newer pages. Everything shown goes
through the same renderer as the CLI's ``history`` (user text made visible).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker

from registry_tui import validate
from registry_tui.errors import RegistryError, ValidationError
from registry_tui.records import EventRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render import history_lines
from registry_tui.render.counts import count_label
from registry_tui.render.text import literal
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.work import report_failed_work

PAGE = 50
"""Events per page."""


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """Which events to show: one model and/or one tag (None: all)."""

    model_id: int | None = None
    tag: str | None = None


def parse_history_filter(text: str) -> HistoryFilter:
    """``tag:production model:5`` (or ``#5``, ``5``) to a filter; ValidationError if bad."""
    model_id: int | None = None
    tag: str | None = None
    for token in text.split():
        key, sep, value = token.partition(":")
        if sep and key.lower() == "tag":
            tag = validate.tag(value)
        elif sep and key.lower() in ("model", "id", "model_id"):
            model_id = _model_id(value, token)
        elif not sep and token.lstrip("#").isdigit():
            model_id = _model_id(token.lstrip("#"), token)
        else:
            raise ValidationError(
                f"Unknown history filter {token!r}: use tag:NAME and model:ID (or #ID)"
            )
    return HistoryFilter(model_id, tag)


def _model_id(value: str, token: str) -> int:
    if not value.isdigit():
        raise ValidationError(f"Bad model id in {token!r}: use model:ID with a number")
    return validate.model_id(int(value))


class HistoryScreen(Screen[None]):
    """What changed in the registry, newest first."""

    AUTO_FOCUS = "#history-scroll"

    COMPONENT_CLASSES: ClassVar[set[str]] = {"history--break-glass"}
    """The colour of a break-glass promote (app.tcss); its line also says so in words."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="history.back"),
        Binding("slash", "focus_filter", "Filter", id="history.focus_filter"),
        Binding("right_square_bracket", "page(1)", "Older", id="history.older"),
        Binding("left_square_bracket", "page(-1)", "Newer", id="history.newer"),
        Binding("j", "scroll(1)", "Down", show=False, id="history.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="history.up"),
    ]

    @dataclass
    class Loaded(Message):
        """A page of events arrived (``more``: there are older ones)."""

        generation: int
        events: list[EventRecord]
        labels: dict[int, str]
        more: bool

        def can_replace(self, message: Message) -> bool:
            """A page of the same or a later generation queued behind this one wins."""
            return (
                isinstance(message, HistoryScreen.Loaded) and message.generation >= self.generation
            )

    @dataclass
    class Failed(Message):
        """The page could not be read."""

        generation: int
        error: str

    def __init__(self, registry: ModelRegistry, initial: HistoryFilter | None = None) -> None:
        super().__init__()
        self.registry = registry
        self.wanted = initial or HistoryFilter()
        self.page_offset = 0
        self.more = False
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield Static(Text("History", style="bold"), id="screen-title")
        yield Input(
            self._filter_text(), placeholder="tag:NAME model:ID", id="history-filter", compact=True
        )
        yield Static("", id="history-error")
        with VerticalScroll(id="history-scroll"):
            yield Static(Text("loading…", style="dim"), id="history-body")
        yield Static("", id="history-status")
        yield Footer(compact=True, show_command_palette=False)

    def _filter_text(self) -> str:
        parts = [f"tag:{self.wanted.tag}"] if self.wanted.tag else []
        if self.wanted.model_id is not None:
            parts.append(f"model:{self.wanted.model_id}")
        return " ".join(parts)

    def on_mount(self) -> None:
        self.query_one("#history-scroll").focus()
        self.load()

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self.load()

    def load(self) -> None:
        """Read the current page again."""
        self.generation += 1
        self._load(self.generation, self.wanted, self.page_offset)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Work of this screen that failed unexpectedly: one line (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

    @work(
        thread=True,
        exclusive=True,
        group="history",
        exit_on_error=False,
        description="Loading the history",
    )
    def _load(self, generation: int, wanted: HistoryFilter, offset: int) -> None:
        try:
            events = self.registry.records.events(wanted.model_id, wanted.tag, PAGE + 1, offset)
            ids = {i for e in events for i in (e.model_id, e.previous_model_id) if i is not None}
            labels = {i: r.label for i, r in self.registry.records.by_ids(sorted(ids)).items()}
        except RegistryError as exc:
            self.post_message(self.Failed(generation, str(exc)))
            return
        self.post_message(self.Loaded(generation, events[:PAGE], labels, len(events) > PAGE))

    def on_history_screen_loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return
        self.more = message.more
        body = self.query_one("#history-body", Static)
        if message.events:
            styles = {"break_glass": self.get_component_rich_style("history--break-glass")}
            body.update(Group(history_lines(message.events, message.labels, styles)))
        else:
            body.update(Text("No events match", style="dim"))
        self._status(len(message.events))

    def on_history_screen_failed(self, message: Failed) -> None:
        if message.generation == self.generation:
            self.query_one("#history-body", Static).update(literal(message.error, "red"))

    def _status(self, shown: int) -> None:
        page = self.page_offset // PAGE + 1
        text = Text(f"page {page} · {count_label(shown, 'event')}")
        if self.page_offset:
            text.append(" · [ newer", style="dim")
        if self.more:
            text.append(" · ] older", style="dim")
        self.query_one("#history-status", Static).update(text)

    @on(Input.Changed, "#history-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        error = self.query_one("#history-error", Static)
        try:
            wanted = parse_history_filter(event.value)
        except RegistryError as exc:
            error.update(literal(exc, "red"))
            return
        error.update("")
        if wanted != self.wanted:
            self.wanted, self.page_offset = wanted, 0
            self.load()

    @on(Input.Submitted, "#history-filter")
    def _filter_submitted(self, _: Input.Submitted) -> None:
        self.query_one("#history-scroll").focus()

    def action_focus_filter(self) -> None:
        """Put the cursor in the filter."""
        self.set_focus(self.query_one("#history-filter", Input))

    def action_back(self) -> None:
        """Leave the filter, or go back to the previous screen."""
        if isinstance(self.focused, Input):
            self.query_one("#history-scroll").focus()
        else:
            self.app.pop_screen()

    def action_page(self, step: int) -> None:
        """Go ``step`` pages older (positive) or newer (negative)."""
        if (step > 0 and not self.more) or (step < 0 and not self.page_offset):
            return
        self.page_offset = max(0, self.page_offset + step * PAGE)
        self.load()
        self.query_one("#history-scroll", VerticalScroll).scroll_home(animate=False)

    def action_scroll(self, lines: int) -> None:
        """Scroll the page by ``lines``."""
        self.query_one("#history-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)
