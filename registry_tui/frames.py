"""Records to pandas DataFrames, for the public API only.

pandas costs about half a second to import, so only the methods that return a
DataFrame import this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from registry_tui.metrics import metric_union
from registry_tui.records import EVENT_FIELDS, EventRecord, ModelRecord

MODEL_COLUMNS = [
    "model_id",
    "name",
    "version",
    "task_type",
    "status",
    "created_at",
    "tags",
    "metrics",
    "checkpoint_path",
    "parent_model_id",
    "model_size_mb",
    "memory_req_gb",
    "config_hash",
    "training_run_id",
    "export_formats",
    "metadata",
]
HISTORY_COLUMNS = list(EVENT_FIELDS)
_NULLABLE_INTS = ("parent_model_id", "training_run_id", "model_id", "previous_model_id")


def _typed(frame: pd.DataFrame, int_columns: Sequence[str]) -> pd.DataFrame:
    for column in int_columns:
        if column in frame.columns:
            if column in _NULLABLE_INTS and frame[column].isna().any():
                frame[column] = frame[column].astype("Int64")
            else:
                frame[column] = frame[column].astype("int64")
    return frame


def models_frame(records: Sequence[ModelRecord]) -> pd.DataFrame:
    """One row per model; ``tags`` is a list, ``metrics``/``metadata`` are dicts."""
    rows = [r.to_dict(with_exports=False) for r in records]
    frame = pd.DataFrame(rows, columns=MODEL_COLUMNS)
    for column in ("model_size_mb", "memory_req_gb"):
        frame[column] = frame[column].astype("float64")
    return _typed(frame, ("model_id", "parent_model_id", "training_run_id"))


def compare_frame(records: Sequence[ModelRecord], metrics: list[str] | None) -> pd.DataFrame:
    """``model_id, name, version`` then one float column per metric (NaN when missing)."""
    names = list(metrics) if metrics is not None else metric_union(r.metrics for r in records)
    rows = []
    for record in records:
        row: dict[str, object] = {
            "model_id": record.model_id,
            "name": record.name,
            "version": record.version,
        }
        for name in names:
            value = record.metrics.get(name)
            row[name] = float(value) if value is not None else float("nan")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["model_id", "name", "version", *names])
    for name in names:
        frame[name] = frame[name].astype("float64")
    return _typed(frame, ("model_id",))


def history_frame(events: Sequence[EventRecord]) -> pd.DataFrame:
    """The event log, one row per event."""
    frame = pd.DataFrame([e.to_dict() for e in events], columns=HISTORY_COLUMNS)
    return _typed(frame, ("event_id", "model_id", "previous_model_id"))
