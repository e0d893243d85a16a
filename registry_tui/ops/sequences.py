"""The highest id each table has ever handed out, read and set on SQLite and PostgreSQL.

A deleted model's id is never given to a new model (SQLite ``AUTOINCREMENT``,
PostgreSQL sequences), so the history never mixes two models under one id.
A bundle carries these counters, and ``load`` restores them.

The counters live in ``db/`` (:mod:`registry_tui.db.sequences`), where
registration uses them too; this module re-exports them for ``dump``/``load``.
"""

from __future__ import annotations

from registry_tui.db.sequences import ID_COLUMNS, raise_sequences, read_sequences

__all__ = ["ID_COLUMNS", "raise_sequences", "read_sequences"]
