"""The storage handle: one open registry database and what code working on it needs.

:class:`~registry_tui.registry.ModelRegistry` opens a database and keeps one
:class:`Storage`; the maintenance operations in :mod:`registry_tui.ops` and the
read module :mod:`registry_tui.db.reads` take it instead of the registry, so
they never reach into the registry's private state and never import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import peewee

from registry_tui.db.connect import Target
from registry_tui.db.schema import Tables, bind
from registry_tui.errors import StorageError

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Storage:
    """An open database with its bound tables, where it lives, the clock and the mode.

    Attributes:
        db: the peewee database (one connection per thread).
        tables: the schema's models bound to ``db``.
        target: the parsed path or URL (``target.display`` is safe to print).
        clock: the current time as a naive UTC datetime (tests fix it).
        read_only: every write is refused (see :meth:`writing`).
    """

    db: peewee.Database
    tables: Tables
    target: Target
    clock: Clock
    read_only: bool
    _facts: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def over(cls, db: peewee.Database, target: Target, clock: Clock, read_only: bool) -> Storage:
        """The handle of ``db`` (its tables bound here)."""
        return cls(db, bind(db), target, clock, read_only)

    @property
    def location(self) -> str:
        """Where the registry lives, safe to print (no password)."""
        return self.target.display

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.target.backend

    def now(self) -> str:
        """The clock's time as stored: ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
        return self.clock().strftime("%Y-%m-%d %H:%M:%S")

    def refuse_if_read_only(self) -> None:
        """Raise :class:`StorageError` when the registry is open read-only."""
        if self.read_only:
            raise StorageError(f"Registry {self.location} is open read-only")

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction (refused when read-only)."""
        self.refuse_if_read_only()
        with self.db.atomic():
            yield

    def legacy_not_null_hash(self) -> bool:
        """A guide-made SQLite table declares ``config_hash NOT NULL``: store '' there."""
        known = self._facts.get("legacy_hash")
        if known is None:
            columns = self.db.get_columns("models")
            known = any(c.name == "config_hash" and not c.null for c in columns)
            self._facts["legacy_hash"] = known
        return known

    def forget(self) -> None:
        """Drop what was learnt about the schema (the file was replaced under us)."""
        self._facts.clear()
