"""Checkpoint directories: a Hugging Face ``save_pretrained`` folder, a trainer's
``checkpoint-500/``.

The weights files inside are read and summed (safetensors first, through the
shard index when there is one; else PyTorch files; else GGUF or ONNX);
``optimizer.pt`` is counted as optimizer state, not weights; ``config.json``
gives the architecture and ``trainer_state.json`` the epoch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from registry_tui.checkpoints import safetensors
from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.filesystem import LOCAL, Files, read_small
from registry_tui.checkpoints.record import CheckpointInfo, combined

CONFIG_LIMIT = 10_000_000
CONFIG_FACTS = {
    "model_type": "model_type",
    "architectures": "architectures",
    "hidden_size": "hidden_size",
    "num_hidden_layers": "layers",
    "num_attention_heads": "heads",
    "num_key_value_heads": "kv_heads",
    "head_dim": "head_dim",
    "vocab_size": "vocab_size",
    "max_position_embeddings": "max_positions",
    "intermediate_size": "intermediate_size",
    "torch_dtype": "torch_dtype",
    "dtype": "torch_dtype",
}
PYTORCH_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt")
NOT_WEIGHTS = ("optimizer", "scheduler", "rng_state", "training_args", "scaler")

Inspect = Callable[[str], CheckpointInfo]


def weights_files(folder: str, files: Files = LOCAL) -> tuple[list[str], list[str]]:
    """(weights files, optimizer files) in ``folder``, by name."""
    names = files.names(folder)
    optimizer = [n for n in names if n.startswith("optimizer") and n.endswith(PYTORCH_SUFFIXES)]
    indexes = [n for n in names if n.endswith(safetensors.INDEX_SUFFIX)]
    if indexes:
        return indexes[:1], optimizer
    for suffixes in ((".safetensors",), PYTORCH_SUFFIXES, (".gguf",), (".onnx",)):
        found = [n for n in names if n.endswith(suffixes) and not n.startswith(NOT_WEIGHTS)]
        if found:
            return found, optimizer
    return [], optimizer


def inspect(folder: str, inspect_file: Inspect, files: Files = LOCAL) -> CheckpointInfo:
    """A checkpoint directory: its weights files summed, its config's facts."""
    weights, optimizer = weights_files(folder, files)
    if not weights:
        raise CheckpointFormatError(
            folder, "no weights files (safetensors, .bin/.pt/.pth/.ckpt, .gguf, .onnx) inside"
        )
    parts = [inspect_file(files.join(folder, name)) for name in weights]
    inside = [f for name, part in zip(weights, parts, strict=True) for f in part.files or (name,)]
    info = combined(
        folder,
        f"directory ({parts[0].format})",
        parts,
        architecture={**_merged(p.architecture for p in parts), **config_facts(folder, files)},
        metadata=parts[0].metadata if len(parts) == 1 else {},
        warnings=tuple(w for part in parts for w in part.warnings),
        files=tuple(inside),
    )
    return _with_training(folder, info, optimizer, inspect_file, files)


def _merged(dicts: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for item in dicts:
        merged.update(item)
    return merged


def config_facts(folder: str, files: Files = LOCAL) -> dict[str, Any]:
    """The architecture facts of ``config.json`` (its ``text_config`` too), if any."""
    config = _json(files, files.join(folder, "config.json"))
    if not isinstance(config, dict):
        return {}
    sources = [config]
    if isinstance(config.get("text_config"), dict):
        sources.append(config["text_config"])
    facts: dict[str, Any] = {}
    for source in sources:
        for key, fact in CONFIG_FACTS.items():
            if key in source and fact not in facts:
                facts[fact] = source[key]
    return facts


def _json(files: Files, path: str) -> Any:
    raw = read_small(files, path, CONFIG_LIMIT)
    if raw is None:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _with_training(
    folder: str, info: CheckpointInfo, optimizer: list[str], inspect_file: Inspect, files: Files
) -> CheckpointInfo:
    state = _json(files, files.join(folder, "trainer_state.json"))
    epoch = state.get("epoch") if isinstance(state, dict) else None
    optimizer_bytes = 0
    optimizer_tensors = 0
    warnings: list[str] = []
    for name in optimizer:
        try:
            part = inspect_file(files.join(folder, name))
        except CheckpointFormatError as exc:
            warnings.append(f"optimizer state not read: {exc}")
            continue
        optimizer_bytes += part.weights_bytes + part.optimizer_bytes
        optimizer_tensors += part.tensor_count + part.optimizer_tensors
    return replace(
        info,
        optimizer_bytes=optimizer_bytes,
        optimizer_tensors=optimizer_tensors,
        epoch=int(epoch)
        if isinstance(epoch, int | float) and not isinstance(epoch, bool)
        else None,
        warnings=(*info.warnings, *warnings),
    )


def _whole(value: Any) -> int | None:
    """A trainer's epoch when it is a whole number (``2.0``), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None
