"""Models as rich renderables: the list table and the one-model panel."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from registry_tui.metrics import lower_is_better
from registry_tui.records import ExportRecord, ModelRecord
from registry_tui.render.numbers import exact_value, format_memory, format_params, format_value
from registry_tui.render.plain import frequent_metrics as frequent_metrics
from registry_tui.render.runs import run_renderable
from registry_tui.render.text import (
    display_json,
    format_mb,
    format_optional,
    metric_cell,
    metrics_inline,
    model_label,
    safe_text,
    status_text,
    tags_text,
    visible,
)
from registry_tui.runs.info import RunInfo

_MAX_METADATA_DEPTH = 6


def models_table(
    records: Sequence[ModelRecord],
    *,
    metrics: Sequence[str] = (),
    verbose: bool = False,
    caption: str | None = None,
) -> Table:
    """A table of models: id, name, version, task, tags, status, created, chosen metrics.

    ``verbose`` adds the parent, run, sizes, checkpoint and every metric.
    """
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, caption=caption, caption_justify="left")
    table.add_column("ID", justify="right", style="dim", no_wrap=True)
    table.add_column("Name", style="bold")
    table.add_column("Version", no_wrap=True)
    table.add_column("Task")
    table.add_column("Tags")
    table.add_column("Status")
    table.add_column("Created", no_wrap=True)
    for metric in metrics:
        table.add_column(safe_text(metric), justify="right")
    if verbose:
        for header in ("Parent", "Run", "Size", "Memory", "Checkpoint", "Metrics"):
            table.add_column(header, justify="right" if header in ("Parent", "Run") else "left")
    for record in records:
        table.add_row(*_model_row(record, metrics, verbose))
    return table


def _model_row(record: ModelRecord, metrics: Sequence[str], verbose: bool) -> list[Text]:
    created = record.created_at if verbose else record.created_at[:10]
    name = safe_text(record.name)
    if record.odd:  # odd legacy values: `get` shows them, `check` says what to do
        name.append(" ⚠", style="bold yellow")
    row = [
        Text(str(record.model_id)),
        name,
        safe_text(record.version),
        safe_text(record.task_type),
        tags_text(record.tags),
        status_text(record.status),
        safe_text(created),
    ]
    row.extend(metric_cell(record.metrics.get(name)) for name in metrics)
    if verbose:
        row.extend(
            [
                Text(format_optional(record.parent_model_id)),
                Text(format_optional(record.training_run_id)),
                Text(format_mb(record.model_size_mb)),
                Text(format_memory(record.memory_req_gb, record.metadata)),
                safe_text(record.checkpoint_path),
                metrics_inline(record.metrics),
            ]
        )
    return row


def _key_value_grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    return grid


def model_fields_table(record: ModelRecord, protected: Collection[str] = ()) -> Table:
    """Every column of the model as a two-column grid (field, value); ``protected`` tags
    are marked with a lock."""
    grid = _key_value_grid()
    rows: list[tuple[str, Text]] = [
        ("model_id", Text(str(record.model_id))),
        ("name", safe_text(record.name)),
        ("version", safe_text(record.version)),
        ("task_type", safe_text(record.task_type)),
        ("status", status_text(record.status)),
        ("tags", tags_text(record.tags, protected) if record.tags else Text("-")),
        ("created_at", safe_text(record.created_at)),
        ("checkpoint_path", safe_text(record.checkpoint_path)),
        ("config_hash", Text(format_optional(record.config_hash))),
        ("parent_model_id", Text(format_optional(record.parent_model_id))),
        ("training_run_id", Text(format_optional(record.training_run_id))),
        ("model_size_mb", Text(format_mb(record.model_size_mb))),
        ("memory_req_gb", Text(format_memory(record.memory_req_gb, record.metadata))),
        ("params", Text(format_params(record.params))),
        ("export_formats", safe_text(", ".join(record.export_formats) or "-")),
    ]
    for key, value in rows:
        grid.add_row(key, _marked(value, record.odd.get(key)))
    for key in ("metrics", "metadata"):
        if key in record.odd:
            grid.add_row(key, _marked(Text(""), record.odd[key]))
    return grid


def _marked(value: Text, odd: str | None) -> Text:
    """A field's value, followed by what a legacy writer stored there that did not fit."""
    if odd is None:
        return value
    mark = Text("⚠ ", style="bold yellow")
    mark.append_text(safe_text(odd))
    mark.append(" (registry-tui check)", style="dim")
    return Text.assemble(value, " ", mark) if value.plain else mark


