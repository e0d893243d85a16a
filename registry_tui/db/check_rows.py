"""What ``check`` reads from the database, and the hashes it records.

The queries behind :mod:`registry_tui.ops.check` and :mod:`registry_tui.ops.files`:
SQLite's own verdicts (``integrity_check``, ``foreign_key_check``), the
server's version, rows whose model is gone, parents that do not exist, the
checkpoint and export paths to look at, and the ``checkpoint_hashes`` table.
They return plain tuples and numbers; ``ops/`` words the problems.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import peewee

from registry_tui.db.schema import Tables

if TYPE_CHECKING:
    from registry_tui.db.storage import Storage

CHILD_TABLES = ("tags", "exports", "metrics", "hashes")
"""The tables (attributes of :class:`~registry_tui.db.schema.Tables`) whose rows
belong to one model, in the order ``check`` reports them."""


def database_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a failing query raises: peewee's, sqlite3's and, once loaded,
    psycopg2's (rows fetched late raise the driver's own)."""
    psycopg2 = sys.modules.get("psycopg2")
    driver: tuple[type[BaseException], ...] = (psycopg2.Error,) if psycopg2 is not None else ()
    return (peewee.DatabaseError, peewee.InterfaceError, sqlite3.Error, *driver)


# -- the database itself ---------------------------------------------------------------


def integrity_rows(db: peewee.Database, limit: int) -> list[tuple[Any, ...]]:
    """SQLite's ``PRAGMA integrity_check``, at most ``limit`` errors."""
    return list(db.execute_sql(f"PRAGMA integrity_check({int(limit)})").fetchall())


def foreign_key_rows(db: peewee.Database) -> list[tuple[Any, ...]]:
    """SQLite's ``PRAGMA foreign_key_check``: ``(table, rowid, parent, fkid)`` rows."""
    return list(db.execute_sql("PRAGMA foreign_key_check").fetchall())


def server_version(db: peewee.Database) -> str:
    """PostgreSQL's ``version()`` text."""
    row = db.execute_sql("SELECT version()").fetchone()
    return str(row[0])


def missing_tables(db: peewee.Database, names: Iterable[str]) -> list[str]:
    """Which of the tables ``names`` the database does not have."""
    return [name for name in names if not db.table_exists(name)]


def file_integrity(path: str, limit: int) -> list[tuple[Any, ...]]:
    """``PRAGMA integrity_check`` of a SQLite file, read with plain sqlite3, read-only.

    For a file the registry cannot open: no registry code, no migration.

    Raises:
        FileUnreadable: the file cannot be opened, or the check itself fails.
    """
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise FileUnreadable(exc, checking=False) from None
    try:
        return list(conn.execute(f"PRAGMA integrity_check({int(limit)})").fetchall())
    except sqlite3.Error as exc:
        raise FileUnreadable(exc, checking=True) from None
    finally:
        conn.close()


