"""Faithful stand-ins for what the frameworks hand their hooks, for runs without them.

The Hugging Face side mirrors ``TrainingArguments``, ``TrainerState``,
``TrainerControl`` and the ``Trainer``'s save order (write ``checkpoint-<step>``,
rotate by ``save_total_limit``, then call ``on_save`` on every callback). The
Lightning side mirrors ``ModelCheckpoint`` (top-k by a monitored score, the file
written, every logger's ``after_save_checkpoint`` called, then the k+1-th removed,
``last.ckpt`` saved the same way) and a Trainer driving several loggers. A fake
``torch`` reports peak CUDA memory.
"""

from __future__ import annotations

import json
import os
import shutil
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.checkpoints.builders import write_safetensors

# -- torch: only what peak-memory measuring asks -------------------------------------------


def cuda_torch(peak_bytes: int) -> types.ModuleType:
    """A ``torch`` module whose ``cuda.max_memory_allocated()`` is ``peak_bytes``."""
    torch = types.ModuleType("torch")
    torch.cuda = types.SimpleNamespace(  # type: ignore[attr-defined]
        is_available=lambda: True, max_memory_allocated=lambda: peak_bytes
    )
    return torch


class Scalar:
    """A 0-d tensor as Lightning logs it: a number behind ``.item()``."""

    def __init__(self, value: float) -> None:
        self.value = value

    def item(self) -> float:
        return self.value


# -- Hugging Face ------------------------------------------------------------------------


@dataclass
class TrainingArguments:
    """The fields of ``transformers.TrainingArguments`` the Trainer's saving reads."""

    output_dir: str
    save_total_limit: int | None = None
    metric_for_best_model: str | None = None
    greater_is_better: bool | None = None
    load_best_model_at_end: bool = False


@dataclass
class TrainerState:
    """``transformers.TrainerState``'s fields."""

    epoch: float | None = None
    global_step: int = 0
    max_steps: int = 0
    log_history: list[dict[str, Any]] = field(default_factory=list)
    best_metric: float | None = None
    best_model_checkpoint: str | None = None
    is_local_process_zero: bool = True
    is_world_process_zero: bool = True


@dataclass
class TrainerControl:
    """``transformers.TrainerControl``'s flags."""

    should_training_stop: bool = False
    should_epoch_stop: bool = False
    should_save: bool = False
    should_evaluate: bool = False
    should_log: bool = False


HF_EVENTS = (
    "on_init_end", "on_train_begin", "on_epoch_begin", "on_step_begin", "on_step_end",
    "on_evaluate", "on_log", "on_save", "on_epoch_end", "on_train_end",
)  # fmt: skip


class Trainer:
    """A Trainer's loop without a model: logs, evaluates, saves and rotates as
    ``transformers.Trainer`` does, calling every callback's events in its order."""

    def __init__(
        self,
        args: TrainingArguments,
        callbacks: list[Any],
        eval_losses: list[float],
        *,
        save_steps: int = 10,
        world_zero: bool = True,
    ) -> None:
        self.args, self.callbacks, self.eval_losses = args, callbacks, eval_losses
        self.save_steps = save_steps
        self.state = TrainerState(is_world_process_zero=world_zero, is_local_process_zero=True)
        self.control = TrainerControl()
        self.events: list[str] = []

    def call(self, event: str, **kwargs: Any) -> None:
        self.events.append(event)
        for callback in self.callbacks:
            result = getattr(callback, event)(self.args, self.state, self.control, **kwargs)
            if result is not None:
                self.control = result

    def train(self) -> None:
        self.call("on_init_end")
        self.call("on_train_begin")
        for index, loss in enumerate(self.eval_losses):
            self.call("on_epoch_begin")
            self.state.global_step = (index + 1) * self.save_steps
            self.state.epoch = float(index + 1)
            self.state.log_history.append({"loss": loss + 0.1, "step": self.state.global_step})
            self.call("on_log", logs=self.state.log_history[-1])
            metrics = {
                "eval_loss": loss,
                "eval_accuracy": 1.0 - loss,
                "eval_runtime": 1.5,
                "eval_samples_per_second": 200.0,
                "epoch": self.state.epoch,
                "step": self.state.global_step,
            }
            self.state.log_history.append(metrics)
            self.call("on_evaluate", metrics=metrics)
            self._save()
            self.call("on_epoch_end")
        self.call("on_train_end")

    def _save(self) -> None:
        """Trainer._save_checkpoint: write the folder, rotate, then on_save."""
        folder = Path(self.args.output_dir) / f"checkpoint-{self.state.global_step}"
        folder.mkdir(parents=True)
        write_safetensors(folder / "model.safetensors", {"w": ("F32", (4, 4))})
        (folder / "optimizer.pt").write_bytes(b"optimizer")
        state = {"global_step": self.state.global_step, "epoch": self.state.epoch}
        (folder / "trainer_state.json").write_text(json.dumps(state))
        self._rotate()
        self.call("on_save")

    def _rotate(self) -> None:
        limit = self.args.save_total_limit
        if limit is None:
            return
        folders = sorted(
            Path(self.args.output_dir).glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1])
        )
        for old in folders[: max(0, len(folders) - limit)]:
            shutil.rmtree(old)


