"""The detail screen: one model in full (nothing cut, exact metric values), the run it
came from (when the registry knows where runs live), its checkpoint as recorded at
registration, its history, and the main actions on it.

``i`` inspects the checkpoint file now, in a thread worker (a large directory
takes a while: the panel says it is reading), and shows the result as
``registry-tui inspect`` does, with a line saying whether it still matches what
was recorded; a missing, refused or unreadable file is one line saying why.

The keys are the main screen's (promote, remove a tag, retire, restore,
delete, copy, compare with the parent, lineage, rollback, history), from the
same shared actions, so a change made here is the same registry call; ``m``
previews the model's card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Static

from registry_tui.errors import RegistryError
from registry_tui.metrics import direction_lists
from registry_tui.records import EventRecord, ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render import full_detail_renderable, history_section
from registry_tui.render.recorded import (
    inspection_failure,
    inspection_pending,
    inspection_renderable,
)
from registry_tui.render.text import literal, visible
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.screens.card import CardScreen
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.history import HistoryFilter
from registry_tui.tui.screens.record_actions import RecordActions

if TYPE_CHECKING:
    from registry_tui.checkpoints import CheckpointInfo
    from registry_tui.runs import RunInfo

HISTORY_LIMIT = 50
LABEL_LIMIT = 20


class DetailScreen(RecordActions):
    """Everything about one model, and what can be done to it."""

    AUTO_FOCUS = "#detail-scroll"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back"),
        Binding("p", "promote", "Promote", id="detail.promote"),
        Binding("u", "untag", "Remove tag", show=False, id="detail.untag"),
        Binding("r", "retire", "Retire", id="detail.retire"),
        Binding("R", "restore", "Restore (un-retire)", show=False, id="detail.restore"),
        Binding("d", "delete", "Delete", id="detail.delete"),
        Binding("y", "copy", "Copy", id="detail.copy"),
        Binding("c", "compare", "Compare with parent", show=False, id="detail.compare"),
        Binding("l", "lineage", "Lineage", show=False, id="detail.lineage"),
        Binding("b", "rollback", "Roll back a tag", show=False, id="detail.rollback"),
        Binding("h", "history", "History", show=False, id="detail.history"),
        Binding("i", "inspect", "Inspect checkpoint", id="detail.inspect"),
        Binding("m", "model_card", "Model card", id="detail.model_card"),
        Binding("j", "scroll(1)", "Down", show=False, id="detail.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="detail.up"),
    ]

    @dataclass
    class Loaded(Message):
        """The model and its history arrived (``record`` None when it is gone)."""

        record: ModelRecord | None
        events: list[EventRecord]
        labels: dict[int, str]
        run: RunInfo | None = None
        protected: frozenset[str] = frozenset()

    @dataclass
    class LoadFailed(Message):
        """The model could not be read (the database is unreachable, for one)."""

        error: str

    @dataclass
    class Inspected(Message):
        """The checkpoint of model ``model_id`` was read: ``info``, or ``problem`` saying
        why not (missing, refused, unreadable)."""

        model_id: int
        info: CheckpointInfo | None
        problem: str | None
        metadata: Mapping[str, Any]

    def __init__(
        self, registry: ModelRegistry, model_id: int, *, read_only: bool | None = None
    ) -> None:
        super().__init__()
        self.registry = registry
        self.model_id = model_id
        self.read_only = registry.read_only if read_only is None else read_only
        self.record: ModelRecord | None = None
        self.run: RunInfo | None = None
        self.protected: frozenset[str] = frozenset()
        """The registry's protected tags (marked with a lock among the model's tags)."""
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Model {self.model_id}", style="bold"), id="screen-title")
        with VerticalScroll(id="detail-scroll"):
            yield Static(Text("loading…", style="dim"), id="detail-body")
            yield Static("", id="detail-inspection")
            yield Static("", id="detail-history")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.read_only = self.read_only or bool(getattr(self.app, "read_only", False))
        self.query_one("#detail-scroll").focus()
        self._load()

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self._load()

    @work(
        thread=True,
        exclusive=True,
        group="detail",
        exit_on_error=False,
        description="Loading the model",
    )
    def _load(self) -> None:
        try:
            record = self.registry.records.get(self.model_id)
            events = self.registry.records.events(model_id=self.model_id, limit=HISTORY_LIMIT)
            labels = self._labels(events)
            run = None if record is None else self.registry.run_of_record(record)
            protected = frozenset(self.registry.protections()) if record and record.tags else None
        except RegistryError as exc:
            self.post_message(self.LoadFailed(str(exc)))
            return
        self.post_message(self.Loaded(record, events, labels, run, protected or frozenset()))

    def on_detail_screen_load_failed(self, message: LoadFailed) -> None:
        """Say why instead of "loading…" forever, and the ways out."""
        text = Text(f"Could not load model {self.model_id}: ", style="red")
        text.append_text(literal(message.error, "red"))
        text.append("\nesc back · ctrl+r retry", style="dim")
        self.query_one("#detail-body", Static).update(text)

    def _labels(self, events: list[EventRecord]) -> dict[int, str]:
        """``name version`` of the models the events mention (deleted ones are left out)."""
        ids = {i for e in events for i in (e.model_id, e.previous_model_id) if i is not None}
        records = self.registry.records.by_ids(sorted(ids)[:LABEL_LIMIT])
        return {model_id: record.label for model_id, record in records.items()}

    def on_detail_screen_loaded(self, message: Loaded) -> None:
        self.record, self.run, self.loaded = message.record, message.run, True
        self.protected = message.protected
        title = Text(f"Model {self.model_id}", style="bold")
        body = self.query_one("#detail-body", Static)
        if message.record is None:
            body.update(Text(f"Model {self.model_id} no longer exists", style="red"))
        else:
            title.append(" · ")
            title.append(visible(message.record.status), style="dim")
            self._draw_record()
        self.query_one("#screen-title", Static).update(title)
        self.query_one("#detail-history", Static).update(
            history_section(message.events, message.labels)
        )

    def _draw_record(self) -> None:
        """The model in full, its "Better" column by the registry's recorded directions."""
        if self.record is None:
            return
        lower, higher = direction_lists(getattr(self.app, "metric_directions", {}))
        renderable = full_detail_renderable(
            self.record, lower=lower, higher=higher, run=self.run, protected=self.protected
        )
        self.query_one("#detail-body", Static).update(renderable)

    # -- what the shared actions act on ---------------------------------------------------

    def _target(self) -> ModelRecord | None:
        if self.record is None:
            gone = f"Model {self.model_id} no longer exists"
            self.notify(gone if self.loaded else "Still loading", severity="warning")
        return self.record

    def _current_record(self) -> ModelRecord | None:
        return self.record

    def _history_filter(self) -> HistoryFilter:
        return HistoryFilter(model_id=self.model_id)

    def jump_to(self, model_id: int) -> None:
        """Show ``model_id`` on this screen (from the lineage tree)."""
        if model_id != self.model_id:
            self.model_id, self.record, self.loaded = model_id, None, False
            self.query_one("#detail-body", Static).update(Text("loading…", style="dim"))
            self.query_one("#detail-inspection", Static).set_class(False, "-shown")
            self._load()

    def action_compare(self) -> None:
        """Compare this model with its parent."""
        record = self._target()
        if record is None:
            return
        if record.parent_model_id is None:
            self.notify(f"{visible(record.label)} has no parent to compare with", markup=False)
            return
        ids = [record.parent_model_id, record.model_id]
        self.app.push_screen(CompareScreen(self.registry, ids))

    def action_model_card(self) -> None:
        """Preview this model's card (its Hugging Face README.md)."""
        if self._target() is not None:
            self.app.push_screen(CardScreen(self.registry, self.model_id))

    def action_scroll(self, lines: int) -> None:
        """Scroll the page by ``lines``."""
        scroll = self.query_one("#detail-scroll", VerticalScroll)
        scroll.scroll_relative(y=lines, animate=False)

    # -- the checkpoint file, read now ----------------------------------------------------

    def action_inspect(self) -> None:
        """Read the model's checkpoint file now and show what it holds."""
        record = self._target()
        if record is None:
            return
        panel = self.query_one("#detail-inspection", Static)
        panel.update(inspection_pending(record.checkpoint_path))
        panel.set_class(True, "-shown")
        self._show_inspection()
        self._inspect(record)

    def _show_inspection(self) -> None:
        """Once laid out (hidden until ``i``, then grown), bring the inspection to the top."""
        panel = self.query_one("#detail-inspection", Static)
        scroll = self.query_one("#detail-scroll", VerticalScroll)
        self.call_after_refresh(scroll.scroll_to_widget, panel, animate=False, top=True)

    @work(
        thread=True,
        exclusive=True,
        group="inspect",
        exit_on_error=False,
        description="Inspecting the checkpoint",
    )
    def _inspect(self, record: ModelRecord) -> None:
        from registry_tui.checkpoints import inspect_checkpoint

        info, problem = None, None
        try:
            info = inspect_checkpoint(record.checkpoint_path)
        except RegistryError as exc:  # missing, refused (an unsafe pickle names its globals)
            problem = str(exc)
        except OSError as exc:
            problem = f"{record.checkpoint_path}: cannot be read: {exc.strerror or exc}"
        except Exception as exc:  # a file no reader expected must not stop the app
            problem = f"the reader failed on this file ({type(exc).__name__})"
        self.post_message(self.Inspected(record.model_id, info, problem, record.metadata))

    def on_detail_screen_inspected(self, message: Inspected) -> None:
        if message.model_id != self.model_id:
            return  # the screen moved on to another model meanwhile
        panel = self.query_one("#detail-inspection", Static)
        if message.info is None:
            panel.update(inspection_failure(message.problem or "unknown problem"))
        else:
            panel.update(inspection_renderable(message.info, message.metadata))
        self._show_inspection()
