"""Metric conventions shared by every face: which direction is better.

A metric is better when lower when its name contains ``loss``, ``error``,
``perplexity`` or ``latency``; when one of its words (split at ``_``, ``-``,
``.``, ``/`` or spaces) is an error rate or distance (``wer``, ``cer``, ``mse``,
``mae``, ``rmse`` ...) or a duration (``time``, ``duration``, ``seconds``,
``hours`` ...); or when it ends in a time unit (``_ms``, ``_s``, ``_sec``,
``_min``, ``_h``), unless it is a rate (``tokens_per_sec``). Any other metric
is better when higher. Callers may override per metric, and a registry records directions of its own
(``ModelRegistry.metric_directions()``), which faces pass here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

_LOWER_WORDS = ("loss", "error", "perplexity", "latency")
_LOWER_TOKENS = frozenset(
    {
        "wer", "cer", "ter", "mse", "mae", "rmse", "msle", "rmsle", "mape", "smape",
        "nll", "bpc", "bpb", "fid", "eer", "far", "frr", "time", "duration", "seconds",
        "secs", "sec", "ms", "us", "ns", "minutes", "mins", "hours", "hrs", "days", "cost",
        "ppl", "memory", "mem",
    }
)  # fmt: skip
_LOWER_SUFFIXES = ("_ms", "_time", "_s", "_sec", "_min", "_h")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")


def lower_is_better(
    metric: str,
    *,
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> bool:
    """True when a smaller value of ``metric`` is better.

    ``lower``/``higher`` list metric names whose direction the caller forces.
    """
    if metric in set(lower):
        return True
    if metric in set(higher):
        return False
    name = metric.lower()
    if any(w in name for w in _LOWER_WORDS):
        return True
    tokens = _WORD_SPLIT.split(name)
    if "per" in tokens:  # a rate: tokens_per_sec, samples_per_second
        return False
    return name.endswith(_LOWER_SUFFIXES) or any(t in _LOWER_TOKENS for t in tokens)


def direction_lists(
    recorded: Mapping[str, bool],
    lower: Iterable[str] = (),
    higher: Iterable[str] = (),
) -> tuple[list[str], list[str]]:
    """The ``lower``/``higher`` lists for :func:`lower_is_better`: a registry's recorded
    directions (metric -> lower is better), overridden by what the caller forces."""
    lower, higher = list(lower), list(higher)
    forced = set(lower) | set(higher)
    lower += [m for m, low in recorded.items() if low and m not in forced]
    higher += [m for m, low in recorded.items() if not low and m not in forced]
    return lower, higher


def best_index(
    values: Sequence[float | None],
    lower_better: bool,
) -> set[int]:
    """Indexes of the best value(s) in ``values`` (ties all win; missing never does)."""
    present = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(float(v))]
    if not present:
        return set()
    pick = min if lower_better else max
    best = pick(v for _, v in present)
    return {i for i, v in present if v == best}


def numeric_items(metrics: object) -> list[tuple[str, float]]:
    """The finite numeric entries of a metrics dict, as ``(name, float)``.

    What the indexed ``model_metrics`` table holds for a model; anything else in
    a legacy or loaded metrics value (text, bools, NaN, non-dicts) is skipped.
    """
    if not isinstance(metrics, dict):
        return []
    return [
        (str(key), float(value))
        for key, value in metrics.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and is_finite(value)
    ]


def is_finite(value: float) -> bool:
    """``math.isfinite``, false for an int too large for a float (instead of raising)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def metric_union(metric_maps: Iterable[Mapping[str, float]]) -> list[str]:
    """Metric names across models, in first-seen order."""
    seen: dict[str, None] = {}
    for metrics in metric_maps:
        for key in metrics:
            seen.setdefault(key, None)
    return list(seen)
