"""Files written the way the guide's original module writes them (plain ``sqlite3``).

That module never switches foreign keys on, stores ``json.dumps(metrics, indent=2)``,
lets ``CURRENT_TIMESTAMP`` fill ``created_at`` and inserts tags for any id it is
given. Tests build their odd legacy values with :func:`guide_file` and
:func:`insert_model`, then open the file with this project.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

GUIDE_DDL = [
    """CREATE TABLE IF NOT EXISTS models (
        model_id INTEGER PRIMARY KEY{autoincrement},
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        checkpoint_path TEXT NOT NULL,
        task_type TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        training_run_id INTEGER,
        parent_model_id INTEGER,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        metrics TEXT,
        export_formats TEXT,
        model_size_mb REAL,
        memory_req_gb REAL,
        metadata TEXT,
        status TEXT DEFAULT 'active',
        UNIQUE(name, version),
        FOREIGN KEY (parent_model_id) REFERENCES models (model_id)
    )""",
    """CREATE TABLE IF NOT EXISTS model_tags (
        tag_id INTEGER PRIMARY KEY{autoincrement},
        model_id INTEGER NOT NULL,
        tag_name TEXT NOT NULL,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        FOREIGN KEY (model_id) REFERENCES models (model_id)
    )""",
    """CREATE TABLE IF NOT EXISTS model_exports (
        export_id INTEGER PRIMARY KEY{autoincrement},
        model_id INTEGER NOT NULL,
        export_format TEXT NOT NULL,
        export_path TEXT NOT NULL,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        metadata TEXT,
        FOREIGN KEY (model_id) REFERENCES models (model_id)
    )""",
]


def guide_file(path: Path, *, autoincrement: bool = True) -> sqlite3.Connection:
    """Create the guide's three tables in ``path``; return an autocommit connection.

    ``autoincrement=False`` declares the ids as plain ``INTEGER PRIMARY KEY``, as
    some copies of the guide's schema do (SQLite then reuses the highest id freed).
    """
    conn = sqlite3.connect(path, isolation_level=None)
    word = " AUTOINCREMENT" if autoincrement else ""
    for sql in GUIDE_DDL:
        conn.execute(sql.format(autoincrement=word))
    return conn


def insert_model(conn: sqlite3.Connection, name: str, version: str, **columns: Any) -> int:
    """Insert a model as the original module does; dict/list values become indented JSON."""
    row: dict[str, Any] = {
        "name": name,
        "version": version,
        "checkpoint_path": f"/ckpt/{name}-{version}.pt",
        "task_type": "language_modeling",
        "config_hash": "",
        "metrics": {},
        "export_formats": [],
        "metadata": {},
    }
    row.update(columns)
    for key, value in row.items():
        if isinstance(value, dict | list):
            row[key] = json.dumps(value, indent=2)
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(f"INSERT INTO models ({names}) VALUES ({marks})", list(row.values()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def insert_tag(conn: sqlite3.Connection, model_id: Any, tag: str) -> None:
    """Tag a model as the original module does: no check that the model exists."""
    conn.execute("INSERT INTO model_tags (model_id, tag_name) VALUES (?, ?)", (model_id, tag))
