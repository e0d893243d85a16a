"""The model table's columns: what each shows and how wide it may be.

Kept apart from the widget so the layout rules (shrink the flexible columns
first, then the date, then scroll sideways) read on their own and can be
tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from registry_tui.records import ModelRecord
from registry_tui.render.numbers import format_memory, format_value, human_count
from registry_tui.render.text import literal, visible

PRODUCTION_TAG = "production"
GAP = 1
"""Blank cells between two columns."""

Justify = Literal["left", "right"]
CellFn = Callable[[ModelRecord], Text]
RECORD_FIELDS = frozenset(ModelRecord.__dataclass_fields__)


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
    sort: str | None = None
    """The sort key this column orders by (None: not sortable)."""


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


def _numeric(name: str) -> CellFn:
    """A numeric column's cell; ``memory_req_gb`` marked ``~`` when estimated, ``params``
    short (``7.24 B``)."""

    def cell(record: ModelRecord) -> Text:
        value = getattr(record, name)
        if name == "memory_req_gb":
            return Text("" if value is None else format_memory(value, record.metadata, ""))
        if name == "params":
            return Text("" if value is None else human_count(value))
        return Text(format_value(value) if value is not None else "")

    return cell


def rank_metrics(names: Sequence[str]) -> list[str]:
    """Validation metrics (``val_*``, ``eval_*``, ``test_*``) first, otherwise as given."""
    held_out = ("val", "eval", "test")
    return sorted(names, key=lambda n: not n.lower().startswith(held_out))


def build_columns(
    metrics: Sequence[str], id_digits: int = 4, numeric: Sequence[str] = ()
) -> list[Column]:
    """The table's columns: fixed ones, then one per metric and per ``numeric`` column
    of the record (``memory_req_gb``: those the filter names), then the date."""
    columns = [
        Column("gutter", "", 2, 2, _gutter),
        Column("id", "id", id_digits + 1, id_digits + 1, _id, "right", sort="model_id"),
        Column("name", "name", 20, 12, lambda r: literal(r.name), shrink_order=5, sort="name"),
        Column(
            "version",
            "version",
            8,
            7,
            lambda r: literal(r.version),
            shrink_order=6,
            sort="version",
        ),
        Column(
            "task",
            "task",
            18,
            8,
            lambda r: literal(r.task_type),
            shrink_order=3,
            sort="task_type",
        ),
        Column("tags", "tags", 20, 8, _tags, shrink_order=2),
        Column("status", "status", 7, 7, lambda r: literal(r.status), sort="status"),
    ]
    for name in metrics:
        # Full header when there is room (up to METRIC_MAX); cut to 9 cells first when short.
        width = max(6, min(len(name), METRIC_MAX)) + 1
        columns.append(
            Column(
                f"m:{name}", visible(name), width, max(6, min(len(name), 9)) + 1,
                _metric(name), "right", shrink_order=4, sort=name,
            )
        )  # fmt: skip
    for name in numeric:
        if name in RECORD_FIELDS:
            width = max(6, min(len(name), METRIC_MAX)) + 1
            columns.append(
                Column(
                    f"c:{name}", name, width, max(6, min(len(name), 9)) + 1, _numeric(name),
                    "right", shrink_order=4, sort=name,
                )
            )  # fmt: skip
    columns.append(Column("created", "created", 10, 10, _created, sort="created_at"))
    return columns


def _id(record: ModelRecord) -> Text:
    return Text(str(record.model_id))


FIXED_KEYS = ("gutter", "id", "name")
"""Columns that stay in place when the table scrolls sideways."""
METRIC_MAX = 16
"""Widest a metric column grows to show its whole name."""
SORT_ARROWS = {False: "▲", True: "▼"}


def fixed_width(columns: Sequence[Column]) -> int:
    """Cells taken by the leading :data:`FIXED_KEYS` columns and their gaps."""
    width = 0
    for col in columns:
        if col.key not in FIXED_KEYS:
            break
        width += col.width + GAP
    return width


def header_label(col: Column, sort: str | None) -> str:
    """A column's header, with an arrow when the listing is sorted by it."""
    if col.sort is None or sort is None or sort.lstrip("-+") != col.sort:
        return col.label
    return f"{col.label}{SORT_ARROWS[sort.startswith('-')]}"


def next_sort(columns: Sequence[Column], sort: str | None, *, flip: bool = False) -> str:
    """The sort key after ``sort``: the next sortable column, or the same one reversed."""
    keys = [c.sort for c in columns if c.sort is not None]
    field = (sort or "-created_at").lstrip("-+")
    descending = (sort or "-created_at").startswith("-")
    if flip:
        return field if descending else f"-{field}"
    index = keys.index(field) + 1 if field in keys else 0
    field = keys[index % len(keys)]
    return f"-{field}" if field == "created_at" else field


def toggle_sort(sort: str | None, field: str) -> str:
    """Sort by ``field``; when already sorted by it, the other direction (a header click)."""
    if sort is not None and sort.lstrip("-+") == field:
        return field if sort.startswith("-") else f"-{field}"
    return f"-{field}" if field == "created_at" else field


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


def column_at(columns: Sequence[Column], x: int, scroll_x: int) -> Column | None:
    """The column under screen cell ``x`` when the table is scrolled ``scroll_x`` cells."""
    x = x if x < fixed_width(columns) else x + scroll_x
    left = 0
    for col in columns:
        if left <= x < left + col.width + GAP:
            return col
        left += col.width + GAP
    return None


def scroll_strip(strip: Strip, fixed: int, scroll_x: int, width: int, style: Style) -> Strip:
    """The visible part of a table line: the first ``fixed`` cells stay, the rest scrolls."""
    fixed = min(fixed, width)
    if not scroll_x or not fixed:
        return strip.crop_extend(scroll_x, scroll_x + width, style)
    moving = strip.crop_extend(fixed + scroll_x, scroll_x + width, style)
    return Strip.join([strip.crop_extend(0, fixed, style), moving])
