"""Model counts kept by the database itself, so that no count scans a million rows.

Two small tables hold how many models there are per (status, task type) and
how many tag rows per (tag, status, task type). Triggers on the guide's
``models`` and ``model_tags`` tables keep them current on SQLite and
PostgreSQL alike, so every writer (this package, the guide's own code with
plain ``sqlite3`` or ``psycopg2``, a ``load``, a cascade of deletes) keeps
them true; :func:`rebuild` derives them again from the guide's tables.

They answer the sidebar's facets and the exact size of any listing filtered
by status, task type and tag only, in a few index reads whatever the size of
the registry. A tag row counts only while its model exists (as a join does).

A model's status may be NULL in a file written by other code; the tables key
statuses as ``'S' || status`` and NULL as ``'N'``, so that NULL is a key like
any other (a status filter never matches it, "every status" counts it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import peewee

from registry_tui.query import glob_to_like
from registry_tui.records import ModelQuery

if TYPE_CHECKING:
    from registry_tui.db.listing import Lister

MODEL_COUNTS = "model_counts"
TAG_COUNTS = "tag_counts"


def _key(status: str) -> str:
    """The SQL of the status key of ``status`` (an expression)."""
    return f"(CASE WHEN {status} IS NULL THEN 'N' ELSE 'S' || {status} END)"


def status_key(status: str) -> str:
    """The stored key of a status (what :func:`_key` computes in SQL)."""
    return "S" + status


SLOTS = 64
"""PostgreSQL spreads each count over this many rows (by server process), so that
concurrent writers seldom wait for the same row; SQLite has one writer and one row."""


def _slot(pg: bool) -> str:
    return f"mod(pg_backend_pid(), {SLOTS})" if pg else "0"


def _tables(pg: bool) -> list[str]:
    big = "BIGINT" if pg else "INTEGER"
    rowid = "" if pg else " WITHOUT ROWID"
    return [
        f"""CREATE TABLE IF NOT EXISTS {MODEL_COUNTS} (
            status_key TEXT NOT NULL, task_type TEXT NOT NULL, slot INTEGER NOT NULL,
            n {big} NOT NULL, PRIMARY KEY (status_key, task_type, slot)){rowid}""",
        f"""CREATE TABLE IF NOT EXISTS {TAG_COUNTS} (
            tag_name TEXT NOT NULL, status_key TEXT NOT NULL, task_type TEXT NOT NULL,
            slot INTEGER NOT NULL, n {big} NOT NULL,
            PRIMARY KEY (tag_name, status_key, task_type, slot)){rowid}""",
    ]


# -- the pieces every trigger is made of (``m``/``t`` is OLD or NEW) ----------------------------
# Every change is an upsert of +1 or -1 into this writer's slot (a slot may go
# below zero; the sum over the slots is the count).
def _bump(table: str, columns: str, values: str, source: str, sign: str, pg: bool) -> str:
    keys = columns + ", slot"
    return (
        f"INSERT INTO {table} ({keys}, n) SELECT {values}, {_slot(pg)}, {sign}1 {source} "
        f"ON CONFLICT ({keys}) DO UPDATE SET n = {table}.n {sign} 1;"
    )


def _add_model(m: str, sign: str, pg: bool) -> str:
    values = f"{_key(m + '.status')}, {m}.task_type"
    return _bump(MODEL_COUNTS, "status_key, task_type", values, "WHERE true", sign, pg)


def _add_model_tags(m: str, sign: str, pg: bool) -> str:
    """Count (or uncount) every tag row of model ``m`` under its status and task type."""
    values = f"tag_name, {_key(m + '.status')}, {m}.task_type"
    source = f"FROM model_tags WHERE model_id = {m}.model_id"
    return _bump(TAG_COUNTS, "tag_name, status_key, task_type", values, source, sign, pg)


def _add_tag(t: str, sign: str, pg: bool) -> str:
    """Count (or uncount) tag row ``t`` under its model's status and task type, if it exists."""
    values = f"{t}.tag_name, {_key('m.status')}, m.task_type"
    source = f"FROM models m WHERE m.model_id = {t}.model_id"
    return _bump(TAG_COUNTS, "tag_name, status_key, task_type", values, source, sign, pg)


