"""``run:ID`` and ``run:NAME`` in the filter language: the condition on ``training_run_id``
they stand for, a name looked up by a run finder (``ModelRegistry.find_runs``)."""

from __future__ import annotations

from collections.abc import Callable

from registry_tui.errors import ValidationError
from registry_tui.escapes import visible

MAX_RUN_ID = 2**63 - 1

RunFinder = Callable[[str], list[int | str]]
"""Run ids a run name (or id) names, as ``ModelRegistry.find_runs`` finds them."""


def run_condition(value: str, runs: RunFinder | None = None) -> str:
    """The condition of ``run:VALUE``: ``training_run_id=ID`` for a run id, or for the one
    run ``runs`` finds by that name."""
    value = value.strip()
    if not value:
        raise ValidationError("Filter 'run:' needs a run id or name, e.g. run:42")
    found = [value] if value.isdigit() else list(runs(value) if runs else [])
    ids = [k for k in found if isinstance(k, int) or str(k).isdigit()]
    if not ids:
        shown = visible(value)
        if found:
            raise ValidationError(f"Run {shown!r} links models through metadata: run: takes ids")
        raise ValidationError(
            f"No run named {shown!r}: use run:ID, or a run name with --experiments"
        )
    if len(ids) > 1:
        listed = ", ".join(str(k) for k in ids)
        raise ValidationError(f"Several runs are named {visible(value)!r} ({listed}): use run:ID")
    run_id = int(ids[0])
    if run_id > MAX_RUN_ID:
        raise ValidationError(f"Run id {run_id} is too large")
    return f"training_run_id={run_id}"
