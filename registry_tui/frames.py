"""Records to pandas DataFrames, for the public API only.

pandas costs about half a second to import, so only the methods that return a
DataFrame import this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from registry_tui.metrics import metric_union
from registry_tui.records import EVENT_FIELDS, RECORD_COLUMNS, EventRecord, ModelRecord

_FRAME_ORDER = sorted(RECORD_COLUMNS, key=lambda column: column.frame)
MODEL_COLUMNS = [column.name for column in _FRAME_ORDER]
"""The ``list_models`` DataFrame's columns, in order (see :class:`ModelColumn`)."""
_KINDS = {column.name: column.kind for column in RECORD_COLUMNS}
_TEXT_KINDS = ("text", "optional_text", "time", "status")
HISTORY_COLUMNS = list(EVENT_FIELDS)
_NULLABLE_INTS = ("parent_model_id", "training_run_id", "model_id", "previous_model_id")


def _ints(values: list[int | None]) -> Any:
    """An ``int64`` column, or pandas' nullable ``Int64`` when a value is missing."""
    if any(v is None for v in values):
        mask = np.array([v is None for v in values], dtype=bool)
        data = np.array([0 if v is None else v for v in values], dtype="int64")
        return pd.arrays.IntegerArray(data, mask)
    return np.array(values, dtype="int64")


def _floats(values: list[float | None]) -> Any:
    return np.array([np.nan if v is None else v for v in values], dtype="float64")


_TEXT = pd.Series(["text"]).dtype
"""The dtype pandas gives a column of strings (``str`` from pandas 3, ``object`` before)."""
_TEXT_IS_OBJECT = _TEXT.kind == "O" and not isinstance(_TEXT, pd.StringDtype)


def _texts(columns: dict[str, list[str | None]]) -> dict[str, Any]:
    """Text columns as pandas would infer them (``object`` when every value is missing).

    The ``str`` columns are made as one array and sliced (no copy): converting
    each column on its own costs more than the whole rest of the frame.
    """
    out: dict[str, Any] = {}
    typed = [name for name, values in columns.items() if any(v is not None for v in values)]
    if _TEXT_IS_OBJECT or not typed:
        typed = []
    joined: Any = [v for name in typed for v in columns[name]]
    combined: Any = None
    make = _arrow_strings()
    if make is not None:
        try:
            combined = make(joined)
        except (TypeError, ValueError):  # pyarrow's refusals of a value: pandas decides
            combined = None
    if combined is None:
        combined = pd.array(joined, dtype=_TEXT)  # type: ignore[call-overload]
    start = 0
    for name, values in columns.items():
        if name in typed:
            out[name] = combined[start : start + len(values)]
            start += len(values)
        else:
            out[name] = _objects(values)
    return out


@functools.cache
def _arrow_strings() -> Callable[[list[str | None]], Any] | None:
    """A maker of pandas' ``str`` arrays straight from pyarrow, or None.

    ``pd.array(values, dtype="str")`` checks every value in Python before
    handing them to pyarrow, half the cost of a listing's text columns. The
    direct route is taken only where it gives what pandas gives: checked once,
    on values with a missing one and non-ASCII text.
    """
    if _TEXT_IS_OBJECT or getattr(_TEXT, "storage", None) != "pyarrow":
        return None
    try:
        import pyarrow as pa

        array: Any = pd.array
        strings: Any = pd.arrays.ArrowStringArray
        sample: list[str | None] = ["a", None, "\u00e9\u6f22"]
        expected = array(sample, dtype=_TEXT)
        kind = pa.array(expected).type

        def make(values: list[str | None]) -> Any:
            return strings(pa.array(values, type=kind), dtype=_TEXT)

        made = make(sample)
        if made.dtype == expected.dtype and pd.Series(made).equals(pd.Series(expected)):
            return make
    except Exception:  # any pandas or pyarrow without this route: pandas' own way
        return None
    return None


def _objects(values: Sequence[object]) -> Any:
    """An ``object`` column holding each value as it is (lists stay lists)."""
    column = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        column[index] = value
    return column


def models_frame(records: Sequence[ModelRecord]) -> pd.DataFrame:
    """One row per model; ``tags`` is a list, ``metrics``/``metadata`` are dicts.

    Built column by column with each column's dtype given once (no row dicts,
    no per-column ``astype`` afterwards): this is most of ``list_models``' cost.
    """
    return _frame(lambda field: [getattr(r, field) for r in records], len(records))


def columns_frame(columns: Mapping[str, list[Any]], size: int) -> pd.DataFrame:
    """:func:`models_frame` of the records these columns of fields make (by
    ``ModelRecord`` field, ``size`` rows each), without making the records."""
    return _frame(lambda field: columns[field], size, fresh=True)


