"""What a registry records about its metrics and tags: directions and exclusivity.

``metric_directions`` says which way a metric is better when its name does not
(``wer`` is an error rate); ``tag_policies`` marks tags exclusive (one holder at
a time, moved on promotion and on registration) or shared. ``production`` is
exclusive unless the registry marks it shared.
"""

from __future__ import annotations

from typing import Any

from registry_tui.db.schema import Tables

DEFAULT_EXCLUSIVE: frozenset[str] = frozenset({"production"})


def directions(tables: Tables) -> dict[str, bool]:
    """Recorded directions: metric -> True when lower is better."""
    d = tables.directions
    rows: Any = d.select(d.metric, d.lower_is_better).order_by(d.metric).tuples()
    return {str(metric): bool(lower) for metric, lower in rows}


def set_direction(tables: Tables, metric: str, lower: bool | None, at: str) -> bool | None:
    """Record (or with ``None`` forget) a metric's direction; return the previous one."""
    d = tables.directions
    row: Any = d.select(d.lower_is_better).where(d.metric == metric).tuples().first()
    previous = None if row is None else bool(row[0])
    if lower is None:
        d.delete().where(d.metric == metric).execute()
    else:
        d.insert(metric=metric, lower_is_better=lower, set_at=at).on_conflict(
            conflict_target=[d.metric],
            update={d.lower_is_better: lower, d.set_at: at},
        ).execute()
    return previous


def policies(tables: Tables) -> dict[str, bool]:
    """Every tag with a policy: the defaults, then what the registry recorded."""
    p = tables.policies
    recorded: Any = p.select(p.tag, p.exclusive).tuples()
    out = dict.fromkeys(DEFAULT_EXCLUSIVE, True)
    out.update({str(tag): bool(exclusive) for tag, exclusive in recorded})
    return dict(sorted(out.items()))


def exclusive_given(tag: str, row: Any) -> bool:
    """Whether ``tag`` is exclusive, given its ``tag_policies`` row (None: no policy recorded).

    The row is read by the writer's compiled statement (``Writer.is_exclusive``),
    on every registration with a tag and every promotion.
    """
    return tag in DEFAULT_EXCLUSIVE if row is None else bool(row[0])


def set_policy(tables: Tables, tag: str, exclusive: bool, at: str) -> None:
    """Record whether ``tag`` is exclusive."""
    p = tables.policies
    p.insert(tag=tag, exclusive=exclusive, set_at=at).on_conflict(
        conflict_target=[p.tag], update={p.exclusive: exclusive, p.set_at: at}
    ).execute()


def holders_with_tag(tables: Tables, tag: str, but: int) -> list[int]:
    """Models other than ``but`` holding ``tag``, oldest tagging first."""
    t = tables.tags
    rows: Any = (
        t.select(t.model_id).where((t.tag_name == tag) & (t.model_id != but)).order_by(t.tag_id)
    ).tuples()
    return [int(r[0]) for r in rows]
