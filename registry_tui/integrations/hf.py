"""Hugging Face Trainer: :class:`RegistryCallback` registers each ``checkpoint-<step>``.

::

    from registry_tui.integrations.hf import RegistryCallback

    trainer = Trainer(model=model, args=args, ...,
                      callbacks=[RegistryCallback("models.db", "gpt-small", "language_modeling")])

``on_save`` registers the weights of the folder the Trainer has just written, with
the latest evaluation metrics of ``state.log_history``, on the main process only;
the checkpoints a ``save_total_limit`` rotation has deleted (the Trainer deletes
them before ``on_save``) are retired. ``transformers`` is imported with this
module; without it the callback is a plain object with the same hooks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from registry_tui.integrations.common import numeric, open_registry, peak_memory

if TYPE_CHECKING:
    from registry_tui.registry import ModelRegistry
    from registry_tui.training import CheckpointTracker

CHECKPOINT_PREFIX = "checkpoint"
"""The Trainer's checkpoint folders: ``<output_dir>/checkpoint-<global_step>``."""

NOT_QUALITY = ("_runtime", "_samples_per_second", "_steps_per_second")
"""Evaluation log entries that time the evaluation rather than measure the model."""

HOOKS = (
    "on_init_end", "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_step_begin", "on_pre_optimizer_step", "on_optimizer_step", "on_substep_end",
    "on_step_end", "on_evaluate", "on_predict", "on_save", "on_log", "on_prediction_step",
)  # fmt: skip
"""``TrainerCallback``'s events: the Trainer calls each on every callback."""


class _Hooks:
    """``TrainerCallback`` without transformers: every event, doing nothing."""


def _nothing(self: Any, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
    return None


for _hook in HOOKS:
    setattr(_Hooks, _hook, _nothing)


def _base() -> type:
    try:
        from transformers import TrainerCallback
    except ImportError:
        return _Hooks
    base: type = TrainerCallback
    return base


if TYPE_CHECKING:
    _Base = object
else:
    _Base = _base()


def latest_eval_metrics(log_history: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """The numbers of the last evaluation in ``state.log_history`` (``eval_loss`` ...),
    without its timings; ``{}`` before the first evaluation."""
    for entry in reversed(list(log_history)):
        if any(str(key).startswith("eval_") for key in entry):
            found = {
                str(key): numeric(value)
                for key, value in entry.items()
                if str(key).startswith("eval_") and not str(key).endswith(NOT_QUALITY)
            }
            return {key: value for key, value in found.items() if value is not None}
    return {}


def monitored(args: Any) -> tuple[str, str]:
    """``(monitor, mode)`` from ``metric_for_best_model`` and ``greater_is_better``, as
    the Trainer reads them (``eval_`` prefixed; ``eval_loss`` and lower by default)."""
    metric = getattr(args, "metric_for_best_model", None) or "loss"
    monitor = metric if metric.startswith("eval_") else f"eval_{metric}"
    greater = getattr(args, "greater_is_better", None)
    if greater is None:
        greater = not metric.endswith("loss")
    return monitor, "max" if greater else "min"


class RegistryCallback(_Base):
    """A ``TrainerCallback`` registering every checkpoint the Trainer saves.

    Args:
        registry_or_url: a :class:`~registry_tui.ModelRegistry`, or where one is
            (opened on the main process at the first save, closed at the end).
        name: every checkpoint's model name.
        task_type: every checkpoint's task type.
        monitor: the metric deciding the best checkpoint (default: the Trainer's
            ``metric_for_best_model``, else ``eval_loss``); ``mode`` likewise.
        **track: the other options of :meth:`ModelRegistry.track` (``config``,
            ``base_version``, ``parent_model_id``, ``training_run_id``, ``every``,
            ``best_tag``). Versions are numbered by the global step.
    """

    def __init__(
        self,
        registry_or_url: ModelRegistry | str | os.PathLike[str],
        name: str,
        task_type: str = "language_modeling",
        *,
        monitor: str | None = None,
        mode: str | None = None,
        **track: Any,
    ) -> None:
        self._target = registry_or_url
        self.name, self.task_type = name, task_type
        self._monitor, self._mode, self._track = monitor, mode, track
        self.tracker: CheckpointTracker | None = None
        """The run's tracker, made at the first save."""
        self._registry: Any = None
        self._owned = False

    def _tracker_for(self, args: Any) -> CheckpointTracker:
        if self.tracker is None:
            monitor, mode = monitored(args)
            self._registry, self._owned = open_registry(self._target)
            self.tracker = self._registry.track(
                self.name,
                self.task_type,
                monitor=self._monitor or monitor,
                mode=self._mode or mode,
                keep_files_of=args.output_dir,
                **self._track,
            )
        return self.tracker

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        """Register the folder ``<output_dir>/checkpoint-<global_step>`` (the main process
        only): its weights, ``config.json`` and ``optimizer.pt`` inspected as one checkpoint."""
        if not getattr(state, "is_world_process_zero", True):
            return
        folder = os.path.join(args.output_dir, f"{CHECKPOINT_PREFIX}-{state.global_step}")
        memory, metadata = peak_memory()
        metadata["hf"] = {
            "checkpoint_dir": folder,
            "global_step": state.global_step,
            "epoch": numeric(getattr(state, "epoch", None)),
        }
        self._tracker_for(args).saved(
            folder,  # the folder: its config.json's architecture sharpens the memory estimate
            latest_eval_metrics(state.log_history),
            step=state.global_step,
            metadata=metadata,
            memory_req_gb=memory,
        )

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        """Register the last checkpoint if ``every`` skipped it; close an opened registry."""
        if self.tracker is None:
            return
        try:
            self.tracker.finish()
        finally:
            if self._owned:
                self._registry.close()
                self._owned = False
