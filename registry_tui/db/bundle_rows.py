"""The queries of ``dump`` and ``load``: whole tables read in one snapshot, keys looked
up in chunks, rows inserted many at a time.

:mod:`registry_tui.ops.bundle` and :mod:`registry_tui.ops.load` say which tables
and columns a bundle holds and what each value may be; this module only moves
rows. Tables are named by their attribute on :class:`~registry_tui.db.schema.Tables`
(``"models"``, ``"tags"``, ``"configs"`` ...), columns by their names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import peewee

from registry_tui.db.schema import Tables
from registry_tui.db.sequences import ID_COLUMNS

if TYPE_CHECKING:
    from registry_tui.db.storage import Storage

MAX_PARAMETERS = 900
"""Bound values per statement; old SQLite builds allow 999."""
LOOKUP_CHUNK = 500
"""Keys per ``IN (...)`` lookup."""

Table = type[peewee.Model]
"""One table of :class:`~registry_tui.db.schema.Tables`, as ``load`` names it."""


@contextmanager
def snapshot(storage: Storage) -> Iterator[None]:
    """A read transaction: every query inside sees one consistent state, writers carry on."""
    db = storage.db
    if storage.backend == "sqlite":
        with db.transaction(lock_type="DEFERRED"):
            yield
    else:
        with db.transaction(isolation_level="REPEATABLE READ"):
            yield


def table_rows(
    tables: Tables, attr: str, columns: Sequence[str], order: str
) -> tuple[int, Iterator[tuple[Any, ...]]]:
    """How many rows table ``attr`` holds, and its ``columns`` row by row in ``order``
    (streamed, not fetched at once)."""
    model = getattr(tables, attr)
    total = int(model.select().count())
    query = model.select(*[getattr(model, c) for c in columns]).order_by(getattr(model, order))
    return total, query.tuples().iterator()


def existing(tables: Tables, attr: str, column: str, values: Sequence[Any]) -> set[Any]:
    """Which of ``values`` table ``attr`` holds in ``column``."""
    model = getattr(tables, attr)
    field = getattr(model, column)
    found: set[Any] = set()
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = list(values[start : start + LOOKUP_CHUNK])
        found.update(r[0] for r in model.select(field).where(field.in_(chunk)).tuples())
    return found


def pairs(
    tables: Tables, attr: str, key: str, value: str, keys: Sequence[Any]
) -> Iterator[tuple[Any, Any]]:
    """``(key, value)`` of the rows of table ``attr`` whose ``key`` is one of ``keys``
    (for ``models`` by name: every version of each name)."""
    model = getattr(tables, attr)
    key_field, value_field = getattr(model, key), getattr(model, value)
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = list(keys[start : start + LOOKUP_CHUNK])
        query: Any = model.select(key_field, value_field).where(key_field.in_(chunk))
        yield from query.tuples()


def lock_id_tables(db: peewee.Database) -> None:
    """PostgreSQL: make writers elsewhere wait until this transaction commits, so they
    take ids after the loaded ones (on SQLite the write transaction already does)."""
    db.execute_sql(f"LOCK TABLE {', '.join(ID_COLUMNS)} IN EXCLUSIVE MODE")


def insert_rows(
    model: Table,
    rows: list[dict[str, Any]],
    encode: Callable[[Any], Any],
    progress: Callable[[int, int], None],
) -> None:
    """Insert ``rows`` (dicts with the same columns) into ``model`` with multi-row
    INSERTs, each value passed through ``encode``; ``progress(done, total)`` after each
    statement.

    The SQL of a chunk size is built by peewee once, then reused.
    """
    if not rows:
        return
    columns = list(rows[0])
    fields = [getattr(model, c) for c in columns]
    size = max(1, MAX_PARAMETERS // len(columns))
    compiled: dict[int, str] = {}
    for start in range(0, len(rows), size):
        chunk = [tuple(encode(r[c]) for c in columns) for r in rows[start : start + size]]
        sql = compiled.get(len(chunk))
        if sql is None:
            sql = compiled[len(chunk)] = model.insert_many(chunk, fields=fields).sql()[0]
        model._meta.database.execute_sql(sql, [value for row in chunk for value in row])
        progress(min(start + size, len(rows)), len(rows))
