"""Read-only opens write nothing: no migration, no journal change, no new file.

Every test takes a fingerprint of the registry's folder (names and SHA-256 of
every file) before and after, so a created ``-wal``/``-shm``, a migrated table
or a changed header byte is caught.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, SchemaVersionError
from registry_tui.cli import main
from registry_tui.db.migrations import SCHEMA_VERSION
from registry_tui.errors import StorageError
from tests.db.test_migrations import make_guide_db


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` with the SHA-256 of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def tables(path: Path) -> set[str]:
    """Table names of a SQLite file, read through a read-only URI."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


@pytest.fixture
def current(tmp_path: Path) -> Path:
    """A current (WAL-mode) registry of two models in a folder of its own, closed."""
    folder = tmp_path / "reg"
    folder.mkdir()
    path = folder / "models.db"
    with ModelRegistry(path, actor="t@h") as registry:
        first = registry.register_model(
            "gpt", "1.0.0", "a.pt", "lm", metrics={"val_loss": 0.5}, verify_checkpoint=False
        )
        registry.register_model(
            "gpt", "1.1.0", "b.pt", "lm", parent_model_id=first, verify_checkpoint=False
        )
    return path


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``chattr +i`` on ``path`` (even root cannot write it or create files in it)."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not available here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_read_only_open_of_a_wal_registry_leaves_the_folder_as_it_was(current: Path) -> None:
    """Reads work, writes are refused, and afterwards no file was added or changed."""
    before = fingerprint(current.parent)
    with ModelRegistry(current, read_only=True) as registry:
        assert len(registry.list_models()) == 2
        assert registry.get_model_lineage(2)
        with pytest.raises(StorageError, match="read-only"):
            registry.retire_model(1)
    assert fingerprint(current.parent) == before


def test_read_only_open_in_a_folder_that_cannot_be_written(current: Path) -> None:
    """With no -shm creatable (an immutable folder), the WAL file is still browsable."""
    before = fingerprint(current.parent)
    with immutable(current.parent), ModelRegistry(current, read_only=True) as registry:
        assert sorted(registry.list_models()["version"]) == ["1.0.0", "1.1.0"]
    assert fingerprint(current.parent) == before


def test_a_guide_made_file_is_refused_read_only_with_how_to_upgrade(tmp_path: Path) -> None:
    """No table is added and the message names 'registry-tui ... upgrade'; upgrade then works."""
    path = tmp_path / "models.db"
    make_guide_db(path)
    before, guide_tables = fingerprint(tmp_path), tables(path)
    with pytest.raises(SchemaVersionError, match=r"needs an upgrade.*registry-tui --db .* upgrade"):
        ModelRegistry(path, read_only=True)
    assert fingerprint(tmp_path) == before and tables(path) == guide_tables
    assert main(["--db", str(path), "upgrade"]) == 0
    assert "registry_meta" in tables(path)
    with ModelRegistry(path, read_only=True) as registry:
        assert len(registry.list_models()) == 3


def test_upgrade_says_what_it_did(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'upgrade' reports the versions on a guide file, and 'up to date' the second time."""
    path = tmp_path / "models.db"
    make_guide_db(path)
    assert main(["--db", str(path), "upgrade"]) == 0
    assert f"from schema version 0 to {SCHEMA_VERSION}" in capsys.readouterr().out
    assert main(["--db", str(path), "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_cli_read_commands_on_an_unwritable_registry(
    current: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """list, get, lineage, compare, history, dump and check work on a file nobody may write."""
    db = str(current)
    before = fingerprint(current.parent)
    commands = [
        ["list"],
        ["get", "--model-id", "1"],
        ["lineage", "--model-id", "2"],
        ["compare", "--model-ids", "1,2"],
        ["history"],
        ["dump", "-"],
    ]
    with immutable(current.parent), immutable(current):
        for command in commands:
            assert main(["--db", db, *command]) == 0, (command, capsys.readouterr().err)
        assert "gpt" in capsys.readouterr().out
        assert main(["--db", db, "check"]) == 1  # the checkpoints are missing: it did check
        assert "checkpoint_missing" in capsys.readouterr().out
    assert fingerprint(current.parent) == before


def test_cli_read_commands_leave_a_writable_registry_unchanged(
    current: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A read command on a current registry adds no file and changes no byte."""
    before = fingerprint(current.parent)
    assert main(["--db", str(current), "list"]) == 0
    assert fingerprint(current.parent) == before
    assert "gpt" in capsys.readouterr().out


def test_read_only_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    """The refusal names --create and the demo; nothing is created."""
    with pytest.raises(StorageError, match=r"--create.*registry-tui demo"):
        ModelRegistry(tmp_path / "nope.db", read_only=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_read_only_postgres_never_migrates(pg_url: str) -> None:
    """A fresh PostgreSQL schema is refused read-only (not migrated), then browsable once made."""
    with pytest.raises(SchemaVersionError, match="upgrade"):
        ModelRegistry(pg_url, read_only=True)
    with ModelRegistry(pg_url) as writer:
        writer.register_model("m", "1.0.0", "c.pt", "lm", verify_checkpoint=False)
    with ModelRegistry(pg_url, read_only=True) as reader:
        assert len(reader.list_models()) == 1
        assert reader.records.change_token() >= 1
