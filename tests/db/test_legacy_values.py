"""Reading well-formed rows takes shortcuts that give exactly what the full readers give."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry_tui.db.legacy import as_dict, as_list, as_metrics, as_timestamp


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-01-01 00:00:01", ("2026-01-01 00:00:01", None)),
        ("2026-02-30 10:00:00", ("2026-02-30 10:00:00", "not a time: '2026-02-30 10:00:00'")),
        ("2026-13-01 00:00:01", ("2026-13-01 00:00:01", "not a time: '2026-13-01 00:00:01'")),
        ("0999-01-01 00:00:00", (datetime(999, 1, 1).strftime("%Y-%m-%d %H:%M:%S"), None)),
        ("2026-01-01T00:00:01", ("2026-01-01 00:00:01", None)),
        (
            "\uff12026-01-01 00:00:01",
            ("\uff12026-01-01 00:00:01", "not a time: '２026-01-01 00:00:01'"),
        ),
        (
            "2026-01-01 00:00:01+02:00",
            ("2025-12-31 22:00:01", "had a UTC offset: '2026-01-01 00:00:01+02:00'"),
        ),
    ],
)
def test_canonical_timestamps_pass_and_others_are_still_read(
    stored: str, expected: tuple[str, str | None]
) -> None:
    """A timestamp as registry-tui writes it passes as it is; impossible dates, other
    spellings and offsets get the full reading (and its notes), as before."""
    assert as_timestamp(stored) == expected


def test_canonical_timestamp_agrees_with_parsing_and_formatting() -> None:
    """For every second of a sample, the shortcut equals parse-then-format in UTC."""
    start = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
    for offset in range(0, 86_400 * 400, 7_919):
        text = datetime.fromtimestamp(start + offset, UTC).strftime("%Y-%m-%d %H:%M:%S")
        assert as_timestamp(text) == (text, None)


def test_empty_json_columns_are_fresh_objects() -> None:
    """``{}`` and ``[]`` read as new, empty values each time (callers may fill them)."""
    first, second = as_dict("{}")[0], as_dict("{}")[0]
    assert first == {} and first is not second
    assert as_list("[]") == ((), None)
    assert as_metrics("{}") == ({}, None)
    assert as_dict("[]") == ({}, "not a dict: []")
    assert as_metrics("[]") == ({}, "not a dict: []")


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ('{"a": 1, "b": 2.5}', ({"a": 1, "b": 2.5}, None)),
        ('{"a": 1e308, "b": 1e308}', ({"a": 1e308, "b": 1e308}, None)),  # the sum overflows
        ('{"a": NaN, "b": 1}', ({"b": 1}, "not numbers: a=nan")),
        ('{"a": Infinity, "b": -Infinity}', ({}, "not numbers: a=inf, b=-inf")),
        ('{"a": true, "b": 0.5}', ({"b": 0.5}, "not numbers: a=True")),
        ('{"a": null}', ({}, "not numbers: a=None")),
        ('{"a": "x", "b": 1}', ({"b": 1}, "not numbers: a='x'")),
        (
            '{"a": 1' + "0" * 400 + ', "b": 1.5}',
            ({"b": 1.5}, "not numbers: a=" + "1" + "0" * 56 + "..."),
        ),
    ],
)
def test_metrics_of_plain_numbers_pass_and_others_are_sorted_out(
    stored: str, expected: tuple[dict[str, float], str | None]
) -> None:
    """A metrics object of finite numbers is kept whole; NaN, infinities, booleans, nulls,
    text and numbers too large for a float are set aside and described, as before."""
    assert as_metrics(stored) == expected


def _row(**changes: object) -> list[object]:
    from registry_tui.records import RECORD_COLUMNS

    plain: dict[str, object] = {
        "model_id": 7, "name": "gpt", "version": "1.0.0", "checkpoint_path": "/c.pt",
        "task_type": "lm", "config_hash": None, "training_run_id": None,
        "parent_model_id": None, "created_at": "2026-01-01 00:00:01",
        "metrics": '{"val_loss": 0.5}', "export_formats": "[]", "model_size_mb": None,
        "memory_req_gb": 8.0, "metadata": "{}", "status": "active", "params": None,
        "tags": None,
    }  # fmt: skip
    plain.update(changes)
    return [plain[column.name] for column in RECORD_COLUMNS]


ODD_CELLS: list[dict[str, object]] = [
    {"config_hash": ""}, {"config_hash": b"\xffh"}, {"config_hash": "abc"},
    {"status": "experimental"}, {"status": None}, {"status": "retired"},
    {"export_formats": '["onnx"]'}, {"export_formats": None}, {"export_formats": "[1, null]"},
    {"metadata": '{"k": [1]}'}, {"metadata": "[]"}, {"metadata": None},
    {"tags": "production"}, {"tags": "a\x1fa"}, {"tags": ""},
    {"name": b"blob"}, {"training_run_id": "7"}, {"model_size_mb": "n/a"},
    {"created_at": 1700000000}, {"metrics": "nan"},
]  # fmt: skip


@pytest.mark.parametrize("odd", [{}, *ODD_CELLS])
def test_reading_by_columns_gives_what_reading_each_row_gives(odd: dict[str, object]) -> None:
    """clean_columns takes a column whole only when every value is one its reader
    would return unchanged: beside plain rows, any odd value gives the per-row result."""
    from registry_tui.db.legacy import clean_columns, clean_model

    rows = [_row(), _row(**odd), _row(model_id=8)]
    by_rows = [clean_model(row)[0] for row in rows]
    columns = clean_columns(rows)
    assert {name: [fields[name] for fields in by_rows] for name in columns} == columns
