"""The comparison grid of the terminal app: models as columns, metrics as rows.

Built here, not in the screen, so the comparison has one rendering path:

* metric names sit in a fixed label column, in full (folded, never cut);
* each model column is headed by its name, version and id;
* values in a metric row are shown with the fewest digits that tell them
  apart (``0.98770`` and ``0.98771``, not ``0.9877`` twice);
* the single best value of a row is starred (``★``); values tied for best
  are marked ``=`` and not starred;
* every value has a bar, and the best value's bar is the longest whatever the
  metric's direction, so a longer bar always means better;
* when the models do not fit the width, a window of columns is shown and the
  caller scrolls it (``first``); the label column stays.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from registry_tui.records import ModelRecord
from registry_tui.render.lineage import TIE_MARK, ComparisonRow, row_marks
from registry_tui.render.numbers import format_memory
from registry_tui.render.text import BEST_MARK, safe_text, status_text, tags_text, visible

LEGEND = (
    f"{BEST_MARK} best  {TIE_MARK} tied for best  ↓/↑ lower/higher is better  longer bar = better"
)
_EIGHTHS = " ▏▎▍▌▋▊▉"
_MIN_COLUMN = 10
_MAX_COLUMN = 22
_NAME_WIDTH = 16
"""Longest unbroken piece of a name, task type or tag that widens a column."""
_GAP = 2
"""Cells between two columns: a padding cell and the table's (blank) divider."""
_SCIENTIFIC_ABOVE = 1e15
_SCIENTIFIC_BELOW = 1e-3
_MAX_DECIMALS = 15


# -- values -----------------------------------------------------------------------------


def _fixed(values: Sequence[float], decimals: int) -> list[str]:
    return [f"{v:,.{decimals}f}" for v in values]


def _scientific(values: Sequence[float], digits: int) -> list[str]:
    return [f"{v:.{digits - 1}e}" for v in values]


def _separates(values: Sequence[float], texts: Sequence[str]) -> bool:
    """True when values that differ got different texts."""
    by_text: dict[str, float] = {}
    for value, text in zip(values, texts, strict=True):
        if by_text.setdefault(text, value) != value:
            return False
    return True


def row_texts(values: Sequence[float | None]) -> list[str]:
    """Values of one metric row with the fewest digits that tell them apart.

    At least two significant digits of the row's largest value are shown (so
    ``1.0`` and ``1.5`` stay ``1.0`` and ``1.5``); more are added until values
    that differ read differently. Equal values read the same; ``None`` is ``-``.
    """
    present = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    texts = iter(_present_texts(present))
    return [
        "-" if v is None or math.isnan(float(v)) else next(texts)
        for v in values  # same order as ``present``
    ]


def _present_texts(values: Sequence[float]) -> list[str]:
    if not values:
        return []
    magnitude = max(abs(v) for v in values)
    if all(v.is_integer() for v in values) and magnitude < _SCIENTIFIC_ABOVE:
        return _fixed(values, 0)
    if magnitude >= _SCIENTIFIC_ABOVE or magnitude < _SCIENTIFIC_BELOW:
        for digits in range(2, 18):
            if _separates(values, texts := _scientific(values, digits)):
                return texts
        return [repr(v) for v in values]
    start = max(0, 1 - math.floor(math.log10(magnitude)))
    for decimals in range(start, _MAX_DECIMALS + 1):
        if _separates(values, texts := _fixed(values, decimals)):
            return texts
    return [repr(v) for v in values]


# -- bars -------------------------------------------------------------------------------


def bar(fraction: float, width: int) -> str:
    """A horizontal bar ``fraction`` (0..1) of ``width`` cells long, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[rest] if rest else "")
    return text.ljust(width)


def bar_fractions(values: Sequence[float | None], lower_better: bool) -> list[float | None]:
    """Bar lengths for a row: the best value gets a full bar, worse values shorter ones.

    When every value is positive a bar is the value's ratio to the best one
    (``value / best`` when higher is better, ``best / value`` when lower is),
    so equal-looking values get equal-looking bars. Otherwise bars span the
    row from its worst value (a short bar) to its best (a full one).
    """
    present = [float(v) for v in values if v is not None]
    if not present:
        return [None] * len(values)
    low, high = min(present), max(present)
    if low > 0:
        best = low if lower_better else high
        return [
            None if v is None else (best / float(v) if lower_better else float(v) / best)
            for v in values
        ]
    if high == low:
        return [None if v is None else 1.0 for v in values]
    span = high - low
    return [
        None
        if v is None
        else 0.15 + 0.85 * ((high - float(v)) if lower_better else (float(v) - low)) / span
        for v in values
    ]


# -- cells ------------------------------------------------------------------------------


def metric_label(row: ComparisonRow) -> Text:
    """``val_loss ↓``: the metric's full name (shown literally) and its direction."""
    text = safe_text(row.metric, "bold")
    text.append(" ↓" if row.lower_better else " ↑", style="dim")
    return text


def metric_cells(row: ComparisonRow, width: int | Sequence[int]) -> list[Text]:
    """One two-line cell per model: the value and its mark, then its bar."""
    widths = [width] * len(row.values) if isinstance(width, int) else list(width)
    texts = row_texts(row.values)
    fractions = bar_fractions(row.values, row.lower_better)
    cells = []
    for index, (text, mark, fraction) in enumerate(
        zip(texts, row_marks(row), fractions, strict=True)
    ):
        if fraction is None:
            cells.append(Text("-", style="dim"))
            continue
        best = mark != " "
        cell = Text(f"{text} {mark}".rstrip(), style="bold green" if best else "")
        cell.append("\n")
        cell.append(bar(fraction, widths[index]), style="green" if best else "blue")
        cells.append(cell)
    return cells


