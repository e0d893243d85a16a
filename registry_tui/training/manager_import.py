"""Importing a CheckpointManager directory from its ``checkpoint_registry.json``.

The manager writes ``checkpoint_epoch{epoch:04d}_step{step:06d}_{YYYYmmdd_HHMMSS}.pt``
files and keeps ``checkpoint_registry.json`` beside them: a list of ``{epoch,
global_step, best_metric, timestamp, git_commit, metrics, config}``. It deletes the
checkpoints outside its best-K and last-N after each save.

:func:`import_directory` registers the entries as the guide's loop does (every
``every``-th epoch and the last, ``1.<epoch>.0``, the run id, the previous
checkpoint as parent, the git commit in the metadata), tags the best by the
monitor, and retires the models whose files the manager has deleted since. It is
idempotent: an entry already registered (same name and version) is left alone, so
importing again after more epochs adds only the new ones. Everything is one
transaction.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry_tui.errors import CheckpointNotFoundError, ValidationError
from registry_tui.records import ModelQuery
from registry_tui.training import best
from registry_tui.training.report import ImportReport
from registry_tui.training.schemes import version_for
from registry_tui.training.tracker import ROTATED, Options, options

if TYPE_CHECKING:
    from registry_tui.registry_core import RegistryCore

REGISTRY_FILE = "checkpoint_registry.json"


@dataclass(frozen=True)
class Entry:
    """One entry of ``checkpoint_registry.json``, with the file it names (if still there)."""

    epoch: int
    step: int
    path: str | None
    metrics: dict[str, Any]
    config: dict[str, Any] | None
    facts: dict[str, Any]


def read_entries(directory: str | os.PathLike[str]) -> list[Entry]:
    """The manager's entries, oldest first, each matched with its checkpoint file."""
    folder = Path(os.path.abspath(directory))
    source = folder / REGISTRY_FILE
    if not source.is_file():
        raise CheckpointNotFoundError(str(source))
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(f"{source} cannot be read as JSON ({exc})") from None
    if isinstance(data, dict):
        data = data.get("checkpoints")
    if not isinstance(data, list):
        raise ValidationError(f"{source} is not a list of checkpoint entries")
    entries = [_entry(folder, item, index, source) for index, item in enumerate(data)]
    return sorted(entries, key=lambda e: (e.epoch, e.step))


def _entry(folder: Path, item: Any, index: int, source: Path) -> Entry:
    if not isinstance(item, dict):
        raise ValidationError(f"{source}: entry {index} is not an object")
    epoch, step = _whole(item.get("epoch")), _whole(item.get("global_step", item.get("step", 0)))
    if epoch is None or step is None:
        raise ValidationError(f"{source}: entry {index} has no whole epoch and global_step")
    named = item.get("filepath") or item.get("path")
    if isinstance(named, str):
        path = named if os.path.isabs(named) else str(folder / os.path.basename(named))
        found = path if os.path.isfile(path) else None
    else:
        matches = sorted(folder.glob(f"checkpoint_epoch{epoch:04d}_step{step:06d}_*.pt"))
        found = str(matches[-1]) if matches else None
    facts = {
        key: item[key]
        for key in ("timestamp", "best_metric", "git_commit")
        if item.get(key) is not None
    }
    raw = item.get("metrics")
    metrics = {
        str(k): v for k, v in (raw.items() if isinstance(raw, dict) else ())
        if best.monitored({k: v}, k) is not None
    }  # fmt: skip
    config = item.get("config") if isinstance(item.get("config"), dict) else None
    return Entry(epoch, step, found, metrics, config, facts)


