"""Several processes opening a fresh PostgreSQL schema at once: the migration runs once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.db.migrations import SCHEMA_VERSION

OPENER = """
import os, sys, time
go = sys.argv[2]
deadline = time.monotonic() + 30
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.005)
from registry_tui import ModelRegistry
with ModelRegistry(sys.argv[1]):  # opening migrates
    pass
print("ok")
"""


@pytest.mark.postgres
def test_processes_opening_a_fresh_schema_together_all_succeed(pg_url: str, tmp_path: Path) -> None:
    """Six processes released together on an empty schema all open it (the advisory lock
    serialises the migration: without it, concurrent CREATE TABLE fails); the schema
    version is written once and the registry works."""
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, pg_url, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    time.sleep(1.0)  # let every process import and wait at the barrier
    go.touch()
    results = [p.communicate(timeout=60) for p in procs]
    failures = [err for (out, err) in results if out.strip() != "ok"]
    assert failures == []
    assert all(p.returncode == 0 for p in procs)
    with ModelRegistry(pg_url) as registry:
        rows = registry._storage.db.execute_sql(
            "SELECT value FROM registry_meta WHERE key = 'schema_version'"
        ).fetchall()
        assert rows == [(str(SCHEMA_VERSION),)]
        registry.register_model("a", "1.0.0", "a.pt", verify_checkpoint=False, task_type="lm")


@pytest.mark.postgres
def test_a_migration_waits_for_the_migration_lock(pg_url: str) -> None:
    """Opening a fresh schema takes the migration's advisory lock before creating
    anything: while another session holds that lock the opening waits on it (seen in
    pg_stat_activity), and it completes, migrated, once the lock is released."""
    import threading

    import psycopg2

    from tests.conftest import PG_URL

    holder = psycopg2.connect(PG_URL)
    errors: list[BaseException] = []

    def open_registry() -> None:
        try:
            ModelRegistry(pg_url).close()
        except BaseException as exc:  # reported by the test's thread
            errors.append(exc)

    opener = threading.Thread(target=open_registry)
    try:
        with holder.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(727274001)")
            opener.start()
            waited = False
            for _ in range(3000):  # until the opener waits on the lock, or finishes
                cur.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view each time
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND wait_event = 'advisory' AND pid <> pg_backend_pid()"
                )
                waited = cur.fetchone()[0] > 0
                if waited or not opener.is_alive():
                    break
                time.sleep(0.01)
            assert waited and opener.is_alive(), "the migration did not wait for its lock"
    finally:
        holder.rollback()
        holder.close()
        opener.join(timeout=60)
    assert errors == []
    with ModelRegistry(pg_url) as registry:
        rows = registry._storage.db.execute_sql(
            "SELECT value FROM registry_meta WHERE key = 'schema_version'"
        ).fetchall()
        assert rows == [(str(SCHEMA_VERSION),)]
