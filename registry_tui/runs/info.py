"""What the faces learn about a training run: :class:`RunInfo`, and the metric summary.

A run's metrics are logged many times (one value per step); a run is summed up by
its *final* value of each metric (the value at the last step) and its *best*
(the smallest for a metric that is better lower, else the largest), by the same
direction rule as the registry's (:func:`registry_tui.metrics.lower_is_better`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from registry_tui.metrics import is_finite, lower_is_better

RunKey = int | str
"""A run's id: an ExperimentDB ``run_id`` (an integer) or an MLflow run id (hex text)."""


class RunSourceError(Exception):
    """Where runs live cannot be read: a missing file, another kind of database, a
    server that does not answer. The message is one line, for a notice."""


@dataclass(frozen=True)
class RunInfo:
    """One training run as the run source records it.

    ``found`` is false for a run that models name (their ``training_run_id``) but
    that the run source does not hold: only ``run_id`` is known then.
    """

    run_id: RunKey
    name: str | None = None
    status: str | None = None
    notes: str | None = None
    created_at: str | None = None
    final_metrics: Mapping[str, float] = field(default_factory=dict)
    best_metrics: Mapping[str, float] = field(default_factory=dict)
    found: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready): the fields, metrics as plain dicts."""
        return {
            "run_id": self.run_id,
            "name": self.name,
            "status": self.status,
            "notes": self.notes,
            "created_at": self.created_at,
            "final_metrics": dict(self.final_metrics),
            "best_metrics": dict(self.best_metrics),
            "found": self.found,
        }


Directions = Mapping[str, bool]
"""Metric name -> lower is better, as a registry records them (``metric_directions()``)."""


def summarise(
    points: Iterable[tuple[str, object]], directions: Directions | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """``(final, best)`` of logged ``(name, value)`` points, in the order of their steps.

    The final value of a metric is its last point. Values that are not finite
    numbers are skipped.
    """
    directions = directions or {}
    lower = [name for name, low in directions.items() if low]
    higher = [name for name, low in directions.items() if not low]
    final: dict[str, float] = {}
    best: dict[str, float] = {}
    for name, raw in points:
        if not _number(raw):
            continue
        value = float(raw)  # type: ignore[arg-type]
        final[name] = value
        pick = min if lower_is_better(name, lower=lower, higher=higher) else max
        best[name] = pick(best[name], value) if name in best else value
    return final, best


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and is_finite(value)


MLFLOW_RUN_KEY = "mlflow_run_id"
"""The metadata key holding an MLflow run id (MLflow ids are text, ``training_run_id``
a number): a model's run is ``training_run_id`` when set, else this key's value."""


def run_key(training_run_id: object, metadata: object) -> RunKey | None:
    """The run a model came from: its ``training_run_id``, else ``metadata["mlflow_run_id"]``."""
    if isinstance(training_run_id, int) and not isinstance(training_run_id, bool):
        return training_run_id
    if isinstance(metadata, Mapping):
        value = metadata.get(MLFLOW_RUN_KEY)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
