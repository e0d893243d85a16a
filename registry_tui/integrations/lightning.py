"""PyTorch Lightning: :class:`RegistryLogger` registers what ``ModelCheckpoint`` saves.

::

    from registry_tui.integrations.lightning import RegistryLogger

    trainer = Trainer(
        logger=[TensorBoardLogger("logs"), RegistryLogger("models.db", "resnet", "classification")],
        callbacks=[ModelCheckpoint(monitor="val_loss", save_top_k=3)],
    )

Lightning calls every logger's ``after_save_checkpoint`` once ``ModelCheckpoint``
has written a file: the file is registered with the latest logged metrics and its
score, the best tag following ``best_model_score``; files the top-k rotation has
deleted are retired. Lightning (``lightning`` or ``pytorch_lightning``) is
imported with this module; without it the logger is a plain object with the same
hooks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from registry_tui.integrations.common import numeric, open_registry, peak_memory, plain

if TYPE_CHECKING:
    from registry_tui.registry import ModelRegistry
    from registry_tui.training import CheckpointTracker

_NUMBERED = re.compile(r"(?:^|[-_/])(epoch|step)=(\d+)")


class _LoggerHooks:
    """Lightning's ``Logger`` without Lightning: the hooks a Trainer calls."""

    def log_graph(self, model: Any, input_array: Any = None) -> None:
        return None

    def save(self) -> None:
        return None


def _base() -> type:
    for module in ("lightning.pytorch.loggers", "pytorch_lightning.loggers"):
        try:
            found: type = __import__(module, fromlist=["Logger"]).Logger
        except (ImportError, AttributeError):
            continue
        return found
    return _LoggerHooks


if TYPE_CHECKING:
    _Base = _LoggerHooks
else:
    _Base = _base()


def numbered(path: str) -> dict[str, int]:
    """``{"epoch": 3, "step": 400}`` from a default checkpoint name (``epoch=3-step=400.ckpt``)."""
    name = os.path.basename(path)
    return {key: int(value) for key, value in _NUMBERED.findall(name)}


def just_saved(callback: Any) -> str | None:
    """The file ``ModelCheckpoint`` has just written: the one it records as last saved,
    else the newest of those it keeps (last, best, top-k), as Lightning's own loggers scan."""
    recorded = getattr(callback, "_last_checkpoint_saved", None)
    if isinstance(recorded, str) and os.path.isfile(recorded):
        return recorded
    kept = [
        getattr(callback, "last_model_path", ""),
        getattr(callback, "best_model_path", ""),
        *dict(getattr(callback, "best_k_models", {}) or {}),
    ]
    files = [str(p) for p in kept if p and os.path.isfile(p)]
    return max(files, key=os.path.getmtime) if files else None


class RegistryLogger(_Base):
    """A Lightning logger registering each checkpoint ``ModelCheckpoint`` saves.

    Args:
        registry_or_url: a :class:`~registry_tui.ModelRegistry`, or where one is
            (opened at the first save, closed when the Trainer finalizes the logger).
        name: every checkpoint's model name.
        task_type: every checkpoint's task type.
        **track: the other options of :meth:`ModelRegistry.track` (``config``,
            ``base_version``, ``parent_model_id``, ``training_run_id``, ``best_tag``);
            the config defaults to the hyperparameters Lightning logs. ``monitor``
            and ``mode`` are ``ModelCheckpoint``'s. Versions are numbered by the global
            step (the epoch is kept in the metadata).
    """

    def __init__(
        self,
        registry_or_url: ModelRegistry | str | os.PathLike[str],
        name: str,
        task_type: str = "classification",
        **track: Any,
    ) -> None:
        super().__init__()
        self._target = registry_or_url
        self._model_name, self._task_type, self._track = name, task_type, track
        self.tracker: CheckpointTracker | None = None
        """The run's tracker, made at the first save."""
        self._registry: Any = None
        self._owned = False
        self._metrics: dict[str, float] = {}
        self._hyperparameters: dict[str, Any] | None = None
        self._step: int | None = None
        self._last: tuple[int | None, int | None] | None = None

    # -- Lightning's Logger interface ----------------------------------------------------
    @property
    def name(self) -> str:
        """The logger's name, as Lightning shows it."""
        return "registry"

    @property
    def version(self) -> int | str:
        """The run id when one was given, else the model name."""
        run = self._track.get("training_run_id")
        return run if run is not None else self._model_name

    @property
    def save_dir(self) -> str | None:
        """None: the registry keeps no files of its own."""
        return None

    def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
        """Keep the hyperparameters: stored as the config unless one was given."""
        if not isinstance(params, Mapping) and hasattr(params, "__dict__"):
            params = vars(params)  # an argparse Namespace
        self._hyperparameters = plain(dict(params or {}))

    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        """Keep the latest value of each metric, registered with the next checkpoint."""
        for key, value in metrics.items():
            number = numeric(value)
            if number is not None:
                self._metrics[str(key)] = number
        if step is not None:
            self._step = int(step)

    def after_save_checkpoint(self, checkpoint_callback: Any) -> None:
        """Register the file ``checkpoint_callback`` has just saved."""
        path = just_saved(checkpoint_callback)
        if path is None:
            return
        numbers = numbered(path)
        epoch = numbers.get("epoch", _whole(self._metrics.get("epoch")))
        step = numbers.get("step", self._step)
        if self._last == (epoch, step):  # last.ckpt: the same checkpoint under another name
            return
        tracker = self._tracker_for(checkpoint_callback)
        metrics = dict(self._metrics)
        score = numeric(dict(getattr(checkpoint_callback, "best_k_models", {}) or {}).get(path))
        if score is None and path == getattr(checkpoint_callback, "best_model_path", None):
            score = numeric(getattr(checkpoint_callback, "best_model_score", None))
        if score is not None:
            metrics[tracker.options.monitor] = score
        memory, metadata = peak_memory()
        metadata["lightning"] = {"epoch": epoch, "global_step": step}
        tracker.saved(path, metrics, step=step, metadata=metadata, memory_req_gb=memory)
        self._last = (epoch, step)

    def finalize(self, status: str) -> None:
        """The Trainer is done: ``success`` finishes the run, anything else fails it."""
        if self.tracker is None:
            return
        try:
            if status == "success":
                self.tracker.finish()
            else:
                self.tracker.fail(f"Lightning finished with status {status!r}")
        finally:
            if self._owned:
                self._registry.close()
                self._owned = False

    # -- the tracker ----------------------------------------------------------------------
    def _tracker_for(self, callback: Any) -> CheckpointTracker:
        if self.tracker is None:
            options = dict(self._track)
            options.setdefault("config", self._hyperparameters)
            monitor = getattr(callback, "monitor", None)
            if monitor:
                options["monitor"] = monitor
                options["mode"] = getattr(callback, "mode", "min")
            folder = getattr(callback, "dirpath", None)
            self._registry, self._owned = open_registry(self._target)
            self.tracker = self._registry.track(
                self._model_name, self._task_type, keep_files_of=folder, **options
            )
        return self.tracker


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)
