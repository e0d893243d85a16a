"""The README's "From the training loop" examples run as written, and do what they say."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from tests import experimentdb
from tests.training.manager import CheckpointManager
from tests.training.test_export_bundle import write_bundle

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("<!-- section:training -->")[1].split("<!-- /section:training -->")[0]


def test_the_training_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tracker loop registers epochs 0, 5, 10 and 11 with the best tag on 1.11.0, and
    the export bundle (written first, as create_export_bundle lays it out) is one model
    with its three exports, and the CheckpointManager directory (written first too) gives
    epochs 0, 5 and the last, and the ExperimentDB (its empty tables written first) links
    the model to its run: get_model shows the run's name and its final and best val/loss."""
    for name in ("RANK", "LOCAL_RANK", "SLURM_PROCID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "exports" / "model_2026")
    manager = CheckpointManager(tmp_path / "run-checkpoints", keep_best_k=10, keep_last_n=10)
    for epoch, loss in enumerate([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.45]):
        manager.save(epoch, {"val_loss": loss})
    experimentdb.create(tmp_path / "experiments.db")
    code = "\n".join(re.findall(r"```python\n(.*?)```", _section(), re.S))
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    registry: ModelRegistry = namespace["registry"]
    try:
        versions = [
            registry.get_model(model_id=i)["version"] for i in namespace["tracker"].model_ids
        ]  # type: ignore[index]
        assert versions == ["1.0.0", "1.5.0", "1.10.0", "1.11.0"]
        assert registry.get_model(tag="best-run-42")["version"] == "1.11.0"  # type: ignore[index]
        exports = registry.get_model(model_id=namespace["model_id"])["exports"]  # type: ignore[index]
        assert [e["export_format"] for e in exports] == ["pytorch", "onnx", "torchscript"]
        imported = [registry.get_model(model_id=i) for i in namespace["report"].registered]
        assert [m["version"] for m in imported] == ["1.0.0", "1.5.0", "1.6.0"]  # type: ignore[index]
        assert registry.get_model(tag="best-run-7")["version"] == "1.5.0"  # type: ignore[index]
        run = namespace["run"]
        assert (run["name"], run["status"], run["notes"]) == (
            "baseline-v1", "completed", "Initial baseline",
        )  # fmt: skip
        assert run["final_metrics"]["val/loss"] == pytest.approx(0.45)
        assert run["best_metrics"]["val/loss"] == pytest.approx(0.3)
        assert "run" not in registry.get_model(model_id=namespace["baseline_id"])  # type: ignore[operator]
    finally:
        registry.close()
