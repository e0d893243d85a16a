"""Schemas under pressure: 8 processes open an old database at once; newer ones are refused."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, SchemaVersionError
from registry_tui.db.migrations import _GUIDE_INDEXES, _SQLITE_GUIDE_TABLES, SCHEMA_VERSION
from tests.faults.harness import run_together
from tests.faults.workers import cli

GUIDE_MODELS = 300


def make_guide_database(path: Path) -> dict[str, int]:
    """A models.db as the guide's code makes it: its three tables only, config_hash NOT NULL.

    Written with plain sqlite3 in the default rollback-journal mode; returns row counts.
    """
    conn = sqlite3.connect(path)
    for sql in _SQLITE_GUIDE_TABLES:
        conn.execute(sql.replace("config_hash TEXT,", "config_hash TEXT NOT NULL,"))
    for sql in _GUIDE_INDEXES:
        conn.execute(sql)
    metrics = 0
    for i in range(GUIDE_MODELS):
        values = {"accuracy": i / GUIDE_MODELS, "val_loss": 1 / (i + 1)}
        metrics += len(values)
        conn.execute(
            "INSERT INTO models (name, version, checkpoint_path, task_type, config_hash, "
            "parent_model_id, metrics, export_formats, metadata) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"guide-{i % 30}", f"1.{i // 30}.0", f"/ckpt/{i}.pt", "language_modeling",
                hashlib.sha256(str(i).encode()).hexdigest(), i if i else None,
                json.dumps(values), json.dumps(["onnx"]), json.dumps({"i": i}),
            ),
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO model_tags (model_id, tag_name) VALUES (?, ?)",
        [(i, "production" if i == 1 else "staging") for i in range(1, 61)],
    )
    conn.executemany(
        "INSERT INTO model_exports (model_id, export_format, export_path, metadata) "
        "VALUES (?, 'onnx', ?, '{}')",
        [(i, f"/exports/{i}.onnx") for i in range(1, 31)],
    )
    conn.commit()
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    return {"models": GUIDE_MODELS, "tags": 60, "exports": 30, "metrics": metrics}


@pytest.mark.slow
def test_eight_processes_open_a_guide_database_at_once(tmp_path: Path) -> None:
    """The migration runs once, in one process; nobody fails; no row is lost."""
    db, log = tmp_path / "models.db", tmp_path / "steps.log"
    expected = make_guide_database(db)
    results = run_together("open_old", [{"db": str(db), "log": str(log)}] * 8)
    assert results == [{"models": expected["models"], "tags": expected["tags"]}] * 8
    steps = [line.split() for line in log.read_text().splitlines()]
    assert [number for number, _ in steps] == [str(n) for n in range(1, SCHEMA_VERSION + 1)]
    assert len({pid for _, pid in steps}) == 1  # every step in one process
    conn = sqlite3.connect(db)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert one("SELECT value FROM registry_meta WHERE key = 'schema_version'") == str(
        SCHEMA_VERSION
    )
    assert one("SELECT COUNT(*) FROM models") == expected["models"]
    assert one("SELECT COUNT(*) FROM model_tags") == expected["tags"]
    assert one("SELECT COUNT(*) FROM model_exports") == expected["exports"]
    assert one("SELECT COUNT(*) FROM model_metrics") == expected["metrics"]
    assert one("SELECT COUNT(*) FROM models WHERE version_key IS NULL") == 0
    assert one("PRAGMA integrity_check") == "ok"
    conn.close()
    with ModelRegistry(db) as registry:
        assert registry.list_models(where="accuracy >= 0.5", limit=None).shape[0] == 150
        assert registry.get_model(tag="production")["model_id"] == 1  # type: ignore[index]
        new = registry.register_model("after", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
        assert registry.get_model(new)["config_hash"] is None  # type: ignore[index]


def _bump_schema(db: Path, version: int) -> str:
    """Mark ``db`` as written by a newer registry-tui; return the file's SHA-256 afterwards."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE registry_meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    conn.commit()
    conn.close()
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_newer_schema_is_refused_and_nothing_is_written(tmp_path: Path, journal: str) -> None:
    """Schema 99 is refused with a clear message by the API and the CLI; the file is untouched."""
    db = tmp_path / "models.db"
    with ModelRegistry(db) as registry:
        registry.register_model("gpt", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
    if journal == "delete":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
    digest = _bump_schema(db, 99)
    with pytest.raises(SchemaVersionError, match="schema version 99, newer than"):
        ModelRegistry(db)
    register = ["register", "--name", "x", "--version", "1.0.0", "--checkpoint", "/c.pt"]
    register += ["--task-type", "t", "--no-verify-checkpoint"]
    for argv in (["list"], register, ["dump", "-"]):
        result = cli({"argv": ["--db", str(db), *argv]})
        assert result["code"] == 1, result
        assert result["stderr"].count("\n") == 1 and "Traceback" not in result["stderr"]
        assert (
            "schema version 99" in result["stderr"] and "upgrade registry-tui" in result["stderr"]
        )
    checked = cli({"argv": ["--db", str(db), "check", "--format", "json"]})
    assert checked["code"] == 1
    assert json.loads(checked["stdout"])["problems"][0]["kind"] == "open"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


@pytest.mark.postgres
def test_a_newer_schema_is_refused_on_postgres(pg_url: str) -> None:
    """On PostgreSQL too: refused, and the rows are as they were."""
    with ModelRegistry(pg_url) as registry:
        registry.register_model("gpt", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
        registry._storage.db.execute_sql(
            "UPDATE registry_meta SET value = '99' WHERE key = 'schema_version'"
        )
    with pytest.raises(SchemaVersionError, match="upgrade registry-tui"):
        ModelRegistry(pg_url)
    import psycopg2

    from registry_tui.db.connect import parse_target

    conn = psycopg2.connect(**parse_target(pg_url).params)
    with conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM models")
        assert cur.fetchone() == (1,)
        cur.execute("SELECT COUNT(*) FROM registry_events")
        assert cur.fetchone() == (1,)
    conn.close()