def wrap_words(value: object, width: int) -> str:
    """User text made visible and broken into lines of ``width`` after ``-``, ``_``, ``.``.

    ``gpt-small-medical-qa`` in 12 cells is ``gpt-small-`` over ``medical-qa``;
    a piece longer than ``width`` is cut into ``width``-cell pieces. Nothing is dropped.
    """
    lines: list[str] = []
    line = ""
    for piece in re.split(r"(?<=[-_. ])", visible(value)):
        while len(piece) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(piece[:width])
            piece = piece[width:]
        if len(line) + len(piece) > width:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    return "\n".join(x for x in lines if x) or ""


def model_heading(record: ModelRecord, width: int = _MAX_COLUMN) -> Text:
    """``gpt-small`` over ``1.2.0 #5``: a column header that keeps name, version and id."""
    text = Text(wrap_words(record.name, width), style="bold")
    text.append("\n")
    text.append(visible(record.version))
    text.append(f" #{record.model_id}", style="dim")
    return text


# -- layout -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComparisonView:
    """A rendered comparison and the window of models it shows."""

    renderable: RenderableType
    first: int
    shown: int
    total: int

    @property
    def scrollable(self) -> bool:
        """True when some models are outside the window."""
        return self.shown < self.total


def _longest_piece(value: object) -> int:
    """The longest run of ``value`` between ``-``, ``_``, ``.`` and spaces (where it may wrap)."""
    return max((len(p) for p in re.split(r"(?<=[-_. ])", visible(value))), default=0)


def column_width(record: ModelRecord, rows: Sequence[ComparisonRow], index: int) -> int:
    """How wide a model's column is: its header, task and tags without breaking a word, its values.

    Names and task types wrap after ``-`` or ``_``; a tag stays on one line with its comma.
    """
    ident = len(visible(record.version)) + len(f" #{record.model_id}")
    words = [_longest_piece(record.name), _longest_piece(record.task_type)]
    words += [len(visible(tag)) + 1 for tag in record.tags]
    values = (len(row_texts(row.values)[index]) + 2 for row in rows)
    return min(_MAX_COLUMN, max(_MIN_COLUMN, ident, *(min(w, _NAME_WIDTH) for w in words), *values))


def label_width(rows: Sequence[ComparisonRow], width: int) -> int:
    """The label column: the longest metric name and its arrow, at most a third of ``width``."""
    longest = max((len(visible(r.metric)) + 2 for r in rows), default=0)
    return max(6, min(longest, max(12, width // 3)))


def window(widths: Sequence[int], room: int, first: int) -> tuple[int, int]:
    """``(first, shown)``: the columns that fit in ``room`` cells, starting near ``first``.

    At least one column is shown; ``first`` moves back when there is room to
    the right, so the last column is never followed by empty space.
    """
    total = len(widths)
    first = max(0, min(first, total - 1))

    def fits(start: int, end: int) -> bool:
        return sum(w + _GAP for w in widths[start:end]) <= room

    shown = 1
    while first + shown < total and fits(first, first + shown + 1):
        shown += 1
    while first > 0 and fits(first - 1, first + shown):
        first -= 1
        shown += 1
    return first, shown


def comparison_view(
    records: Sequence[ModelRecord],
    rows: Sequence[ComparisonRow],
    *,
    width: int,
    first: int = 0,
) -> ComparisonView:
    """The comparison grid for a ``width``-cell area, showing models from ``first`` on."""
    labels = label_width(rows, width)
    widths = [column_width(r, rows, i) for i, r in enumerate(records)]
    first, shown = window(widths, width - labels, first)
    parts: list[RenderableType] = []
    if shown < len(records):
        parts.append(position_text(first, shown, len(records)))
    parts.append(grid_table(records, rows, widths, labels, slice(first, first + shown)))
    parts.append(Text(LEGEND if rows else "no metrics to compare", style="dim"))
    return ComparisonView(Group(*parts), first, shown, len(records))


def grid_table(
    records: Sequence[ModelRecord],
    rows: Sequence[ComparisonRow],
    widths: Sequence[int],
    labels: int,
    part: slice,
) -> Table:
    """The table of the models in ``part``: identity rows (task, status, tags, memory
    needed, parent), then one row per metric."""
    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
        header_style="",
    )  # fmt: skip
    table.add_column("", width=labels, overflow="fold")
    chosen, chosen_widths = records[part], widths[part]
    pairs = list(zip(chosen, chosen_widths, strict=True))
    for record, cells in pairs:
        table.add_column(model_heading(record, cells), width=cells, overflow="fold")
    table.add_row("task", *(Text(wrap_words(r.task_type, w), style="dim") for r, w in pairs))
    table.add_row("status", *(status_text(r.status) for r in chosen))
    table.add_row("tags", *(tags_text(r.tags) if r.tags else Text("-") for r in chosen))
    table.add_row("memory", *(Text(format_memory(r.memory_req_gb, r.metadata)) for r in chosen))
    parents = [Text(f"#{r.parent_model_id}" if r.parent_model_id else "-") for r in chosen]
    table.add_row("parent", *parents, end_section=True)
    for row in rows:
        table.add_row(metric_label(row), *metric_cells(row, widths)[part])
    return table


def position_text(first: int, shown: int, total: int) -> Text:
    """``models 1-4 of 7  ← → scroll``: which models the window shows."""
    text = Text(f"models {first + 1}–{first + shown} of {total}", style="bold")
    more = ("← " if first > 0 else "  ") + ("→" if first + shown < total else " ")
    text.append(f"  {more} scroll (h/l)", style="dim")
    return text
