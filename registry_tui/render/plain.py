"""The models table as plain text, for output that is not a terminal, without rich.

A listing piped to a file or another program has no colour and no width to fit,
so it does not need rich's layout engine (nor its import, a good part of a
short command's start-up). :func:`models_table_text` writes exactly what
:func:`registry_tui.render.models_table` prints through a piped console (each
line's trailing spaces trimmed), and returns ``None`` for any table it cannot
write exactly that way: text that is not printable ASCII (whose width on a
terminal is not its length), a table wider than the output allows, or a caption
wider than the table (rich would wrap it). The caller then uses rich.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from registry_tui.escapes import visible
from registry_tui.metrics import lower_is_better
from registry_tui.records import ModelRecord
from registry_tui.render.numbers import format_memory, format_params, format_value

RULE = "\u2500"
"""The line under the header (``box.SIMPLE_HEAD``)."""

_BASE_HEADERS = ("ID", "Name", "Version", "Task", "Tags", "Status", "Created")
_VERBOSE_HEADERS = ("Parent", "Run", "Size", "Memory", "Checkpoint", "Metrics")
_RIGHT = frozenset({"ID", "Parent", "Run"})


def frequent_metrics(records: Iterable[ModelRecord], limit: int = 3) -> list[str]:
    """The ``limit`` metric names most records have (first-seen order breaks ties)."""
    counts: dict[str, int] = {}
    for record in records:
        for name in record.metrics:
            counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts, key=lambda name: -counts[name])
    return ranked[:limit]


def models_table_text(
    records: Sequence[ModelRecord],
    *,
    metrics: Sequence[str] = (),
    verbose: bool = False,
    caption: str | None = None,
    max_width: int,
) -> str | None:
    """The models table as lines of text, or ``None`` when only rich can lay it out."""
    headers = [*_BASE_HEADERS, *(visible(m) for m in metrics)]
    right = [h in _RIGHT for h in _BASE_HEADERS] + [True] * len(metrics)
    if verbose:
        headers.extend(_VERBOSE_HEADERS)
        right.extend(h in _RIGHT for h in _VERBOSE_HEADERS)
    rows = [_cells(record, metrics, verbose) for record in records]
    return table_text(headers, right, rows, caption, max_width)


def _cells(record: ModelRecord, metrics: Sequence[str], verbose: bool) -> list[str]:
    """The cells of :func:`registry_tui.render.models.models_table`'s row, as plain text."""
    name = visible(record.name) + (" \u26a0" if record.odd else "")
    cells = [
        str(record.model_id),
        name,
        visible(record.version),
        visible(record.task_type),
        ", ".join(visible(tag) for tag in record.tags),
        visible(record.status),
        visible(record.created_at if verbose else record.created_at[:10]),
    ]
    cells.extend(format_value(record.metrics.get(metric)) for metric in metrics)
    if verbose:
        cells.extend(
            [
                _optional(record.parent_model_id),
                _optional(record.training_run_id),
                "-" if record.model_size_mb is None else f"{format_value(record.model_size_mb)} MB",
                format_memory(record.memory_req_gb, record.metadata),
                visible(record.checkpoint_path),
                " ".join(f"{visible(k)}={format_value(v)}" for k, v in record.metrics.items()),
            ]
        )
    return cells


def _optional(value: object) -> str:
    return "-" if value is None else visible(value)


def detail_text(
    record: ModelRecord,
    *,
    max_width: int,
    lower: Sequence[str] = (),
    higher: Sequence[str] = (),
) -> str | None:
    """The one-model panel (:func:`registry_tui.render.model_detail_renderable`) as
    text, for a model with no exports, metadata or odd values; else ``None``.
    ``lower`` / ``higher`` name metrics whose direction the registry records."""
    if record.exports or record.metadata or record.odd:
        return None
    grid = _field_lines(record)
    blocks = [grid]
    if record.metrics:
        metrics = _metrics_lines(record.metrics, lower, higher)
        if metrics is None:
            return None
        blocks.append(metrics)
    label = f"{visible(record.name)} {visible(record.version)} #{record.model_id}"
    if not all(_plain(line) for line in grid) or not _plain(label):  # metrics: checked
        return None
    inner = max(len(line) for block in blocks for line in block)
    width = max(inner + 2, len(label) + 4)  # inside the borders, padding included
    if width + 2 > max_width:
        return None
    top = "╭─" + f" {label} ".ljust(width - 2, RULE) + "─╮"
    body = [f"│ {line.ljust(width - 2)} │" for block in blocks for line in block]
    return "".join(line + "\n" for line in [top, *body, "╰" + RULE * width + "╯"])


def _field_lines(record: ModelRecord) -> list[str]:
    """The field grid of the panel: each name, two spaces, the value."""
    fields = [
        ("model_id", str(record.model_id)),
        ("name", visible(record.name)),
        ("version", visible(record.version)),
        ("task_type", visible(record.task_type)),
        ("status", visible(record.status)),
        ("tags", ", ".join(visible(tag) for tag in record.tags) or "-"),
        ("created_at", visible(record.created_at)),
        ("checkpoint_path", visible(record.checkpoint_path)),
        ("config_hash", _optional(record.config_hash)),
        ("parent_model_id", _optional(record.parent_model_id)),
        ("training_run_id", _optional(record.training_run_id)),
        ("model_size_mb", _size(record.model_size_mb, "MB")),
        ("memory_req_gb", format_memory(record.memory_req_gb, record.metadata)),
        ("params", format_params(record.params)),
        ("export_formats", visible(", ".join(record.export_formats) or "-")),
    ]
    key_width = max(len(key) for key, _ in fields)
    return [f"{key.ljust(key_width)}  {value}" for key, value in fields]


def _size(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{format_value(value)} {unit}"


def _metrics_lines(
    metrics: Mapping[str, float], lower: Sequence[str], higher: Sequence[str]
) -> list[str] | None:
    """The panel's metrics table, its title line first."""
    rows = [
        [
            visible(name),
            format_value(value),
            "lower" if lower_is_better(name, lower=lower, higher=higher) else "higher",
        ]
        for name, value in metrics.items()
    ]
    text = table_text(("Metric", "Value", "Better"), (False, True, False), rows, None, 10**9)
    return None if text is None else ["Metrics", *text.splitlines()]


def table_text(
    headers: Sequence[str],
    right: Sequence[bool],
    rows: Sequence[Sequence[str]],
    caption: str | None,
    max_width: int,
) -> str | None:
    """A ``box.SIMPLE_HEAD`` table without edges, one space of padding, at natural width.

    ``right`` says which columns are right-justified. Returns ``None`` when the
    text could differ from rich's (see the module's docstring).
    """
    texts = [*headers, *(cell for row in rows for cell in row), caption or ""]
    if not all(_plain(text) for text in texts):
        return None
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    table_width = sum(widths) + 3 * len(widths) - 1
    if table_width > max_width or (caption is not None and len(caption) > table_width):
        return None
    lines = [_line(headers, widths, right), RULE * table_width]
    lines.extend(_line(row, widths, right) for row in rows)
    if caption:
        lines.append(caption.rstrip())
    return "".join(line + "\n" for line in lines)


def _plain(text: str) -> bool:
    """Printable ASCII: one column per character, nothing a terminal acts on."""
    return text.isascii() and text.isprintable()


def _line(cells: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> str:
    parts = [
        cell.rjust(width) if is_right else cell.ljust(width)
        for cell, width, is_right in zip(cells, widths, right, strict=True)
    ]
    return " " + "   ".join(parts).rstrip()
