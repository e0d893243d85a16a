"""JSON and CSV forms of records, for scripts (see the package docstring for the formats)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from registry_tui.jsontext import to_json
from registry_tui.metrics import metric_union
from registry_tui.records import (
    EVENT_FIELDS,
    RECORD_COLUMNS,
    ConfigChange,
    EventRecord,
    ModelRecord,
)
from registry_tui.render.lineage import ComparisonRow, best_by_model
from registry_tui.render.text import visible

MODEL_FIELDS: tuple[str, ...] = tuple(c.name for c in RECORD_COLUMNS if c.kind != "metrics")
"""The CSV columns of a model before its ``metrics.<name>`` columns, in record order."""


def records_json(records: Iterable[ModelRecord], *, with_exports: bool = False) -> str:
    """A JSON array of model dicts, metrics nested."""
    return to_json([r.to_dict(with_exports=with_exports) for r in records])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return visible(",".join(str(v) for v in value))
    if isinstance(value, Mapping):
        return visible(to_json(dict(value), one_line=True))
    if isinstance(value, float):
        return repr(value)
    return visible(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with a header row; cells go through the CSV cell rules above."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([visible(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def records_csv(
    records: Sequence[ModelRecord],
    *,
    metrics: Sequence[str] | None = None,
    with_exports: bool = False,
) -> str:
    """Models as CSV: the model columns, ``metrics.<name>`` columns, optionally exports."""
    names = list(metrics) if metrics is not None else metric_union(r.metrics for r in records)
    header = [*MODEL_FIELDS, *(f"metrics.{n}" for n in names)]
    if with_exports:
        header.append("exports")
    rows = []
    for record in records:
        data = record.to_dict(with_exports=with_exports)
        row = [data[f] for f in MODEL_FIELDS] + [record.metrics.get(n) for n in names]
        if with_exports:
            row.append(to_json(data["exports"], one_line=True))
        rows.append(row)
    return write_csv(header, rows)


def events_json(events: Iterable[EventRecord]) -> str:
    """A JSON array of history events."""
    return to_json([e.to_dict() for e in events])


def events_csv(events: Iterable[EventRecord]) -> str:
    """History events as CSV; ``details`` as JSON text."""
    rows = []
    for event in events:
        data = event.to_dict()
        rows.append([data[f] for f in EVENT_FIELDS])
    return write_csv(EVENT_FIELDS, rows)


def comparison_dicts(
    records: Sequence[ModelRecord], rows: Sequence[ComparisonRow]
) -> list[dict[str, Any]]:
    """Compared models as API dicts: metrics limited to the compared ones, plus ``best``."""
    best = best_by_model(rows, len(records))
    result = []
    for index, record in enumerate(records):
        data = record.to_dict(with_exports=False)
        data["metrics"] = {row.metric: row.values[index] for row in rows}
        data["best"] = best[index]
        result.append(data)
    return result


def comparison_csv(records: Sequence[ModelRecord], rows: Sequence[ComparisonRow]) -> str:
    """One row per compared model: id, name, version, one column per metric, ``best``."""
    header = ["model_id", "name", "version", *(f"metrics.{r.metric}" for r in rows), "best"]
    best = best_by_model(rows, len(records))
    body = [
        [rec.model_id, rec.name, rec.version, *(r.values[i] for r in rows), best[i]]
        for i, rec in enumerate(records)
    ]
    return write_csv(header, body)


def config_changes_csv(changes: Iterable[ConfigChange]) -> str:
    """Config differences as CSV; values as JSON text."""
    rows = [
        [c.key, c.change, to_json(c.left, one_line=True), to_json(c.right, one_line=True)]
        for c in changes
    ]
    return write_csv(("key", "change", "a", "b"), rows)
