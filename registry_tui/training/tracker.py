""":class:`CheckpointTracker`: a training loop's checkpoints registered as it saves them.

Made by :meth:`ModelRegistry.track <registry_tui.registry.ModelRegistry.track>`.
Each registration is one transaction (the model, its best tag moving to it, the
retirement of checkpoints a rotation deleted), so a loop that dies mid-call
leaves either the whole registration or none of it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from registry_tui import validate
from registry_tui.errors import DuplicateModelError, TagNotFoundError, ValidationError
from registry_tui.training import best
from registry_tui.training.ranks import is_main_process
from registry_tui.training.schemes import VersionScheme, version_for

if TYPE_CHECKING:
    from registry_tui.registry_core import RegistryCore

_log = logging.getLogger("registry_tui")

ROTATED = "checkpoint file deleted by the training run's rotation"
"""The reason recorded when a checkpoint whose file has gone is retired."""


@dataclass(frozen=True)
class Saved:
    """One checkpoint the loop saved, as ``saved`` was told of it."""

    path: str
    metrics: dict[str, Any]
    step: int | None
    epoch: int | None
    metadata: dict[str, Any] | None = None
    memory_req_gb: float | None = None


@dataclass(frozen=True)
class Options:
    """What a tracker was asked to do, checked once when it is made."""

    name: str
    task_type: str
    config: dict[str, Any] | None
    base_version: str | VersionScheme
    parent_model_id: int | None
    training_run_id: int | None
    every: int
    monitor: str
    mode: str
    best_tag: str
    keep_files_of: Path | None


class CheckpointTracker:
    """Registers the checkpoints of one training run (see :meth:`ModelRegistry.track`).

    ``saved`` registers every ``every``-th checkpoint (the first included) and
    :meth:`finish` the last one if it was skipped. Each is versioned from
    ``base_version`` by its epoch (else its step), linked to the run and to the
    run's previous registered checkpoint (or to ``parent_model_id`` when given),
    and the run's best by ``monitor`` holds ``best_tag``. On any process but the
    main one of a distributed job every call is a no-op.
    """

    def __init__(
        self, registry: RegistryCore, options: Options, environ: Mapping[str, str] | None = None
    ) -> None:
        self._registry = registry
        self.options = options
        self.active = is_main_process(environ)
        """False on every process but the main one: nothing is registered there."""
        self.model_ids: list[int] = []
        """The ids registered so far, oldest first."""
        self.best_model_id: int | None = None
        """The checkpoint holding the best tag."""
        self.state = "running"
        """``running``, then ``finished`` or ``failed`` (an exception left the ``with``)."""
        self._best_value: float | None = None
        self._config_hash = (
            None if options.config is None else registry.compute_config_hash(options.config)
        )
        self._config_stored = False
        self._calls = 0
        self._pending: Saved | None = None
        self._files: dict[int, str] = {}  # registered, active, followed for rotation
        self._best_known = False

    @property
    def last_model_id(self) -> int | None:
        """The latest registered checkpoint of the run."""
        return self.model_ids[-1] if self.model_ids else None

    def __repr__(self) -> str:
        return f"CheckpointTracker({self.options.name!r}, registered={len(self.model_ids)})"

    # -- the loop's calls ---------------------------------------------------------------
    def saved(
        self,
        path: str | os.PathLike[str],
        metrics: Mapping[str, Any] | None,
        step: int | None = None,
        epoch: int | None = None,
        *,
        metadata: dict[str, Any] | None = None,
        memory_req_gb: float | None = None,
    ) -> int | None:
        """Tell the tracker a checkpoint was saved; returns its id when it was registered.

        ``metadata`` is stored with the model (beside the ``training`` entry the
        tracker writes) and ``memory_req_gb`` as its memory requirement.
        """
        if not self.active:
            return None
        self._refuse_when_done()
        entry = Saved(os.fspath(path), dict(metrics or {}), step, epoch, metadata, memory_req_gb)
        self._calls += 1
        if (self._calls - 1) % self.options.every:
            self._pending = entry
            return None
        return self._register(entry)

    def finish(self) -> int | None:
        """Register the last checkpoint if ``every`` skipped it (else retire what a rotation
        deleted since the last registration); returns the last id."""
        if not self.active or self.state != "running":
            return self.last_model_id
        if self._pending is not None:
            self._register(self._pending, "finished")
        else:
            with self._registry.transaction():
                retired = self._retire_rotated()
            self._forget(retired)
        self.state = "finished"
        return self.last_model_id

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.finish()
        else:
            self.fail(exc)

    # -- registration -------------------------------------------------------------------
    def _refuse_when_done(self) -> None:
        if self.state != "running":
            raise ValidationError(f"This tracker is {self.state}: start a new one to register more")

    def fail(self, error: BaseException | str) -> None:
        """The run failed: the tracker is marked ``failed`` and the last checkpoint saved is
        registered, marked failed with ``error``, if ``every`` had skipped it (and its file
        is there). Leaving the ``with`` block on an exception calls this; a framework hook
        whose trainer reports a failure calls it too. Never raises: the run's own error is
        the one to see (a registration that fails is logged on ``registry_tui``)."""
        if self.state != "running":
            return
        self.state = "failed"
        pending, self._pending = self._pending, None
        if not self.active or pending is None or not os.path.exists(pending.path):
            return
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        try:
            self._register(pending, "failed", text[:500])
        except Exception as failure:
            _log.warning("could not register the failed run's last checkpoint: %s", failure)

    def _register(self, entry: Saved, state: str = "running", error: str | None = None) -> int:
        o = self.options
        if not self._best_known:
            self._learn_best()
        value = best.monitored(entry.metrics, o.monitor)
        is_best = best.beats(value, self._best_value, o.mode)
        registry, version = self._registry, version_for(o.base_version, entry.epoch, entry.step)
        with registry.transaction():
            try:
                model_id = registry.register_model(
                    o.name,
                    version,
                    entry.path,
                    o.task_type,
                    metrics=entry.metrics,
                    memory_req_gb=entry.memory_req_gb,
                    training_run_id=o.training_run_id,
                    parent_model_id=o.parent_model_id or self.last_model_id,
                    metadata=self._metadata(entry, state, error),
                    tags=[o.best_tag] if is_best else None,
                    **self._config_arguments(),
                )
            except DuplicateModelError:  # its savepoint alone rolled back
                model_id, is_best = self._resumed(version, entry.path), False
            if is_best:
                self._untag_previous_best()
            retired = self._retire_rotated()
        self._pending = None
        self._config_stored = True
        self.model_ids.append(model_id)
        self._files[model_id] = os.path.abspath(entry.path)
        self._forget(retired)
        if is_best:
            self.best_model_id, self._best_value = model_id, value
        return model_id

    def _resumed(self, version: str, path: str) -> int:
        """The model a resumed run registered before, at the same version and file.

        A run restarted from a checkpoint saves that epoch again: the checkpoint
        already registered is taken as this tracker's (its parent, its place in the
        run), not refused. The same version of another file is still refused.
        """
        found = self._registry.records.find(name=self.options.name, version=version)
        if found is None or os.path.abspath(found.checkpoint_path) != os.path.abspath(path):
            raise DuplicateModelError(self.options.name, version)
        return found.model_id

    def _learn_best(self) -> None:
        """Before the first registration: the run's best so far, when an earlier session of
        the run (a resumed job) left the best tag on one of its checkpoints."""
        self._best_known = True
        o = self.options
        for holder in self._registry.records.tag_holders(o.best_tag):
            if holder.name != o.name or holder.training_run_id != o.training_run_id:
                continue
            value = best.monitored(holder.metrics, o.monitor)
            if self.best_model_id is None or best.beats(value, self._best_value, o.mode):
                self.best_model_id, self._best_value = holder.model_id, value

    def _forget(self, retired: list[int]) -> None:
        for model_id in retired:
            del self._files[model_id]

    def _config_arguments(self) -> dict[str, Any]:
        """The config on the first registration; its hash (already stored) afterwards."""
        if self.options.config is not None and not self._config_stored:
            return {"config": self.options.config}
        return {"config_hash": self._config_hash}

    def _metadata(self, entry: Saved, state: str, error: str | None) -> dict[str, Any]:
        o = self.options
        training: dict[str, Any] = {"monitor": o.monitor, "mode": o.mode, "state": state}
        training.update(
            (key, value)
            for key, value in (("epoch", entry.epoch), ("step", entry.step), ("error", error))
            if value is not None
        )
        return {**(entry.metadata or {}), "training": training}

    def _untag_previous_best(self) -> None:
        """The run's previous best gives the tag up (unless an exclusive policy the user
        set on the tag, or the user, already took it: then there is nothing to take)."""
        previous = self.best_model_id
        if previous is None:
            return
        with contextlib.suppress(TagNotFoundError):  # its savepoint alone rolls back
            self._registry.remove_tag(previous, self.options.best_tag)

    def _retire_rotated(self) -> list[int]:
        """Retire the run's checkpoints under ``keep_files_of`` whose files are gone."""
        folder = self.options.keep_files_of
        if folder is None:
            return []
        inside = os.path.join(folder, "")
        gone = [
            model_id
            for model_id, path in self._files.items()
            if path.startswith(inside) and not os.path.exists(path)
        ]
        for model_id in gone:
            self._registry.retire_model(model_id, reason=ROTATED)
        return gone


def options(
    name: str,
    task_type: str,
    *,
    config: dict[str, Any] | None,
    base_version: str | VersionScheme,
    parent_model_id: int | None,
    training_run_id: int | None,
    every: int,
    monitor: str,
    mode: str,
    best_tag: str | None,
    keep_files_of: str | os.PathLike[str] | None,
) -> Options:
    """:class:`Options` with every value checked (nothing registered yet)."""
    validate.name(name)
    if not callable(base_version):
        version_for(base_version, 0, None)  # refuses a base that is not a version
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValidationError(f"every must be a whole number >= 1, not {every!r}")
    if config is not None:
        validate.json_object(config, "config")
    folder = None if keep_files_of is None else Path(os.path.abspath(keep_files_of))
    return Options(
        name=name,
        task_type=validate.text(task_type, "task_type"),
        config=config,
        base_version=base_version,
        parent_model_id=validate.optional_id(parent_model_id, "parent_model_id"),
        training_run_id=validate.optional_id(training_run_id, "training_run_id"),
        every=every,
        monitor=validate.metric_name(monitor),
        mode=best.check_mode(mode),
        best_tag=best.best_tag_for(best_tag, name, training_run_id),
        keep_files_of=folder,
    )