# -- Lightning ---------------------------------------------------------------------------


class ModelCheckpoint:
    """``ModelCheckpoint``'s saving: ``epoch=E-step=S.ckpt`` kept in the top ``save_top_k``
    by ``monitor`` (``mode``), each logger told after the write, the k+1-th removed after."""

    def __init__(
        self,
        dirpath: str,
        content: bytes,
        *,
        monitor: str | None = "val_loss",
        mode: str = "min",
        save_top_k: int = 2,
        save_last: bool = False,
    ) -> None:
        self.dirpath, self.content = dirpath, content
        self.monitor, self.mode, self.save_top_k, self.save_last = (
            monitor,
            mode,
            save_top_k,
            save_last,
        )
        self.best_k_models: dict[str, Scalar] = {}
        self.best_model_path = ""
        self.best_model_score: Scalar | None = None
        self.kth_best_model_path = ""
        self.last_model_path = ""
        self._last_checkpoint_saved = ""

    def on_validation_end(self, trainer: LightningTrainer, epoch: int, step: int) -> None:
        score = trainer.callback_metrics.get(self.monitor) if self.monitor else None
        path = os.path.join(self.dirpath, f"epoch={epoch}-step={step}.ckpt")
        self._write(trainer, path)
        if score is not None:
            self.best_k_models[path] = score
            self._update_best()
            if len(self.best_k_models) > self.save_top_k:
                worst = self.kth_best_model_path
                del self.best_k_models[worst]
                os.remove(worst)
                self._update_best()
        if self.save_last:
            self.last_model_path = os.path.join(self.dirpath, "last.ckpt")
            self._write(trainer, self.last_model_path)

    def _write(self, trainer: LightningTrainer, path: str) -> None:
        os.makedirs(self.dirpath, exist_ok=True)
        Path(path).write_bytes(self.content)
        self._last_checkpoint_saved = path
        for logger in trainer.loggers:
            logger.after_save_checkpoint(self)

    def _update_best(self) -> None:
        ranked = sorted(
            self.best_k_models,
            key=lambda p: self.best_k_models[p].item(),
            reverse=self.mode == "max",
        )
        self.best_model_path, self.kth_best_model_path = ranked[0], ranked[-1]
        self.best_model_score = self.best_k_models[ranked[0]]


class OtherLogger:
    """Another logger beside the registry's: records what it is told."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def log_hyperparams(self, params: Any) -> None:
        self.calls.append("log_hyperparams")

    def log_metrics(self, metrics: dict[str, Any], step: int | None = None) -> None:
        self.calls.append("log_metrics")

    def after_save_checkpoint(self, checkpoint_callback: Any) -> None:
        self.calls.append("after_save_checkpoint")

    def finalize(self, status: str) -> None:
        self.calls.append(f"finalize:{status}")


class LightningTrainer:
    """A Lightning fit without a model: hyperparameters logged, then per epoch the
    validation metrics logged to every logger and the checkpoint callback run."""

    def __init__(self, loggers: list[Any], checkpoint: ModelCheckpoint, steps_per_epoch: int = 50):
        self.loggers, self.checkpoint = loggers, checkpoint
        self.steps_per_epoch = steps_per_epoch
        self.callback_metrics: dict[str, Scalar] = {}

    def fit(self, val_losses: list[float], hparams: dict[str, Any], fail_at: int | None = None):
        for logger in self.loggers:
            logger.log_hyperparams(hparams)
        try:
            for epoch, loss in enumerate(val_losses):
                if epoch == fail_at:
                    raise RuntimeError("loss is NaN")
                step = (epoch + 1) * self.steps_per_epoch
                self.callback_metrics = {"val_loss": Scalar(loss), "val_acc": Scalar(1 - loss)}
                logged = {**self.callback_metrics, "epoch": Scalar(float(epoch))}
                for logger in self.loggers:
                    logger.log_metrics(logged, step=step)
                self.checkpoint.on_validation_end(self, epoch, step)
        except RuntimeError:
            for logger in self.loggers:
                logger.finalize("failed")
            raise
        for logger in self.loggers:
            logger.finalize("success")