_CHANGED = (
    "OLD.status IS NOT NEW.status OR OLD.task_type IS NOT NEW.task_type "
    "OR OLD.model_id IS NOT NEW.model_id"
)

# A model's tag rows are uncounted BEFORE it is deleted: the cascade that
# deletes them runs after the model row is gone, when they no longer count.
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS models_count_insert AFTER INSERT ON models BEGIN
      {_add_model("NEW", "+", False)} {_add_model_tags("NEW", "+", False)}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS models_count_delete BEFORE DELETE ON models BEGIN
      {_add_model("OLD", "-", False)} {_add_model_tags("OLD", "-", False)}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS models_count_update
    AFTER UPDATE OF status, task_type, model_id ON models WHEN {_CHANGED} BEGIN
      {_add_model("OLD", "-", False)} {_add_model_tags("OLD", "-", False)}
      {_add_model("NEW", "+", False)} {_add_model_tags("NEW", "+", False)}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS model_tags_count_insert AFTER INSERT ON model_tags BEGIN
      {_add_tag("NEW", "+", False)}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS model_tags_count_delete AFTER DELETE ON model_tags BEGIN
      {_add_tag("OLD", "-", False)}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS model_tags_count_update
    AFTER UPDATE OF model_id, tag_name ON model_tags BEGIN
      {_add_tag("OLD", "-", False)} {_add_tag("NEW", "+", False)}
    END""",
]

SQLITE_TRIGGER_NAMES = (
    "models_count_insert",
    "models_count_delete",
    "models_count_update",
    "model_tags_count_insert",
    "model_tags_count_delete",
    "model_tags_count_update",
)

_PG_CHANGED = _CHANGED.replace("IS NOT", "IS DISTINCT FROM")

PG_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION registry_count_models() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        {_add_model("OLD", "-", True)} {_add_model_tags("OLD", "-", True)}
        RETURN OLD;
      END IF;
      IF TG_OP = 'UPDATE' THEN
        IF NOT ({_PG_CHANGED}) THEN RETURN NULL; END IF;
        {_add_model("OLD", "-", True)} {_add_model_tags("OLD", "-", True)}
      END IF;
      {_add_model("NEW", "+", True)} {_add_model_tags("NEW", "+", True)}
      RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION registry_count_tags() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN {_add_tag("OLD", "-", True)} END IF;
      IF TG_OP <> 'DELETE' THEN {_add_tag("NEW", "+", True)} END IF;
      RETURN NULL;
    END $$""",
]

PG_TRIGGERS = [
    ("models_count_delete", "BEFORE DELETE ON models", "registry_count_models"),
    (
        "models_count_write",
        "AFTER INSERT OR UPDATE OF status, task_type, model_id ON models",
        "registry_count_models",
    ),
    (
        "model_tags_count",
        "AFTER INSERT OR DELETE OR UPDATE OF model_id, tag_name ON model_tags",
        "registry_count_tags",
    ),
]


