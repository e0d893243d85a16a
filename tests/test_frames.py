"""DataFrames built column-wise keep exactly the dtypes and values of the row-wise build."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from registry_tui import ModelRegistry
from registry_tui.frames import COMPARE_COLUMNS, MODEL_COLUMNS, compare_frame, models_frame
from registry_tui.metrics import metric_union
from registry_tui.records import ModelQuery, ModelRecord
from tests.legacy import guide_file, insert_model, insert_tag


def _rowwise_models(records: Sequence[ModelRecord]) -> pd.DataFrame:
    """The previous construction: row dicts, then astype per column."""
    frame = pd.DataFrame([r.to_dict(with_exports=False) for r in records], columns=MODEL_COLUMNS)
    for column in ("model_size_mb", "memory_req_gb"):
        frame[column] = frame[column].astype("float64")
    for column in ("model_id", "parent_model_id", "training_run_id", "params"):
        nullable = column != "model_id" and frame[column].isna().any()
        frame[column] = frame[column].astype("Int64" if nullable else "int64")
    return frame


def _rowwise_compare(records: Sequence[ModelRecord]) -> pd.DataFrame:
    """The previous construction: the original module's columns, then one float per metric
    (a metric named like one of those columns is ``metrics.<name>``), row by row."""
    names = metric_union(r.metrics for r in records)
    labels = [f"metrics.{n}" if n in COMPARE_COLUMNS else n for n in names]
    rows = []
    for record in records:
        data = record.to_dict(with_exports=False)
        row: list[object] = [data[c] for c in COMPARE_COLUMNS]
        row.extend(float(record.metrics[n]) if n in record.metrics else float("nan") for n in names)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*COMPARE_COLUMNS, *labels])
    for column in ("model_size_mb", "memory_req_gb", *labels):
        frame[column] = frame[column].astype("float64")
    frame["model_id"] = frame["model_id"].astype("int64")
    return frame


def _record(i: int, **changes: object) -> ModelRecord:
    fields: dict[str, object] = dict(
        model_id=i,
        name=f"net-{i}",
        version="1.0.0",
        checkpoint_path="/c.pt",
        task_type="t",
        config_hash=None,
        training_run_id=None,
        parent_model_id=None,
        created_at="2026-01-01 00:00:00",
        metrics={"val_loss": 0.5, "epochs": 3},
        export_formats=("onnx",),
        model_size_mb=None,
        memory_req_gb=8.0,
        metadata={"k": 1},
        status="active",
        tags=("prod",),
    )
    fields.update(changes)
    return ModelRecord(**fields)  # type: ignore[arg-type]


CASES = {
    "empty": [],
    "no nulls": [
        _record(1, parent_model_id=1, training_run_id=7, model_size_mb=1.5, config_hash="abc")
    ],
    "some nulls": [_record(1), _record(2, parent_model_id=1, config_hash="h", metrics={})],
    "all nulls": [_record(1, memory_req_gb=None, tags=(), export_formats=())],
    "a metric named like a column": [_record(1, metrics={"status": 2.0, "val_loss": 0.1})],
    "a NaN metric": [_record(1, metrics={"val_loss": float("nan")}), _record(2)],
    "fifty, nulls scattered": [
        _record(
            i,
            parent_model_id=None if i % 3 else i - 1,
            training_run_id=None if i % 4 else i,
            config_hash=None if i % 2 else f"h{i}",
            model_size_mb=None if i % 5 else i / 2,
            tags=("a", "b")[: i % 3],
            metrics={"val_loss": i / 10} if i % 2 else {"accuracy": 0.5},
        )
        for i in range(1, 51)
    ],
    "every optional set": [
        _record(i, parent_model_id=1, training_run_id=2, config_hash="h", model_size_mb=1.0)
        for i in range(1, 4)
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_models_frame_matches_rowwise_build(case: str) -> None:
    """Every column's dtype and every value is what the row-wise build gave."""
    pd.testing.assert_frame_equal(models_frame(CASES[case]), _rowwise_models(CASES[case]))


@pytest.mark.parametrize("case", CASES)
def test_compare_frame_matches_rowwise_build(case: str) -> None:
    """The comparison frame keeps int64 ids and float64 metrics, NaN where missing."""
    pd.testing.assert_frame_equal(compare_frame(CASES[case], None), _rowwise_compare(CASES[case]))