def _frame(values: Callable[[str], list[Any]], size: int, fresh: bool = False) -> pd.DataFrame:
    """The models frame from ``values(field)``, each field's values in row order
    (``fresh``: its dicts are the caller's own, not a record's, and need no copy)."""
    columns = _model_columns(values, fresh=fresh)
    if not size:
        return _empty(columns, MODEL_COLUMNS)
    return _assemble(columns, size)


_FROM_ARRAYS = getattr(pd.DataFrame, "_from_arrays", None)


@functools.lru_cache(maxsize=64)
def _labels(names: tuple[str, ...]) -> pd.Index:
    """The column labels as pandas makes them from a dict's keys (an Index is immutable)."""
    return pd.Index(list(names))


def _assemble(columns: dict[str, Any], size: int) -> pd.DataFrame:
    """A frame of ready-typed columns (unique labels), without pandas re-checking each one.

    ``DataFrame._from_arrays`` is how pandas builds a frame from column arrays it
    trusts; the public constructor (the fallback, for a pandas without it) would
    re-infer every column only to keep its dtype.
    """
    if _FROM_ARRAYS is not None:
        try:
            frame = _FROM_ARRAYS(
                list(columns.values()), columns=_labels(tuple(columns)),
                index=pd.RangeIndex(size), verify_integrity=False,
            )  # fmt: skip
            if isinstance(frame, pd.DataFrame):
                return frame
        except TypeError:
            pass
    return pd.DataFrame(columns, copy=False)


def _model_columns(
    values: Callable[[str], list[Any]], names: Sequence[str] = MODEL_COLUMNS, fresh: bool = False
) -> dict[str, Any]:
    """The columns ``names`` of :func:`models_frame`, each as one array typed by its kind."""
    texts = _texts({name: values(name) for name in names if _KINDS[name] in _TEXT_KINDS})
    return {name: texts[name] if name in texts else _typed_column(name, values(name), fresh)
            for name in names}  # fmt: skip


def _typed_column(name: str, values: list[Any], fresh: bool = False) -> Any:
    """One column that is not text, as its kind (:class:`ModelColumn`) makes it."""
    kind = _KINDS[name]
    if kind == "id":
        return np.array(values, dtype="int64")
    if kind == "int":
        return _ints(values)
    if kind == "float":
        return _floats(values)
    if kind in ("metrics", "object"):
        return _objects(values if fresh else [dict(value) for value in values])
    return _objects([list(value) for value in values])  # a list of names, or the tags


def _empty(data: dict[str, Any], columns: list[str]) -> pd.DataFrame:
    """An empty frame whose text columns are ``object``, as pandas makes them from no rows."""
    typed = {
        c: data[c] if isinstance(data[c], np.ndarray) else np.array([], dtype=object)
        for c in columns
    }
    return pd.DataFrame(typed, columns=columns)


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
    Built column by column, like :func:`models_frame`.
    """
    names = list(metrics) if metrics is not None else metric_union(r.metrics for r in records)
    names = list(dict.fromkeys(names))
    labels = [f"metrics.{n}" if n in COMPARE_COLUMNS else n for n in names]
    rs = records
    data = _model_columns(lambda field: [getattr(r, field) for r in rs], COMPARE_COLUMNS)
    for name, label in zip(names, labels, strict=True):
        data[label] = np.array([_as_float(r.metrics.get(name)) for r in rs], dtype="float64")
    columns = [*COMPARE_COLUMNS, *labels]
    if not rs:
        return _empty(data, columns)
    if len(data) != len(columns):  # two metrics given the same label
        return pd.DataFrame(data, columns=columns)
    return _assemble(data, len(rs))


def _as_float(value: object) -> float:
    """A metric value as a float; NaN when missing or not a number (legacy text)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float("nan")
    try:
        return float(value)
    except OverflowError:
        return float("nan")


def _typed(frame: pd.DataFrame, int_columns: Sequence[str]) -> pd.DataFrame:
    for column in int_columns:
        if column in frame.columns:
            if column in _NULLABLE_INTS and frame[column].isna().any():
                frame[column] = frame[column].astype("Int64")
            else:
                frame[column] = frame[column].astype("int64")
    return frame


def history_frame(events: Sequence[EventRecord]) -> pd.DataFrame:
    """The event log, one row per event."""
    frame = pd.DataFrame([e.to_dict() for e in events], columns=HISTORY_COLUMNS)
    return _typed(frame, ("event_id", "model_id", "previous_model_id"))
