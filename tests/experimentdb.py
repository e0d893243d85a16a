"""An ExperimentDB file written with plain ``sqlite3``, in the layout of the guide's
``ExperimentDB("experiments.db")``: ``runs``, ``metrics`` and ``artifacts``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

SCHEMA = """
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_name TEXT NOT NULL,
    config JSON,
    notes TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    status TEXT DEFAULT 'running',
    sweep_id TEXT,
    sweep_params JSON
);
CREATE TABLE metrics (
    metric_id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER,
    metric_name TEXT NOT NULL,
    value REAL,
    step INTEGER,
    epoch INTEGER,
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (run_id) REFERENCES runs(run_id)
);
CREATE TABLE artifacts (
    artifact_id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER,
    artifact_type TEXT,
    filepath TEXT,
    metadata JSON,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (run_id) REFERENCES runs(run_id)
);
"""

Point = tuple[str, float, int]
"""``(metric_name, value, step)``."""


def create(path: Path) -> Path:
    """An empty ExperimentDB at ``path``."""
    with sqlite3.connect(path) as con:
        con.executescript(SCHEMA)
    con.close()
    return path


def add_run(
    path: Path,
    name: str,
    points: Iterable[Point] = (),
    *,
    status: str = "completed",
    notes: str | None = None,
    config: Mapping[str, object] | None = None,
    created_at: str = "2026-01-01 10:00:00",
) -> int:
    """A run with its logged metrics (steps logged in the order given); its run_id."""
    con = sqlite3.connect(path)
    with con:
        cur = con.execute(
            "INSERT INTO runs (run_name, config, notes, created_at, status) VALUES (?, ?, ?, ?, ?)",
            (name, json.dumps(dict(config or {})), notes, created_at, status),
        )
        run_id = int(cur.lastrowid or 0)
        con.executemany(
            "INSERT INTO metrics (run_id, metric_name, value, step, epoch, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, n, v, s, s // 10, f"2026-01-01 10:{s % 60:02d}:00") for n, v, s in points],
        )
    con.close()
    return run_id


LOSSES: list[Point] = [
    ("train/loss", 2.0, 0),
    ("val/loss", 1.5, 0),
    ("val/accuracy", 0.60, 0),
    ("train/loss", 1.0, 10),
    ("val/loss", 0.9, 10),
    ("val/accuracy", 0.80, 10),
    ("train/loss", 0.8, 20),
    ("val/loss", 1.1, 20),
    ("val/accuracy", 0.75, 20),
]
"""A run whose final values are not its best: val/loss best 0.9 final 1.1, accuracy
best 0.80 final 0.75."""


def sample(path: Path) -> dict[str, int]:
    """An ExperimentDB with two runs: ``baseline`` (:data:`LOSSES`) and ``wider`` (running)."""
    create(path)
    baseline = add_run(path, "baseline", LOSSES, notes="lr 3e-4, warmup 500")
    wider = add_run(
        path, "wider", [("val/loss", 0.7, 5)], status="running", created_at="2026-01-02 09:00:00"
    )
    return {"baseline": baseline, "wider": wider}
