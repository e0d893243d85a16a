"""The lineage tree: a whole fine-tune family, root first, one node per model.

Each node shows the model, its tags and status, and how its key metric moved
against its parent (green when better, red when worse). The current model is
highlighted and gets the cursor; ``enter`` posts ``Tree.NodeSelected``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from registry_tui.records import ModelRecord
from registry_tui.render import frequent_metrics
from registry_tui.render.lineage import node_label


class LineageTree(Tree[int]):
    """A family of models nested by parent; node data is the model id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Lineage", style="bold"), id=id)
        self.auto_expand = False
        self.guide_depth = 3
        self.show_root = False
        self.records: dict[int, ModelRecord] = {}
        self.key_metric: str | None = None
        self.lower: list[str] = []  # metrics forced lower-is-better (the registry's)
        self.higher: list[str] = []

    def show(self, records: Sequence[ModelRecord], current_id: int) -> None:
        """Build the tree from ``records`` (parents before children) and focus ``current_id``."""
        self.clear()
        self.records = {r.model_id: r for r in records}
        top = frequent_metrics(records, 1)
        self.key_metric = top[0] if top else None
        parents = {r.parent_model_id for r in records}
        nodes: dict[int, TreeNode[int]] = {}
        current: TreeNode[int] | None = None
        for record in records:
            parent = self.records.get(record.parent_model_id or -1)
            branch = nodes.get(parent.model_id) if parent else None
            label = node_label(
                record,
                parent,
                self.key_metric,
                current=record.model_id == current_id,
                lower=self.lower,
                higher=self.higher,
            )
            node = (branch or self.root).add(
                label,
                data=record.model_id,
                expand=True,
                allow_expand=record.model_id in parents,
            )
            nodes[record.model_id] = node
            if record.model_id == current_id:
                current = node
        self.root.expand_all()
        if current is not None:
            target = current
            self.call_after_refresh(lambda: self.move_cursor(target))
