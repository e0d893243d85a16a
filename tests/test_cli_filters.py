"""The CLI's --where and --sort: the filter language's errors as one line, dates, spaces."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from tests.conftest import FixedClock


@pytest.fixture
def db(db_path: Path, clock: FixedClock) -> Path:
    """Two models ten days apart: 1 old (accuracy 0.8), 2 new (accuracy 0.9)."""
    with ModelRegistry(db_path, clock=clock) as registry:
        registry.register_model(
            "old", "1.0.0", "a.pt", "lm", metrics={"accuracy": 0.8}, verify_checkpoint=False
        )
        clock.now += timedelta(days=10)
        registry.register_model(
            "new", "1.0.0", "b.pt", "lm", metrics={"accuracy": 0.9}, verify_checkpoint=False
        )
    return db_path


def cli(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``registry-tui --db DB ARGS``: (exit status, stdout, stderr)."""
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--sort", "-acuracy"], "Unknown sort key 'acuracy'"),
        (["--where", "acuracy > 0.5"], "Unknown metric 'acuracy'"),
        (["--where", "created_at > soon"], "created_at>7d"),
    ],
)
def test_list_refuses_unknown_names_in_one_line(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    """An unknown sort key or metric exits 1 with one line naming what exists."""
    code, out, err = cli(db, capsys, "list", *args)
    assert code == 1 and out == ""
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    if "metric" in expected or "sort" in expected:
        assert "accuracy" in err


def test_list_where_takes_dates_and_spaces(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--where accepts created_at dates (ages are counted from now) and spaced operators."""
    _, out, _ = cli(db, capsys, "list", "--format", "json", "--where", "created_at >= 2026-01-02")
    assert [m["name"] for m in json.loads(out)] == ["new"]
    _, out, _ = cli(db, capsys, "list", "--format", "json", "--where", "accuracy  <  0.85")
    assert [m["name"] for m in json.loads(out)] == ["old"]
