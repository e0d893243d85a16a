"""Code written against the guide and its original module keeps working."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from registry_tui import DatabaseLockedError, ModelRegistry, StorageError
from registry_tui.db import connect


def test_locked_database_is_caught_as_sqlite3_operational_error(
    db_path: Path, checkpoint: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide's Troubleshooting catches ``sqlite3.OperationalError`` for "database is
    locked": our locked error is that too (and a StorageError), with a one-line message."""
    monkeypatch.setattr(connect, "BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setitem(connect.SQLITE_PRAGMAS, "busy_timeout", 50)
    registry = ModelRegistry(db_path, actor="t@h")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            registry.register_model("m", "1.0.0", checkpoint(), "lm")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert isinstance(caught.value, DatabaseLockedError)
    assert isinstance(caught.value, StorageError)
    assert "is locked by another process" in str(caught.value)
    assert "\n" not in str(caught.value)
    registry.close()