def metrics_table(
    metrics: Mapping[str, float],
    *,
    exact: bool = False,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> Table:
    """Metrics as rows: name, value, and which direction is better.

    ``exact`` (a page of its own) folds long names instead of cutting them and
    shows every value exactly (see :func:`~registry_tui.render.numbers.exact_value`).
    ``lower`` and ``higher`` name metrics whose direction is known (the registry's
    recorded ones, see :func:`~registry_tui.metrics.direction_lists`); the others
    follow their names.
    """
    lower, higher = tuple(lower), tuple(higher)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="Metrics", title_justify="left")
    table.add_column("Metric", overflow="fold" if exact else "ellipsis")
    table.add_column("Value", justify="right", no_wrap=exact)
    table.add_column("Better", no_wrap=exact)
    shown = exact_value if exact else format_value
    for name, value in metrics.items():
        low = lower_is_better(name, lower=lower, higher=higher)
        direction = "lower" if low else "higher"
        table.add_row(safe_text(name), Text(shown(value)), Text(direction, style="dim"))
    return table


def exports_table(exports: Sequence[ExportRecord]) -> Table:
    """The model's exports: format, path, when, metadata."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="Exports", title_justify="left")
    for header in ("ID", "Format", "Path", "Created", "Metadata"):
        table.add_column(header, justify="right" if header == "ID" else "left")
    for export in exports:
        table.add_row(
            Text(str(export.export_id)),
            safe_text(export.export_format, "cyan"),
            safe_text(export.export_path),
            safe_text(export.created_at),
            Text(display_json(dict(export.metadata)) if export.metadata else "-"),
        )
    return table


def metadata_tree(
    metadata: Mapping[str, Any], label: str = "Metadata", *, limit: int | None = None
) -> Tree:
    """Metadata as a tree: nested objects become branches, other values leaves.

    ``limit`` caps the entries shown per branch (a last leaf counts the rest), for
    places drawn at every cursor move, where a 10,000-key object would stall.
    """
    tree = Tree(Text(label, style="bold"))
    _add_metadata(tree, metadata, 0, limit)
    return tree


def _add_metadata(tree: Tree, value: Mapping[str, Any], depth: int, limit: int | None) -> None:
    for index, (key, item) in enumerate(value.items()):
        if limit is not None and index == limit:
            tree.add(Text(f"... {len(value) - limit:,} more", style="dim"))
            return
        if isinstance(item, Mapping) and item and depth < _MAX_METADATA_DEPTH:
            _add_metadata(tree.add(safe_text(key, "bold")), item, depth + 1, limit)
            continue
        shown = visible(item) if isinstance(item, str) else display_json(item)
        label = Text.assemble((visible(key), "bold"), ": ", shown)
        tree.add(label)


def model_detail_renderable(
    record: ModelRecord,
    *,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
    run: RunInfo | None = None,
) -> Panel:
    """A panel with every field, the metrics, the run, the exports and the metadata of a model.

    ``lower`` and ``higher``: the registry's recorded metric directions, which the
    metrics' "Better" column follows (see :func:`metrics_table`). ``run``: the run
    the model came from, as the run source records it (``ModelRegistry.run_of``).
    """
    parts: list[RenderableType] = [model_fields_table(record)]
    if record.metrics:
        parts.append(metrics_table(record.metrics, lower=lower, higher=higher))
    if run is not None:
        parts.extend([Text(""), run_renderable(run)])
    if record.exports:
        parts.append(exports_table(record.exports))
    if record.metadata:
        parts.append(metadata_tree(record.metadata))
    title = model_label(record)
    return Panel(Group(*parts), title=title, title_align="left", expand=False)
