"""Normalise what legacy writers stored, in one transaction, every change in the history.

What :mod:`registry_tui.db.legacy` reads leniently is written back in its
proper form: text numbers and ids as numbers (unreadable ones cleared), BLOB
text as text, times as UTC ``YYYY-MM-DD HH:MM:SS``, a NULL status as the
guide's default ``active``, metrics kept to numbers (the original column
text moved to ``metadata.legacy_metrics``), a metadata value that is not an
object moved to ``metadata.legacy_metadata``, export formats as names,
duplicate tag rows deleted, and each parent cycle broken at its lowest id.
A ``created_at`` that is no time at all becomes the time of the repair (the
text kept in ``metadata.legacy_created_at``), so the file can be dumped and
loaded. What cannot be normalised (a status such as ``experimental``) is left
for the user; ``check`` says what to do about it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import peewee

from registry_tui import validate
from registry_tui.db.legacy import as_dict, as_text
from registry_tui.db.schema import Tables
from registry_tui.db.store import Store
from registry_tui.db.writes import Writer
from registry_tui.errors import ValidationError
from registry_tui.records import RECORD_COLUMNS, ModelQuery, ModelRecord

_SIMPLE = tuple(c.name for c in RECORD_COLUMNS if c.kind in ("text", "int", "float"))
"""Fields normalised by storing the record's value (text, or a number or NULL)."""


@dataclass(frozen=True, slots=True)
class Repair:
    """One model's normalised fields: ``{field: (what was stored, what is stored now)}``."""

    model_id: int
    changes: dict[str, tuple[str, Any]]


def parent_cycles(records: dict[int, ModelRecord]) -> list[list[int]]:
    """Each parent cycle once, as its model ids starting from the lowest."""
    cycles: list[list[int]] = []
    done: set[int] = set()
    for start in sorted(records):
        path: list[int] = []
        current: int | None = start
        while current is not None and current in records and current not in done:
            if current in path:
                cycle = path[path.index(current) :]
                low = cycle.index(min(cycle))
                cycles.append(cycle[low:] + cycle[:low])
                break
            path.append(current)
            current = records[current].parent_model_id
        done.update(path)
    return cycles


def repair(store: Store, writer: Writer, at: str) -> list[Repair]:
    """Normalise every model (inside the caller's write transaction); return what changed."""
    records = {r.model_id: r for r in store.select_records(ModelQuery(status=None), 0, None)}
    cut = {cycle[0] for cycle in parent_cycles(records)}
    repairs = []
    for record in records.values():
        changes = _model_changes(store.t, record, record.model_id in cut, at)
        if changes:
            _apply(store, record, changes)
            details = {k: {"was": was, "now": now} for k, (was, now) in changes.items()}
            writer.event(at, "repair", record.model_id, details=details)
            repairs.append(Repair(record.model_id, changes))
    repairs.extend(_repair_exports(store, writer, at))
    return repairs


def _repair_exports(store: Store, writer: Writer, at: str) -> list[Repair]:
    """Export rows: a format stored as a number made text, metadata made a JSON object."""
    e = store.t.exports
    rows: Any = e.select(e.export_id, e.model_id, e.export_format, e.metadata).tuples()
    repairs = []
    for export_id, model_id, fmt, metadata in rows.iterator():
        changes: dict[str, tuple[str, Any]] = {}
        text, problem = as_text(fmt)
        if problem is not None:
            changes["export_format"] = (problem, text)
        data, problem = as_dict(metadata)
        if problem is not None:
            changes["metadata"] = (problem, {**data, "legacy_metadata": _as_text(metadata)})
        if not changes:
            continue
        values: dict[Any, Any] = {e.export_format: changes.get("export_format", (0, fmt))[1]}
        if "metadata" in changes:
            values[e.metadata] = json.dumps(changes["metadata"][1], sort_keys=True)
        e.update(values).where(e.export_id == export_id).execute()
        details = {f"export {export_id} {k}": {"was": w, "now": n} for k, (w, n) in changes.items()}
        writer.event(at, "repair", model_id, details=details)
        repairs.append(
            Repair(int(model_id), {f"export {export_id} {k}": v for k, v in changes.items()})
        )
    return repairs


def _model_changes(
    t: Tables, record: ModelRecord, cut: bool, at: str
) -> dict[str, tuple[str, Any]]:
    odd = record.odd
    changes: dict[str, tuple[str, Any]] = {}
    for name in _SIMPLE:
        if name in odd:
            changes[name] = (odd[name], getattr(record, name))
    if "created_at" in odd:
        readable = not odd["created_at"].startswith(("not a time", "NULL"))
        changes["created_at"] = (odd["created_at"], record.created_at if readable else at)
    if odd.get("status") == "not active or retired: None":
        changes["status"] = (odd["status"], "active")
    if "export_formats" in odd:
        names = [f for f in record.export_formats if _is_name(f)]
        changes["export_formats"] = (odd["export_formats"], names)
    if "tags" in odd:
        changes["tags"] = (odd["tags"], list(record.tags))
    if {"metrics", "metadata", "export_formats"} & set(odd) or "created_at" in changes:
        changes.update(_json_changes(t, record))
    if cut:
        changes["parent_model_id"] = (f"in a parent cycle via {record.parent_model_id}", None)
    return changes


def _json_changes(t: Tables, record: ModelRecord) -> dict[str, tuple[str, Any]]:
    m = t.models
    raw: Any = m.select(m.metrics, m.metadata).where(m.model_id == record.model_id).tuples()
    metrics_text, metadata_text = raw.first()
    metadata = dict(record.metadata)
    changes: dict[str, tuple[str, Any]] = {}
    if "metadata" in record.odd:
        metadata["legacy_metadata"] = _as_text(metadata_text)
    if record.odd.get("created_at", "").startswith(("not a time", "NULL")):
        metadata["legacy_created_at"] = record.created_at or None
    if "export_formats" in record.odd:
        metadata["legacy_export_formats"] = list(record.export_formats)
    if "metrics" in record.odd:
        metadata["legacy_metrics"] = _as_text(metrics_text)
        changes["metrics"] = (record.odd["metrics"], dict(record.metrics))
    changes["metadata"] = (record.odd.get("metadata", "legacy values kept"), metadata)
    return changes


def _is_name(value: str) -> bool:
    try:
        validate.tag(value)
    except ValidationError:
        return False
    return True


def _as_text(value: Any) -> str:
    return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else str(value)


def _apply(store: Store, record: ModelRecord, changes: dict[str, tuple[str, Any]]) -> None:
    m = store.t.models
    values: dict[Any, Any] = {}
    for name, (_, now) in changes.items():
        if name == "tags":
            for tag in now:
                _drop_duplicate_tags(store.t, record.model_id, tag)
        elif name in ("export_formats", "metrics", "metadata"):
            values[getattr(m, name)] = json.dumps(now, sort_keys=name == "metadata", default=str)
        else:
            values[getattr(m, name)] = now
    if values:
        m.update(values).where(m.model_id == record.model_id).execute()


def _drop_duplicate_tags(t: Tables, model_id: int, tag: str) -> None:
    """Keep the first ``model_tags`` row of (model, tag), delete the rest."""
    tags = t.tags
    same = (tags.model_id == model_id) & (tags.tag_name == tag)
    first = tags.select(peewee.fn.MIN(tags.tag_id)).where(same)
    tags.delete().where(same & (tags.tag_id != first)).execute()
