"""registry-tui import checkpoints: a CheckpointManager directory registered from its
checkpoint_registry.json, idempotently, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.cli import main
from registry_tui.training.tracker import ROTATED
from tests.training.manager import CONFIG, CheckpointManager

LOSSES = [0.9, 0.6, 0.8, 0.5, 0.7, 0.75]


def _train(manager: CheckpointManager, epochs: range) -> None:
    for epoch in epochs:
        manager.save(epoch, {"val_loss": LOSSES[epoch], "train_loss": LOSSES[epoch] + 0.1})


def test_the_directory_is_registered_as_the_guide_does(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """With nothing rotated, every entry is 1.<epoch>.0 with its metrics, config, run id,
    the previous as parent, the git commit kept, and the best by val_loss tagged."""
    manager = CheckpointManager(tmp_path / "ckpts", keep_best_k=10, keep_last_n=10)
    _train(manager, range(4))
    report = registry.import_checkpoints(tmp_path / "ckpts", "run", "lm", training_run_id=42)
    models = [registry.get_model(model_id=i) for i in report.registered]
    assert [m["version"] for m in models] == ["1.0.0", "1.1.0", "1.2.0", "1.3.0"]  # type: ignore[index]
    assert [m["parent_model_id"] for m in models] == [None, *report.registered[:3]]  # type: ignore[index]
    first = models[0]
    assert first["checkpoint_path"] == str(manager.files[0])  # type: ignore[index]
    assert first["metrics"] == {"val_loss": 0.9, "train_loss": 1.0}  # type: ignore[index]
    assert first["training_run_id"] == 42  # type: ignore[index]
    assert first["metadata"]["checkpoint_manager"]["git_commit"] == "abc1234"  # type: ignore[index]
    assert first["metadata"]["training"]["step"] == 100  # type: ignore[index]
    assert registry.get_config(first["model_id"]) == CONFIG  # type: ignore[index]
    assert [r.version for r in registry.records.tag_holders("best-run-42")] == ["1.3.0"]
    assert report.best_model_id == report.registered[3]


def test_importing_again_is_idempotent_and_retires_what_the_manager_deleted(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """A second import after two more epochs registers only those, retires the entries whose
    files the manager deleted (with the reason), and a third import changes nothing."""
    manager = CheckpointManager(tmp_path / "ckpts", keep_best_k=1, keep_last_n=2)
    _train(manager, range(4))
    first = registry.import_checkpoints(tmp_path / "ckpts", "run", "lm")
    assert len(first.registered) == 2 and len(first.missing) == 2  # epochs 0 and 1 already deleted
    _train(manager, range(4, 6))
    second = registry.import_checkpoints(tmp_path / "ckpts", "run", "lm")
    assert len(second.registered) == 2 and second.unchanged == first.registered
    assert len(second.retired) == 1  # epoch 2: neither the best nor among the last two
    retired = registry.get_model(model_id=second.retired[0])
    assert retired["version"] == "1.2.0" and retired["status"] == "retired"  # type: ignore[index]
    assert registry.events(model_id=second.retired[0], limit=1)[0].details == {"reason": ROTATED}
    events = len(registry.events(limit=None))
    third = registry.import_checkpoints(tmp_path / "ckpts", "run", "lm")
    assert third.registered == [] and third.retired == []
    assert len(registry.events(limit=None)) == events
    assert [r.version for r in registry.records.tag_holders("best-run")] == ["1.3.0"]


def test_every_nth_epoch_and_the_last(registry: ModelRegistry, tmp_path: Path) -> None:
    """--every 2 over six epochs registers epochs 0, 2, 4 and the last (5)."""
    manager = CheckpointManager(tmp_path / "ckpts", keep_best_k=10, keep_last_n=10)
    _train(manager, range(6))
    report = registry.import_checkpoints(tmp_path / "ckpts", "run", "lm", every=2)
    versions = [registry.get_model(model_id=i)["version"] for i in report.registered]  # type: ignore[index]
    assert versions == ["1.0.0", "1.2.0", "1.4.0", "1.5.0"]


def test_a_bad_registry_file_is_one_error_and_writes_nothing(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """A missing, unparsable or malformed checkpoint_registry.json: one clear error."""
    folder = tmp_path / "ckpts"
    folder.mkdir()
    with pytest.raises(FileNotFoundError, match=r"checkpoint_registry\.json"):
        registry.import_checkpoints(folder, "run", "lm")
    (folder / "checkpoint_registry.json").write_text("[{")
    with pytest.raises(ValidationError, match="cannot be read as JSON"):
        registry.import_checkpoints(folder, "run", "lm")
    (folder / "checkpoint_registry.json").write_text(json.dumps([{"epoch": "one"}]))
    with pytest.raises(ValidationError, match="entry 0"):
        registry.import_checkpoints(folder, "run", "lm")
    assert registry.count_models(status=None) == 0


def test_entries_metrics_keep_their_numbers_only(registry: ModelRegistry, tmp_path: Path) -> None:
    """Text and non-finite values in an entry's metrics are left out, not a refusal."""
    manager = CheckpointManager(tmp_path / "ckpts")
    manager.save(0, {"val_loss": 0.5})
    entries = json.loads((tmp_path / "ckpts" / "checkpoint_registry.json").read_text())
    entries[0]["metrics"] |= {"schedule": "cosine", "grad_norm": float("nan"), "lr": 1e-3}
    (tmp_path / "ckpts" / "checkpoint_registry.json").write_text(json.dumps(entries))
    report = registry.import_checkpoints(tmp_path / "ckpts", "run", "lm")
    assert registry.get_model(model_id=report.registered[0])["metrics"] == {  # type: ignore[index]
        "val_loss": 0.5,
        "lr": 1e-3,
    }


def test_the_cli_imports_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """import checkpoints prints what it did; a second run registers nothing; a missing
    directory is one line on stderr, exit 1."""
    manager = CheckpointManager(tmp_path / "ckpts", keep_best_k=10, keep_last_n=10)
    _train(manager, range(3))
    db = str(tmp_path / "models.db")
    args = ["--db", db, "import", "checkpoints", str(tmp_path / "ckpts"), "--name", "run"]
    assert main([*args, "--task-type", "lm", "--run-id", "7"]) == 0
    out = capsys.readouterr().out
    assert "Registered 3 checkpoint(s) (ids 1, 2, 3)" in out and "tag best-run-7" in out
    assert main([*args, "--task-type", "lm", "--run-id", "7"]) == 0
    assert "Registered 0 checkpoint(s)" in capsys.readouterr().out
    assert main(["--db", db, "import", "checkpoints", str(tmp_path / "nowhere"), "--name",
                 "run", "--task-type", "lm"]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "checkpoint_registry.json" in err and len(err.strip().splitlines()) == 1
