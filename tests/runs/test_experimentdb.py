"""The ExperimentDB run source: read-only, final and best metrics, clear refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from registry_tui.runs import RunInfo, RunSourceError, open_runs
from tests import experimentdb


@pytest.fixture
def exp(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """An ExperimentDB file with the sample runs, written by plain sqlite3."""
    path = tmp_path / "experiments.db"
    return path, experimentdb.sample(path)


def test_run_has_name_status_notes_and_final_and_best_metrics(
    exp: tuple[Path, dict[str, int]],
) -> None:
    """A run reads back with its fields; final is the last step's value, best the min of
    a loss and the max of anything else (the registry's direction rule)."""
    path, ids = exp
    run = open_runs(path).run(ids["baseline"])
    assert run == RunInfo(
        run_id=ids["baseline"], name="baseline", status="completed",
        notes="lr 3e-4, warmup 500", created_at="2026-01-01 10:00:00",
        final_metrics={"train/loss": 0.8, "val/loss": 1.1, "val/accuracy": 0.75},
        best_metrics={"train/loss": 0.8, "val/loss": 0.9, "val/accuracy": 0.80},
    )  # fmt: skip


def test_final_follows_the_step_not_the_insertion_order(tmp_path: Path) -> None:
    """Points logged out of step order: the final value is the one at the largest step."""
    path = experimentdb.create(tmp_path / "e.db")
    run_id = experimentdb.add_run(path, "r", [("val/loss", 0.5, 30), ("val/loss", 0.9, 10)])
    run = open_runs(path).run(run_id)
    assert run is not None and run.final_metrics == {"val/loss": 0.5}


def test_recorded_directions_override_the_name_rule(exp: tuple[Path, dict[str, int]]) -> None:
    """A direction the registry records (accuracy better lower, absurdly) decides best."""
    path, ids = exp
    run = open_runs(path).run(ids["baseline"], {"val/accuracy": True})
    assert run is not None and run.best_metrics["val/accuracy"] == 0.60


def test_runs_lists_every_run_and_find_matches_id_or_name(
    exp: tuple[Path, dict[str, int]],
) -> None:
    """runs() lists both runs, newest id first; find() takes an id or a name (any case)."""
    path, ids = exp
    source = open_runs(f"sqlite:///{path}")
    assert [r.name for r in source.runs()] == ["wider", "baseline"]
    assert source.find("WIDER") == [ids["wider"]]
    assert source.find(str(ids["baseline"])) == [ids["baseline"]]
    assert source.find("nope") == []
    assert source.run(999) is None and source.run("not-a-number") is None


def test_the_file_is_never_written(exp: tuple[Path, dict[str, int]]) -> None:
    """Reading leaves the file's bytes as they were, and no -wal/-journal file appears."""
    path, ids = exp
    before = path.read_bytes()
    source = open_runs(path)
    source.runs()
    source.run(ids["baseline"])
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["experiments.db"]


def test_a_missing_file_is_a_one_line_error_and_creates_nothing(tmp_path: Path) -> None:
    """A path that does not exist is refused, named, and no file is made."""
    with pytest.raises(RunSourceError, match=r"No experiment database at .*nothere\.db"):
        open_runs(tmp_path / "nothere.db")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "schema",
    [
        "CREATE TABLE models (model_id INTEGER)",
        "CREATE TABLE runs (id INTEGER, title TEXT)",
    ],
)
def test_a_different_database_is_refused(tmp_path: Path, schema: str) -> None:
    """No runs table, or one without run_id and run_name: not an ExperimentDB."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as con:
        con.execute(schema)
    con.close()
    with pytest.raises(RunSourceError, match="is not an ExperimentDB") as caught:
        open_runs(path)
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    """Text where a database should be gives a one-line RunSourceError."""
    path = tmp_path / "notes.txt"
    path.write_text("hello " * 1000)
    with pytest.raises(RunSourceError, match="not a SQLite database"):
        open_runs(path)


def test_a_runs_table_alone_gives_runs_without_metrics(tmp_path: Path) -> None:
    """An ExperimentDB without a metrics table still lists its runs."""
    path = tmp_path / "e.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE runs (run_id INTEGER PRIMARY KEY, run_name TEXT)")
        con.execute("INSERT INTO runs VALUES (7, 'solo')")
    con.close()
    assert open_runs(path).runs() == [RunInfo(run_id=7, name="solo")]


def test_other_urls_are_refused(tmp_path: Path) -> None:
    """A postgresql:// URL is no place for runs: refused in one line."""
    with pytest.raises(RunSourceError, match="give a file, or mlflow:URI"):
        open_runs("postgresql://u@h/db")
