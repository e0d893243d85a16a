"""Schema migrations: guide-made databases open in place; newer schemas are refused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, SchemaVersionError
from registry_tui.db.migrations import SCHEMA_VERSION

# The guide's code created exactly these tables (config_hash NOT NULL included).
GUIDE_DDL = """
CREATE TABLE IF NOT EXISTS models (
    model_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    checkpoint_path TEXT NOT NULL,
    task_type TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    training_run_id INTEGER,
    parent_model_id INTEGER,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    metrics TEXT,
    export_formats TEXT,
    model_size_mb REAL,
    memory_req_gb REAL,
    metadata TEXT,
    status TEXT DEFAULT 'active',
    UNIQUE(name, version),
    FOREIGN KEY (parent_model_id) REFERENCES models (model_id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS idx_models_task_type ON models (task_type);
CREATE INDEX IF NOT EXISTS idx_models_status ON models (status);
CREATE INDEX IF NOT EXISTS idx_models_config_hash ON models (config_hash);
CREATE TABLE IF NOT EXISTS model_tags (
    tag_id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id INTEGER NOT NULL,
    tag_name TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(model_id, tag_name),
    FOREIGN KEY (model_id) REFERENCES models (model_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_model_tags_tag_name ON model_tags (tag_name);
CREATE TABLE IF NOT EXISTS model_exports (
    export_id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id INTEGER NOT NULL,
    export_format TEXT NOT NULL,
    export_path TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    metadata TEXT,
    FOREIGN KEY (model_id) REFERENCES models (model_id) ON DELETE CASCADE
);
"""


def make_guide_db(path: Path) -> None:
    """A database as the guide's code leaves it: three tables, JSON text columns."""
    conn = sqlite3.connect(path)
    conn.executescript(GUIDE_DDL)
    rows = [
        ("gpt-small", "1.0.0", '{"val_loss": 0.5, "accuracy": 0.8}', None),
        ("gpt-small", "1.10.0", '{\n  "val_loss": 0.3\n}', 1),
        ("gpt-small", "1.2.0", '{"val_loss": 0.4}', 1),
    ]
    for name, version, metrics, parent in rows:
        conn.execute(
            "INSERT INTO models (name, version, checkpoint_path, task_type, config_hash, "
            "parent_model_id, metrics, export_formats, metadata, status) "
            "VALUES (?, ?, 'c.pt', 'language_modeling', 'abc', ?, ?, '[\"onnx\"]', '{}', 'active')",
            (name, version, parent, metrics),
        )
    conn.execute("INSERT INTO model_tags (model_id, tag_name) VALUES (2, 'production')")
    conn.execute(
        "INSERT INTO model_exports (model_id, export_format, export_path, metadata) "
        "VALUES (2, 'onnx', 'e.onnx', ?)",
        (json.dumps({"opset_version": 14}),),
    )
    conn.commit()
    conn.close()


def test_guide_database_opens_and_works_in_place(tmp_path: Path) -> None:
    """A models.db made by the guide's code opens, is migrated, and every feature works."""
    path = tmp_path / "models.db"
    make_guide_db(path)
    with ModelRegistry(path) as registry:
        prod = registry.get_model(tag="production")
        assert prod is not None and prod["version"] == "1.10.0"
        assert prod["exports"][0]["metadata"] == {"opset_version": 14}
        assert pd_ids(registry.list_models(where="val_loss < 0.45")) == {2, 3}
        ordered = registry.list_models(order_by="version")
        assert list(ordered["version"]) == ["1.0.0", "1.2.0", "1.10.0"]
        new = registry.register_model("gpt-small", "2.0.0", "d.pt", "lm", verify_checkpoint=False)
        model = registry.get_model(model_id=new)
        assert model is not None and model["config_hash"] is None
        registry.promote_model(new, "production")
        assert [m["model_id"] for m in registry.get_model_lineage(3)] == [1, 3]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM registry_meta").fetchone() == (str(SCHEMA_VERSION),)
    assert conn.execute("SELECT count(*) FROM models").fetchone() == (4,)
    conn.close()


def pd_ids(frame: object) -> set[int]:
    return set(frame["model_id"])  # type: ignore[index]


def test_migration_is_idempotent(tmp_path: Path) -> None:
    """Opening a current database again changes nothing."""
    path = tmp_path / "models.db"
    ModelRegistry(path).close()
    before = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master").fetchall()
    ModelRegistry(path).close()
    after = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master").fetchall()
    assert before == after


def test_newer_schema_is_refused_without_writing(tmp_path: Path) -> None:
    """A database from a newer registry-tui is refused with a clear message; nothing written."""
    path = tmp_path / "models.db"
    ModelRegistry(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE registry_meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaVersionError, match="newer than this registry-tui"):
        ModelRegistry(path)
    assert path.read_bytes() == before


def test_newer_schema_refused_on_postgres(pg_url: str) -> None:
    """The same refusal on PostgreSQL."""
    ModelRegistry(pg_url).close()
    reg = ModelRegistry(pg_url)
    reg._storage.db.execute_sql("UPDATE registry_meta SET value = '99'")
    reg.close()
    with pytest.raises(SchemaVersionError):
        ModelRegistry(pg_url)


def test_a_migration_finished_meanwhile_is_not_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``migrate`` reads the version again once it holds the write lock: when another
    process finished the migration between the first read and the lock (simulated by a
    first read that still says version 0), no step runs a second time."""
    import peewee

    from registry_tui.db import migrations

    path = tmp_path / "r.db"
    ModelRegistry(path).close()
    real = migrations.read_version
    reads: list[int] = []

    def stale_first(db: peewee.Database) -> int:
        reads.append(1)
        return 0 if len(reads) == 1 else real(db)

    ran: list[int] = []
    steps = [lambda db, n=n: ran.append(n) for n in range(1, SCHEMA_VERSION + 1)]
    monkeypatch.setattr(migrations, "read_version", stale_first)
    monkeypatch.setattr(migrations, "STEPS", steps)
    db = peewee.SqliteDatabase(str(path))
    try:
        migrations.migrate(db)
        assert ran == [] and len(reads) >= 2
        assert real(db) == SCHEMA_VERSION
    finally:
        db.close()


def test_a_failed_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The steps of a migration run in one transaction: when the last one fails, the
    tables the earlier steps created are rolled back with it and no version is written."""
    import peewee

    from registry_tui.db import migrations

    def broken(db: peewee.Database) -> None:
        raise RuntimeError("injected failure in the last step")

    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS[:-1], broken])
    path = tmp_path / "r.db"
    with pytest.raises(Exception, match="injected"):
        ModelRegistry(path)
    with sqlite3.connect(path) as conn:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == []


COVERED = {"idx_models_task_type", "idx_models_status", "idx_model_tags_tag_name"}


def _sqlite_indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        conn.close()


def test_indexes_a_wider_index_serves_are_dropped(tmp_path: Path) -> None:
    """The guide's single-column indexes go once a wider index starts with the same
    column; unique ones and those without a wider twin stay, and filters still work."""
    path = tmp_path / "models.db"
    make_guide_db(path)
    assert _sqlite_indexes(path) >= COVERED
    with ModelRegistry(path) as registry:
        assert set(registry.list_models(task_type="language_modeling")["model_id"]) == {1, 2, 3}
        assert list(registry.list_models(tag="production")["model_id"]) == [2]
    left = _sqlite_indexes(path)
    assert not COVERED & left
    assert "idx_model_tags_model" not in left  # UNIQUE(model_id, tag_name) serves it
    assert {"idx_models_config_hash", "sqlite_autoindex_models_1"} <= left
    assert {"idx_models_status_created", "idx_models_task_status_created"} <= left


def test_a_guide_tags_table_without_its_unique_keeps_its_model_index(tmp_path: Path) -> None:
    """Where the guide table lacks UNIQUE(model_id, tag_name), nothing wider serves
    lookups by model, so ``idx_model_tags_model`` stays."""
    path = tmp_path / "models.db"
    ddl = GUIDE_DDL.replace("    UNIQUE(model_id, tag_name),\n", "")
    assert ddl != GUIDE_DDL
    conn = sqlite3.connect(path)
    conn.executescript(ddl)
    conn.close()
    ModelRegistry(path).close()
    left = _sqlite_indexes(path)
    assert "idx_model_tags_model" in left
    assert "idx_model_tags_tag_name" not in left


def test_covered_indexes_dropped_on_postgres_trigram_index_kept(pg_url: str) -> None:
    """On PostgreSQL the same B-tree indexes go; the trigram (GIN) index on names,
    whose first column is also ``name``, is not a B-tree and stays."""
    with ModelRegistry(pg_url) as registry:
        rows = registry._storage.db.execute_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        ).fetchall()
    names = {r[0] for r in rows}
    assert not COVERED & names
    assert "idx_models_status_created" in names
    trigram = [name for name, sql in rows if "gin" in sql.lower()]
    assert trigram, "the pg_trgm index is expected on the test server"
