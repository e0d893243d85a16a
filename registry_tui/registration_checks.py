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
from pathlib import Path
from typing import Any

from registry_tui import validate, versions
from registry_tui.db.writes import NewModel
from registry_tui.errors import CheckpointNotFoundError, ValidationError


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
    size = validate.number(model_size_mb, "model_size_mb")
    if verify_checkpoint:
        size = _check_checkpoint(path, size)
    return NewModel(
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
        model_size_mb=size,
        memory_req_gb=validate.number(memory_req_gb, "memory_req_gb"),
        metadata_json=validate.json_object(metadata, "metadata"),
        tags=validate.tags(tags),
        config_json=config_json,
    )


def _check_checkpoint(path: str, size: float | None) -> float | None:
    """Refuse a missing checkpoint (or a directory); fill the size from the file."""
    file = Path(path)
    if not file.exists():
        raise CheckpointNotFoundError(path)
    if file.is_dir():
        raise ValidationError(f"Checkpoint is a directory, not a file: {path}")
    if not file.is_file():
        raise ValidationError(f"Checkpoint is not a regular file (a FIFO or a device): {path}")
    if size is None:
        size = file.stat().st_size / (1024 * 1024)
    return size
