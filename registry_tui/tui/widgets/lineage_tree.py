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

from registry_tui.metrics import format_value, lower_is_better
from registry_tui.records import ModelRecord
from registry_tui.render import frequent_metrics, model_label, tags_text
from registry_tui.tui.text import literal


def change_text(metric: str, old: float | None, new: float) -> Text:
    """``val_loss 0.42 (-0.08)``: the value and its change, green when better, red when worse."""
    text = literal(metric, "bold")
    text.append(f" {format_value(new)}")
    if old is None:
        return text
    delta = float(new) - float(old)
    better = delta < 0 if lower_is_better(metric) else delta > 0
    style = "dim" if delta == 0 else "green" if better else "red"
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    text.append(f" ({sign}{format_value(abs(delta))})", style=style)
    return text


def node_label(
    record: ModelRecord, parent: ModelRecord | None, metric: str | None, *, current: bool
) -> Text:
    """``gpt-small 1.1.0 #5 [production] val_loss 0.42 (-0.08)`` on one line."""
    text = model_label(record)
    if current:
        text.stylize("bold underline")
    if record.tags:
        text.append(" [")
        text.append_text(tags_text(record.tags))
        text.append("]")
    if record.status != "active":
        text.append(" (")
        text.append_text(literal(record.status))
        text.append(")")
        text.stylize("dim")
    if metric is not None and metric in record.metrics:
        old = parent.metrics.get(metric) if parent is not None else None
        text.append("  ")
        text.append_text(change_text(metric, old, record.metrics[metric]))
    return text


class LineageTree(Tree[int]):
    """A family of models nested by parent; node data is the model id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Lineage", style="bold"), id=id)
        self.auto_expand = False
        self.guide_depth = 3
        self.show_root = False
        self.records: dict[int, ModelRecord] = {}
        self.key_metric: str | None = None

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
                record, parent, self.key_metric, current=record.model_id == current_id
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
