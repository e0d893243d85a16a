"""The lineage screen: the fine-tune family of a model, from its root ancestor down.

From the highlighted node: ``enter`` opens its details, ``c`` compares it with
its parent, ``R`` with the family's root, ``C`` with the production model,
``p`` promotes it (the main screen's promote dialog and action), and ``o``
closes the tree and puts the main list's cursor on it. Live refreshes keep
the cursor on its model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree
from textual.worker import Worker

from registry_tui.errors import RegistryError
from registry_tui.metrics import direction_lists
from registry_tui.records import ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render import model_label, step_summary
from registry_tui.render.text import literal, visible
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.widgets.lineage_tree import LineageTree
from registry_tui.tui.work import report_failed_work

Promote = Callable[[ModelRecord], None]
"""Opens the promote dialog for a model and makes the change (the main screen's action)."""


class LineageScreen(Screen[int | None]):
    """A model's whole family tree."""

    AUTO_FOCUS = "#lineage-tree"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="lineage.back"),
        Binding("enter", "detail", "Details", priority=True, id="lineage.detail"),
        Binding("c", "compare_parent", "Compare parent", id="lineage.compare_parent"),
        Binding("R", "compare_root", "Compare root", id="lineage.compare_root"),
        Binding(
            "C",
            "compare_production",
            "Compare with production",
            show=False,
            id="lineage.compare_production",
        ),
        Binding("p", "promote", "Promote", id="lineage.promote"),
        Binding("o", "jump", "In list", id="lineage.jump"),
        Binding("j", "tree_move('down')", "Down", show=False, id="lineage.down"),
        Binding("k", "tree_move('up')", "Up", show=False, id="lineage.up"),
    ]

    @dataclass
    class Loaded(Message):
        """The family arrived; the cursor belongs on ``cursor_id``."""

        records: list[ModelRecord]
        cursor_id: int

    @dataclass
    class LoadFailed(Message):
        """The family could not be read: ``error`` says why."""

        error: str

    def __init__(
        self, registry: ModelRegistry, model_id: int, *, promote: Promote | None = None
    ) -> None:
        super().__init__()
        self.registry = registry
        self.model_id = model_id
        self.promote = promote
        self._directions: dict[str, bool] = {}

    @property
    def lineage(self) -> LineageTree:
        """The family tree."""
        return self.query_one(LineageTree)

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Lineage of model {self.model_id}", style="bold"), id="screen-title")
        yield LineageTree(id="lineage-tree")
        yield Static(Text("loading…", style="dim"), id="lineage-info")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.lineage.focus()
        self._load([self.model_id])

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self._load(self._anchors())

    def _anchors(self) -> list[int]:
        """Where the cursor goes, best first: the highlighted model, its parent, the screen's."""
        tree = self.lineage
        highlighted = tree.records.get(tree.cursor_id or -1)
        anchors = [highlighted.model_id, highlighted.parent_model_id] if highlighted else []
        return [a for a in (*anchors, self.model_id) if a is not None]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Work of this screen that failed unexpectedly: one line (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

    @work(
        thread=True,
        exclusive=True,
        group="lineage",
        exit_on_error=False,
        description="Loading the lineage",
    )
    def _load(self, anchors: list[int]) -> None:
        """The family of the first of ``anchors`` that still exists; the cursor goes there."""
        try:
            found = self.registry.records.by_ids(anchors)
            start = next((a for a in anchors if a in found), self.model_id)
            records = self.registry.records.family(start)
            self._directions = self.registry.metric_directions()
        except RegistryError as exc:
            self.post_message(self.LoadFailed(str(exc)))
            return
        self.post_message(self.Loaded(records, start))

    def on_lineage_screen_loaded(self, message: Loaded) -> None:
        tree = self.lineage
        tree.lower, tree.higher = direction_lists(self._directions)
        tree.show(message.records, self.model_id, message.cursor_id)
        current = tree.records.get(self.model_id)
        title = Text("Lineage of ", style="bold")
        title.append_text(model_label(current) if current else Text(f"model {self.model_id}"))
        title.append(f" · {len(message.records)} models in the family", style="dim")
        self.query_one("#screen-title", Static).update(title)

    def on_lineage_screen_load_failed(self, message: LoadFailed) -> None:
        text = literal(message.error, "bold red")
        text.append("\nesc goes back · ctrl+r tries again", style="dim")
        self.query_one("#lineage-info", Static).update(text)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        tree = self.lineage
        record = tree.records.get(event.node.data or -1)
        info = self.query_one("#lineage-info", Static)
        if record is None:
            info.update("")
            return
        parent = tree.records.get(record.parent_model_id or -1)
        info.update(step_summary(record, parent, lower=tree.lower, higher=tree.higher))

    # -- actions on the highlighted node ---------------------------------------------

    def _highlighted_record(self) -> ModelRecord | None:
        record = self.lineage.records.get(self.lineage.cursor_id or -1)
        if record is None:
            self.notify("No model highlighted", severity="warning")
        return record

    def _root_of(self, record: ModelRecord) -> ModelRecord:
        records = self.lineage.records
        while (parent := records.get(record.parent_model_id or -1)) is not None:
            record = parent
        return record

    def action_detail(self) -> None:
        """Open the highlighted model's details."""
        from registry_tui.tui.screens.detail import DetailScreen

        if (record := self._highlighted_record()) is not None:
            self.app.push_screen(DetailScreen(self.registry, record.model_id))

    def action_compare_parent(self) -> None:
        """Compare the highlighted model with its parent."""
        record = self._highlighted_record()
        if record is None:
            return
        parent = self.lineage.records.get(record.parent_model_id or -1)
        if parent is None:
            self.notify(f"{visible(record.label)} is the root: it has no parent", markup=False)
            return
        self.app.push_screen(CompareScreen(self.registry, [parent.model_id, record.model_id]))

    def action_compare_root(self) -> None:
        """Compare the highlighted model with the root of its family."""
        record = self._highlighted_record()
        if record is None:
            return
        root = self._root_of(record)
        if root.model_id == record.model_id:
            self.notify(f"{visible(record.label)} is the root", markup=False)
            return
        self.app.push_screen(CompareScreen(self.registry, [root.model_id, record.model_id]))

    def action_compare_production(self) -> None:
        """Compare the highlighted model with the production model of its family."""
        if (record := self._highlighted_record()) is not None:
            screen = CompareScreen(self.registry, [record.model_id], against="production")
            self.app.push_screen(screen)

    def action_promote(self) -> None:
        """Give the highlighted model a tag (the main screen's promote dialog)."""
        record = self._highlighted_record()
        if record is None:
            return
        if self.promote is None:
            self.notify("Promote is not available here", severity="warning")
            return
        self.promote(record)

    def action_jump(self) -> None:
        """Close the tree and put the main list's cursor on the highlighted model."""
        if (model_id := self.lineage.cursor_id) is not None:
            self.dismiss(model_id)

    def action_back(self) -> None:
        """Close the tree."""
        self.dismiss(None)

    def action_tree_move(self, direction: str) -> None:
        """Move the tree cursor (``j``/``k``)."""
        if direction == "down":
            self.lineage.action_cursor_down()
        else:
            self.lineage.action_cursor_up()