class FileUnreadable(Exception):
    """:func:`file_integrity` could not read the file (``checking``: it opened, the
    check failed)."""

    def __init__(self, error: sqlite3.Error, checking: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.checking = checking


# -- contents ------------------------------------------------------------------------------


def count_models(tables: Tables) -> int:
    """How many models the registry holds."""
    m = tables.models
    return int(m.select(peewee.fn.COUNT(m.model_id)).scalar() or 0)


def rows_of_missing_models(tables: Tables) -> Iterator[tuple[str, int, int]]:
    """``(table, model_id, rows)`` for each model id that child rows name but no model has,
    table by table in :data:`CHILD_TABLES` order."""
    m = tables.models
    for attr in CHILD_TABLES:
        table = getattr(tables, attr)
        rows: Any = (
            table.select(table.model_id, peewee.fn.COUNT(table.model_id))
            .where(table.model_id.not_in(m.select(m.model_id)))
            .group_by(table.model_id)
            .tuples()
        )
        for model_id, count in rows:
            yield attr, model_id, count


def dangling_parents(tables: Tables) -> list[tuple[int, int]]:
    """``(model_id, parent_model_id)`` of models whose parent does not exist."""
    m = tables.models
    parent = m.alias("parent")
    rows: Any = (
        m.select(m.model_id, m.parent_model_id)
        .join(parent, peewee.JOIN.LEFT_OUTER, on=(parent.model_id == m.parent_model_id))
        .where(m.parent_model_id.is_null(False) & parent.model_id.is_null())
        .tuples()
    )
    return [(r[0], r[1]) for r in rows]


# -- files ---------------------------------------------------------------------------------


def checkpoint_rows(
    tables: Tables,
) -> Iterator[tuple[int, str, str, str, float | None, str | None]]:
    """``(model_id, name, version, checkpoint_path, model_size_mb, metadata)`` of every
    model, by id, streamed."""
    m = tables.models
    query = m.select(m.model_id, m.name, m.version, m.checkpoint_path, m.model_size_mb, m.metadata)
    yield from query.order_by(m.model_id).tuples().iterator()


def export_rows(tables: Tables) -> Iterator[tuple[int, int, str, str]]:
    """``(export_id, model_id, export_format, export_path)`` of every export, by id,
    streamed."""
    e = tables.exports
    query = e.select(e.export_id, e.model_id, e.export_format, e.export_path).order_by(e.export_id)
    yield from query.tuples().iterator()


def recorded_hashes(tables: Tables) -> dict[int, tuple[str, int, str]]:
    """``{model_id: (sha256, size_bytes, recorded_at)}`` (the time cut to seconds)."""
    h = tables.hashes
    rows: Any = h.select(h.model_id, h.sha256, h.size_bytes, h.recorded_at).tuples()
    return {int(r[0]): (str(r[1]), int(r[2]), str(r[3])[:19]) for r in rows}


def record_hashes(storage: Storage, rows: list[tuple[int, str, int]], at: str) -> None:
    """Record ``(model_id, sha256, size_bytes)`` rows first seen at ``at``, in one
    transaction; a model that has a hash already keeps it."""
    h = storage.tables.hashes
    fields = [h.model_id, h.sha256, h.size_bytes, h.recorded_at]
    with storage.writing():
        for start in range(0, len(rows), 500):
            chunk = [(mid, digest, size, at) for mid, digest, size in rows[start : start + 500]]
            h.insert_many(chunk, fields=fields).on_conflict_ignore().execute()


# -- remote paths and recorded checkpoint facts ----------------------------------------------

URI_PATTERN = "%://%"
"""A path holding a scheme (``s3://``): the rows a remote check reads."""
FACTS_PATTERN = '%"checkpoint"%'
"""Metadata that may hold a checkpoint's recorded facts (``metadata["checkpoint"]``)."""


def uri_checkpoint_rows(
    tables: Tables,
) -> Iterator[tuple[int, str, str, str, float | None, str | None]]:
    """``(model_id, name, version, checkpoint_path, model_size_mb, metadata)`` of every
    model whose checkpoint path is a URI, by id, streamed."""
    m = tables.models
    query = m.select(
        m.model_id, m.name, m.version, m.checkpoint_path, m.model_size_mb, m.metadata
    ).where(m.checkpoint_path**URI_PATTERN)
    yield from query.order_by(m.model_id).tuples().iterator()


def uri_export_rows(tables: Tables) -> Iterator[tuple[int, int, str, str]]:
    """``(export_id, model_id, export_format, export_path)`` of every export whose path is
    a URI, by id, streamed."""
    e = tables.exports
    query = e.select(e.export_id, e.model_id, e.export_format, e.export_path)
    query = query.where(e.export_path**URI_PATTERN).order_by(e.export_id)
    yield from query.tuples().iterator()


def _with_facts(tables: Tables) -> Any:
    m = tables.models
    return m.metadata**FACTS_PATTERN


def count_with_facts(tables: Tables) -> int:
    """How many models' metadata may hold recorded checkpoint facts."""
    m = tables.models
    return int(m.select(peewee.fn.COUNT(m.model_id)).where(_with_facts(tables)).scalar() or 0)


def rows_with_facts(tables: Tables) -> Iterator[tuple[int, str, str, str, str]]:
    """``(model_id, name, version, checkpoint_path, metadata)`` of every model whose
    metadata may hold recorded checkpoint facts, by id, streamed."""
    m = tables.models
    query = m.select(m.model_id, m.name, m.version, m.checkpoint_path, m.metadata)
    yield from query.where(_with_facts(tables)).order_by(m.model_id).tuples().iterator()
