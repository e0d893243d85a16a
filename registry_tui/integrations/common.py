"""What the framework hooks share: opening the registry, measuring peak memory, and
turning a framework's values (hyperparameters, tensors) into plain JSON."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry_tui.registry import ModelRegistry

GIB = 1024**3


def open_registry(registry_or_url: ModelRegistry | str | os.PathLike[str]) -> tuple[Any, bool]:
    """``(registry, opened_here)``: the registry given, or one opened from a path or URL
    (closed by the hook when training ends)."""
    if isinstance(registry_or_url, str | os.PathLike):
        from registry_tui.registry import ModelRegistry

        return ModelRegistry(registry_or_url), True
    return registry_or_url, False


def peak_memory() -> tuple[float | None, dict[str, Any]]:
    """Peak accelerator memory of this training process, as torch reports it.

    Returns ``(memory_req_gb, metadata)``: the GiB ``torch.cuda.max_memory_allocated()``
    gives and ``{"memory_estimate": {"mode": "train", "source": "measured", ...}}``; or
    ``(None, {})`` when torch is not in use or reports nothing. torch is never imported
    here: a loop that trains with it has imported it already.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return None, {}
    try:
        if not torch.cuda.is_available():
            return None, {}
        peak = int(torch.cuda.max_memory_allocated())
    except Exception:  # a broken driver must not stop the training run
        return None, {}
    if peak <= 0:
        return None, {}
    measured = {
        "mode": "train",
        "source": "measured",
        "peak_bytes": peak,
        "measured_by": "torch.cuda.max_memory_allocated",
    }
    return peak / GIB, {"memory_estimate": measured}


def plain(value: Any) -> Any:
    """``value`` as JSON's types: numbers (a tensor's ``.item()``), text, lists, objects;
    a non-finite number becomes None and anything else its text."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return plain(item())
        except (TypeError, ValueError, RuntimeError):
            pass
    return str(value)


def numeric(value: Any) -> float | None:
    """A metric's value as a finite float (a tensor's ``.item()``), or None."""
    number = plain(value)
    if isinstance(number, bool) or not isinstance(number, int | float):
        return None
    return float(number) if math.isfinite(number) else None
