"""The best checkpoint of a run: which tag marks it, and whether a new one beats it.

The tag is the run's own (``best-run-42``, or ``best-<name>`` without a run id), so
moving it from one checkpoint to the next never touches another run's best, and a
tag the registry keeps exclusive across every model (``production``) is refused:
a training loop must never promote to production by itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from registry_tui import validate
from registry_tui.errors import ValidationError
from registry_tui.metrics import is_finite

MODES = ("min", "max")
_NOT_TAG = re.compile(r"[^A-Za-z0-9._-]+")


def best_tag_for(best_tag: str | None, name: str, training_run_id: int | None) -> str:
    """``best_tag`` checked, or the run's default best tag."""
    if best_tag is not None:
        return validate.tag(best_tag, "best_tag")
    if training_run_id is not None:
        return f"best-run-{training_run_id}"
    slug = _NOT_TAG.sub("-", name).strip("-.")
    return ("best-" + slug)[:64] if slug else "best"


def refuse_exclusive(tag: str, policies: Mapping[str, bool]) -> None:
    """Refuse a best tag the registry keeps exclusive across all models."""
    if policies.get(tag, tag == "production"):
        raise ValidationError(
            f"best_tag {tag!r} is exclusive across the registry: a tracker marks the best "
            "checkpoint of its run with a tag of its own (promote to it by hand)"
        )


def check_mode(mode: str) -> str:
    """``"min"`` or ``"max"``."""
    if mode not in MODES:
        raise ValidationError(f"mode must be 'min' or 'max', not {mode!r}")
    return mode


def monitored(metrics: Mapping[str, object], monitor: str) -> float | None:
    """The monitored metric's value, or None when the checkpoint does not report it."""
    value = metrics.get(monitor)
    if isinstance(value, bool) or not isinstance(value, int | float) or not is_finite(value):
        return None
    return float(value)


def beats(value: float | None, best: float | None, mode: str) -> bool:
    """True when ``value`` is better than the best so far (the first value always is)."""
    if value is None:
        return False
    if best is None:
        return True
    return value < best if mode == "min" else value > best