def test_frame_dtypes_are_the_guides() -> None:
    """Ids are int64 (Int64 when some are missing), sizes float64, lists and dicts objects,
    and text columns what pandas makes of strings."""
    text = pd.Series(["x"]).dtype
    frame = models_frame(CASES["fifty, nulls scattered"])
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    assert dtypes["model_id"] == "int64" and dtypes["parent_model_id"] == "Int64"
    assert dtypes["model_size_mb"] == "float64" and dtypes["training_run_id"] == "Int64"
    assert frame["name"].dtype == text and frame["config_hash"].dtype == text
    assert {dtypes[c] for c in ("tags", "metrics", "export_formats", "metadata")} == {"object"}
    assert frame["tags"].iloc[0] == ["a"] and isinstance(frame["metrics"].iloc[0], dict)
    full = models_frame(CASES["every optional set"])
    assert str(full["parent_model_id"].dtype) == "int64"
    assert str(models_frame(CASES["all nulls"])["config_hash"].dtype) == "object"


def _legacy_registry(path: Path) -> Path:
    """A guide-made file with ordinary and odd rows, as the original module writes them."""
    conn = guide_file(path)
    insert_model(
        conn, "plain", "1.0.0", metrics={"val_loss": 0.4}, created_at="2026-01-02 03:04:05"
    )
    insert_model(
        conn, "odd", "2.0.0", model_size_mb="12.5", memory_req_gb=float("inf"),
        created_at="2026-01-02T03:04:05+02:00", metrics={"val_loss": 0.3, "note": "text"},
        export_formats=["onnx", 3], training_run_id="7", config_hash="h",
    )  # fmt: skip
    insert_model(conn, "blob", "3.0.0", metadata={"k": [1, 2]}, parent_model_id=1, status="active")
    insert_tag(conn, 1, "production")
    insert_tag(conn, 2, "b")
    insert_tag(conn, 2, "a")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": None}, {"tag": "a"}, {"where": "val_loss < 0.35"}, {"order_by": "-val_loss"}],
)
def test_list_models_is_the_frame_of_the_same_records(
    tmp_path: Path, filters: dict[str, Any]
) -> None:
    """list_models (built from the rows' fields) equals models_frame of records.query's
    records for the same listing, odd legacy values included."""
    with ModelRegistry(_legacy_registry(tmp_path / "guide.db")) as registry:
        frame = registry.list_models(**filters)
        query = ModelQuery(
            status=filters.get("status", "active"), tag=filters.get("tag"),
            where=tuple(filter(None, [filters.get("where")])), order_by=filters.get("order_by"),
        )  # fmt: skip
        records = registry.records.query(query, 0, 100)
    assert len(records) == len(frame)
    pd.testing.assert_frame_equal(frame, models_frame(records))


def test_frames_share_nothing_a_caller_can_change() -> None:
    """Editing one frame (a cell, the labels, a new column) leaves the next frame as it was."""
    records = CASES["fifty, nulls scattered"]
    first = models_frame(records)
    first.loc[0, "name"] = "changed"
    first.loc[0, "model_size_mb"] = 99.0
    first["extra"] = 1
    first.columns = [c.upper() for c in first.columns]
    second = models_frame(records)
    assert list(second.columns) == MODEL_COLUMNS
    assert second.loc[0, "name"] == records[0].name
    pd.testing.assert_frame_equal(second, _rowwise_models(records))


@pytest.mark.parametrize(
    "values",
    [
        ["gpt-small", None, "1.0.0"],
        ["\u6f22\u5b57", "\U0001f600 emoji", "\u202eevil", "[red]x[/red]", "\x1b]52;c;AA\x07"],
        [None, None, "only one"],
        ["a" * 5000, ""],
    ],
)
def test_text_columns_made_through_pyarrow_are_what_pandas_makes(values: list[str | None]) -> None:
    """The direct pyarrow route for text columns gives the dtype and values pandas' own
    ``pd.array(values, dtype=str)`` gives, missing values and any text included."""
    from registry_tui import frames

    make = frames._arrow_strings()
    if make is None:
        pytest.skip("this pandas makes its text columns without pyarrow")
    made = make(values)
    expected = pd.array(values, dtype=frames._TEXT)
    assert made.dtype == expected.dtype
    assert pd.Series(made).equals(pd.Series(expected))
    assert pd.Series(made).isna().tolist() == [v is None for v in values]
