"""The lineage screen: the fine-tune family of a model, from its root ancestor down.

``enter`` on a node closes the screen and returns that model's id, so the main
screen can jump to it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from registry_tui.errors import RegistryError
from registry_tui.records import ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render import metrics_inline, model_label, step_deltas
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.widgets.lineage_tree import LineageTree


class LineageScreen(Screen[int | None]):
    """A model's whole family tree."""

    AUTO_FOCUS = "#lineage-tree"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="lineage.back"),
        Binding("enter", "jump", "Go to model", priority=True, id="lineage.jump"),
        Binding("j", "tree_move('down')", "Down", show=False, id="lineage.down"),
        Binding("k", "tree_move('up')", "Up", show=False, id="lineage.up"),
    ]

    class Loaded(Message):
        """The family arrived."""

        def __init__(self, records: list[ModelRecord]) -> None:
            super().__init__()
            self.records = records

    def __init__(self, registry: ModelRegistry, model_id: int) -> None:
        super().__init__()
        self.registry = registry
        self.model_id = model_id

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Lineage of model {self.model_id}", style="bold"), id="screen-title")
        yield LineageTree(id="lineage-tree")
        yield Static("", id="lineage-info")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(LineageTree).focus()
        self._load()

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="lineage")
    def _load(self) -> None:
        try:
            records = self.registry.family_records(self.model_id)
        except RegistryError as exc:
            self.app.notify(str(exc), title="No lineage", severity="error", markup=False)
            return
        self.post_message(self.Loaded(records))

    def on_lineage_screen_loaded(self, message: Loaded) -> None:
        tree = self.query_one(LineageTree)
        tree.show(message.records, self.model_id)
        current = tree.records.get(self.model_id)
        if current is not None:
            title = Text("Lineage of ", style="bold")
            title.append_text(model_label(current))
            title.append(f" · {len(message.records)} models in the family", style="dim")
            self.query_one("#screen-title", Static).update(title)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        tree = self.query_one(LineageTree)
        record = tree.records.get(event.node.data or -1)
        info = self.query_one("#lineage-info", Static)
        if record is None:
            info.update("")
            return
        parent = tree.records.get(record.parent_model_id or -1)
        heading = model_label(record)
        if parent is None:
            heading.append(" (root)", style="dim")
            lines = [metrics_inline(record.metrics)] if record.metrics else []
        else:
            heading.append(" vs parent ", style="dim")
            heading.append_text(model_label(parent))
            lines = step_deltas(parent, record)
        info.update(Group(heading, *lines))

    def action_jump(self) -> None:
        """Close the tree and go to the highlighted model."""
        node = self.query_one(LineageTree).cursor_node
        if node is not None and node.data is not None:
            self.dismiss(node.data)

    def action_back(self) -> None:
        """Close the tree."""
        self.dismiss(None)

    def action_tree_move(self, direction: str) -> None:
        """Move the tree cursor (``j``/``k``)."""
        tree = self.query_one(LineageTree)
        if direction == "down":
            tree.action_cursor_down()
        else:
            tree.action_cursor_up()
