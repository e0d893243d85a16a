"""Opening databases: paths, URLs, file permissions, secrets kept out of messages."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, StorageError
from registry_tui.db.connect import parse_target, redact


def test_paths_and_sqlite_urls(tmp_path: Path) -> None:
    """A plain path and sqlite:/// both open the same SQLite file."""
    path = tmp_path / "m.db"
    with ModelRegistry(path) as a:
        a.register_model("x", "1.0.0", "c.pt", "t", verify_checkpoint=False)
    with ModelRegistry(f"sqlite:///{path}") as b:
        assert b.backend == "sqlite"
        assert b.get_model(name="x", version="1.0.0") is not None


def test_postgres_url_parsing_hides_the_password() -> None:
    """The display form and repr of a PostgreSQL target never contain the password."""
    target = parse_target("postgresql://alice:s3cr%40t@db.example:5433/registry")
    assert target.backend == "postgresql"
    assert target.params["password"] == "s3cr@t"
    assert target.params["port"] == 5433
    assert "s3cr" not in target.display and "s3cr" not in repr(target)
    assert redact("failed for postgresql://alice:s3cr@t@host/db", "s3cr@t") == (
        "failed for postgresql://alice:***@host/db"
    )


def test_password_not_in_connection_error(pg_url: str) -> None:
    """A failed PostgreSQL connection reports the problem without the password."""
    bad = "postgresql://registry:Wr0ngPassw0rd@localhost:5432/registry_test"
    with pytest.raises(StorageError) as info:
        ModelRegistry(bad)
    assert "Wr0ngPassw0rd" not in str(info.value)
    assert "registry@localhost" in str(info.value)


@pytest.mark.parametrize("url", ["mysql://x/y", "postgresql://host", ""])
def test_unsupported_or_malformed_urls(url: str) -> None:
    """Unsupported schemes and URLs without a database name get a clear error."""
    with pytest.raises(StorageError):
        parse_target(url)


def test_new_database_files_are_private(tmp_path: Path) -> None:
    """A new SQLite file and its WAL are readable by their owner only."""
    path = tmp_path / "models.db"
    with ModelRegistry(path) as registry:
        registry.register_model("x", "1.0.0", "c.pt", "t", verify_checkpoint=False)
        wal = Path(str(path) + "-wal")
        assert wal.exists()
        for file in (path, wal):
            assert stat.S_IMODE(os.stat(file).st_mode) == 0o600


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    """A path in a missing directory fails with a one-line StorageError."""
    with pytest.raises(StorageError, match="does not exist"):
        ModelRegistry(tmp_path / "no" / "such" / "models.db")


def test_not_a_database(tmp_path: Path) -> None:
    """A file that is not SQLite fails with a StorageError, not a driver traceback."""
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match=r"not a registry database|corrupt"):
        ModelRegistry(path)
