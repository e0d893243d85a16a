"""The checks of ``register_model``: every argument checked, and the checkpoint looked
at, before a transaction starts, so a refused registration writes nothing.

Single values are checked by :mod:`registry_tui.validate` (the rules every
method shares); this module applies them to a whole registration and adds the
rules only a registration has (the config hash, the checkpoint file).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from registry_tui import validate, versions
from registry_tui.db.writes import NewModel
from registry_tui.errors import CheckpointNotFoundError, ValidationError

MIB = 1024 * 1024
NOT_INSPECTED_HINT = "register with inspect=False (--no-inspect) to store it uninspected"


def config_hash_of(config: dict[str, Any]) -> str:
    """SHA-256 of ``json.dumps(config, sort_keys=True)``, as the guide computes it."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def new_model(
    *,
    name: str,
    version: str,
    checkpoint_path: str | os.PathLike[str],
    task_type: str,
    config_hash: str | None = None,
    metrics: dict[str, float] | None = None,
    export_formats: list[str] | None = None,
    model_size_mb: float | None = None,
    memory_req_gb: float | None = None,
    training_run_id: int | None = None,
    parent_model_id: int | None = None,
    metadata: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    config: dict[str, Any] | None = None,
    verify_checkpoint: bool = True,
    inspect: bool = True,
    memory_mode: str = "inference",
) -> NewModel:
    """Validate every argument of ``register_model``; nothing is written yet.

    Keyword-only and typed as ``register_model`` is, so a call names each
    value and two of one type (the two sizes, the two ids) cannot be swapped
    unnoticed. The types say what callers should pass; every value is still
    checked, since scripts pass whatever they have.
    """
    validate.name(name)
    version_key = versions.sort_key(version)
    path = validate.text(os.fspath(checkpoint_path) if checkpoint_path else "", "checkpoint_path")
    config_json = None if config is None else validate.json_object(config, "config")
    if config is not None:
        computed = config_hash_of(config)
        if config_hash is not None and config_hash != computed:
            raise ValidationError("config_hash does not match the SHA-256 of config")
        config_hash = computed
    if config_hash is not None:
        validate.text(config_hash, "config_hash")
    new = NewModel(
        name=name,
        version=version,
        version_key=version_key,
        checkpoint_path=path,
        task_type=validate.text(task_type, "task_type"),
        config_hash=config_hash,
        training_run_id=validate.optional_id(training_run_id, "training_run_id"),
        parent_model_id=validate.optional_id(parent_model_id, "parent_model_id"),
        metrics=validate.metrics(metrics),
        export_formats=validate.tags(export_formats, "export format"),
        model_size_mb=validate.number(model_size_mb, "model_size_mb"),
        memory_req_gb=validate.number(memory_req_gb, "memory_req_gb"),
        metadata_json=validate.json_object(metadata, "metadata"),
        tags=validate.tags(tags),
        config_json=config_json,
    )
    # Every argument is valid: only now is the checkpoint looked at (a remote one is a
    # request to its store).
    return _with_checkpoint(new, metadata, verify_checkpoint, inspect, memory_mode)


def _with_checkpoint(
    new: NewModel,
    metadata: dict[str, Any] | None,
    verify: bool,
    inspect: bool,
    memory_mode: str,
) -> NewModel:
    """``new`` with what the checkpoint says filled in (see :func:`_inspected`)."""
    from registry_tui.checkpoints import memory

    path = new.checkpoint_path
    if "://" in path:
        from registry_tui.checkpoints.remote import check_uri

        check_uri(path)  # never store a URI holding credentials
    memory.check_mode(memory_mode)
    if not verify:
        return new
    from registry_tui.checkpoints.dispatch import is_remote

    found, stored = _check_remote(path) if is_remote(path) else (_check_checkpoint(path), {})
    filled = Filled(new.model_size_mb, new.memory_req_gb, new.metadata_json, None)
    if inspect:
        filled = _inspected(path, filled, metadata, memory_mode, stored)
    elif stored:
        filled = _recording(filled, metadata, stored)
    if filled.model_size_mb is None and found is not None:  # uninspected: the file's size
        filled = replace(filled, model_size_mb=found / MIB)
    return replace(
        new,
        model_size_mb=filled.model_size_mb,
        memory_req_gb=filled.memory_req_gb,
        metadata_json=filled.metadata_json,
        params=filled.params,
    )


