"""A corrupted database file: ``check`` reports it, every other command fails cleanly."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, StorageError
from tests.faults.workers import cli

PAGE = 4096
SEED = 7


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sound registry file of about a hundred pages, with no WAL beside it."""
    db = tmp_path_factory.mktemp("pristine") / "models.db"
    with ModelRegistry(db) as registry:
        for i in range(300):
            registry.register_model(
                f"model-{i % 40}", f"1.{i // 40}.0", "/c.pt", "language_modeling",
                metrics={"val_loss": 1 / (i + 1)}, metadata={"notes": "n" * 500},
                parent_model_id=i if i else None, verify_checkpoint=False,
            )  # fmt: skip
        registry.promote_model(7, "production")
    assert not db.with_name("models.db-wal").exists()
    return db


def _flip_header(data: bytearray, rng: random.Random) -> None:
    data[0:100] = rng.randbytes(100)


def _flip_pages(data: bytearray, rng: random.Random) -> None:
    pages = len(data) // PAGE
    for page in range(3, pages - 2, 3):
        start = page * PAGE + rng.randrange(0, PAGE - 512)
        data[start : start + 512] = rng.randbytes(512)


def _truncate(data: bytearray, rng: random.Random) -> None:
    del data[len(data) // 2 + rng.randrange(PAGE) :]


CORRUPTIONS = {"header": _flip_header, "pages": _flip_pages, "truncated": _truncate}


@pytest.fixture(params=sorted(CORRUPTIONS))
def corrupted(request: pytest.FixtureRequest, pristine: Path, tmp_path: Path) -> Path:
    """A copy of the pristine registry with bytes flipped or cut (seeded)."""
    copy = tmp_path / "corrupt.db"
    shutil.copyfile(pristine, copy)
    data = bytearray(copy.read_bytes())
    CORRUPTIONS[request.param](data, random.Random(SEED))
    copy.write_bytes(bytes(data))
    return copy


def test_check_reports_a_corrupted_file(corrupted: Path) -> None:
    """The API's check and ``registry-tui check`` both report the damage (exit 1)."""
    report = ModelRegistry.check_location(corrupted)
    assert not report.ok
    assert {p.kind for p in report.problems} & {"open", "integrity"}
    result = cli({"argv": ["--db", str(corrupted), "check"]})
    assert result["code"] == 1, result
    assert "Traceback" not in result["stdout"] + result["stderr"]
    assert "problem(s) found" in result["stdout"]


COMMANDS = [
    ["list", "--status", "all", "--limit", "0"],
    ["get", "--model-id", "150"],
    ["get", "--tag", "production"],
    ["lineage", "--model-id", "299"],
    ["history", "--limit", "0"],
    ["compare", "--model-ids", "1,2,3"],
    ["promote", "--model-id", "3", "--tag", "production"],
    ["register", "--name", "new", "--version", "1.0.0", "--checkpoint", "/c.pt",
     "--task-type", "t", "--no-verify-checkpoint"],
    ["dump", "-"],
    ["backup", "BACKUP"],
]  # fmt: skip


def test_other_commands_fail_with_a_clear_message(corrupted: Path, tmp_path: Path) -> None:
    """Each command either works or fails with one clear line: never a traceback."""
    failed = []
    for argv in COMMANDS:
        argv = [str(tmp_path / "backup.db") if a == "BACKUP" else a for a in argv]
        result = cli({"argv": ["--db", str(corrupted), *argv]})
        assert "Traceback" not in result["stderr"], (argv, result)
        assert "unexpected error" not in result["stderr"], (argv, result)
        if result["code"] != 0:
            assert result["code"] == 1, (argv, result)
            assert result["stderr"].startswith("registry-tui: "), (argv, result)
            assert result["stderr"].count("\n") == 1, (argv, result)
            failed.append(argv[0])
    assert "dump" in failed and "backup" in failed  # both read every page


def test_the_api_raises_storage_error(corrupted: Path) -> None:
    """Through the Python API: StorageError (one line, pointing at check), no driver error."""
    with pytest.raises(
        StorageError, match=r"corrupt|malformed|not a database|run registry-tui check"
    ):
        registry = ModelRegistry(corrupted)
        try:
            registry.list_models(status=None, limit=None)
            registry.dump_bundle()
        finally:
            registry.close()
