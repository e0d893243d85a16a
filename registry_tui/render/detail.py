"""One model in full: the app's detail pane, and a page of its own.

The pane (:func:`detail_pane_renderable`) sets fields beside metrics to fit
next to the list. Where the list table and the pane abbreviate to fit, the
page (:func:`full_detail_renderable`) stacks the sections one under another
and folds long values (checkpoint and export paths, config hashes, metadata)
onto as many lines as they need.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from registry_tui.checkpoints.facts import unread_metadata
from registry_tui.jsontext import to_json
from registry_tui.records import ExportRecord, ModelRecord
from registry_tui.render.models import (
    exports_table,
    metadata_tree,
    metrics_table,
    model_fields_table,
)
from registry_tui.render.recorded import recorded_panel
from registry_tui.render.runs import run_renderable
from registry_tui.render.text import display_json, model_label, safe_text
from registry_tui.runs.info import RunInfo

PANE_METADATA_LIMIT = 20
"""Entries per metadata branch the pane shows (the detail page and ``get`` show all)."""


def folded_exports_table(exports: Sequence[ExportRecord]) -> Table:
    """The model's exports, paths and metadata folded instead of cut."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="Exports", title_justify="left")
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Format", overflow="fold")
    table.add_column("Path", overflow="fold", ratio=3)
    table.add_column("Created", overflow="fold")
    table.add_column("Metadata", overflow="fold", ratio=1)
    for export in exports:
        table.add_row(
            Text(str(export.export_id)),
            safe_text(export.export_format, "cyan"),
            safe_text(export.export_path),
            safe_text(export.created_at),
            Text(display_json(dict(export.metadata)) if export.metadata else "-"),
        )
    return table


def detail_pane_renderable(
    record: ModelRecord, *, lower: Iterable[str] = (), higher: Iterable[str] = ()
) -> RenderableType:
    """The app's detail pane: fields and metrics side by side, then exports and metadata.

    ``lower`` and ``higher`` are the registry's recorded metric directions, which
    the metrics table's "Better" column follows (see :func:`metrics_table`).
    """
    top = Table.grid(padding=(0, 3))
    top.add_column()
    top.add_column()
    top.add_row(
        model_fields_table(record),
        metrics_table(record.metrics, lower=lower, higher=higher)
        if record.metrics
        else Text("no metrics", style="dim"),
    )
    parts: list[RenderableType] = [model_label(record), top]
    if record.exports:
        parts.append(exports_table(record.exports))
    if record.metadata:
        parts.append(metadata_tree(record.metadata, limit=PANE_METADATA_LIMIT))
    return Group(*parts)


def full_detail_renderable(
    record: ModelRecord,
    *,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
    run: RunInfo | None = None,
    protected: Collection[str] = (),
) -> RenderableType:
    """Label, every field, exact metrics, the run, exports, the checkpoint panel (what
    registration recorded of the checkpoint and of the memory estimate) and metadata,
    stacked and never cut.

    ``lower`` and ``higher``: the recorded metric directions, as for the pane; ``run``:
    the run the model came from (``ModelRegistry.run_of``); ``protected``: the registry's
    protected tags, marked with a lock.
    """
    fields = model_fields_table(record, protected)
    for column in fields.columns[1:]:
        column.overflow = "fold"
    parts: list[RenderableType] = [model_label(record), fields, Text("")]
    if record.metrics:
        parts.append(metrics_table(record.metrics, exact=True, lower=lower, higher=higher))
    else:
        parts.append(Text("no metrics", style="dim"))
    if run is not None:
        parts.extend([Text(""), run_renderable(run)])
    if record.exports:
        parts.append(folded_exports_table(record.exports))
    checkpoint = recorded_panel(record)
    metadata = record.metadata
    if checkpoint is not None:
        parts.extend([Text(""), checkpoint])
        metadata = unread_metadata(metadata)  # what the panel shows is not repeated
    if metadata:
        parts.append(metadata_tree(metadata))
    return Group(*parts)


def copy_choices(record: ModelRecord) -> list[tuple[str, str]]:
    """What can be copied from a model: ``(what, the exact text)``, most wanted first."""
    return [
        ("checkpoint path", record.checkpoint_path),
        ("name:version", f"{record.name}:{record.version}"),
        ("model id", str(record.model_id)),
        ("record as JSON", to_json(record.to_dict(with_exports=bool(record.exports)))),
    ]