def _whole(value: Any) -> int | None:
    """A whole number >= 0, or None."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def selected(entries: list[Entry], every: int) -> list[Entry]:
    """Every ``every``-th epoch and the last (the guide's ``epoch % N == 0 or last``), one
    entry per epoch (its latest step)."""
    by_epoch = {entry.epoch: entry for entry in entries}
    last = max(by_epoch) if by_epoch else None
    return [e for epoch, e in sorted(by_epoch.items()) if epoch % every == 0 or epoch == last]


def import_directory(
    registry: RegistryCore,
    directory: str | os.PathLike[str],
    name: str,
    task_type: str,
    *,
    every: int = 1,
    training_run_id: int | None = None,
    monitor: str = "val_loss",
    mode: str = "min",
) -> ImportReport:
    """Register (and retire) as the module docstring says; returns what was done."""
    options = _checked(registry, name, task_type, every, training_run_id, monitor, mode)
    entries = read_entries(directory)
    report = ImportReport(best_tag=options.best_tag)
    with registry.transaction():
        parent: int | None = None
        for entry in selected(entries, every):
            parent = _one(registry, options, entry, parent, report)
        _retire_deleted(registry, name, Path(os.path.abspath(directory)), report)
        _tag_best(registry, options, report)
    return report


def _checked(
    registry: RegistryCore, name: str, task_type: str, every: int, run: int | None,
    monitor: str, mode: str,
) -> Options:  # fmt: skip
    checked = options(
        name, task_type, config=None, base_version="1.0.0", parent_model_id=None,
        training_run_id=run, every=every, monitor=monitor, mode=mode, best_tag=None,
        keep_files_of=None,
    )  # fmt: skip
    best.refuse_exclusive(checked.best_tag, registry.tag_policies())
    return checked


def _one(
    registry: RegistryCore,
    options: Options,
    entry: Entry,
    parent: int | None,
    report: ImportReport,
) -> int | None:
    """Register one entry unless it is there already; returns its id (the next parent)."""
    version = version_for(options.base_version, entry.epoch, None)
    existing = registry.records.find(name=options.name, version=version)
    if existing is not None:
        report.unchanged.append(existing.model_id)
        return existing.model_id
    if entry.path is None:
        report.missing.append(f"epoch {entry.epoch} step {entry.step}")
        return parent
    training = {"epoch": entry.epoch, "step": entry.step, "monitor": options.monitor}
    training["mode"] = options.mode
    model_id = registry.register_model(
        options.name, version, entry.path, options.task_type,
        metrics=entry.metrics, training_run_id=options.training_run_id,
        parent_model_id=parent, config=entry.config,
        metadata={"training": training, "checkpoint_manager": entry.facts},
    )  # fmt: skip
    report.registered.append(model_id)
    return model_id


def _retire_deleted(registry: RegistryCore, name: str, folder: Path, report: ImportReport) -> None:
    """Retire the active models of ``name`` in ``folder`` whose files are gone."""
    for record in registry.records.query(ModelQuery(name=name), 0, None):
        path = record.checkpoint_path
        if record.name == name and Path(path).is_relative_to(folder) and not os.path.exists(path):
            registry.retire_model(record.model_id, reason=ROTATED)
            report.retired.append(record.model_id)


def _tag_best(registry: RegistryCore, options: Options, report: ImportReport) -> None:
    """The best active model of the run by the monitor holds the best tag, alone."""
    candidates = [
        r
        for r in registry.records.query(ModelQuery(name=options.name), 0, None)
        if r.name == options.name and r.training_run_id == options.training_run_id
    ]
    winner, value = None, None
    for record in sorted(candidates, key=lambda r: r.model_id):  # registration order
        score = best.monitored(record.metrics, options.monitor)
        if best.beats(score, value, options.mode):
            winner, value = record, score
    if winner is None:
        return
    for holder in registry.records.tag_holders(options.best_tag):
        if holder.model_id != winner.model_id and holder.name == options.name:
            registry.remove_tag(holder.model_id, options.best_tag)
    if options.best_tag not in winner.tags:
        registry.promote_model(winner.model_id, options.best_tag, remove_from_others=False)
    report.best_model_id = winner.model_id
