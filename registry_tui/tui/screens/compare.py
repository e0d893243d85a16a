"""The comparison screen: models side by side, metric bars, config differences.

Opened with the ids to compare, or with one id and a tag (``against``): then
the tag's holder nearest to that model (see ``tag_holder_near``) becomes the
first column, the baseline the config differences are taken against. A model
deleted elsewhere drops out with a notice; when fewer than two are left, or
the database cannot be read, the screen says so (``esc`` goes back, ``ctrl+r``
tries again) instead of waiting forever.
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
from textual.widgets import Footer, Static
from textual.worker import Worker

from registry_tui.errors import ConfigNotFoundError, RegistryError
from registry_tui.metrics import direction_lists
from registry_tui.records import ConfigChange, ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render import comparison_rows, config_section, model_label
from registry_tui.render.text import literal, visible
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.widgets.metric_bars import MetricBars
from registry_tui.tui.work import report_failed_work

ConfigDiff = tuple[ModelRecord, list[ConfigChange] | None]
"""A model compared with the first one: its config changes, or None when not stored."""


def gone_text(missing: list[int]) -> str:
    """``Model #12 no longer exists`` (or ``Models #12, #13 no longer exist``)."""
    ids = ", ".join(f"#{i}" for i in missing)
    return f"Model {ids} no longer exists" if len(missing) == 1 else f"Models {ids} no longer exist"


class CompareScreen(Screen[None]):
    """Compare two to twenty (or more) models."""

    AUTO_FOCUS = "#compare-scroll"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="compare.back"),
        Binding("l,right", "scroll_models(1)", "Next model", id="compare.next_model"),
        Binding("h,left", "scroll_models(-1)", "Previous model", id="compare.previous_model"),
        Binding("C", "add_production", "Add production", id="compare.add_production"),
        Binding("j", "scroll(1)", "Down", show=False, id="compare.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="compare.up"),
    ]

    @dataclass
    class Loaded(Message):
        """The models and their config differences arrived; ``missing`` were not found."""

        records: list[ModelRecord]
        diffs: list[ConfigDiff]
        missing: list[int]

    @dataclass
    class LoadFailed(Message):
        """Nothing to compare: ``error`` says why."""

        error: str

    def __init__(
        self, registry: ModelRegistry, model_ids: list[int], *, against: str | None = None
    ) -> None:
        super().__init__()
        self.registry = registry
        self.model_ids = list(model_ids)
        self.against = against
        self._directions: dict[str, bool] = {}

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="screen-title")
        with VerticalScroll(id="compare-scroll"):
            yield MetricBars(id="metric-bars")
            yield Static("", id="config-diff")
        yield Footer(compact=True, show_command_palette=False)

    def _title(self, records: list[ModelRecord] | None = None) -> Text:
        if records is None and self.against is not None:
            return Text.assemble(f"model #{self.model_ids[-1]} vs ", literal(self.against))
        count = len(records) if records is not None else len(self.model_ids)
        title = Text(f"Compare {count} models", style="bold")
        if self.against is not None and records and self.against in records[0].tags:
            title = Text.assemble(model_label(records[-1]), " vs ", literal(self.against, "bold"))
            title.append(f" ({visible(records[0].label)})", style="dim")
        return title

    def on_mount(self) -> None:
        self.query_one("#compare-scroll").focus()
        self._load()

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self._load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Work of this screen that failed unexpectedly: one line (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

    @work(
        thread=True,
        exclusive=True,
        group="compare",
        exit_on_error=False,
        description="Loading the comparison",
    )
    def _load(self) -> None:
        try:
            ids = self._resolve(self.model_ids)
            found = self.registry.records.by_ids(ids)
            records = [found[i] for i in ids if i in found]
            missing = [i for i in ids if i not in found]
            if len(records) < 2:
                raise LookupError(self._too_few(missing))
            self._directions = self.registry.metric_directions()
            diffs = [(other, self._changes(records[0], other)) for other in records[1:]]
        except (RegistryError, LookupError) as exc:
            self.post_message(self.LoadFailed(str(exc)))
            return
        self.post_message(self.Loaded(records, diffs, missing))

    def _resolve(self, ids: list[int]) -> list[int]:
        """The ids to compare: with ``against``, the tag's holder near the last model first."""
        if self.against is None:
            return ids
        holder = self.registry.records.tag_holder_near(ids[-1], self.against)
        if holder is None:
            raise LookupError(f"No model holds {visible(self.against)}")
        if holder.model_id in ids:
            if len(ids) == 1:
                raise LookupError(f"{visible(holder.label)} holds {visible(self.against)} itself")
            return ids
        return [holder.model_id, *ids]

    @staticmethod
    def _too_few(missing: list[int]) -> str:
        if missing:
            return f"{gone_text(missing)} (deleted elsewhere?): fewer than two models to compare"
        return "Fewer than two models to compare"

    def _changes(self, first: ModelRecord, other: ModelRecord) -> list[ConfigChange] | None:
        try:
            return self.registry.records.config_changes(first.model_id, other.model_id)
        except ConfigNotFoundError:
            return None

    def on_compare_screen_loaded(self, message: Loaded) -> None:
        records = message.records
        if message.missing:
            gone = gone_text(message.missing)
            self.notify(f"{gone}: no longer compared", title="Deleted elsewhere", markup=False)
        self.model_ids = [r.model_id for r in records]
        lower, higher = direction_lists(self._directions)
        self.query_one(MetricBars).show(records, comparison_rows(records, None, lower, higher))
        self.query_one("#config-diff", Static).update(config_section(records[0], message.diffs))
        self.query_one("#screen-title", Static).update(self._title(records))

    def on_compare_screen_load_failed(self, message: LoadFailed) -> None:
        text = literal(message.error, "bold red")
        text.append("\nesc goes back · ctrl+r tries again", style="dim")
        self.query_one(MetricBars).show_message(text)
        self.query_one("#config-diff", Static).update("")

    def action_scroll(self, lines: int) -> None:
        """Scroll the page by ``lines``."""
        self.query_one("#compare-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_scroll_models(self, step: int) -> None:
        """Show the next (or previous) model when they do not all fit."""
        self.query_one(MetricBars).scroll_models(step)

    def action_add_production(self) -> None:
        """Add the ``production`` holder nearest the last model as the first column."""
        self.against = "production"
        self._load()
