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


COMPARE_COLUMNS = [
    "model_id",
    "name",
    "version",
    "task_type",
    "created_at",
    "status",
    "model_size_mb",
    "memory_req_gb",
]


def compare_frame(records: Sequence[ModelRecord], metrics: list[str] | None) -> pd.DataFrame:
    """The original module's columns, then one float column per metric (NaN when missing).

    A metric whose name is one of :data:`COMPARE_COLUMNS` is the column ``metrics.<name>``.
    """
    names = list(metrics) if metrics is not None else metric_union(r.metrics for r in records)
    names = list(dict.fromkeys(names))
    labels = [f"metrics.{n}" if n in COMPARE_COLUMNS else n for n in names]
    rows = []
    for record in records:
        data = record.to_dict(with_exports=False)
        row: list[object] = [data[c] for c in COMPARE_COLUMNS]
        row.extend(_as_float(record.metrics.get(name)) for name in names)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*COMPARE_COLUMNS, *labels])
    for column in ("model_size_mb", "memory_req_gb", *labels):
        frame[column] = frame[column].astype("float64")
    return _typed(frame, ("model_id",))


def _as_float(value: object) -> float:
    """A metric value as a float; NaN when missing or not a number (legacy text)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float("nan")
    try:
        return float(value)
    except OverflowError:
        return float("nan")


def history_frame(events: Sequence[EventRecord]) -> pd.DataFrame:
    """The event log, one row per event."""
    frame = pd.DataFrame([e.to_dict() for e in events], columns=HISTORY_COLUMNS)
    return _typed(frame, ("event_id", "model_id", "previous_model_id"))
