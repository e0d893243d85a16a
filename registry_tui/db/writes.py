"""The write side: each operation runs inside the caller's transaction.

:class:`Writer` methods assume an open write transaction (SQLite ``BEGIN
IMMEDIATE``; on PostgreSQL an advisory lock per tag where two writers could
otherwise interleave), so a failure anywhere rolls back everything, events
included. Statements on hot paths are compiled once (see :meth:`Store.run`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import peewee

from registry_tui.db import approvals, plans, policies, sequences
from registry_tui.db.orphans import set_aside_orphans
from registry_tui.db.store import P, Store
from registry_tui.errors import (
    DuplicateModelError,
    ModelNotFoundError,
    ModelStateError,
    TagNotFoundError,
    UnknownParentError,
)
from registry_tui.records import ChangePlan


@dataclass(frozen=True)
class NewModel:
    """Validated values of one registration."""

    name: str
    version: str
    version_key: str
    checkpoint_path: str
    task_type: str
    config_hash: str | None
    training_run_id: int | None
    parent_model_id: int | None
    metrics: dict[str, float | int]
    export_formats: list[str]
    model_size_mb: float | None
    memory_req_gb: float | None
    metadata_json: str
    tags: list[str]
    config_json: str | None
    params: int | None = None


_INSERTED = (
    "name", "version", "version_key", "checkpoint_path", "task_type", "config_hash",
    "training_run_id", "parent_model_id", "created_at", "metrics", "export_formats",
    "model_size_mb", "memory_req_gb", "metadata", "status", "params",
)  # fmt: skip
"""The ``models`` columns a registration writes besides the id (compiled once)."""


class Writer:
    """Transactional building blocks of every change, each recording its event."""

    def __init__(self, store: Store, actor: str) -> None:
        self.store = store
        self.t = store.t
        self.actor = actor

    # -- events -------------------------------------------------------------
    def event(
        self,
        at: str,
        event: str,
        model_id: int | None,
        tag: str | None = None,
        previous: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Append one history event (inside the caller's transaction)."""
        self.store.run(
            _insert_event,
            at=at,
            event=event,
            model=model_id,
            tag=tag,
            prev=previous,
            actor=self.actor,
            details=json.dumps(details, sort_keys=True) if details else None,
        )

    def events_many(
        self, at: str, rows: list[tuple[str, int | None, int | None, dict[str, Any]]]
    ) -> None:
        """Append several events ``(event, model_id, previous, details)`` in one statement."""
        e = self.t.events
        e.insert_many(
            [
                (at, event, model, None, previous, self.actor, json.dumps(details, sort_keys=True))
                for event, model, previous, details in rows
            ],
            fields=[e.at, e.event, e.model_id, e.tag, e.previous_model_id, e.actor, e.details],
        ).execute()

    # -- reads used inside write transactions ---------------------------------
    def status_of(self, model_id: int) -> str:
        """The model's status; :class:`ModelNotFoundError` when it does not exist."""
        row = self.store.run(_status_of, id=model_id).fetchone()
        if row is None:
            raise ModelNotFoundError(model_id)
        return str(row[0] or "active")

    def holders(self, tag: str) -> list[int]:
        """Ids holding ``tag``, oldest tagging first."""
        rows = self.store.run(_holders_of, tag=tag).fetchall()
        return [int(r[0]) for r in rows]

    def is_exclusive(self, tag: str) -> bool:
        """True when ``tag`` may have one holder only (see :mod:`.policies`)."""
        row = self.store.run(_tag_policy, tag=tag).fetchone()
        return policies.exclusive_given(tag, row)

    def lock_tag(self, tag: str) -> None:
        """Serialise writers of one tag on PostgreSQL (SQLite's BEGIN IMMEDIATE already does)."""
        if self.store.pg:
            self.store.db.execute_sql(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", ("registry_tui:tag:" + tag,)
            )

    # -- registration -----------------------------------------------------------
    def insert_model(self, new: NewModel, at: str, legacy_not_null_hash: bool) -> int:
        """Insert a model with its metrics, tags, config and event; return its id.

        The id is chosen here (see :mod:`registry_tui.db.sequences`): never a
        deleted model's, and the same on SQLite and PostgreSQL for the same
        operations. A duplicate is refused before anything is written.
        """
        if self.store.pg:
            self.store.db.execute_sql(
                "SELECT pg_advisory_xact_lock(hashtext('registry_tui:models'))"
            )
        self._refuse_duplicate(new)
        if new.parent_model_id is not None:
            try:
                self.status_of(new.parent_model_id)
            except ModelNotFoundError:
                raise UnknownParentError(new.parent_model_id) from None
        model_id, claim = sequences.next_model_id(self.store.db)
        set_aside_orphans(self.store.db, model_id, at)
        hash_value = new.config_hash
        if hash_value is None and legacy_not_null_hash:
            hash_value = ""
        try:
            self.store.run(
                _insert_model,
                id=model_id,
                name=new.name,
                version=new.version,
                version_key=new.version_key,
                checkpoint_path=new.checkpoint_path,
                task_type=new.task_type,
                config_hash=hash_value,
                training_run_id=new.training_run_id,
                parent_model_id=new.parent_model_id,
                created_at=at,
                metrics=json.dumps(new.metrics),
                export_formats=json.dumps(new.export_formats),
                model_size_mb=new.model_size_mb,
                memory_req_gb=new.memory_req_gb,
                metadata=new.metadata_json,
                status="active",
                params=new.params,
            )
        except peewee.IntegrityError as exc:
            text = str(exc).lower()
            if "unique" in text or "duplicate" in text:
                raise DuplicateModelError(new.name, new.version) from None
            raise
        self._insert_children(model_id, new, at)
        self.event(at, "register", model_id, details={"name": new.name, "version": new.version})
        for tag in new.tags:
            self._tag_new_model(model_id, tag, at)
        if claim:
            sequences.claim_model_id(self.store.db, model_id)
        return model_id

    def _refuse_duplicate(self, new: NewModel) -> None:
        found = self.store.run(_id_by_name_version, n=new.name, v=new.version).fetchone()
        if found is not None:
            raise DuplicateModelError(new.name, new.version)

    def _tag_new_model(self, model_id: int, tag: str, at: str) -> None:
        """Record a registration's tag; an exclusive tag moves from its holders (a promotion)."""
        details: dict[str, Any] = {"exclusive": False}
        previous = None
        approvals.refuse_protected(self.store.db, tag, None, "register the model without it, then ")
        if self.is_exclusive(tag):
            self.lock_tag(tag)
            others = policies.holders_with_tag(self.t, tag, model_id)
            details = {"exclusive": True}
            if others:
                t = self.t.tags
                t.delete().where((t.tag_name == tag) & (t.model_id != model_id)).execute()
                details["removed_from"] = others
                previous = others[-1]
        self.event(at, "promote", model_id, tag, previous, details)

    def _insert_children(self, model_id: int, new: NewModel, at: str) -> None:
        # model_metrics rows are derived from models.metrics by a trigger
        # (registry_tui.db.derived), whoever writes the row.
        for tag in new.tags:  # rarely more than one or two: one compiled insert each
            self.add_tag(model_id, tag, at)
        if new.config_json is not None and new.config_hash:
            c = self.t.configs
            c.insert(
                config_hash=new.config_hash, config=new.config_json, created_at=at
            ).on_conflict_ignore().execute()

    # -- tags -------------------------------------------------------------------
    def promote(
        self,
        model_id: int,
        tag: str,
        exclusive: bool,
        at: str,
        approval: dict[str, Any] | None = None,
        kind: str = "promote",
    ) -> tuple[bool, list[int]]:
        """Give ``tag`` to the model; return whether anything changed and the ids it was
        taken from. A tag the registry marks exclusive is always taken from the others.

        A protected tag moves only with ``approval`` (the details of the approved
        request, or of a break-glass promote, written into the ``kind`` event)."""
        self.lock_tag(tag)
        if approval is None:
            approvals.refuse_protected(self.store.db, tag, model_id)
        exclusive = exclusive or self.is_exclusive(tag)
        if self.status_of(model_id) != "active":
            raise ModelStateError(
                f"Model {model_id} is retired; only active models can be promoted"
            )
        holders = self.holders(tag)
        others = [h for h in holders if h != model_id]
        if model_id in holders and (not exclusive or not others):
            return False, []
        if exclusive and others:
            self.store.run(_untag_others, tag=tag, id=model_id)
        if model_id not in holders:
            self.add_tag(model_id, tag, at)
        details: dict[str, Any] = {"exclusive": exclusive, **(approval or {})}
        if exclusive and others:
            details["removed_from"] = others
        previous = others[-1] if exclusive and others else None
        self.event(at, kind, model_id, tag, previous, details)
        return True, others if exclusive else []

    def add_tag(self, model_id: int, tag: str, at: str) -> None:
        """Insert a ``model_tags`` row."""
        self.store.run(_insert_tag, id=model_id, tag=tag, at=at)

    def remove_tag(self, model_id: int, tag: str, at: str) -> None:
        """Take ``tag`` off the model."""
        self.lock_tag(tag)
        self.status_of(model_id)
        approvals.refuse_protected(
            self.store.db,
            tag,
            None,
            f"model {model_id} keeps it until an approved request moves it; ",
        )
        t = self.t.tags
        removed = t.delete().where((t.model_id == model_id) & (t.tag_name == tag)).execute()
        if not removed:
            raise TagNotFoundError(f"Model {model_id} does not have tag '{tag}'")
        self.event(at, "untag", model_id, tag)

    def rollback_target(self, tag: str) -> tuple[int, int | None]:
        """``(previous holder, current holder)`` of ``tag``: what a rollback would do.

        Reads only; :class:`TagNotFoundError` when no earlier holder is still active.
        """
        stack = self._holder_stack(tag)
        holders = self.holders(tag)
        current = holders[-1] if holders else None
        for candidate in (h for h in reversed(stack) if h != current):
            record = self.store.by_id(candidate, with_exports=False)
            if record is not None and record.status == "active":
                return candidate, current
        raise TagNotFoundError(
            f"No previous holder of tag '{tag}' to roll back to "
            "(the history has none that is still active)"
        )

    def rollback(self, tag: str, at: str) -> int:
        """Give an exclusive tag back to its previous holder; return that model's id."""
        self.lock_tag(tag)
        candidate, current = self.rollback_target(tag)
        approvals.refuse_protected(self.store.db, tag, candidate)
        # Undo the last change only: the latest holder gives the tag back;
        # holders of a shared (non-exclusive) tag keep theirs.
        removed = [current] if current is not None else []
        if current is not None:
            t = self.t.tags
            t.delete().where((t.tag_name == tag) & (t.model_id == current)).execute()
        if candidate not in self.holders(tag):
            self.add_tag(candidate, tag, at)
        self.event(at, "rollback", candidate, tag, current, {"removed_from": removed})
        return candidate

    def _holder_stack(self, tag: str) -> list[int]:
        """Successive holders of ``tag`` by the history, rollbacks popping the stack."""
        e = self.t.events
        rows: Any = (
            e.select(e.event, e.model_id)
            .where((e.tag == tag) & (e.event.in_(["promote", "rollback", "break_glass"])))
            .order_by(e.event_id)
            .tuples()
        )
        stack: list[int] = []
        for event, model_id in rows:
            if event == "rollback":
                if stack:
                    stack.pop()
                if model_id is not None and (not stack or stack[-1] != model_id):
                    stack.append(int(model_id))
            elif model_id is not None and (not stack or stack[-1] != model_id):
                stack.append(int(model_id))
        if stack:
            stack.pop()  # the current holder
        return stack

    # -- lifecycle --------------------------------------------------------------
    def retire(self, model_id: int, at: str, reason: str | None = None) -> bool:
        """Mark a model retired (the event saying ``reason`` when given); False when it
        already was."""
        if self.status_of(model_id) == "retired":
            return False
        approvals.refuse_holder(self.store.db, model_id, "retired")
        self.store.run(_set_status, id=model_id, status="retired")
        self.event(at, "retire", model_id, details={"reason": reason} if reason else None)
        return True

    def restore(self, model_id: int, at: str) -> bool:
        """Make a retired model active again; False when it already was active."""
        if self.status_of(model_id) != "retired":
            return False
        m = self.t.models
        m.update(status="active").where(m.model_id == model_id).execute()
        self.event(at, "restore", model_id)
        return True

    def delete(self, model_id: int, force: bool, at: str) -> None:
        """Delete a model, its tags, exports and metric rows; unlink its children."""
        change = plans.plan(self.store, model_id, "delete")
        if change.tags:
            approvals.refuse_holder(self.store.db, model_id, "deleted")
        record, m = change.model, self.t.models
        children = [c.model_id for c in change.children]
        if change.needs_force and not force:
            raise ModelStateError(_force_message(change))
        if children:  # one statement each, however many children
            m.update(parent_model_id=None).where(m.parent_model_id == model_id).execute()
            self.events_many(
                at,
                [("unlink", child, model_id, {"parent_deleted": model_id}) for child in children],
            )
        for table in (self.t.tags, self.t.exports, self.t.metrics, self.t.hashes):
            table.delete().where(table.model_id == model_id).execute()
        m.delete().where(m.model_id == model_id).execute()
        self.event(
            at,
            "delete",
            model_id,
            details={
                "name": record.name,
                "version": record.version,
                "tags": list(record.tags),
                "forced": force,
            },
        )

    def add_export(
        self, model_id: int, export_format: str, path: str, metadata_json: str, at: str
    ) -> int:
        """Insert a ``model_exports`` row and list the format on the model."""
        record = self.store.by_id(model_id, with_exports=False)
        if record is None:
            raise ModelNotFoundError(model_id)
        e, m = self.t.exports, self.t.models
        export_id = int(
            e.insert(
                model_id=model_id,
                export_format=export_format,
                export_path=path,
                created_at=at,
                metadata=metadata_json,
            ).execute()
        )
        if export_format not in record.export_formats:
            formats = [*record.export_formats, export_format]
            m.update(export_formats=json.dumps(formats)).where(m.model_id == model_id).execute()
        self.event(at, "export", model_id, details={"format": export_format, "path": path})
        return export_id


