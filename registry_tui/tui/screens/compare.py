"""The comparison screen: models side by side, metric bars, config differences."""

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

from registry_tui.errors import ConfigNotFoundError, RegistryError
from registry_tui.records import ConfigChange, ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render import comparison_rows, config_diff_table, model_label
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.widgets.metric_bars import MetricBars

ConfigDiff = tuple[ModelRecord, list[ConfigChange] | None]
"""A model compared with the first one: its config changes, or None when not stored."""


def config_section(first: ModelRecord, diffs: list[ConfigDiff]) -> RenderableType:
    """Config differences of each model against the first one."""
    parts: list[RenderableType] = [Text("Config differences", style="bold")]
    for other, changes in diffs:
        heading = Text.assemble(model_label(first), " → ", model_label(other))
        if changes is None:
            parts.append(Text.assemble(heading, (": no stored config to compare", "dim")))
        elif not changes:
            parts.append(Text.assemble(heading, (": same config", "dim")))
        else:
            parts += [heading, config_diff_table(changes, first, other)]
    return Group(*parts)


class CompareScreen(Screen[None]):
    """Compare two or more models."""

    AUTO_FOCUS = "#compare-scroll"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="compare.back"),
        Binding("j", "scroll(1)", "Down", show=False, id="compare.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="compare.up"),
    ]

    class Loaded(Message):
        """The models and their config differences arrived."""

        def __init__(self, records: list[ModelRecord], diffs: list[ConfigDiff]) -> None:
            super().__init__()
            self.records, self.diffs = records, diffs

    def __init__(self, registry: ModelRegistry, model_ids: list[int]) -> None:
        super().__init__()
        self.registry = registry
        self.model_ids = model_ids

    def compose(self) -> ComposeResult:
        title = f"Compare {len(self.model_ids)} models"
        yield Static(Text(title, style="bold"), id="screen-title")
        with VerticalScroll(id="compare-scroll"):
            yield MetricBars(Text("loading…", style="dim"), id="metric-bars")
            yield Static("", id="config-diff")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#compare-scroll").focus()
        self._load()

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="compare")
    def _load(self) -> None:
        try:
            records = self.registry.compare_records(self.model_ids)
            diffs: list[ConfigDiff] = []
            for other in records[1:]:
                try:
                    changes = self.registry.config_changes(records[0].model_id, other.model_id)
                except ConfigNotFoundError:
                    changes = None
                diffs.append((other, changes))
        except RegistryError as exc:
            self.app.notify(str(exc), title="Cannot compare", severity="error", markup=False)
            return
        self.post_message(self.Loaded(records, diffs))

    def on_compare_screen_loaded(self, message: Loaded) -> None:
        records = message.records
        self.query_one(MetricBars).show(records, comparison_rows(records))
        self.query_one("#config-diff", Static).update(config_section(records[0], message.diffs))

    def action_scroll(self, lines: int) -> None:
        """Scroll the page by ``lines``."""
        self.query_one("#compare-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)
