"""Many real processes on one registry: registrations, duplicates, promotions, backups.

Workers are separate Python processes (tests/faults/workers.py) released at
the same moment through a barrier, so they really race.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.records import ModelQuery
from tests.faults.harness import database_problems, finish, run_together, start, wait_ready

pytestmark = pytest.mark.slow


def _register_race(db: str, processes: int, each: int) -> None:
    ModelRegistry(db).close()  # the schema exists before the race
    results = run_together(
        "register", [{"db": db, "prefix": f"worker-{w}", "count": each} for w in range(processes)]
    )
    assert [r["errors"] for r in results] == [[]] * processes
    ids = [i for r in results for i in r["ids"]]
    assert len(ids) == len(set(ids)) == processes * each
    with ModelRegistry(db) as registry:
        assert registry.count_models(ModelQuery(status=None)) == processes * each
        registers = [e for e in registry.events(limit=None) if e.event == "register"]
        assert sorted(e.model_id for e in registers) == sorted(ids)
        assert database_problems(registry) == []


def test_eight_processes_register_2000_models_on_one_sqlite_file(tmp_path: Path) -> None:
    """8 processes x 250 registrations: 2,000 rows, no error surfaced, integrity_check ok."""
    db = tmp_path / "models.db"
    _register_race(str(db), 8, 250)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT COUNT(*) FROM models").fetchone() == (2000,)
    conn.close()


@pytest.mark.postgres
def test_eight_processes_register_on_postgres(pg_url: str) -> None:
    """The same race on PostgreSQL at a smaller scale: 8 x 40, every row, no error."""
    _register_race(pg_url, 8, 40)


def _duplicate_race(db: str) -> None:
    ModelRegistry(db).close()
    results = run_together(
        "register_same", [{"db": db, "name": "gpt-small", "version": "1.0.0"}] * 8
    )
    winners = [r["id"] for r in results if "id" in r]
    losers = [r["error"] for r in results if "error" in r]
    assert len(winners) == 1 and len(losers) == 7
    for error in losers:
        error.pop("origin")
        assert error == {
            "type": "DuplicateModelError",
            "registry_error": "True",
            "message": "Model 'gpt-small' version '1.0.0' already exists",
        }
    with ModelRegistry(db) as registry:
        assert registry.count_models(ModelQuery(status=None)) == 1


def test_eight_processes_register_the_same_version_on_sqlite(tmp_path: Path) -> None:
    """Same name+version from 8 processes at once: one id, seven guide duplicate errors."""
    _duplicate_race(str(tmp_path / "models.db"))


@pytest.mark.postgres
def test_eight_processes_register_the_same_version_on_postgres(pg_url: str) -> None:
    """The duplicate race on PostgreSQL: the unique index decides, the error is the guide's."""
    _duplicate_race(pg_url)


def _promotion_race(db: str, tmp_path: Path, processes: int, each: int, per_worker: int) -> None:
    with ModelRegistry(db) as registry:
        ids = [
            registry.register_model(f"m{i}", "1.0.0", "c.pt", "t", verify_checkpoint=False)
            for i in range(processes * per_worker)
        ]
        registry.promote_model(ids[0], "production")
        baseline = len(registry.events(tag="production", limit=None))
    stop = tmp_path / "stop-reader"
    reader = start("reader", {"db": db, "tag": "production", "stop_file": str(stop)})
    wait_ready(reader)
    try:
        chunks = [ids[w * per_worker : (w + 1) * per_worker] for w in range(processes)]
        results = run_together(
            "promote",
            [
                {"db": db, "ids": chunk, "count": each, "seed": w, "tag": "production"}
                for w, chunk in enumerate(chunks)
            ],
        )
    finally:
        time.sleep(0.05)
        stop.touch()
    seen = finish(reader)
    assert [r["errors"] for r in results] == [[]] * processes
    promoted = sum(len(r["promoted"]) for r in results)
    assert promoted == processes * each
    assert seen["errors"] == [] and seen["bad_count"] == 0, seen
    assert seen["reads"] > 10
    with ModelRegistry(db) as registry:
        holders = registry.records.tag_holders("production")
        assert len(holders) == 1
        history = registry.events(tag="production", limit=None)
        assert history[0].model_id == holders[0].model_id
        assert len(history) - baseline == promoted
        for newer, older in itertools.pairwise(history):
            assert newer.previous_model_id == older.model_id


def test_eight_processes_promote_while_a_reader_polls_on_sqlite(tmp_path: Path) -> None:
    """8 x 100 exclusive promotions with a polling reader: always one holder, history agrees."""
    _promotion_race(str(tmp_path / "models.db"), tmp_path, 8, 100, 4)


@pytest.mark.postgres
def test_eight_processes_promote_while_a_reader_polls_on_postgres(
    pg_url: str, tmp_path: Path
) -> None:
    """The promotion race on PostgreSQL at a smaller scale (8 x 25)."""
    _promotion_race(pg_url, tmp_path, 8, 25, 3)


def test_backup_while_four_processes_write(tmp_path: Path) -> None:
    """Backups taken while 4 processes register: each copy passes integrity_check, none torn."""
    db = tmp_path / "models.db"
    ModelRegistry(db).close()
    procs = [start("register", {"db": str(db), "prefix": f"w{w}", "count": 150}) for w in range(4)]
    counts = []
    try:
        for proc in procs:
            wait_ready(proc)
        with ModelRegistry(db) as registry:
            for n in range(6):
                copy = registry.backup(tmp_path / f"copy{n}.db")
                conn = sqlite3.connect(copy)
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                models, events = conn.execute(
                    "SELECT (SELECT COUNT(*) FROM models), "
                    "(SELECT COUNT(*) FROM registry_events WHERE event = 'register')"
                ).fetchone()
                conn.close()
                assert models == events  # a consistent snapshot: each model with its event
                counts.append(models)
                time.sleep(0.02)
        results = [finish(proc) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [r["errors"] for r in results] == [[]] * 4
    assert counts == sorted(counts)


def test_dump_while_four_processes_write(tmp_path: Path) -> None:
    """Bundles dumped while 4 processes register are consistent snapshots that load cleanly."""
    db = tmp_path / "models.db"
    ModelRegistry(db).close()
    procs = [start("register", {"db": str(db), "prefix": f"w{w}", "count": 150}) for w in range(4)]
    sizes = []
    try:
        for proc in procs:
            wait_ready(proc)
        with ModelRegistry(db) as registry:
            for n in range(5):
                bundle = registry.dump_bundle()
                ids = {m["model_id"] for m in bundle["models"]}
                registered = {
                    e["model_id"] for e in bundle["registry_events"] if e["event"] == "register"
                }
                assert ids == registered  # each model with its event, nothing half-seen
                assert bundle["sequences"]["models"] >= max(ids, default=0)
                with ModelRegistry(tmp_path / f"loaded{n}.db") as target:
                    assert target.load(bundle).models == len(ids)
                sizes.append(len(ids))
        results = [finish(proc) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [r["errors"] for r in results] == [[]] * 4
    assert sizes == sorted(sizes)
