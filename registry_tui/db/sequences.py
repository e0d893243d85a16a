"""Id counters: the highest id each table has ever handed out, on SQLite and PostgreSQL.

Registration picks a model's id itself, one past the larger of the table's
highest id and its counter, and raises the counter in the same transaction,
so:

* a deleted model's id is never handed out again, even on a guide table
  declared with a plain ``INTEGER PRIMARY KEY`` (which SQLite would reuse);
* identical operations give identical ids on SQLite and PostgreSQL: a refused
  or rolled-back registration uses up nothing (a PostgreSQL sequence would
  have lost a value), because the PostgreSQL sequence is raised by the
  registration's last statement.
"""

from __future__ import annotations

import peewee

ID_COLUMNS: dict[str, str] = {
    "models": "model_id",
    "model_tags": "tag_id",
    "model_exports": "export_id",
    "registry_events": "event_id",
    "promotion_requests": "request_id",
}


def read_sequences(db: peewee.Database) -> dict[str, int]:
    """``{table: highest id ever used}`` (0 for a table that never had a row)."""
    if isinstance(db, peewee.PostgresqlDatabase):
        out = {}
        for table, column in ID_COLUMNS.items():
            row = db.execute_sql(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s)::regclass)",
                (table, column),
            ).fetchone()
            out[table] = int(row[0] or 0)
        return out
    rows = db.execute_sql("SELECT name, seq FROM sqlite_sequence").fetchall()
    found = {str(name): int(seq or 0) for name, seq in rows}
    return {table: found.get(table, 0) for table in ID_COLUMNS}


def raise_sequences(db: peewee.Database, wanted: dict[str, int]) -> None:
    """Make every counter at least ``wanted[table]`` and at least the table's highest id.

    Runs inside the caller's transaction.
    """
    current = read_sequences(db)
    pg = isinstance(db, peewee.PostgresqlDatabase)
    for table, column in ID_COLUMNS.items():
        highest = db.execute_sql(f"SELECT MAX({column}) FROM {table}").fetchone()[0] or 0
        value = max(int(wanted.get(table, 0)), int(highest), current[table])
        if value == current[table]:
            continue
        if pg:
            db.execute_sql(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s, true)", (table, column, value)
            )
        else:
            updated = db.execute_sql(
                "UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (value, table)
            ).rowcount
            if not updated:
                db.execute_sql(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value)
                )


def next_model_id(db: peewee.Database) -> tuple[int, bool]:
    """The id the next registration takes (inside the caller's write transaction), and
    whether :func:`claim_model_id` must raise the counter after the insert.

    On SQLite this is one statement. An ``AUTOINCREMENT`` table needs no claim:
    inserting an explicit id raises ``sqlite_sequence`` by itself. A guide table
    declared with a plain ``INTEGER PRIMARY KEY`` has no counter of its own, so
    the registry keeps one there by hand.
    """
    if isinstance(db, peewee.PostgresqlDatabase):
        highest, counter = db.execute_sql(
            "SELECT (SELECT MAX(model_id) FROM models), pg_sequence_last_value("
            "pg_get_serial_sequence('models', 'model_id')::regclass)"
        ).fetchone()
        return max(int(highest or 0), int(counter or 0)) + 1, True
    highest, counter, automatic = db.execute_sql(
        "SELECT (SELECT MAX(model_id) FROM models), "
        "(SELECT MAX(seq) FROM sqlite_sequence WHERE name = 'models'), "
        "(SELECT instr(upper(sql), 'AUTOINCREMENT') > 0 FROM sqlite_master "
        "WHERE type = 'table' AND name = 'models')"
    ).fetchone()
    return max(int(highest or 0), int(counter or 0)) + 1, not automatic


def claim_model_id(db: peewee.Database, model_id: int) -> None:
    """Raise the ``models`` counter to ``model_id`` (the registration's last statement)."""
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql(
            "SELECT setval(pg_get_serial_sequence('models', 'model_id'), %s, true)", (model_id,)
        )
        return
    updated = db.execute_sql(
        "UPDATE sqlite_sequence SET seq = ? WHERE name = 'models' AND seq < ?", (model_id, model_id)
    ).rowcount
    if not updated and _counter(db, "models") < model_id:
        db.execute_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('models', ?)", (model_id,))


def _counter(db: peewee.Database, table: str) -> int:
    if isinstance(db, peewee.PostgresqlDatabase):
        row = db.execute_sql(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s)::regclass)",
            (table, ID_COLUMNS[table]),
        ).fetchone()
        return int(row[0] or 0)
    row = db.execute_sql("SELECT MAX(seq) FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    return int(row[0] or 0)