def install(db: peewee.Database) -> None:
    """Create the count tables and their triggers, and fill them from the guide's tables.

    Idempotent; run inside the migration's transaction, so no write is missed
    between the back-fill and the triggers.
    """
    pg = isinstance(db, peewee.PostgresqlDatabase)
    for table in (MODEL_COUNTS, TAG_COUNTS):
        # Derived data only: a table of an earlier layout is made again.
        if db.table_exists(table) and "slot" not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(f"DROP TABLE {table}")
    for sql in _tables(pg):
        db.execute_sql(sql)
    if pg:
        for sql in PG_FUNCTIONS:
            db.execute_sql(sql)
        for name, when, function in PG_TRIGGERS:
            table = when.rsplit(" ", 1)[-1]
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            db.execute_sql(
                f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    else:
        for sql in SQLITE_TRIGGERS:
            db.execute_sql(sql)
    rebuild(db)


def rebuild(db: peewee.Database) -> None:
    """Derive both count tables again from ``models`` and ``model_tags`` (set-wise)."""
    db.execute_sql(f"DELETE FROM {MODEL_COUNTS}")
    db.execute_sql(
        f"INSERT INTO {MODEL_COUNTS} (status_key, task_type, slot, n) "
        f"SELECT {_key('status')}, task_type, 0, count(*) FROM models "
        f"WHERE task_type IS NOT NULL GROUP BY {_key('status')}, task_type"
    )
    db.execute_sql(f"DELETE FROM {TAG_COUNTS}")
    db.execute_sql(
        f"INSERT INTO {TAG_COUNTS} (tag_name, status_key, task_type, slot, n) "
        f"SELECT t.tag_name, {_key('m.status')}, m.task_type, 0, count(*) "
        "FROM model_tags t JOIN models m ON m.model_id = t.model_id "
        f"WHERE t.tag_name IS NOT NULL AND m.task_type IS NOT NULL "
        f"GROUP BY t.tag_name, {_key('m.status')}, m.task_type"
    )


def _status_filter(status: str | None, alias: str, pg: bool) -> tuple[str, list[Any]]:
    # The tables are a few hundred rows: read whole, never through their index, so
    # SQLite's PRAGMA optimize never wants to analyze them on a reader's close (a
    # read command must change no byte). PostgreSQL has no unary + on text.
    if status is None:
        return "", []
    return f" AND {_plus(pg)}{alias}.status_key = ?", [status_key(status)]


def _plus(pg: bool) -> str:
    return "" if pg else "+"


def facets(
    db: peewee.Database, status: str | None, pg: bool
) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """Models per task type, tag rows per tag (of live models) and the total, for ``status``."""
    where, params = _status_filter(status, "c", pg)
    mark = "%s" if pg else "?"

    def rows(sql: str) -> list[tuple[str, int]]:
        cursor = db.execute_sql(sql.replace("?", mark), params)
        return [(str(name), int(n)) for name, n in cursor.fetchall()]

    tasks = rows(
        f"SELECT c.task_type, sum(c.n) FROM {MODEL_COUNTS} c WHERE 1 = 1{where} "
        "GROUP BY c.task_type HAVING sum(c.n) > 0 ORDER BY c.task_type"
    )
    tags = rows(
        f"SELECT c.tag_name, sum(c.n) FROM {TAG_COUNTS} c WHERE 1 = 1{where} "
        f"GROUP BY {_plus(pg)}c.tag_name HAVING sum(c.n) > 0 ORDER BY c.tag_name"
    )
    return tasks, tags, sum(n for _, n in tasks)


def exact_count(
    db: peewee.Database, pg: bool, status: str | None, tag: str | None, task: Any
) -> int:
    """Models of ``status`` (None: all) with ``tag`` (None: any) whose task passes ``task``.

    ``task`` is None or a row check on ``c.task_type`` (an object with ``text``
    and ``params``, as the listing compiler makes them).
    """
    where, params = _status_filter(status, "c", pg)
    table = MODEL_COUNTS
    if tag is not None:
        table = TAG_COUNTS
        where += f" AND {_plus(pg)}c.tag_name = ?"
        params.append(tag)
    if task is not None:
        where += f" AND {task.text}"
        params.extend(task.params)
    sql = f"SELECT sum(c.n) FROM {table} c WHERE 1 = 1{where}"
    if pg:
        sql = sql.replace("?", "%s")
    row = db.execute_sql(sql, params).fetchone()
    return int(row[0] or 0)


def known_count(lister: Lister, query: ModelQuery) -> int | None:
    """The exact size of ``query``'s listing when the count tables know it, else None.

    They know it when the filter names nothing but a status, a task type
    (matched as the listing matches it) and a tag.
    """
    if query.name or (query.text or "").split() or query.conditions:
        return None
    task = None
    if query.task_type is not None:
        task = lister.sql._like_check(glob_to_like(query.task_type), "c.task_type")
    return exact_count(lister.db, lister.pg, query.status, query.tag, task)
