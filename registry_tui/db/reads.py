"""Reads that span several models or the history: tags, lineage, configs, events, overviews.

Functions over a :class:`~registry_tui.db.store.Store`, called by
:class:`~registry_tui.registry.ModelRegistry` with arguments it has already
validated; they return records, never rows.
"""

from __future__ import annotations

from typing import Any

import peewee

from registry_tui.db import counts
from registry_tui.db.store import Store, format_ts, loads
from registry_tui.errors import ModelNotFoundError
from registry_tui.records import EventRecord, Facets, ModelRecord


def tag_names(store: Store) -> list[str]:
    """Every tag in use, sorted."""
    t = store.t.tags
    rows: Any = t.select(t.tag_name).distinct().order_by(t.tag_name).tuples()
    return [str(r[0]) for r in rows]


def tag_holders(store: Store, tag: str) -> list[ModelRecord]:
    """Models holding ``tag``, most recently tagged first."""
    t = store.t.tags
    rows: Any = t.select(t.model_id).where(t.tag_name == tag).order_by(t.tag_id.desc()).tuples()
    ids = [int(r[0]) for r in rows]
    found = store.many(ids)
    return [found[i] for i in ids if i in found]


def holder_near(store: Store, model_id: int, tag: str) -> ModelRecord | None:
    """The holder of ``tag`` a model is best compared with (see ``tag_holder_near``)."""
    holders = tag_holders(store, tag)
    if not holders:
        return None
    record = store.by_id(model_id, with_exports=False)
    if record is None:
        raise ModelNotFoundError(model_id)
    family = {r.model_id for r in family_records(store, record.model_id)}
    preferences = (
        lambda h: h.model_id == record.model_id,
        lambda h: h.model_id in family,
        lambda h: h.name == record.name,
        lambda h: h.task_type == record.task_type,
    )
    for prefer in preferences:
        if chosen := next((h for h in holders if prefer(h)), None):
            return chosen
    return holders[0]


def lineage(store: Store, model_id: int) -> list[ModelRecord]:
    """The parent chain, root first, the model last."""
    chain = store.ancestors(model_id)
    if not chain:
        raise ModelNotFoundError(model_id)
    return chain


def descendants(store: Store, model_id: int) -> list[ModelRecord]:
    """Every model fine-tuned from this one, directly or not; parents first."""
    tree = store.descendants(model_id)
    if not tree:
        raise ModelNotFoundError(model_id)
    return tree[1:]


def family_records(store: Store, model_id: int) -> list[ModelRecord]:
    """The root ancestor of the model and all of the root's descendants."""
    root = lineage(store, model_id)[0]
    return [root, *descendants(store, root.model_id)]


def stored_config(store: Store, config_hash: str) -> dict[str, Any] | None:
    """The config stored under ``config_hash``, or ``None``."""
    c = store.t.configs
    row = c.select(c.config).where(c.config_hash == config_hash).tuples().first()
    return loads(row[0], {}) if row else None


def checkpoint_hash(store: Store, model_id: int) -> tuple[str, int, str] | None:
    """``(sha256, size_bytes, recorded_at)`` that ``check --hashes`` recorded for the
    model's checkpoint, or ``None``."""
    h = store.t.hashes
    row = (
        h.select(h.sha256, h.size_bytes, h.recorded_at)
        .where(h.model_id == model_id)
        .tuples()
        .first()
    )
    return None if row is None else (str(row[0]), int(row[1]), format_ts(row[2]))


def events(
    store: Store, model_id: int | None, tag: str | None, limit: int | None, offset: int
) -> list[EventRecord]:
    """History events, newest first, optionally for one model and/or one tag."""
    e = store.t.events
    query = e.select(
        e.event_id, e.at, e.event, e.model_id, e.tag, e.previous_model_id, e.actor, e.details
    )
    if model_id is not None:
        query = query.where((e.model_id == model_id) | (e.previous_model_id == model_id))
    if tag is not None:
        query = query.where(e.tag == tag)
    query = query.order_by(e.event_id.desc())
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [
        EventRecord(r[0], format_ts(r[1]), r[2], r[3], r[4], r[5], r[6], loads(r[7], {}))
        for r in store.db.execute(query).fetchall()
    ]


def change_token(store: Store) -> int:
    """The latest event id: it changes whenever any process commits a change."""
    row = store.run(_latest_event_id).fetchone()
    return int(row[0] or 0)


def _latest_event_id(store: Store) -> Any:
    e = store.t.events
    return e.select(peewee.fn.MAX(e.event_id))


def facets(store: Store, status: str | None) -> Facets:
    """Model counts per task type and per tag (for ``status``; None = all).

    Read from the trigger-kept count tables (:mod:`registry_tui.db.counts`):
    a few rows, whatever the size of the registry.
    """
    tasks, tags, total = counts.facets(store.db, status, store.pg)
    return Facets(tuple(tasks), tuple(tags), total)


def common_metrics(store: Store, limit: int) -> list[str]:
    """The most frequent metric names among the latest 2,000 models."""
    m, mm = store.t.models, store.t.metrics
    recent = m.select(m.model_id).order_by(m.model_id.desc()).limit(2000)
    rows: Any = (
        mm.select(mm.metric, peewee.fn.COUNT(mm.model_id).alias("n"))
        .where(mm.model_id.in_(recent))
        .group_by(mm.metric)
        .order_by(peewee.SQL("n").desc(), mm.metric)
        .limit(limit)
        .tuples()
    )
    return [str(r[0]) for r in rows]