def _force_message(change: ChangePlan) -> str:
    """Why a delete needs ``force`` (the first reason: tags, then children)."""
    what = f"{len(change.tags)} tag(s)" if change.tags else f"{len(change.children)} child model(s)"
    return f"Model {change.model.model_id} has {what}. Use force=True to delete anyway"


# -- compiled statements (see Store.run) ---------------------------------------------------
def _insert_event(store: Store) -> Any:
    return store.t.events.insert(
        at=P("at"), event=P("event"), model_id=P("model"), tag=P("tag"),
        previous_model_id=P("prev"), actor=P("actor"), details=P("details"),
    )  # fmt: skip


def _insert_model(store: Store) -> Any:
    m = store.t.models
    return m.insert({m.model_id: P("id")} | {getattr(m, f): P(f) for f in _INSERTED})


def _insert_tag(store: Store) -> Any:
    return store.t.tags.insert(model_id=P("id"), tag_name=P("tag"), created_at=P("at"))


def _status_of(store: Store) -> Any:
    m = store.t.models
    return m.select(m.status).where(m.model_id == P("id"))


def _set_status(store: Store) -> Any:
    m = store.t.models
    return m.update(status=P("status")).where(m.model_id == P("id"))


def _id_by_name_version(store: Store) -> Any:
    m = store.t.models
    return m.select(m.model_id).where((m.name == P("n")) & (m.version == P("v")))


def _holders_of(store: Store) -> Any:
    t = store.t.tags
    return t.select(t.model_id).where(t.tag_name == P("tag")).order_by(t.tag_id)


def _tag_policy(store: Store) -> Any:
    p = store.t.policies
    return p.select(p.exclusive).where(p.tag == P("tag"))


def _untag_others(store: Store) -> Any:
    t = store.t.tags
    return t.delete().where((t.tag_name == P("tag")) & (t.model_id != P("id")))
