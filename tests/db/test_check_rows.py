"""The data layer's queries behind ``check``, ``dump``, ``load`` and ``backup``
(:mod:`registry_tui.db.check_rows`, :mod:`registry_tui.db.bundle_rows`,
:mod:`registry_tui.db.sqlite_copy`), on real files and, where the backend
matters, the real PostgreSQL server."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.db import bundle_rows, check_rows
from registry_tui.db.sqlite_copy import copy_database
from registry_tui.errors import StorageError

COMMON: dict[str, Any] = {"verify_checkpoint": False, "task_type": "lm"}


def _guide_writes_orphans(db_path: Path) -> None:
    """Rows of a missing model 77 and a parent 55 that does not exist, written the way a
    tool without foreign keys writes them."""
    with ModelRegistry(db_path) as registry:
        registry.register_model("m", "1.0.0", "s3://m", **COMMON)
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO model_metrics VALUES (77, 'acc', 1.0)")
    conn.execute("INSERT INTO model_metrics VALUES (77, 'loss', 2.0)")
    conn.execute("INSERT INTO checkpoint_hashes VALUES (78, 'ab', 1, '2026-01-01 00:00:00')")
    conn.execute("UPDATE models SET parent_model_id = 55")
    conn.commit()
    conn.close()


def test_rows_of_missing_models_and_dangling_parents(db_path: Path) -> None:
    """Child rows of missing models come table by table with their count per model, and
    a parent that does not exist is named; check words them per table."""
    _guide_writes_orphans(db_path)
    with ModelRegistry(db_path) as registry:
        tables = registry._storage.tables
        assert list(check_rows.rows_of_missing_models(tables)) == [
            ("metrics", 77, 2),
            ("hashes", 78, 1),
        ]
        assert check_rows.dangling_parents(tables) == [(1, 55)]
        assert check_rows.count_models(tables) == 1
        details = sorted(p.detail for p in registry.check().problems)
    assert details == [
        "1 hash(s) of a missing model",
        "2 metric(s) of a missing model",
        "parent model 55 does not exist",
    ]


def test_missing_tables_and_sqlites_verdicts(db_path: Path) -> None:
    """Only the tables the database lacks are named; a sound file's integrity_check is
    "ok" and its foreign_key_check is empty."""
    with ModelRegistry(db_path) as registry:
        db = registry._storage.db
        assert check_rows.missing_tables(db, ["models", "no_such_table"]) == ["no_such_table"]
        assert check_rows.integrity_rows(db, 5) == [("ok",)]
        assert check_rows.foreign_key_rows(db) == []


def test_a_file_sqlite_cannot_read_or_cannot_open(tmp_path: Path) -> None:
    """file_integrity tells a file that opens but fails the check (not a database) from
    one that cannot be opened at all (its folder does not exist)."""
    bad = tmp_path / "garbage.db"
    bad.write_bytes(b"this is not a database" * 300)
    with pytest.raises(check_rows.FileUnreadable) as failed:
        check_rows.file_integrity(str(bad), 5)
    assert failed.value.checking and "not a database" in str(failed.value)
    with pytest.raises(check_rows.FileUnreadable) as unopened:
        check_rows.file_integrity(str(tmp_path / "no" / "such.db"), 5)
    assert not unopened.value.checking


def test_hashes_recorded_once(db_path: Path) -> None:
    """record_hashes keeps a hash already recorded and adds the new ones."""
    with ModelRegistry(db_path) as registry:
        a = registry.register_model("a", "1.0.0", "a.pt", **COMMON)
        b = registry.register_model("b", "1.0.0", "b.pt", **COMMON)
        storage = registry._storage
        check_rows.record_hashes(storage, [(a, "aa", 1)], "2026-01-01 00:00:00")
        check_rows.record_hashes(storage, [(a, "zz", 9), (b, "bb", 2)], "2026-01-02 00:00:00")
        assert check_rows.recorded_hashes(storage.tables) == {
            a: ("aa", 1, "2026-01-01 00:00:00"),
            b: ("bb", 2, "2026-01-02 00:00:00"),
        }


def test_lookups_and_inserts_past_one_chunk(registry: ModelRegistry) -> None:
    """Keys looked up and rows inserted in chunks (1,200 tag policies: four INSERTs of 300
    rows, three lookups of up to 500 keys) are all written and all found, on either backend."""
    tables = registry._storage.tables
    rows = [{"tag": f"t{i:04}", "exclusive": i % 2 == 0, "set_at": "2026-01-01 00:00:00"}
            for i in range(1200)]  # fmt: skip
    done: list[tuple[int, int]] = []
    with registry._storage.writing():
        bundle_rows.insert_rows(
            tables.policies, rows, lambda v: v, lambda d, t: done.append((d, t))
        )
    assert done == [(300, 1200), (600, 1200), (900, 1200), (1200, 1200)]
    keys = [r["tag"] for r in rows] + ["absent"]
    assert bundle_rows.existing(tables, "policies", "tag", keys) == set(keys) - {"absent"}
    held = dict(bundle_rows.pairs(tables, "policies", "tag", "exclusive", keys))
    assert len(held) == 1200 and bool(held["t0000"]) and not bool(held["t0001"])


def test_table_rows_in_key_order(registry: ModelRegistry) -> None:
    """table_rows counts the table and streams the asked columns in the key's order."""
    for name in ("b", "a", "c"):
        registry.register_model(name, "1.0.0", f"{name}.pt", **COMMON)
    total, rows = bundle_rows.table_rows(registry._storage.tables, "models", ("model_id", "name"),
                                         "model_id")  # fmt: skip
    assert total == 3 and list(rows) == [(1, "b"), (2, "a"), (3, "c")]


def test_copy_database_refuses_a_source_that_is_not_one(tmp_path: Path) -> None:
    """Copying a file that is not a SQLite database is a one-line StorageError, and the
    progress callback saw the copy start."""
    source = tmp_path / "garbage.db"
    source.write_bytes(b"this is not a database" * 300)
    seen: list[tuple[int, int]] = []
    with pytest.raises(StorageError, match="failed"):
        copy_database(str(source), tmp_path / "copy.db", lambda d, t: seen.append((d, t)))
    assert seen[:1] == [(0, 1)]
