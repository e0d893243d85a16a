"""The highest id each table has ever handed out, read and set on SQLite and PostgreSQL.

A deleted model's id is never given to a new model (SQLite ``AUTOINCREMENT``,
PostgreSQL sequences), so the history never mixes two models under one id.
A bundle carries these counters, and ``load`` restores them.
"""

from __future__ import annotations

import peewee

ID_COLUMNS: dict[str, str] = {
    "models": "model_id",
    "model_tags": "tag_id",
    "model_exports": "export_id",
    "registry_events": "event_id",
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
