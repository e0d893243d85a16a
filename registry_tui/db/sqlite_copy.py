"""A consistent copy of a SQLite file, made with SQLite's online backup API.

The copy half of :mod:`registry_tui.ops.backup`, which chooses the destination
and puts the copy in place: one snapshot copied in one step while writers
carry on, switched to a self-contained rollback journal, then checked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from registry_tui.errors import StorageError

BUSY_TIMEOUT_S = 30.0


def copy_database(source: str, dest: Path, progress: Callable[[int, int], None]) -> int:
    """Copy ``source`` into ``dest`` (an empty file), verify it, return its number of models.

    ``progress(done, total)`` is called before and after the copy.

    Raises:
        StorageError: the source cannot be read, the copy fails, or the copy fails
            ``integrity_check``.
    """
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StorageError(f"Cannot read {source}: {exc}") from None
    try:
        dst = sqlite3.connect(dest, timeout=BUSY_TIMEOUT_S)
        try:
            progress(0, 1)
            # pages=-1: the whole database in one step, under one read transaction.
            # Stepping would restart whenever another process commits meanwhile.
            src.backup(dst, pages=-1)
            progress(1, 1)
            dst.execute("PRAGMA journal_mode=DELETE")
            verdict = [str(r[0]) for r in dst.execute("PRAGMA integrity_check(20)").fetchall()]
            if verdict != ["ok"]:
                raise StorageError(
                    f"The backup of {source} failed integrity_check: {'; '.join(verdict)}; "
                    "run registry-tui check on the registry"
                )
            return int(dst.execute("SELECT COUNT(*) FROM models").fetchone()[0])
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StorageError(f"Backup of {source} failed: {exc}") from None
    finally:
        src.close()
