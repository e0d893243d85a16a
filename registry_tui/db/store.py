"""The read side: peewee queries that turn rows into records.

Hot paths (get by id, by name+version, by tag) compile their peewee query once
and reuse the SQL with fresh bound values: peewee's query building costs more
than SQLite's lookup, and these run on every keypress of the TUI.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import peewee

from registry_tui.db.derived import NAME_INDEX
from registry_tui.db.legacy import TAG_SEPARATOR, as_timestamp, clean_columns, clean_model
from registry_tui.db.listing import Lister
from registry_tui.db.listing_sql import COUNT_CAP
from registry_tui.db.schema import Tables
from registry_tui.records import RECORD_COLUMNS, Count, ExportRecord, ModelQuery, ModelRecord

fn = peewee.fn


class Param:
    """A named placeholder in a compiled query, replaced by a value at run time."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def P(name: str) -> peewee.Value:
    """A bound parameter slot for :meth:`Store.run`."""
    return peewee.Value(Param(name), converter=False, unpack=False)


def format_ts(value: Any) -> str:
    """Timestamps as ``YYYY-MM-DD HH:MM:SS`` text, whatever the backend returned."""
    return as_timestamp(value)[0]


def loads(value: Any, default: Any) -> Any:
    """Decode a JSON column, tolerating NULL and legacy garbage."""
    if value is None or value == "":
        return default
    if value == "{}" or value == "[]":  # the usual empty metadata and export lists
        empty: dict[str, Any] | list[Any] = {} if value == "{}" else []
        return empty if isinstance(empty, type(default)) else default
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return default
    return data if isinstance(data, type(default)) else default


