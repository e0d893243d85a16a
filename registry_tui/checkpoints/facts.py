"""What the registry records of an inspected checkpoint, and how a later look is compared.

Registration stores :func:`recorded` under ``metadata["checkpoint"]``; the app's
detail panel reads it back; ``registry-tui check`` inspects the file again and
reports :func:`changes` between the two. One definition of the recorded form
serves all three::

    {"format": "safetensors", "file_bytes": 14483464, "weights_bytes": 14483456,
     "parameters": 3621864, "parameters_by_dtype": {"F32": 3621864},
     "tensor_count": 12, "architecture": {"layers": 2, ...}}

Keys beyond those always present appear only when they hold something:
``architecture``, ``optimizer_bytes``, ``epoch``, ``git_commit``, ``warnings``
and, for remote checkpoints, ``fingerprint``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry_tui.checkpoints.record import CheckpointInfo

KEY = "checkpoint"
"""The metadata key the recorded facts are stored under."""
ESTIMATE_KEY = "memory_estimate"
"""The metadata key saying how ``memory_req_gb`` was made (an estimate's rule, or measured)."""

COMPARED = ("format", "weights_bytes", "parameters", "tensor_count", "parameters_by_dtype")
"""The recorded facts a later inspection must reproduce for the content to be unchanged."""


def recorded(info: CheckpointInfo) -> dict[str, Any]:
    """The JSON-ready facts of ``info`` that registration stores (see the module docstring)."""
    facts: dict[str, Any] = {
        "format": info.format,
        "file_bytes": info.file_bytes,
        "weights_bytes": info.weights_bytes,
        "parameters": info.parameters,
        "parameters_by_dtype": dict(info.parameters_by_dtype),
        "tensor_count": info.tensor_count,
    }
    optional: dict[str, Any] = {
        "architecture": _plain(dict(info.architecture)),
        "optimizer_bytes": info.optimizer_bytes,
        "epoch": info.epoch,
        "git_commit": info.git_commit,
        "warnings": list(info.warnings),
    }
    facts.update((key, value) for key, value in optional.items() if value)
    return facts


def changes(before: Mapping[str, Any], now: CheckpointInfo) -> list[str]:
    """How ``now`` differs from the facts recorded ``before``: one phrase per fact.

    Only the facts in :data:`COMPARED` that were recorded are compared, so a
    registration made without some fact is never reported for it.
    """
    fresh = recorded(now)
    found = []
    for key in COMPARED:
        if key in before and before[key] != fresh[key]:
            found.append(f"{key} {_shown(before[key])} -> {_shown(fresh[key])}")
    return found


def _shown(value: Any) -> str:
    """A fact as a report line shows it: numbers with thousands separators."""
    if isinstance(value, bool) or not isinstance(value, int | dict):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"


def _plain(value: Any) -> Any:
    """``value`` with only JSON's types: tuples as lists, anything else as text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
