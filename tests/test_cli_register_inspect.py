"""``registry-tui register`` inspects the checkpoint: --no-inspect and --memory-mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from tests.checkpoints.builders import write_safetensors


def _register(db: Path, checkpoint: Path, version: str, *extra: str) -> tuple[int, str, str]:
    code = main(
        ["--db", str(db), "register", "--name", "m", "--version", version,
         "--checkpoint", str(checkpoint), "--task-type", "lm", *extra]
    )  # fmt: skip
    return code, "", ""


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    """A 1,000,000-parameter safetensors checkpoint (sparse)."""
    return write_safetensors(tmp_path / "w.safetensors", {"w": ("BF16", (1000, 1000))})


def test_register_prints_the_id_only_and_records_the_inspection(
    tmp_path: Path, weights: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stdout stays the id for scripts; the record holds params, facts and the estimate."""
    db = tmp_path / "r.db"
    assert _register(db, weights, "1.0.0", "--memory-mode", "train-adamw")[0] == 0
    assert capsys.readouterr().out == "1\n"
    with ModelRegistry(db) as registry:
        record = registry.records.require(1)
    assert record.params == 1_000_000
    assert record.metadata["memory_estimate"]["mode"] == "train-adamw"
    assert main(["--db", str(db), "get", "--model-id", "1", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["params"] == 1_000_000 and shown["metadata"]["checkpoint"]["format"]


def test_no_inspect_and_a_bad_mode(
    tmp_path: Path, weights: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--no-inspect stores no facts; an unknown mode is one line naming the modes, exit 1."""
    db = tmp_path / "r.db"
    assert _register(db, weights, "1.0.0", "--no-inspect")[0] == 0
    capsys.readouterr()
    with ModelRegistry(db) as registry:
        assert registry.records.require(1).params is None
    assert _register(db, weights, "2.0.0", "--memory-mode", "serving")[0] == 1
    err = capsys.readouterr().err
    assert "inference, train-adamw" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