class Store:
    """Queries over one bound set of tables."""

    def __init__(self, db: peewee.Database, tables: Tables) -> None:
        self.db = db
        self.t = tables
        self.pg = isinstance(db, peewee.PostgresqlDatabase)
        self._compiled: dict[Builder, tuple[str, list[Any]]] = {}
        self._lock = threading.Lock()
        self._lister: Lister | None = None

    # -- compiled queries -------------------------------------------------
    def run(self, build: Builder, **values: Any) -> Any:
        """Execute the query ``build(store)`` makes, compiled once, with ``values`` bound.

        The builder function is the cache key: each compiled statement has one
        definition, a module-level function named for what it reads or writes
        (a lambda or a nested function would be a new key on every call, and is
        refused).
        """
        compiled = self._compiled.get(build)
        if compiled is None:
            if "<" in build.__qualname__:
                raise TypeError(f"compiled queries are module-level functions, not {build!r}")
            with self._lock:
                compiled = build(self).sql()
                self._compiled[build] = compiled
        sql, params = compiled
        bound = [values[p.name] if isinstance(p, Param) else p for p in params]
        return self.db.execute_sql(sql, bound)

    # -- record projection ------------------------------------------------
    def _tags_column(self) -> Any:
        tags = self.t.tags.alias("rt")
        agg = fn.string_agg if self.pg else fn.group_concat
        return (
            tags.select(agg(tags.tag_name, TAG_SEPARATOR))
            .where(tags.model_id == self.t.models.model_id)
            .alias("tag_list")
        )

    def columns(self) -> list[Any]:
        """The projection every record query selects: :data:`RECORD_COLUMNS`, in order.

        Rows are read back by :func:`~registry_tui.db.legacy.clean_model` in the
        same order, so neither side counts positions by hand.
        """
        m = self.t.models
        return [
            self._tags_column() if column.kind == "tags" else getattr(m, column.name)
            for column in RECORD_COLUMNS
        ]

    @staticmethod
    def to_record(row: Sequence[Any], exports: tuple[ExportRecord, ...] = ()) -> ModelRecord:
        """Turn a row of :meth:`columns` into a :class:`ModelRecord`.

        Odd legacy values are made into the record's types and described in
        ``ModelRecord.odd`` (see :mod:`registry_tui.db.legacy`).
        """
        fields, odd = clean_model(row)
        return ModelRecord(exports=exports, odd=odd, **fields)

    # -- single models ----------------------------------------------------
    def by_id(self, model_id: int, with_exports: bool = True) -> ModelRecord | None:
        """One model by id, or ``None``."""
        row = self.run(_model_by_id, id=model_id).fetchone()
        return self._finish(row, with_exports)

    def by_name_version(self, name: str, version: str) -> ModelRecord | None:
        """One model by name and version, or ``None``."""
        row = self.run(_model_by_name_version, n=name, v=version).fetchone()
        return self._finish(row, True)

    def by_tag(self, tag: str) -> ModelRecord | None:
        """The most recently tagged holder of ``tag``, or ``None``."""
        row = self.run(_latest_holder, tag=tag).fetchone()
        return self._finish(row, True)

    def _finish(self, row: Sequence[Any] | None, with_exports: bool) -> ModelRecord | None:
        if row is None:
            return None
        record = self.to_record(row)
        if with_exports and record.export_formats:
            return self.to_record(row, self.exports(record.model_id))
        return record

    def exports(self, model_id: int) -> tuple[ExportRecord, ...]:
        """The export rows of one model, oldest first."""
        rows = self.run(_exports_of, id=model_id).fetchall()
        return tuple(
            ExportRecord(r[0], r[1], r[2], r[3], format_ts(r[4]), loads(r[5], {})) for r in rows
        )

    def many(self, ids: Iterable[int]) -> dict[int, ModelRecord]:
        """Models by id (missing ids are simply absent)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        m = self.t.models
        out: dict[int, ModelRecord] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = m.select(*self.columns()).where(m.model_id.in_(chunk))
            for row in self.db.execute(query).fetchall():
                record = self.to_record(row)
                out[record.model_id] = record
        return out

    def children(self, model_id: int) -> list[ModelRecord]:
        """The models whose parent is ``model_id`` (no exports), by id: one statement,
        however many there are."""
        rows = self.run(_children_of, id=model_id).fetchall()
        return [self.to_record(row) for row in rows]

    # -- listings -----------------------------------------------------------
    @property
    def lister(self) -> Lister:
        """Listings and counts (created on first use, after migrations have run)."""
        if self._lister is None:
            self._lister = Lister(self.db, self.pg, self.has_name_index())
        return self._lister

    def has_name_index(self) -> bool:
        """True when the trigram index on names exists (FTS5 or pg_trgm)."""
        if self.pg:
            sql = "SELECT 1 FROM pg_indexes WHERE indexname = %s AND schemaname = current_schema()"
        else:
            sql = "SELECT 1 FROM sqlite_master WHERE name = ?"
        return self.db.execute_sql(sql, (NAME_INDEX,)).fetchone() is not None

    def count(self, query: ModelQuery) -> int:
        """How many models match ``query``, exactly."""
        return self.lister.count_exact(query)

    def count_capped(self, query: ModelQuery, cap: int = COUNT_CAP) -> Count:
        """How many models match ``query``, exact up to ``cap``."""
        return self.lister.count(query, cap)

    def position(self, query: ModelQuery, model_id: int) -> int | None:
        """Row index of ``model_id`` in the listing of ``query``; None when it is not in it."""
        return self.lister.position(query, model_id)

    def metric_names(self) -> list[str]:
        """Every metric name in use, sorted: one index probe per name, not a scan of all rows."""
        table = self.t.metrics._meta.table_name
        sql = (
            f"WITH RECURSIVE names(x) AS (SELECT MIN(metric) FROM {table} UNION ALL "
            f"SELECT (SELECT MIN(metric) FROM {table} WHERE metric > names.x) "
            "FROM names WHERE names.x IS NOT NULL) SELECT x FROM names WHERE x IS NOT NULL"
        )
        return [str(r[0]) for r in self.db.execute_sql(sql).fetchall()]

    def known_metrics(self, names: Sequence[str]) -> set[str]:
        """Which of ``names`` at least one model has."""
        mm = self.t.metrics
        found = set()
        for name in names:
            probe = mm.select(mm.metric).where(mm.metric == name).limit(1)
            if self.db.execute(probe).fetchone() is not None:
                found.add(name)
        return found

    def select_records(
        self, query: ModelQuery, offset: int, limit: int | None
    ) -> list[ModelRecord]:
        """Records matching ``query`` from ``offset``, at most ``limit``."""
        return [self.to_record(row) for row in self.lister.select(query, offset, limit)]

    def select_columns(
        self, query: ModelQuery, offset: int, limit: int | None
    ) -> tuple[dict[str, list[Any]], int]:
        """:meth:`select_records` as the records' fields by column (no exports, no
        ``odd``), and how many rows: for the DataFrame of a listing, which needs
        the values, not the records."""
        rows = self.lister.select(query, offset, limit)
        return clean_columns(rows), len(rows)

    # -- lineage ------------------------------------------------------------
    def ancestors(self, model_id: int) -> list[ModelRecord]:
        """The model and its ancestors, root first (one recursive query)."""
        return self._walk(_ancestors_of, model_id, up=True)

    def descendants(self, model_id: int) -> list[ModelRecord]:
        """The model and everything fine-tuned from it, parents before children."""
        return self._walk(_descendants_of, model_id, up=False)

    def _walk(self, build: Builder, model_id: int, up: bool) -> list[ModelRecord]:
        """One recursive query (:func:`_chain`); ordered here, by the links."""
        found = {r.model_id: r for r in map(self.to_record, self.run(build, id=model_id))}
        if model_id not in found:
            return []
        return _chain_up(found, model_id) if up else _tree_down(found, model_id)


def _chain_up(found: dict[int, ModelRecord], model_id: int) -> list[ModelRecord]:
    """The model and its ancestors, root first; a cycle stops where it repeats."""
    chain: list[ModelRecord] = []
    seen: set[int] = set()
    current: int | None = model_id
    while current is not None and current in found and current not in seen:
        seen.add(current)
        chain.append(found[current])
        current = found[current].parent_model_id
    return chain[::-1]


def _tree_down(found: dict[int, ModelRecord], model_id: int) -> list[ModelRecord]:
    """The model then its descendants by depth, then id (parents before children)."""
    children: dict[int, list[int]] = {}
    for record in found.values():
        if record.parent_model_id is not None and record.model_id != model_id:
            children.setdefault(record.parent_model_id, []).append(record.model_id)
    depth = {model_id: 0}
    queue = [model_id]
    while queue:
        parent = queue.pop(0)
        for child in children.get(parent, []):
            if child not in depth:
                depth[child] = depth[parent] + 1
                queue.append(child)
    return [found[i] for i in sorted(depth, key=lambda i: (depth[i], i))]


# -- compiled statements (see Store.run) ---------------------------------------------------
Builder = Callable[[Store], Any]
"""A function making one query of a store's tables; :meth:`Store.run` compiles it once."""


