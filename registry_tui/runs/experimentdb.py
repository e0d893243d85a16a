"""Runs from an ExperimentDB file: SQLite, read with plain :mod:`sqlite3`, never written.

The layout (``ExperimentDB("experiments.db")``)::

    runs(run_id, run_name, config, notes, created_at, status, sweep_id, sweep_params, ...)
    metrics(metric_id, run_id, metric_name, value, step, epoch, timestamp)
    artifacts(artifact_id, run_id, artifact_type, filepath, metadata, created_at)

The file is opened ``mode=ro`` for each read (the source never holds a connection,
so any thread may use it). ``runs`` must have ``run_id`` and ``run_name``; the
other columns are read when present; a file without a ``metrics`` table has runs
without metrics.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

from registry_tui.runs.info import Directions, RunInfo, RunKey, RunSourceError, summarise

_REQUIRED = ("run_id", "run_name")
_OPTIONAL = ("status", "notes", "created_at")
_METRIC_COLUMNS = ("run_id", "metric_name", "value")
_Point = tuple[str, object]
_POINT_ORDER = "run_id, step IS NULL, step, timestamp, metric_id"


def table_columns(path: Path) -> dict[str, list[str]]:
    """The tables of a SQLite file and their columns; a RunSourceError when it is not one."""
    with _connection(path) as con:
        try:
            names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {n: [r[1] for r in con.execute(f'PRAGMA table_info("{n}")')] for n in names}
        except sqlite3.DatabaseError as exc:
            raise RunSourceError(f"{path} is not a SQLite database ({exc})") from None


@contextmanager
def _connection(path: Path) -> Iterator[sqlite3.Connection]:
    if not path.is_file():
        raise RunSourceError(f"No experiment database at {path}")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise RunSourceError(f"Cannot open the experiment database {path}: {exc}") from None
    with closing(con):
        yield con


class ExperimentDBSource:
    """The runs of one ExperimentDB file (see the module's docstring)."""

    kind = "ExperimentDB"

    def __init__(self, path: str | os.PathLike[str], tables: dict[str, list[str]]) -> None:
        self.path = Path(path)
        self.location = str(path)
        runs = tables.get("runs")
        if runs is None or any(c not in runs for c in _REQUIRED):
            raise RunSourceError(
                f"{path} is not an ExperimentDB: it has no runs table with run_id and run_name"
            )
        self._columns = ["run_id", "run_name", *(c if c in runs else "NULL" for c in _OPTIONAL)]
        metrics = tables.get("metrics", [])
        self._metrics = all(c in metrics for c in _METRIC_COLUMNS)
        self._ordered = self._metrics and all(c in metrics for c in ("step", "timestamp"))

    def run(self, run_id: RunKey, directions: Directions | None = None) -> RunInfo | None:
        """The run with this id, or None."""
        try:
            key = int(run_id)
        except (TypeError, ValueError):
            return None
        found = self._read("WHERE run_id = ?", (key,), directions)
        return found[0] if found else None

    def runs(self, directions: Directions | None = None) -> list[RunInfo]:
        """Every run, newest id first."""
        return self._read("", (), directions)

    def find(self, text: str) -> list[RunKey]:
        """Ids of the runs whose id is ``text`` or whose name is ``text`` (ignoring case)."""
        sql = "SELECT run_id FROM runs WHERE CAST(run_id AS TEXT) = ? OR lower(run_name) = ?"
        rows = self._query(sql + " ORDER BY run_id", (text.strip(), text.strip().lower()))
        return [_key(r[0]) for r in rows]

    def _read(
        self, where: str, params: Sequence[object], directions: Directions | None
    ) -> list[RunInfo]:
        columns = ", ".join(self._columns)
        rows = self._query(f"SELECT {columns} FROM runs {where} ORDER BY run_id DESC", params)
        points = self._points(where, params)
        return [_info(row, points.get(row[0], []), directions) for row in rows]

    def _points(self, where: str, params: Sequence[object]) -> dict[object, list[_Point]]:
        if not self._metrics:
            return {}
        order = _POINT_ORDER if self._ordered else "run_id, rowid"
        sql = f"SELECT run_id, metric_name, value FROM metrics {where} ORDER BY {order}"
        points: dict[object, list[_Point]] = {}
        for run_id, name, value in self._query(sql, params):
            points.setdefault(run_id, []).append((str(name), value))
        return points

    def _query(self, sql: str, params: Sequence[object]) -> list[tuple[object, ...]]:
        with _connection(self.path) as con:
            try:
                return list(con.execute(sql, params))
            except sqlite3.Error as exc:
                message = f"Cannot read the experiment database {self.path}: {exc}"
                raise RunSourceError(message) from None


def _info(row: tuple[object, ...], points: list[_Point], directions: Directions | None) -> RunInfo:
    run_id, name, status, notes, created_at = row
    final, best = summarise(points, directions)
    return RunInfo(
        run_id=_key(run_id), name=_text(name), status=_text(status), notes=_text(notes),
        created_at=_text(created_at), final_metrics=final, best_metrics=best,
    )  # fmt: skip


def _key(value: object) -> RunKey:
    return value if isinstance(value, int) else str(value)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
