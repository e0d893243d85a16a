"""Read-only views of the registry: comparison, lineage, configs, history, overviews.

A mixin of :class:`~registry_tui.registry.ModelRegistry`, kept apart so each
module stays small; every method reads through the same store as the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import peewee

from registry_tui import validate
from registry_tui.db import counts
from registry_tui.db.guard import guard as _guard
from registry_tui.db.schema import Tables
from registry_tui.db.store import Store, format_ts, loads
from registry_tui.errors import ConfigNotFoundError, ModelNotFoundError, ValidationError
from registry_tui.records import ConfigChange, EventRecord, Facets, ModelRecord

if TYPE_CHECKING:
    import pandas as pd

_log = logging.getLogger("registry_tui")


class RegistryViews:
    """Reads that span several models or the history."""

    _db: peewee.Database
    _tables: Tables
    _store: Store

    def require_record(self, model_id: int) -> ModelRecord:  # implemented by ModelRegistry
        raise NotImplementedError

    @_guard
    def records_by_id(self, model_ids: Iterable[int]) -> dict[int, ModelRecord]:
        """Existing models among ``model_ids`` (no exports), in one query per 500 ids."""
        return self._store.many(validate.model_id(i) for i in model_ids)

    @_guard
    def tag_names(self) -> list[str]:
        """Every tag in use, sorted."""
        t = self._tables.tags
        rows: Any = t.select(t.tag_name).distinct().order_by(t.tag_name).tuples()
        return [str(r[0]) for r in rows]

    @_guard
    def tag_holders(self, tag: str) -> list[ModelRecord]:
        """Models holding ``tag``, most recently tagged first."""
        t = self._tables.tags
        rows: Any = t.select(t.model_id).where(t.tag_name == tag).order_by(t.tag_id.desc()).tuples()
        ids = [int(r[0]) for r in rows]
        found = self._store.many(ids)
        return [found[i] for i in ids if i in found]

    def tag_holder_near(self, model_id: int, tag: str = "production") -> ModelRecord | None:
        """The holder of ``tag`` a model is best compared with, or ``None`` when nobody holds it.

        Several models may hold a tag (one per family, say): the holder in the
        model's own fine-tune family wins, then one with the same name, then one
        with the same task type, then the most recently tagged. The model itself
        is returned when it holds the tag.
        """
        holders = self.tag_holders(validate.tag(tag))
        if not holders:
            return None
        record = self.require_record(model_id)
        family = {r.model_id for r in self.family_records(record.model_id)}
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

    # -- comparison and lineage ----------------------------------------------------------------
    @_guard
    def compare_records(self, model_ids: Iterable[int]) -> list[ModelRecord]:
        """Records in the order given; :class:`ModelNotFoundError` for an unknown id."""
        if isinstance(model_ids, str | bytes):
            raise ValidationError("model_ids must be a list of ids")
        ids = [validate.model_id(i) for i in model_ids]
        found = self._store.many(ids)
        for model_id in ids:
            if model_id not in found:
                raise ModelNotFoundError(model_id)
        return [found[i] for i in ids]

    def compare_models(
        self, model_ids: Iterable[int], metrics: str | Iterable[str] | None = None
    ) -> pd.DataFrame:
        """The guide's comparison: one row per model, in the order given.

        Columns: ``model_id, name, version, task_type, created_at, status,
        model_size_mb, memory_req_gb``, then one float column per metric (all the
        models' metrics, or ``metrics``: a list of names, or one name). As in the
        original module, ids that name no model are skipped with a logged
        warning. A metric named like one of those columns (say ``version``) is
        given as ``metrics.version`` so it never overwrites the column.
        """
        from registry_tui.frames import compare_frame

        if isinstance(model_ids, str | bytes):
            raise ValidationError("model_ids must be a list of ids")
        ids = [validate.model_id(i) for i in model_ids]
        names = _metric_names(metrics)
        found = self.records_by_id(ids)
        for missing in dict.fromkeys(i for i in ids if i not in found):
            _log.warning("compare_models: model %d not found, skipped", missing)
        return compare_frame([found[i] for i in ids if i in found], names)

    @_guard
    def lineage_records(self, model_id: int) -> list[ModelRecord]:
        """The parent chain, root first, the model last."""
        mid = validate.model_id(model_id)
        chain = self._store.ancestors(mid)
        if not chain:
            raise ModelNotFoundError(mid)
        return chain

    @_guard
    def descendant_records(self, model_id: int) -> list[ModelRecord]:
        """Every model fine-tuned from this one, directly or not; parents first."""
        mid = validate.model_id(model_id)
        tree = self._store.descendants(mid)
        if not tree:
            raise ModelNotFoundError(mid)
        return tree[1:]

    def family_records(self, model_id: int) -> list[ModelRecord]:
        """The root ancestor of the model and all of the root's descendants."""
        root = self.lineage_records(model_id)[0]
        return [root, *self.descendant_records(root.model_id)]

    def get_model_lineage(self, model_id: int) -> list[dict[str, Any]]:
        """The guide's lineage: dicts from the oldest ancestor to the model."""
        return [r.to_dict() for r in self.lineage_records(model_id)]

    def get_descendants(self, model_id: int) -> list[dict[str, Any]]:
        """Dicts of every model below this one in the fine-tune tree."""
        return [r.to_dict() for r in self.descendant_records(model_id)]

    # -- configs -------------------------------------------------------------------------------
    @_guard
    def get_config(self, model_id: int) -> dict[str, Any] | None:
        """The full config stored at registration, or ``None`` when none was given."""
        record = self.require_record(model_id)
        if not record.config_hash:
            return None
        c = self._tables.configs
        row = c.select(c.config).where(c.config_hash == record.config_hash).tuples().first()
        return loads(row[0], {}) if row else None

    def config_changes(self, a: int, b: int) -> list[ConfigChange]:
        """Differences between the stored configs of two models, by dotted key."""
        left, right = self.get_config(a), self.get_config(b)
        for model_id, config in ((a, left), (b, right)):
            if config is None:
                raise ConfigNotFoundError(
                    f"No config stored for model {model_id} (register it with config=...)"
                )
        assert left is not None and right is not None
        return _diff(_flatten(left), _flatten(right))

    def diff_configs(self, a: int, b: int) -> list[dict[str, Any]]:
        """Config differences as dicts: ``{key, change, a, b}``."""
        return [c.to_dict() for c in self.config_changes(a, b)]

    # -- history --------------------------------------------------------------------------------
    @_guard
    def events(
        self,
        model_id: int | None = None,
        tag: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[EventRecord]:
        """History events, newest first, optionally for one model and/or one tag.

        ``offset`` skips that many of the newest matches (pages of ``limit``).
        """
        e = self._tables.events
        query = e.select(
            e.event_id, e.at, e.event, e.model_id, e.tag, e.previous_model_id, e.actor, e.details
        )
        if model_id is not None:
            mid = validate.model_id(model_id)
            query = query.where((e.model_id == mid) | (e.previous_model_id == mid))
        if tag is not None:
            query = query.where(e.tag == tag)
        query = query.order_by(e.event_id.desc())
        if limit is not None:
            query = query.limit(validate.count(limit, "limit"))
        offset = validate.count(offset, "offset")
        if offset:
            query = query.offset(offset)
        return [
            EventRecord(r[0], format_ts(r[1]), r[2], r[3], r[4], r[5], r[6], loads(r[7], {}))
            for r in self._db.execute(query).fetchall()
        ]

    def history(
        self, model_id: int | None = None, tag: str | None = None, limit: int | None = 100
    ) -> pd.DataFrame:
        """The event log as a DataFrame, newest first."""
        from registry_tui.frames import history_frame

        return history_frame(self.events(model_id, tag, limit))

    @_guard
    def change_token(self) -> int:
        """A number that changes whenever any process commits a change (latest event id)."""
        e = self._tables.events
        row = self._store.run("token", lambda: e.select(peewee.fn.MAX(e.event_id))).fetchone()
        return int(row[0] or 0)

    # -- overviews ------------------------------------------------------------------------------
    @_guard
    def facets(self, status: str | None = "active") -> Facets:
        """Model counts per task type and per tag (for ``status``; None = all).

        Read from the trigger-kept count tables (:mod:`registry_tui.db.counts`):
        a few rows, whatever the size of the registry.
        """
        tasks, tags, total = counts.facets(self._store.db, status, self._store.pg)
        return Facets(tuple(tasks), tuple(tags), total)

    @_guard
    def common_metrics(self, limit: int = 3) -> list[str]:
        """The most frequent metric names among the latest 2,000 models."""
        m, mm = self._tables.models, self._tables.metrics
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


def _metric_names(metrics: str | Iterable[str] | None) -> list[str] | None:
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


def _flatten(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in config.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def _diff(left: dict[str, Any], right: dict[str, Any]) -> list[ConfigChange]:
    changes = []
    for key in sorted(set(left) | set(right)):
        if key not in right:
            changes.append(ConfigChange(key, "removed", left[key], None))
        elif key not in left:
            changes.append(ConfigChange(key, "added", None, right[key]))
        elif left[key] != right[key]:
            changes.append(ConfigChange(key, "changed", left[key], right[key]))
    return changes
