"""Inputs at the edges: each a clear one-line error or the documented behaviour, the
same on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry, StorageError
from registry_tui.cli import main
from registry_tui.records import ModelQuery

BIG = 2**64 + 5


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def made(tmp_path: Path, checkpoint: Callable[..., str]) -> Path:
    """A SQLite registry with one model."""
    path = tmp_path / "models.db"
    with ModelRegistry(path) as registry:
        registry.register_model("a", "1.0.0", checkpoint(), "lm", metrics={"acc": 0.5})
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "--limit", str(BIG)),
        ("history", "--limit", str(BIG)),
        ("get", "--model-id", str(BIG)),
        ("compare", "--model-ids", f"1,{BIG}"),
        ("lineage", "--model-id", str(BIG)),
    ],
)
def test_numbers_beyond_64_bits_on_the_command_line(made: Path, argv: tuple[str, ...]) -> None:
    """``--limit`` or an id beyond 64 bits is one line on stderr, never a traceback or an
    "unexpected error"."""
    code, _, err = _run("--db", str(made), *argv)
    assert code in (1, 2)
    assert err.count("\n") == 1 and "unexpected" not in err and "Traceback" not in err
    assert "out of range" in err or "at most" in err


@pytest.mark.parametrize("limit", [BIG, -1, True, "10", 1.5])
def test_core_refuses_bad_limits(registry: ModelRegistry, limit: Any) -> None:
    """The core refuses a limit that is not an integer from 0 to 2**63-1, on both backends."""
    with pytest.raises(ValueError, match="limit must be an integer"):
        registry.records.query(ModelQuery(), limit=limit)
    with pytest.raises(ValueError, match="limit must be an integer"):
        registry.events(limit=limit)


@pytest.mark.parametrize("value", [True, "12.5", b"1"])
def test_sizes_given_as_bool_or_text_are_refused(
    registry: ModelRegistry, value: Any, checkpoint: Callable[..., str]
) -> None:
    """``model_size_mb=True`` or ``"12.5"`` is refused, not stored as 1.0 or 12.5."""
    with pytest.raises(ValueError, match="model_size_mb must be a number"):
        registry.register_model("a", "1.0.0", checkpoint(), "lm", model_size_mb=value)
    with pytest.raises(ValueError, match="memory_req_gb must be a number"):
        registry.register_model("a", "1.0.0", checkpoint(), "lm", memory_req_gb=value)
    assert registry.count_models(ModelQuery(status=None)) == 0


def test_fifo_and_dev_null_are_not_checkpoints(registry: ModelRegistry, tmp_path: Path) -> None:
    """A FIFO or a device is refused as a checkpoint (nothing registered), without blocking."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (str(fifo), os.devnull):
        with pytest.raises(ValueError, match="not a regular file"):
            registry.register_model("a", "1.0.0", path, "lm")
    assert registry.count_models(ModelQuery(status=None)) == 0


def test_fifo_and_dev_null_are_not_databases(tmp_path: Path) -> None:
    """``--db`` naming a FIFO or /dev/null is a clear error, not "the disk is full"."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (str(fifo), os.devnull):
        with pytest.raises(StorageError, match="not a regular file"):
            ModelRegistry(path)
        code, _, err = _run("--db", path, "list")
        assert code == 1 and "not a regular file" in err and "disk" not in err


def test_sqlite_url_with_a_typo_on_a_read_command_creates_nothing(made: Path) -> None:
    """``--db sqlite:///models.dbx list`` says there is no registry and creates no file."""
    typo = made.with_suffix(".dbx")
    for argv in (("list",), ("get", "--model-id", "1"), ("history",), ("check",)):
        code, _, err = _run("--db", f"sqlite:///{typo}", *argv)
        assert code == 1 and f"No registry at {typo}" in err
    assert not typo.exists()
    code, out, _ = _run("--db", f"sqlite:///{made}", "list", "--format", "csv")
    assert code == 0 and "a,1.0.0" in out


def test_database_created_through_a_dangling_symlink_is_private(
    tmp_path: Path, checkpoint: Callable[..., str]
) -> None:
    """Through a dangling symlink, the new file is the link's target, mode 0600."""
    link = tmp_path / "models.db"
    target = tmp_path / "real.db"
    link.symlink_to(target)
    with ModelRegistry(link) as registry:
        registry.register_model("a", "1.0.0", checkpoint(), "lm")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_case_insensitive_matching_of_non_ascii_names(registry: ModelRegistry) -> None:
    """Free text and name globs match non-ASCII letters case-insensitively on both
    backends: ``ÉCOLE`` finds ``école-net``; ASCII behaves as before."""
    common: dict[str, Any] = {"verify_checkpoint": False, "task_type": "lm"}
    a = registry.register_model("école-net", "1.0.0", "a.pt", **common)
    b = registry.register_model("ÜBER-model", "1.0.0", "b.pt", **common)
    registry.register_model("plain", "1.0.0", "c.pt", **common)

    def ids(**query: Any) -> list[int]:
        return [r.model_id for r in registry.records.query(ModelQuery(**query))]

    assert ids(text="ÉCOLE") == [a]
    assert ids(text="über") == [b]
    assert ids(name="ÉCOLE-*") == [a]
    assert ids(name="über-*") == [b]
    assert ids(text="PLAIN") == ids(text="plain") != []
