"""A full disk: a clear error, committed data intact, writes work again once space is freed.

The disk is "full" through ``RLIMIT_FSIZE`` set inside a worker process:
any write past the limit fails with EFBIG, as it would with ENOSPC, without
needing root to mount a small filesystem.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.records import ModelQuery
from tests.faults.harness import finish, start, wait_ready

pytestmark = pytest.mark.slow

HEADROOM = 256 * 1024


def _prepared(tmp_path: Path, headroom: int = HEADROOM) -> tuple[Path, int]:
    """A registry with 20 models, checkpointed; and a file-size limit just above its files."""
    db = tmp_path / "models.db"
    with ModelRegistry(db) as registry:
        for i in range(20):
            registry.register_model("small", f"1.0.{i}", "/c.pt", "t", verify_checkpoint=False)
    # After close (which lets SQLite refresh its statistics, into the WAL): empty the WAL,
    # so the limit sits just above the data itself.
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    sizes = [p.stat().st_size for p in tmp_path.glob("models.db*")]
    return db, max(sizes) + headroom


def test_full_disk_fails_clearly_and_loses_nothing(tmp_path: Path) -> None:
    """Writes past the limit: StorageError naming a full disk; data intact; then writes work."""
    db, limit = _prepared(tmp_path)
    worker = start("fill_disk", {"db": str(db), "limit": limit})
    wait_ready(worker)
    result = finish(worker)
    assert result["registered"], "some registrations fit before the disk filled"
    assert len(result["failures"]) == 3
    for failure in result["failures"]:
        assert failure["type"] == "StorageError"
        assert "disk is full or failing" in failure["message"]
        assert "nothing was written" in failure["message"]
    assert result["after"]  # the same process writes again once the limit is lifted
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with ModelRegistry(db) as registry:
        names = [r.name for r in registry.records.query(ModelQuery(status=None), limit=None)]
        assert names.count("small") == 20
        assert names.count("big") == len(result["registered"])
        for model_id in result["registered"]:
            record = registry.records.get(model_id)
            assert record is not None and len(record.metadata["blob"]) == 60_000
        assert names.count("after") == 1
        registry.register_model("later", "1.0.0", "/c.pt", "t", verify_checkpoint=False)


def test_full_disk_through_the_cli(tmp_path: Path) -> None:
    """``registry-tui register`` on a full disk: exit 1, one clear line, no traceback."""
    db, limit = _prepared(tmp_path, headroom=16 * 1024)
    # The write lands in the WAL (empty after _prepared), so it must outgrow the largest
    # file, the database itself: the worker adds a 400 KB --metadata.
    argv = ["--db", str(db), "register", "--name", "big", "--version", "1.0.0"]
    argv += ["--checkpoint", "/c.pt", "--task-type", "t", "--no-verify-checkpoint"]
    spec = {"argv": argv, "limit": limit, "metadata_bytes": 400_000}
    result = finish(start("cli", spec))
    assert result["code"] == 1, result
    assert result["stderr"].count("\n") == 1 and "Traceback" not in result["stderr"]
    assert "disk is full or failing" in result["stderr"]
    with ModelRegistry(db) as registry:
        assert registry.count_models(ModelQuery(status=None)) == 20
        assert registry.records.find(name="big", version="1.0.0") is None
