"""``backup``: a consistent, verified, private copy of a SQLite registry."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, StorageError
from tests.faults.workers import cli


def _fill(registry: ModelRegistry) -> None:
    base = registry.register_model(
        "gpt", "1.0.0", "/c.pt", "lm", tags=["production"], config={"lr": 0.1},
        metrics={"val_loss": 0.4}, verify_checkpoint=False,
    )  # fmt: skip
    registry.register_model("gpt", "1.1.0", "/c.pt", "lm", parent_model_id=base,
                            verify_checkpoint=False)  # fmt: skip
    registry.add_export_format(base, "onnx", "/gpt.onnx")


def test_backup_is_a_verified_private_self_contained_copy(sqlite_registry: ModelRegistry) -> None:
    """The copy holds the same registry, passes integrity_check, is 0600, needs no WAL file."""
    _fill(sqlite_registry)
    dest = Path(sqlite_registry.location).with_name("copy.db")
    report = sqlite_registry.backup_report(dest)
    assert report.path == dest and report.models == 2 and report.size_bytes > 0
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert not dest.with_name("copy.db-wal").exists()
    with ModelRegistry(dest) as copy:
        assert copy.dump_bundle() == sqlite_registry.dump_bundle()
    assert [p.name for p in dest.parent.iterdir() if p.name.startswith(".")] == []


def test_backup_destinations(sqlite_registry: ModelRegistry, tmp_path: Path) -> None:
    """A directory gets the source's file name; existing files need overwrite; never itself."""
    _fill(sqlite_registry)
    folder = tmp_path / "backups"
    folder.mkdir()
    assert sqlite_registry.backup(folder) == folder / "models.db"
    with pytest.raises(StorageError, match="exists \\(use --force"):
        sqlite_registry.backup(folder / "models.db")
    assert sqlite_registry.backup(folder / "models.db", overwrite=True) == folder / "models.db"
    with pytest.raises(StorageError, match="is the registry itself"):
        sqlite_registry.backup(sqlite_registry.location, overwrite=True)
    with pytest.raises(StorageError, match="does not exist"):
        sqlite_registry.backup(tmp_path / "no" / "such" / "dir.db")


def test_backup_on_postgres_points_at_pg_dump(pg_url: str) -> None:
    """PostgreSQL has its own tools: a clear error naming pg_dump (and dump), no file made."""
    with ModelRegistry(pg_url) as registry, pytest.raises(StorageError, match="use pg_dump"):
        registry.backup("copy.db")
    assert not Path("copy.db").exists()


def test_backup_command(db_path: Path, tmp_path: Path) -> None:
    """``registry-tui backup DEST``: a one-line summary; refused (exit 1) when DEST exists."""
    with ModelRegistry(db_path) as registry:
        _fill(registry)
    dest = tmp_path / "copy.db"
    done = cli({"argv": ["--db", str(db_path), "backup", str(dest)]})
    assert done["code"] == 0
    assert done["stdout"].startswith(f"Backed up {db_path} to {dest}: 2 models")
    assert "integrity_check ok" in done["stdout"]
    again = cli({"argv": ["--db", str(db_path), "backup", str(dest)]})
    assert again["code"] == 1 and "use --force" in again["stderr"]
    assert cli({"argv": ["--db", str(db_path), "backup", str(dest), "--force"]})["code"] == 0
    missing = cli({"argv": ["--db", str(tmp_path / "nope.db"), "backup", str(dest)]})
    assert missing["code"] == 1 and "No registry at" in missing["stderr"]
