"""What a change would do, read before doing it: the rules behind every confirmation.

One definition of "needs force", "exclusive tag" and "left with no active
holder", used by the write side (which enforces it), the CLI and the app (which
word their questions from it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from registry_tui.db import policies
from registry_tui.db.store import Store
from registry_tui.errors import ModelNotFoundError, TagNotFoundError
from registry_tui.records import ChangePlan, ModelRecord


def exclusive_tags(store: Store, tags: Iterable[str]) -> set[str]:
    """Which of ``tags`` are exclusive: by the registry's tag policy (``production``
    unless marked shared), else when the tag was last promoted exclusively."""
    wanted = set(tags)
    recorded = policies.policies(store.t)
    found = {t for t in wanted if recorded.get(t)}
    rest = {t for t in wanted if t not in recorded}
    if not rest:
        return found
    e = store.t.events
    rows: Any = (
        e.select(e.tag, e.details)
        .where((e.event == "promote") & e.tag.in_(sorted(rest)))
        .order_by(e.event_id.desc())
        .tuples()
    )
    seen: set[str] = set()
    for tag, details in rows:
        if tag in seen:
            continue
        seen.add(tag)
        if _exclusive(details):
            found.add(tag)
    return found


def _exclusive(details: Any) -> bool:
    try:
        data = json.loads(details) if details else {}
    except (TypeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("exclusive") is True


def active_holders(store: Store, tags: Iterable[str]) -> dict[str, set[int]]:
    """Ids of the active models holding each of ``tags``, in one statement."""
    wanted = sorted(set(tags))
    if not wanted:
        return {}
    t, m = store.t.tags, store.t.models
    rows: Any = (
        t.select(t.tag_name, t.model_id)
        .join(m, on=(m.model_id == t.model_id))
        .where(t.tag_name.in_(wanted) & ((m.status == "active") | m.status.is_null()))
        .tuples()
    )
    holders: dict[str, set[int]] = {tag: set() for tag in wanted}
    for tag, model_id in rows:
        holders.setdefault(str(tag), set()).add(int(model_id))
    return holders


def children(store: Store, model_id: int) -> tuple[ModelRecord, ...]:
    """The models whose parent is ``model_id``, by id."""
    return tuple(store.children(model_id))


def plan(store: Store, model_id: int, action: str, tag: str | None = None) -> ChangePlan:
    """What ``action`` (delete, retire, untag ``tag``) would do to the model.

    Raises:
        ModelNotFoundError: no such model.
        TagNotFoundError: ``untag`` of a tag the model does not hold.
    """
    record = store.by_id(model_id, with_exports=False)
    if record is None:
        raise ModelNotFoundError(model_id)
    if action == "untag":
        if tag not in record.tags:
            raise TagNotFoundError(f"Model {model_id} does not have tag '{tag}'")
        tags: tuple[str, ...] = (str(tag),)
    else:
        tags = record.tags
    exclusive = exclusive_tags(store, tags)
    active = record.status == "active"
    holders = active_holders(store, (t for t in tags if t in exclusive)) if active else {}
    orphaned = tuple(t for t in tags if t in holders and holders[t] <= {model_id})
    if action == "retire":
        return ChangePlan(
            action, record, tags, _ordered(tags, exclusive),
            () if not active else orphaned, no_op=not active,
        )  # fmt: skip
    kids = children(store, model_id) if action == "delete" else ()
    return ChangePlan(
        action, record, tags, _ordered(tags, exclusive), orphaned, kids,
        needs_force=action == "delete" and bool(tags or kids),
    )  # fmt: skip


def _ordered(tags: tuple[str, ...], chosen: set[str]) -> tuple[str, ...]:
    return tuple(t for t in tags if t in chosen)