@dataclass(frozen=True)
class Filled:
    """What inspecting the checkpoint may fill: the user's values, or the file's facts."""

    model_size_mb: float | None
    memory_req_gb: float | None
    metadata_json: str
    params: int | None


def _check_checkpoint(path: str) -> int | None:
    """Refuse a missing checkpoint (or a FIFO, a device); a file's size in bytes."""
    file = Path(path)
    if not file.exists():
        raise CheckpointNotFoundError(path)
    if file.is_dir():
        return None
    if not file.is_file():
        raise ValidationError(f"Checkpoint is not a regular file (a FIFO or a device): {path}")
    return file.stat().st_size


def _check_remote(path: str) -> tuple[int, dict[str, Any]]:
    """Refuse a missing object; its size, and the facts a later ``check --remote``
    compares: the size and the store's fingerprint (ETag, generation, LFS sha256)."""
    from registry_tui.checkpoints import remote

    found = remote.stat(path)
    stored: dict[str, Any] = {"file_bytes": found.size}
    if found.fingerprint is not None:
        stored["fingerprint"] = dict(found.fingerprint)
    return found.size, stored


def _recording(given: Filled, metadata: dict[str, Any] | None, stored: dict[str, Any]) -> Filled:
    """``given`` with ``stored`` as ``metadata["checkpoint"]`` unless the user set one."""
    from registry_tui.checkpoints import facts

    merged = _with_defaults(metadata, {facts.KEY: stored}, given.metadata_json)
    return replace(given, metadata_json=merged)


def _inspected(
    path: str,
    given: Filled,
    metadata: dict[str, Any] | None,
    memory_mode: str,
    stored: dict[str, Any],
) -> Filled:
    """``given`` with what the checkpoint's headers say filled in where the user gave nothing.

    ``model_size_mb`` becomes the weights' size (a training checkpoint's
    optimizer state is not the model), ``metadata["checkpoint"]`` the recorded
    facts (:mod:`registry_tui.checkpoints.facts`), ``params`` the parameter
    count, and ``memory_req_gb`` an estimate in ``memory_mode``, described in
    ``metadata["memory_estimate"]``. A value the user passed always wins. A
    file refused as damaged refuses the registration; one whose pickle would
    run code is registered uninspected, with a warning recorded.
    """
    from registry_tui.checkpoints import facts, memory
    from registry_tui.checkpoints.dispatch import inspect_checkpoint
    from registry_tui.checkpoints.errors import CheckpointFormatError, UnsafeCheckpointError

    try:
        info = inspect_checkpoint(path)
    except UnsafeCheckpointError as exc:
        return _unsafe(given, metadata, exc, stored)
    except CheckpointFormatError as exc:
        raise ValidationError(f"{exc} ({NOT_INSPECTED_HINT})") from None
    size = given.model_size_mb
    if size is None:
        size = (info.weights_bytes or info.file_bytes) / MIB
    if info.format == "unknown":  # nothing read beyond the size: nothing more to record
        sized = replace(given, model_size_mb=size)
        return _recording(sized, metadata, stored) if stored else sized
    extra: dict[str, Any] = {facts.KEY: {**facts.recorded(info), **stored}}
    memory_gb = given.memory_req_gb
    if memory_gb is None:
        estimate = memory.estimate(info, memory_mode)
        if estimate is not None:
            memory_gb = estimate.gb
            extra[facts.ESTIMATE_KEY] = estimate.to_metadata()
    return Filled(
        size,
        memory_gb,
        _with_defaults(metadata, extra, given.metadata_json),
        info.parameters or None,
    )


def _unsafe(
    given: Filled, metadata: dict[str, Any] | None, exc: Exception, stored: dict[str, Any]
) -> Filled:
    """A checkpoint whose pickle names code: recorded uninspected, the reason kept."""
    from registry_tui.checkpoints import facts

    refused = {"format": "pytorch", **stored, "warnings": [f"not inspected: {exc}"]}
    return replace(
        given, metadata_json=_with_defaults(metadata, {facts.KEY: refused}, given.metadata_json)
    )


def _with_defaults(metadata: dict[str, Any] | None, extra: dict[str, Any], given: str) -> str:
    """The user's metadata with ``extra``'s keys added where the user set none."""
    added = {key: value for key, value in extra.items() if not (metadata and key in metadata)}
    if not added:
        return given
    return validate.json_object({**(metadata or {}), **added}, "metadata")
