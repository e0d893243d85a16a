"""The lineage tree: a whole fine-tune family, root first, one node per model.

Each node shows the model, its tags and status, and how its key metric moved
against its parent (green when better, red when worse). Indentation does not
grow along a chain: a model that is its parent's only fine-tune is drawn on
the next line at its parent's level, marked ``↳``, so a 50-step chain stays a
column of nodes instead of running off to the right. Only branching nests
deeper, and no deeper than :data:`MAX_DEPTH` levels; below that a node is drawn
at the deepest level and names its parent (``↳ #12``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from registry_tui.records import ModelRecord
from registry_tui.render import frequent_metrics
from registry_tui.render.lineage import node_label

MAX_DEPTH = 6
"""Nesting levels of branches; deeper nodes stay at this level."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a model goes in the tree: under ``branch`` (a model id, or None for the top)."""

    record: ModelRecord
    branch: int | None
    marker: str
    """``""`` when nested under its parent, ``"↳ "`` right below it, ``"↳ #12 "`` elsewhere."""


def placements(records: Sequence[ModelRecord]) -> list[Placement]:
    """Every model in drawing order (depth first), with the branch it hangs from."""
    by_id = {r.model_id: r for r in records}
    children: dict[int | None, list[ModelRecord]] = {}
    for record in records:
        parent = record.parent_model_id if record.parent_model_id in by_id else None
        children.setdefault(parent, []).append(record)
    out: list[Placement] = []
    stack: list[tuple[ModelRecord, int | None, int, str]] = [
        (r, None, 0, "") for r in reversed(children.get(None, []))
    ]
    while stack:
        record, branch, depth, marker = stack.pop()
        out.append(Placement(record, branch, marker))
        kids = children.get(record.model_id, [])
        if len(kids) == 1:
            stack.append((kids[0], branch, depth, "↳ "))
        elif depth + 1 >= MAX_DEPTH:
            stack += [(k, branch, depth, f"↳ #{record.model_id} ") for k in reversed(kids)]
        else:
            stack += [(k, record.model_id, depth + 1, "") for k in reversed(kids)]
    return out


class LineageTree(Tree[int]):
    """A family of models; node data is the model id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Lineage", style="bold"), id=id)
        self.auto_expand = False
        self.guide_depth = 3
        self.show_root = False
        self.records: dict[int, ModelRecord] = {}
        self.current_id: int | None = None
        self.key_metric: str | None = None
        self._shown: list[ModelRecord] = []
        self.lower: list[str] = []  # metrics forced lower-is-better (the registry's)
        self.higher: list[str] = []

    @property
    def cursor_id(self) -> int | None:
        """The model id under the cursor."""
        node = self.cursor_node
        return node.data if node is not None else None

    def show(self, records: Sequence[ModelRecord], current_id: int, cursor_id: int) -> None:
        """Draw ``records``, parents first, with the cursor on ``cursor_id``.

        Unchanged records keep the tree as it is, cursor and scroll included.
        """
        if list(records) == self._shown and current_id == self.current_id:
            return
        self._shown, self.current_id = list(records), current_id
        self.clear()
        self.records = {r.model_id: r for r in records}
        top = frequent_metrics(records, 1)
        self.key_metric = top[0] if top else None
        branches: dict[int, TreeNode[int]] = {}
        nodes: dict[int, TreeNode[int]] = {}
        layout = placements(records)
        nesting = {p.branch for p in layout}
        for place in layout:
            record = place.record
            parent = self.records.get(record.parent_model_id or -1)
            label = Text(place.marker, style="dim")
            label.append_text(
                node_label(
                    record,
                    parent,
                    self.key_metric,
                    current=record.model_id == current_id,
                    lower=self.lower,
                    higher=self.higher,
                )
            )
            under = branches.get(place.branch, self.root) if place.branch else self.root
            node = under.add(
                label, data=record.model_id, expand=True, allow_expand=record.model_id in nesting
            )
            branches[record.model_id] = node
            nodes[record.model_id] = node
        self.root.expand_all()
        target = nodes.get(cursor_id) or nodes.get(current_id)
        if target is not None:
            self.call_after_refresh(self._put_cursor, target)

    def on_resize(self, _: events.Resize) -> None:
        # The info pane below grows and shrinks with the highlighted model: keep
        # the cursor node in view when that changes the tree's height.
        if (node := self.cursor_node) is not None:
            self.call_after_refresh(self.scroll_to_node, node, animate=False)

    def _put_cursor(self, node: TreeNode[int]) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)
        self.scroll_to(x=0, animate=False)
