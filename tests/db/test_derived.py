"""Derived data (metric rows, version keys, the name index) stays current for any writer."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.db.derived import _SQLITE_VERSION_KEY
from registry_tui.records import ModelQuery
from registry_tui.versions import sort_key_or_none

VERSIONS = [
    "1.0.0",
    "0.0.0",
    "10.2.3",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-0.3.7",
    "1.0.0-x.7.z.92",
    "1.0.0-alpha+001",
    "1.0.0+20130313144700",
    "1.0.0-beta+exp.sha.5114f85",
    "1.0.0-rc.1+b.2",
    "1.0.0-a-b",
    "1.0.0--",
    "1.0.0-0",
    "1.0.0-00a",
    "123456789.0.1",
    "2.0.0-rc.10",
    # not semver
    "",
    "1",
    "1.0",
    "1.0.0.0",
    "01.0.0",
    "1.00.0",
    "1.0.0-",
    "1.0.0+",
    "1.0.0-01",
    "1.0.0-a..b",
    "1.0.0+a..b",
    "1.0.0-a_b",
    "v1.0.0",
    "1.0.0 ",
    " 1.0.0",
    "1.0.0\n",
    "1.0.0-é",
    "1.0.0+é",
    "1..0",
    "a.b.c",
    "1.0.0-rc.1+",
    "1.0.0++",
    "1.0.0+a+b",
    "1.0.0-a.+b",
    "1." + "0" * 130 + ".0",
    "1.0.0-" + "a" * 130,
]


def test_sqlite_version_key_matches_python() -> None:
    """The trigger's pure-SQL semver key equals versions.sort_key_or_none for every version."""
    conn = sqlite3.connect(":memory:")
    sql = "SELECT " + _SQLITE_VERSION_KEY.format(v=":v")
    for version in VERSIONS:
        assert conn.execute(sql, {"v": version}).fetchone()[0] == sort_key_or_none(version), version


@pytest.mark.postgres
def test_pg_version_key_matches_python(pg_url: str) -> None:
    """PostgreSQL's registry_version_key() equals versions.sort_key_or_none for every version."""
    with ModelRegistry(pg_url) as registry:
        cursor = registry._storage.db.cursor()
        for version in VERSIONS:
            cursor.execute("SELECT registry_version_key(%s)", (version,))
            assert cursor.fetchone()[0] == sort_key_or_none(version), version


GUIDE_INSERT = (
    "INSERT INTO models (name, version, checkpoint_path, task_type, config_hash, metrics, "
    "export_formats, memory_req_gb, metadata) VALUES ({p}, {p}, '/c.pt', 'classification', "
    "'h', {p}, '[]', 8, '{{}}')"
)


def _guide_rows(execute: Callable[[str, tuple[Any, ...]], None], p: str) -> None:
    """Write rows as the guide's module does: indented JSON metrics, no side tables."""
    rows = [
        ("guide-net", "1.10.0", {"val_loss": 0.21, "accuracy": 0.97}),
        ("guide-net", "1.9.0", {"val_loss": 0.35, "accuracy": 0.91}),
        ("guide-net", "1.10.0-rc.1", {"val_loss": 0.30, "note": "n/a", "ok": True}),
        ("other", "not-semver", "garbage {"),
    ]
    for name, version, metrics in rows:
        text = metrics if isinstance(metrics, str) else json.dumps(metrics, indent=2)
        execute(GUIDE_INSERT.format(p=p), (name, version, text))
    execute(
        f"UPDATE models SET metrics = {p} WHERE version = '1.9.0'",
        (json.dumps({"val_loss": 0.5, "accuracy": 0.92}),),
    )


def _assert_found(registry: ModelRegistry) -> None:
    names = [
        (r.name, r.version) for r in registry.records.query(ModelQuery(where=("val_loss < 0.4",)))
    ]
    assert sorted(names) == [("guide-net", "1.10.0"), ("guide-net", "1.10.0-rc.1")]
    by_version = registry.records.query(ModelQuery(name="guide-*", order_by="version"))
    assert [r.version for r in by_version] == ["1.9.0", "1.10.0-rc.1", "1.10.0"]
    by_metric = registry.records.query(ModelQuery(order_by="-accuracy", name="guide-net"))
    assert [r.version for r in by_metric] == ["1.10.0", "1.9.0", "1.10.0-rc.1"]
    assert registry.count_models(ModelQuery(where=("accuracy > 0.915",))) == 2
    assert len(registry.records.query(ModelQuery(text="IDE-N"))) == 3
    assert len(registry.records.query(ModelQuery(name="*ide-n*"))) == 3
    assert len(registry.records.query(ModelQuery(name="oth?r"))) == 1


def test_plain_sqlite3_writer_is_found_by_every_listing(db_path: Path) -> None:
    """Rows the guide's plain-sqlite3 code writes into a migrated file are found by
    metric conditions and sorts, semantic version order, counts, globs and free text."""
    ModelRegistry(db_path).close()
    conn = sqlite3.connect(db_path)
    _guide_rows(lambda sql, args: conn.execute(sql, args) and None, "?")
    conn.commit()
    conn.close()
    with ModelRegistry(db_path) as registry:
        _assert_found(registry)


@pytest.mark.postgres
def test_plain_psycopg2_writer_is_found_by_every_listing(pg_url: str) -> None:
    """Rows a plain psycopg2 writer inserts into a migrated schema are found the same way."""
    import psycopg2

    ModelRegistry(pg_url).close()
    dsn, _, options = pg_url.partition("?options=")
    from urllib.parse import unquote

    conn = psycopg2.connect(dsn, options=unquote(options))
    with conn, conn.cursor() as cursor:
        _guide_rows(lambda sql, args: cursor.execute(sql, args), "%s")
    conn.close()
    with ModelRegistry(pg_url) as registry:
        _assert_found(registry)


def test_plain_writer_delete_removes_metric_rows(db_path: Path) -> None:
    """A model deleted by a writer without foreign keys leaves no metric rows behind."""
    checkpoint = db_path.parent / "a.pt"
    checkpoint.write_bytes(b"x")
    with ModelRegistry(db_path) as registry:
        model_id = registry.register_model(
            name="a",
            version="1.0.0",
            checkpoint_path=str(checkpoint),
            task_type="t",
            metrics={"val_loss": 0.1},
        )
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM models WHERE model_id = ?", (model_id,))
    conn.commit()
    assert conn.execute("SELECT count(*) FROM model_metrics").fetchone()[0] == 0
    conn.close()


def test_missing_trigram_support_falls_back_with_one_notice(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a trigram index the migration logs one line and name search still works."""
    from registry_tui.db import derived

    monkeypatch.setattr(derived, "SQLITE_NAME_INDEX", ["CREATE VIRTUAL TABLE x USING nosuch()"])
    with caplog.at_level("WARNING", logger="registry_tui"), ModelRegistry(db_path) as registry:
        assert not registry._store.has_name_index()
        assert registry.records.query(ModelQuery(name="*any*")) == []
    notices = [r.getMessage() for r in caplog.records if "trigram" in r.getMessage()]
    assert len(notices) == 1 and "\n" not in notices[0]
