"""The guide's keyword arguments turned into what the core takes.

:meth:`~registry_tui.registry.ModelRegistry.list_models` and
:meth:`~registry_tui.registry.ModelRegistry.count_models` take the guide's
filters as keywords (plus the original module's ``metric_name`` /
``min_metric_value``); :meth:`~registry_tui.registry.ModelRegistry.compare_models`
takes ids and metric names loosely. These functions check them and build the
:class:`~registry_tui.records.ModelQuery` or lists the record API reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from registry_tui import validate
from registry_tui.errors import ValidationError
from registry_tui.records import ModelQuery


def listing_query(
    task_type: str | None,
    tag: str | None,
    status: str | None,
    name: str | None,
    where: str | list[str] | None,
    order_by: str | None,
    metric_name: Any,
    min_metric_value: Any,
) -> ModelQuery:
    """The guide's listing keywords as one :class:`ModelQuery`."""
    conditions = [where] if isinstance(where, str) else list(where or ())
    conditions.extend(_metric_floor(metric_name, min_metric_value))
    return ModelQuery(
        task_type=task_type,
        tag=tag,
        status=status,
        name=name,
        where=tuple(conditions),
        order_by=order_by,
    )


def _metric_floor(metric_name: Any, min_value: Any) -> list[str]:
    """The original module's ``metric_name``/``min_metric_value`` as a condition."""
    if metric_name is None:
        if min_value is not None:
            raise ValidationError("min_metric_value needs metric_name")
        return []
    if not isinstance(metric_name, str) or not metric_name.strip():
        raise ValidationError(f"metric_name must be a metric name, not {metric_name!r}")
    if min_value is None:
        return [f"{metric_name} > -1e308"]  # every model that has the metric
    floor = validate.finite_number(min_value, "min_metric_value")
    return [f"{metric_name} >= {floor!r}"]


def model_ids(ids: Iterable[int]) -> list[int]:
    """Validated ids, in the order given; a string is refused rather than read digit by digit."""
    if isinstance(ids, str | bytes):
        raise ValidationError("model_ids must be a list of ids")
    return [validate.model_id(i) for i in ids]


def metric_names(metrics: str | Iterable[str] | None) -> list[str] | None:
    """``metrics`` as a list: one name given as a string is one metric, not its letters."""
    if metrics is None:
        return None
    if isinstance(metrics, str):
        return [metrics]
    names = list(metrics)
    for name in names:
        if not isinstance(name, str):
            raise ValidationError(f"metrics must be metric names, not {name!r}")
    return names
