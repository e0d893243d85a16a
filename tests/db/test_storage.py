"""The storage handle: what ops/ and db/reads.py receive instead of the registry."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, StorageError
from registry_tui.db.connect import open_database, parse_target
from registry_tui.db.storage import Storage
from tests.conftest import FixedClock


def _storage(path: Path, read_only: bool = False) -> Storage:
    target = parse_target(path)
    db = open_database(target, create=not read_only, read_only=read_only)
    return Storage.over(db, target, FixedClock(), read_only)


def test_the_handle_says_where_when_and_how(tmp_path: Path) -> None:
    """Location and backend from the target, the fixed clock's time in the stored format."""
    storage = _storage(tmp_path / "models.db")
    assert (storage.location, storage.backend) == (str(tmp_path / "models.db"), "sqlite")
    assert storage.now() == "2026-01-01 12:00:00"
    assert storage.tables.models._meta.database is storage.db


def test_a_read_only_handle_refuses_to_write(tmp_path: Path) -> None:
    """``writing()`` on a read-only handle raises before any transaction starts."""
    ModelRegistry(tmp_path / "models.db").close()
    storage = _storage(tmp_path / "models.db", read_only=True)
    with pytest.raises(StorageError, match="open read-only"), storage.writing():
        pass
    assert not storage.db.in_transaction()


def test_the_guide_not_null_hash_is_learnt_once_and_forgotten_on_request(tmp_path: Path) -> None:
    """A guide table declaring ``config_hash NOT NULL`` is detected (and cached until
    ``forget``), so writes store '' there instead of NULL."""
    path = tmp_path / "models.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE models (model_id INTEGER PRIMARY KEY, config_hash TEXT NOT NULL)")
    conn.close()
    storage = _storage(path)
    assert storage.legacy_not_null_hash() is True
    storage.db.execute_sql("DROP TABLE models")
    storage.db.execute_sql("CREATE TABLE models (model_id INTEGER PRIMARY KEY, config_hash TEXT)")
    assert storage.legacy_not_null_hash() is True  # cached
    storage.forget()
    assert storage.legacy_not_null_hash() is False
