"""One open registry database: opening it, write transactions, closing it.

:class:`~registry_tui.registry.ModelRegistry` holds one :class:`Session`. A
writing open migrates an older schema in place; a read-only open never writes
(it only checks that the schema is current). The session also brings a SQLite
file replaced under it up to date, and turns a connection lost in the middle
of a write into one clear error.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import peewee

from registry_tui.db import migrations
from registry_tui.db.connect import (
    ReadOnlySqlite,
    needs_companions,
    open_database,
    parse_target,
    release_companions,
)
from registry_tui.db.guard import guard as _guard
from registry_tui.db.guard import storage_error
from registry_tui.db.live import Liveness
from registry_tui.db.storage import Clock, Storage
from registry_tui.db.store import Store
from registry_tui.errors import ConnectionLostError, RegistryError


def default_actor() -> str:
    """``user@host`` of this process: who the history records as making changes."""
    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        user = os.environ.get("USER", "unknown")
    return f"{user}@{socket.gethostname()}"


def utc_now() -> datetime:
    """The current time as a naive UTC datetime (the default clock)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Session:
    """An open registry database, its storage handle, store and connection liveness.

    Args:
        db: a path, a ``sqlite:///`` URL or a ``postgresql://`` URL.
        clock: the current time as a naive UTC datetime.
        read_only: never migrate, never change the journal, never create a file.
    """

    def __init__(self, db: str | os.PathLike[str], clock: Clock, read_only: bool) -> None:
        target = parse_target(db)
        self._companions_missing = (
            read_only and target.path is not None and needs_companions(target.path)
        )
        database = open_database(target, create=not read_only, read_only=read_only)
        self.storage = Storage.over(database, target, clock, read_only)
        self.store = Store(database, self.storage.tables)
        self.live = Liveness(database, target, self._reopened)
        self.upgraded_from: int | None = None
        """The schema version found on open when this open migrated it, else ``None``."""
        self._open()

    # the guard reads these two: reconnect after a lost connection, name the target
    @property
    def _storage(self) -> Storage:
        return self.storage

    @property
    def _live(self) -> Liveness:
        return self.live

    @_guard
    def _open(self) -> None:
        try:
            self.storage.db.connect(reuse_if_open=True)
            if self.storage.read_only:
                migrations.require_current(self.storage.db, self.storage.location)
            else:
                self._migrate()
        except BaseException:
            self.close()
            raise
        self.live.opened()

    def _reopened(self) -> None:
        """The SQLite file was replaced under us: bring the new one up to this schema."""
        self.storage.forget()
        if not self.storage.read_only:
            self._migrate()

    def _migrate(self) -> None:
        """Bring the schema up to date, remembering the version found if it was older."""
        found = migrations.migrate(self.storage.db)
        if found != migrations.SCHEMA_VERSION:
            self.upgraded_from = found

    def close(self) -> None:
        """Close this thread's connection (see :meth:`ModelRegistry.close`)."""
        db, path = self.storage.db, self.storage.target.path
        if isinstance(db, ReadOnlySqlite):
            db.close_all()
        elif not db.is_closed():
            migrations.before_close(db)
            db.close()
        if self._companions_missing and path is not None:
            release_companions(path)

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction; a connection lost during it is one clear error."""
        try:
            with self.storage.writing():
                yield
        except RegistryError:
            raise
        except Exception as exc:
            if not self.live.lost(exc):
                raise
            target = self.storage.target
            reason = target.redact((str(exc).strip() or repr(exc)).splitlines()[0])
            raise ConnectionLostError(
                f"Lost the connection to {target.display} during the change, which did "
                f"not complete ({reason}); the next call reconnects"
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction around several writes (each one a savepoint inside it)."""
        self.storage.refuse_if_read_only()
        try:
            with self.storage.db.atomic():
                yield
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            raise storage_error(exc, self.storage.target) from None
