"""Comparisons (best value per metric) and lineage trees (metric changes per step)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from registry_tui.metrics import best_index, lower_is_better, metric_union
from registry_tui.records import ModelRecord
from registry_tui.render.numbers import format_value
from registry_tui.render.text import (
    BEST_MARK,
    metric_cell,
    metrics_inline,
    model_label,
    safe_text,
    tags_text,
    visible,
)


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One metric across the compared models, with the winners' positions."""

    metric: str
    values: tuple[float | None, ...]
    best: frozenset[int]
    lower_better: bool


TIE_MARK = "="
"""Marks values tied for best, which are not starred (one rule for the CLI and the app)."""


def row_marks(row: ComparisonRow) -> list[str]:
    """``★`` for the one best value, ``=`` for values tied for best, else blank."""
    present = sum(v is not None for v in row.values)
    if present < 2 or not row.best:
        return [" "] * len(row.values)
    mark = BEST_MARK if len(row.best) == 1 else TIE_MARK
    return [mark if i in row.best else " " for i in range(len(row.values))]


def comparison_rows(
    records: Sequence[ModelRecord],
    metrics: Sequence[str] | None = None,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> list[ComparisonRow]:
    """Metric rows for a comparison: values in ``records`` order and the best of each.

    ``metrics`` defaults to every metric any of the models has. ``lower`` and
    ``higher`` force a metric's direction (see :func:`~registry_tui.metrics.lower_is_better`).
    """
    lower, higher = tuple(lower), tuple(higher)
    names = list(metrics) if metrics else metric_union(r.metrics for r in records)
    rows = []
    for name in names:
        values = tuple(r.metrics.get(name) for r in records)
        lower_better = lower_is_better(name, lower=lower, higher=higher)
        best = frozenset(best_index(values, lower_better)) if len(records) > 1 else frozenset()
        rows.append(ComparisonRow(name, values, best, lower_better))
    return rows


def comparison_table(records: Sequence[ModelRecord], rows: Sequence[ComparisonRow]) -> Table:
    """Models side by side (columns), metrics as rows: the one best value marked ★,
    values tied for best ``=`` (:func:`row_marks`, as in the app's comparison)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Metric", style="bold")
    for record in records:
        table.add_column(model_label(record), justify="right")
    table.add_column("Better", style="dim")
    for row in rows:
        cells = [metric_cell(v, mark) for v, mark in zip(row.values, row_marks(row), strict=True)]
        direction = Text("lower" if row.lower_better else "higher")
        table.add_row(safe_text(row.metric), *cells, direction)
    return table


def best_by_model(rows: Sequence[ComparisonRow], count: int) -> list[list[str]]:
    """For each model position, the metrics it is best at."""
    best: list[list[str]] = [[] for _ in range(count)]
    for row in rows:
        for index in sorted(row.best):
            best[index].append(row.metric)
    return best


def metric_delta(old: float | None, new: float | None) -> float | None:
    """``new - old``, or ``None`` when either is missing."""
    if old is None or new is None:
        return None
    return float(new) - float(old)


def _signed(value: float) -> str:
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return sign + format_value(abs(value))


def delta_text(
    metric: str,
    old: float | None,
    new: float | None,
    *,
    lower_better: bool,
) -> Text:
    """``val_loss 0.5 → 0.42 (-0.08)``: green when better, red when worse."""
    text = Text()
    text.append(visible(metric), style="bold")
    text.append(f" {format_value(old)} → {format_value(new)}")
    delta = metric_delta(old, new)
    if delta is not None:
        improved = delta < 0 if lower_better else delta > 0
        style = "dim" if delta == 0 else "green" if improved else "red"
        text.append(f" ({_signed(delta)})", style=style)
    return text


def step_deltas(
    parent: ModelRecord,
    child: ModelRecord,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> list[Text]:
    """One :func:`delta_text` per metric the child has (its parent's value or ``-``)."""
    lower, higher = tuple(lower), tuple(higher)
    return [
        delta_text(
            name,
            parent.metrics.get(name),
            value,
            lower_better=lower_is_better(name, lower=lower, higher=higher),
        )
        for name, value in child.metrics.items()
    ]


def step_summary(
    record: ModelRecord,
    parent: ModelRecord | None,
    *,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> Group:
    """``gpt-small 1.2.0 #5 vs parent gpt-small 1.1.0 #4`` over one :func:`delta_text` per
    metric; a root (``parent`` None) says so over its metrics."""
    heading = model_label(record)
    if parent is None:
        heading.append(" (root)", style="dim")
        lines = [metrics_inline(record.metrics)] if record.metrics else []
    else:
        heading.append(" vs parent ", style="dim")
        heading.append_text(model_label(parent))
        lines = step_deltas(parent, record, lower, higher)
    return Group(heading, *lines)


def _heading(record: ModelRecord, *, current_style: str | None, status_dims: bool) -> Text:
    """``name version #id [tags] (status)``: the start of every lineage node."""
    text = model_label(record)
    if current_style:
        text.stylize(current_style)
    if record.tags:
        text.append(" [")
        text.append_text(tags_text(record.tags))
        text.append("]")
    if record.status != "active" and status_dims:
        text.append(" (")
        text.append_text(safe_text(record.status))
        text.append(")")
        text.stylize("dim")
    elif record.status != "active":
        text.append(f" ({visible(record.status)})", style="dim")
    return text


def lineage_label(
    record: ModelRecord,
    parent: ModelRecord | None,
    *,
    current: bool = False,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> Text:
    """A tree node: label, tags, status; then the metrics (root) or changes (others)."""
    text = _heading(record, current_style="reverse" if current else None, status_dims=False)
    if parent is None:
        lines = [metrics_inline(record.metrics)] if record.metrics else []
    else:
        lines = step_deltas(parent, record, lower, higher)
    for line in lines:
        text.append("\n  ")
        text.append_text(line)
    return text


def node_label(
    record: ModelRecord,
    parent: ModelRecord | None,
    metric: str | None,
    *,
    current: bool,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> Text:
    """``gpt-small 1.1.0 #5 [production]  val_loss 0.5 → 0.42 (-0.08)`` on one line.

    A tree node of the terminal app: the key ``metric``'s change against the
    parent comes from :func:`delta_text`, the formatter of the CLI's lineage,
    with the metric's direction from the core; a root shows the value alone.
    A model that is not active is dimmed whole.
    """
    text = _heading(record, current_style="bold underline" if current else None, status_dims=True)
    if metric is None or metric not in record.metrics:
        return text
    text.append("  ")
    if parent is None:
        text.append(visible(metric), style="bold")
        text.append(f" {format_value(record.metrics[metric])}")
        return text
    lower_better = lower_is_better(metric, lower=lower, higher=higher)
    delta = delta_text(
        metric, parent.metrics.get(metric), record.metrics[metric], lower_better=lower_better
    )
    return text.append_text(delta)


def lineage_tree(
    records: Sequence[ModelRecord],
    *,
    current_id: int | None = None,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> Tree:
    """A tree of models nested by parent, roots first: a lineage chain or a whole family.

    ``records`` must list parents before children (as ``records.lineage`` and
    ``records.family`` do). The node of ``current_id`` is highlighted.
    """
    lower, higher = tuple(lower), tuple(higher)
    by_id = {r.model_id: r for r in records}
    tree = Tree(Text("Lineage", style="bold"), guide_style="dim")
    nodes: dict[int, Tree] = {}
    for record in records:
        # A parent not placed yet (a parent cycle in a legacy file) is not nested under.
        parent = by_id.get(record.parent_model_id) if record.parent_model_id in nodes else None
        label = lineage_label(
            record, parent, current=record.model_id == current_id, lower=lower, higher=higher
        )
        branch = nodes[parent.model_id] if parent is not None else tree
        nodes[record.model_id] = branch.add(label)
    return tree
