"""The model table's columns: what each shows and how wide it may be.

Kept apart from the widget so the layout rules (shrink the flexible columns
first, then the date, then scroll sideways) read on their own and can be
tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from rich.text import Text

from registry_tui.metrics import format_value
from registry_tui.records import ModelRecord
from registry_tui.tui.text import literal, plain

PRODUCTION_TAG = "production"
GAP = 1
"""Blank cells between two columns."""

Justify = Literal["left", "right"]
CellFn = Callable[[ModelRecord], Text]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the model table."""

    key: str
    label: str
    width: int
    min_width: int
    cell: CellFn
    justify: Justify = "left"
    shrink_order: int = 0
    """Lower shrinks first; 0 never shrinks."""


def _gutter(_: ModelRecord) -> Text:
    # The widget draws marks itself (they change without a reload); keep the space.
    return Text("")


def _created(record: ModelRecord) -> Text:
    return literal(record.created_at[:10])


def _tags(record: ModelRecord) -> Text:
    text = Text()
    for i, tag in enumerate(record.tags):
        if i:
            text.append(",")
        piece = literal(tag)
        if tag == PRODUCTION_TAG:
            piece.stylize("bold")
        text.append_text(piece)
    return text


def _metric(name: str) -> CellFn:
    def cell(record: ModelRecord) -> Text:
        value = record.metrics.get(name)
        return Text(format_value(value) if value is not None else "")

    return cell


def rank_metrics(names: Sequence[str]) -> list[str]:
    """Validation metrics (``val_*``, ``eval_*``, ``test_*``) first, otherwise as given."""
    held_out = ("val", "eval", "test")
    return sorted(names, key=lambda n: not n.lower().startswith(held_out))


def build_columns(metrics: Sequence[str], id_digits: int = 4) -> list[Column]:
    """The table's columns: fixed ones, then one per metric, then the date."""
    columns = [
        Column("gutter", "", 2, 2, _gutter),
        Column("id", "id", id_digits, id_digits, lambda r: Text(str(r.model_id)), "right"),
        Column("name", "name", 20, 12, lambda r: literal(r.name), shrink_order=4),
        Column("version", "version", 8, 7, lambda r: literal(r.version), shrink_order=5),
        Column("task", "task", 18, 8, lambda r: literal(r.task_type), shrink_order=3),
        Column("tags", "tags", 20, 8, _tags, shrink_order=2),
        Column("status", "status", 7, 7, lambda r: literal(r.status)),
    ]
    for name in metrics:
        width = max(6, min(len(name), 9))
        columns.append(Column(f"m:{name}", plain(name), width, width, _metric(name), "right"))
    columns.append(Column("created", "created", 10, 10, _created))
    return columns


def fit_columns(columns: Sequence[Column], width: int) -> list[Column]:
    """Columns resized to fit ``width`` cells where possible.

    Spare room goes to the name and tags; when short of room the flexible
    columns shrink in ``shrink_order`` down to their minimum. When even that
    is too wide, the last column (the date) is left out of the fit and is
    reached by scrolling sideways, so the name keeps a readable width.
    """
    fitted = _fit(columns, width)
    if total_width(fitted) <= width or len(columns) < 2:
        return fitted
    *head, last = columns
    return [*_fit(head, width), last]


def _fit(columns: Sequence[Column], width: int) -> list[Column]:
    fitted = list(columns)
    need = sum(c.width for c in fitted) + GAP * (len(fitted) - 1)
    spare = width - need
    if spare > 0:
        growers = [i for i, c in enumerate(fitted) if c.key in ("name", "tags")]
        for n, i in enumerate(growers):
            share = spare // len(growers) + (1 if n < spare % len(growers) else 0)
            fitted[i] = replace(fitted[i], width=fitted[i].width + share)
        return fitted
    excess = -spare
    order = sorted(
        (i for i, c in enumerate(fitted) if c.shrink_order),
        key=lambda i: fitted[i].shrink_order,
    )
    for i in order:
        if excess <= 0:
            break
        col = fitted[i]
        cut = min(excess, col.width - col.min_width)
        fitted[i] = replace(col, width=col.width - cut)
        excess -= cut
    return fitted


def total_width(columns: Sequence[Column]) -> int:
    """Cells needed to draw every column with its gaps."""
    return sum(c.width for c in columns) + GAP * max(0, len(columns) - 1)
