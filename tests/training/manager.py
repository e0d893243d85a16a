"""A CheckpointManager directory as the guide's training stack writes it, without torch.

``checkpoint_epoch{epoch:04d}_step{step:06d}_{YYYYmmdd_HHMMSS}.pt`` files (PyTorch zips
holding ``model_state_dict``, ``optimizer_state_dict``, ``metrics``, ``monitor_value``,
``git_commit``) and ``checkpoint_registry.json`` beside them, a list of ``{epoch,
global_step, best_metric, timestamp, git_commit, metrics, config}``; after each save the
checkpoints outside best-K (by ``val_loss``, lower is better) plus last-N are deleted.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.checkpoints.builders import state_dict, write_torch_zip

CONFIG = {"d_model": 128, "num_layers": 2, "lr": 0.001}
START = datetime(2026, 1, 1, 9, 0, 0)


class CheckpointManager:
    """Saves like the seed's ``CheckpointManager(dir, keep_best_k, keep_last_n)``."""

    def __init__(self, checkpoint_dir: Path, keep_best_k: int = 2, keep_last_n: int = 2):
        self.dir, self.keep_best_k, self.keep_last_n = checkpoint_dir, keep_best_k, keep_last_n
        self.dir.mkdir(parents=True, exist_ok=True)
        self.entries: list[dict[str, Any]] = []
        self.files: dict[int, Path] = {}

    def save(self, epoch: int, metrics: dict[str, float], steps_per_epoch: int = 100) -> Path:
        step = (epoch + 1) * steps_per_epoch
        when = START + timedelta(hours=epoch)
        path = self.dir / f"checkpoint_epoch{epoch:04d}_step{step:06d}_{when:%Y%m%d_%H%M%S}.pt"
        tensors, storages = state_dict({"layer.weight": ("FloatStorage", 4, (16, 16))})
        value = {
            "model_state_dict": tensors,
            "epoch": epoch,
            "metrics": metrics,
            "monitor": "val_loss",
            "monitor_value": metrics["val_loss"],
            "git_commit": "abc1234",
        }
        write_torch_zip(path, value, storages)
        best = min([e["metrics"]["val_loss"] for e in self.entries] + [metrics["val_loss"]])
        self.entries.append(
            {
                "epoch": epoch, "global_step": step, "best_metric": best,
                "timestamp": when.isoformat(), "git_commit": "abc1234",
                "metrics": metrics, "config": CONFIG,
            }
        )  # fmt: skip
        self.files[epoch] = path
        self._rotate()
        (self.dir / "checkpoint_registry.json").write_text(json.dumps(self.entries, indent=2))
        return path

    def _rotate(self) -> None:
        alive = [e for e in self.entries if self.files[e["epoch"]].exists()]
        best = sorted(alive, key=lambda e: e["metrics"]["val_loss"])[: self.keep_best_k]
        last = alive[-self.keep_last_n :]
        keep = {e["epoch"] for e in best + last}
        for entry in alive:
            if entry["epoch"] not in keep:
                self.files[entry["epoch"]].unlink()
