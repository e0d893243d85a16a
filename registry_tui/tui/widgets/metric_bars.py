"""Models side by side with a bar for every metric value.

Columns are models, rows are metrics. The best value of each metric (the
same direction rules as the CLI's ``compare``) is bold green with a star, and
each value has a bar scaled between the row's smallest and largest value, so
differences show at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from registry_tui.metrics import format_value
from registry_tui.records import ModelRecord
from registry_tui.render import BEST_MARK, ComparisonRow, model_label, status_text, tags_text
from registry_tui.tui.text import literal

BAR_WIDTH = 10
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar ``fraction`` (0..1) of ``width`` cells long, in eighths."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[rest] if rest else "")
    return text.ljust(width)


def bar_fractions(values: Sequence[float | None]) -> list[float | None]:
    """Bar lengths for a row: the smallest value gets a short bar, the largest a full one."""
    present = [v for v in values if v is not None]
    if not present:
        return [None] * len(values)
    low, high = min(present), max(present)
    if high == low:
        return [None if v is None else 1.0 for v in values]
    return [None if v is None else 0.15 + 0.85 * (v - low) / (high - low) for v in values]


def value_cell(value: float | None, fraction: float | None, best: bool) -> Text:
    """``0.38 ★ ████▌``: the value, the star when best, then its bar."""
    if value is None:
        return Text("-", style="dim")
    style = "bold green" if best else ""
    text = Text(format_value(value), style=style)
    text.append(f" {BEST_MARK}" if best else "  ", style=style)
    text.append(" ")
    text.append(bar(fraction or 0.0), style="green" if best else "blue")
    return text


def comparison_grid(records: Sequence[ModelRecord], rows: Sequence[ComparisonRow]) -> Table:
    """The side-by-side table: a few identity rows, then one row per metric."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", style="bold", no_wrap=True)
    for record in records:
        table.add_column(model_label(record), justify="left", no_wrap=True)
    table.add_row("task", *(literal(r.task_type, "dim") for r in records))
    table.add_row("status", *(status_text(r.status) for r in records))
    table.add_row("tags", *(tags_text(r.tags) if r.tags else Text("-") for r in records))
    parents = (Text(f"#{r.parent_model_id}" if r.parent_model_id else "-") for r in records)
    table.add_row("parent", *parents, end_section=True)
    for row in rows:
        arrow = "↓" if row.lower_better else "↑"
        label = literal(row.metric, "bold")
        label.append(f" {arrow}", style="dim")
        fractions = bar_fractions(row.values)
        pairs = enumerate(zip(row.values, fractions, strict=True))
        table.add_row(label, *(value_cell(v, f, i in row.best) for i, (v, f) in pairs))
    return table


class MetricBars(Static):
    """The comparison table; :meth:`show` fills it."""

    def show(self, records: Sequence[ModelRecord], rows: Sequence[ComparisonRow]) -> None:
        """Show ``records`` side by side with ``rows`` of metrics."""
        self.update(comparison_grid(records, rows))