def _model_by_id(store: Store) -> Any:
    m = store.t.models
    return m.select(*store.columns()).where(m.model_id == P("id"))


def _model_by_name_version(store: Store) -> Any:
    m = store.t.models
    return m.select(*store.columns()).where((m.name == P("n")) & (m.version == P("v")))


def _latest_holder(store: Store) -> Any:
    m, t = store.t.models, store.t.tags
    return (
        m.select(*store.columns())
        .join(t, on=(t.model_id == m.model_id))
        .where(t.tag_name == P("tag"))
        .order_by(t.tag_id.desc())
        .limit(1)
    )


def _exports_of(store: Store) -> Any:
    e = store.t.exports
    return (
        e.select(e.export_id, e.model_id, e.export_format, e.export_path, e.created_at, e.metadata)
        .where(e.model_id == P("id"))
        .order_by(e.export_id)
    )


def _children_of(store: Store) -> Any:
    m = store.t.models
    return m.select(*store.columns()).where(m.parent_model_id == P("id")).order_by(m.model_id)


def _chain(store: Store, up: bool) -> Any:
    """The model and its ancestors (``up``) or descendants: ``UNION``, not ``UNION ALL``,
    so a parent cycle in a legacy file ends the walk instead of looping."""
    m = store.t.models
    base = m.select(m.model_id, m.parent_model_id).where(m.model_id == P("id"))
    cte = base.cte("chain", recursive=True, columns=("cid", "cparent"))
    step = m.alias("step")
    link = (step.model_id == cte.c.cparent) if up else (step.parent_model_id == cte.c.cid)
    chain = cte.union(step.select(step.model_id, step.parent_model_id).join(cte, on=link))
    return (
        m.select(*store.columns())
        .join(chain, on=(m.model_id == chain.c.cid))
        .order_by(m.model_id)
        .with_cte(chain)
    )


def _ancestors_of(store: Store) -> Any:
    return _chain(store, up=True)


def _descendants_of(store: Store) -> Any:
    return _chain(store, up=False)
