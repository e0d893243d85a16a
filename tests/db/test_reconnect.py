"""Connections come back: a PostgreSQL restart, a SQLite file replaced or deleted.

The PostgreSQL tests run a private server of their own (``tests.pg_server``)
so that stopping it never disturbs the shared one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from registry_tui import ConnectionLostError, ModelRegistry, StorageError
from registry_tui.records import ModelQuery
from tests.pg_server import PrivateServer


def _register(registry: ModelRegistry, name: str) -> int:
    return registry.register_model(name, "1.0.0", "c.pt", "t", verify_checkpoint=False)


@pytest.mark.postgres
def test_reads_reconnect_after_a_postgres_restart(private_pg: PrivateServer) -> None:
    """A long-lived registry's next read after a server restart works (no 'connection
    already closed' forever), and so do the writes after it."""
    registry = ModelRegistry(private_pg.url, actor="tester@host")
    _register(registry, "before")
    private_pg.stop()
    private_pg.start()
    assert registry.count_models(ModelQuery()) == 1
    _register(registry, "after")
    assert [r.name for r in registry.records.query(ModelQuery())] == ["after", "before"]
    registry.close()


@pytest.mark.postgres
def test_a_write_on_a_dropped_connection_fails_once_clearly(private_pg: PrivateServer) -> None:
    """A write whose connection the restart cut fails with one ConnectionLostError naming
    the server (no password, no traceback text), writes nothing, and the next call works."""
    registry = ModelRegistry(private_pg.url, actor="tester@host")
    first = _register(registry, "before")
    private_pg.stop()
    private_pg.start()
    with pytest.raises(ConnectionLostError) as info:
        registry.promote_model(first, "production")
    assert "127.0.0.1" in str(info.value) and "\n" not in str(info.value)
    assert registry.records.get(first).tags == ()  # type: ignore[union-attr]
    registry.promote_model(first, "production")
    assert registry.records.get(first).tags == ("production",)  # type: ignore[union-attr]
    registry.close()


@pytest.mark.postgres
def test_a_stopped_server_is_reported_as_lost_then_comes_back(
    private_pg: PrivateServer,
) -> None:
    """While the server is down every call raises ConnectionLostError (a StorageError);
    once it is up again the same registry object works."""
    registry = ModelRegistry(private_pg.url, actor="tester@host")
    _register(registry, "a")
    private_pg.stop()
    with pytest.raises(ConnectionLostError):
        registry.records.change_token()
    with pytest.raises(StorageError):
        registry.count_models(ModelQuery())
    private_pg.start()
    assert registry.count_models(ModelQuery()) == 1
    registry.close()


def test_a_replaced_sqlite_file_is_reopened(tmp_path: Path) -> None:
    """Moving another registry file over the open one: the next call reads the new file."""
    path = tmp_path / "models.db"
    registry = ModelRegistry(path, actor="tester@host")
    _register(registry, "old-file")
    with ModelRegistry(tmp_path / "other.db") as other:
        _register(other, "new-file")
    os.replace(tmp_path / "other.db", path)
    assert [r.name for r in registry.records.query(ModelQuery())] == ["new-file"]
    _register(registry, "written-after")
    with ModelRegistry(path) as check:
        assert check.count_models(ModelQuery()) == 2
    registry.close()


def test_a_deleted_sqlite_file_is_reported_and_not_recreated(tmp_path: Path) -> None:
    """Deleting the open file: calls raise ConnectionLostError and no file is created;
    putting a file back makes the registry work again."""
    path = tmp_path / "models.db"
    registry = ModelRegistry(path, actor="tester@host")
    _register(registry, "a")
    registry.close()
    shutil.copy(path, tmp_path / "saved.db")
    path.unlink()
    for call in (registry.records.change_token, lambda: registry.count_models(ModelQuery())):
        with pytest.raises(ConnectionLostError, match="gone"):
            call()
    with pytest.raises(ConnectionLostError):
        _register(registry, "b")
    assert not path.exists()
    shutil.copy(tmp_path / "saved.db", path)
    assert registry.count_models(ModelQuery()) == 1
