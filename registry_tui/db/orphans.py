"""Tag and export rows that point at no model, set aside instead of attached.

The guide's original module runs with foreign keys off and inserts tags for
any id it is given, so a real ``models.db`` may hold ``model_tags`` and
``model_exports`` rows of models that do not exist. Left in place, the next
model to receive that id would be born with them (``production`` included).
They are moved, whole, into ``legacy_orphans`` at migration and, for the id
being registered, by every registration; ``check`` reports them.
"""

from __future__ import annotations

import json
from typing import Any

import peewee

GUIDE_CHILDREN: dict[str, tuple[str, ...]] = {
    "model_tags": ("tag_id", "model_id", "tag_name", "created_at"),
    "model_exports": (
        "export_id", "model_id", "export_format", "export_path", "created_at", "metadata",
    ),
}  # fmt: skip


def create_table(db: peewee.Database) -> None:
    """The side table (idempotent)."""
    pg = isinstance(db, peewee.PostgresqlDatabase)
    serial = "BIGSERIAL PRIMARY KEY" if pg else "INTEGER PRIMARY KEY AUTOINCREMENT"
    bigint = "BIGINT" if pg else "INTEGER"
    db.execute_sql(
        f"""CREATE TABLE IF NOT EXISTS legacy_orphans (
            orphan_id {serial},
            source_table TEXT NOT NULL,
            row_id {bigint},
            model_id {bigint},
            row_data TEXT NOT NULL,
            set_aside_at TIMESTAMP NOT NULL)"""
    )
    db.execute_sql("CREATE INDEX IF NOT EXISTS idx_model_tags_model ON model_tags (model_id)")


def set_aside_orphans(db: peewee.Database, model_id: int | None, at: str) -> int:
    """Move orphan rows into ``legacy_orphans``: those of ``model_id``, or (None) every
    row whose model is missing. Runs inside the caller's transaction; returns the count."""
    param = "%s" if isinstance(db, peewee.PostgresqlDatabase) else "?"
    if model_id is not None and not _has_children(db, model_id, param):
        return 0  # every registration asks; almost always there is nothing to move
    moved = 0
    for table, columns in GUIDE_CHILDREN.items():
        args: tuple[int, ...] = ()
        if model_id is None:
            # NOT EXISTS, not NOT IN: PostgreSQL runs NOT IN over a million
            # models as a nested loop when the id list outgrows work_mem.
            where = (
                f"model_id IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM models o WHERE o.model_id = {table}.model_id)"
            )
        else:
            where, args = f"model_id = {param}", (model_id,)
        rows = db.execute_sql(f"SELECT {', '.join(columns)} FROM {table} WHERE {where}", args)
        for row in rows.fetchall():
            data: dict[str, Any] = dict(zip(columns, row, strict=True))
            db.execute_sql(
                "INSERT INTO legacy_orphans (source_table, row_id, model_id, row_data, "
                f"set_aside_at) VALUES ({param}, {param}, {param}, {param}, {param})",
                (table, row[0], row[1], json.dumps(data, default=_text), at),
            )
            db.execute_sql(f"DELETE FROM {table} WHERE {columns[0]} = {param}", (row[0],))
            moved += 1
    return moved


def _has_children(db: peewee.Database, model_id: int, param: str) -> bool:
    """Whether any guide child table holds a row of ``model_id`` (one statement)."""
    probe = " UNION ALL ".join(
        f"SELECT 1 FROM {table} WHERE model_id = {param}" for table in GUIDE_CHILDREN
    )
    args = (model_id,) * len(GUIDE_CHILDREN)
    return db.execute_sql(f"SELECT EXISTS ({probe})", args).fetchone()[0] in (1, True)


def count_orphans(db: peewee.Database) -> dict[str, int]:
    """Rows set aside so far, by the table they came from."""
    if not db.table_exists("legacy_orphans"):
        return {}
    rows = db.execute_sql(
        "SELECT source_table, COUNT(*) FROM legacy_orphans GROUP BY source_table"
    ).fetchall()
    return {str(table): int(count) for table, count in rows}


def raise_orphan_counter(db: peewee.Database) -> None:
    """After rows were inserted with their own ids, make PostgreSQL's counter pass them
    (SQLite's ``AUTOINCREMENT`` counter follows explicit ids by itself)."""
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql(
            "SELECT setval(pg_get_serial_sequence('legacy_orphans', 'orphan_id'), "
            "GREATEST((SELECT MAX(orphan_id) FROM legacy_orphans), "
            "pg_sequence_last_value(pg_get_serial_sequence('legacy_orphans', 'orphan_id')"
            "::regclass)), true)"
        )


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return str(value)
