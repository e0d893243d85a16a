"""Keep a long-lived registry's connection pointed at a database that is really there.

A PostgreSQL server restart leaves every open connection dead ("server closed
the connection unexpectedly", then "connection already closed" forever); a
SQLite file deleted or replaced under a running process leaves its connection
reading the old, unlinked file. :class:`Liveness` checks before each call (one
``stat`` for SQLite, a local status read for PostgreSQL, no round trip):

- a dead PostgreSQL connection is dropped, so the call reconnects;
- a replaced SQLite file (another device/inode) is reopened, and ``on_reopen``
  runs (the registry migrates the new file when it may write);
- a deleted SQLite file raises :class:`ConnectionLostError` and is **not**
  recreated.

Connections are per thread (peewee's default), so the file identity a
connection was opened on is kept per thread too.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable

import peewee

from registry_tui.db.connect import Target
from registry_tui.errors import ConnectionLostError

FileId = tuple[int, int]

_LOST_WORDS = (
    "server closed the connection",
    "connection already closed",
    "terminating connection",
    "could not connect",
    "connection refused",
    "connection to server",
    "no connection to the server",
    "ssl connection has been closed",
    "server conn crashed",
)


def lost_connection_text(text: str) -> bool:
    """True when a driver message says the server cannot be reached."""
    low = text.lower()
    return any(word in low for word in _LOST_WORDS)


class Liveness:
    """Per-call connection checks for one registry database."""

    def __init__(self, db: peewee.Database, target: Target, on_reopen: Callable[[], None]):
        self.db = db
        self.target = target
        self.on_reopen = on_reopen
        self._local = threading.local()
        self._known: FileId | None = None

    @property
    def _watched_file(self) -> str | None:
        path = self.target.path
        if self.target.backend != "sqlite" or path is None or path == ":memory:":
            return None
        return path

    def opened(self) -> None:
        """Record the file this thread's fresh connection is on (after the first open)."""
        path = self._watched_file
        if path is not None:
            with contextlib.suppress(OSError):
                self._local.file_id = self._known = _file_id(path)

    def ensure(self) -> None:
        """Before a call: drop a dead connection, reopen a replaced file, refuse a gone one.

        Raises:
            ConnectionLostError: the SQLite file no longer exists.
        """
        if self.db.in_transaction():
            return
        path = self._watched_file
        if path is None:
            if not self.db.is_closed() and not self.db.is_connection_usable():
                self.db.close()
            return
        try:
            current = _file_id(path)
        except OSError:
            return  # cannot tell (no permission on the folder): let the call try
        if current is None:
            if not self.db.is_closed():
                self.db.close()
            raise ConnectionLostError(
                f"Registry file {self.target.display} is gone (deleted or moved); "
                "it is not recreated: put it back or open another registry"
            )
        replaced = self._known is not None and current != self._known
        if self.db.is_closed():
            if replaced:
                _drop_stale_wal(path)
            self.db.connect()
        elif getattr(self._local, "file_id", None) not in (None, current):
            self.db.close()
            _drop_stale_wal(path)
            self.db.connect()
        self._local.file_id = current
        if current != self._known:
            self._known = current
            self.on_reopen()

    def lost(self, exc: BaseException) -> bool:
        """After a failure: was it a lost connection? If so, drop it so the next call reconnects."""
        if self.db.in_transaction():
            return False
        dead = not self.db.is_closed() and not self.db.is_connection_usable()
        if not dead and not lost_connection_text(str(exc)):
            return False
        if not self.db.is_closed():
            with contextlib.suppress(peewee.PeeweeException):  # a dead one may complain
                self.db.close()
        return True


def _drop_stale_wal(path: str) -> None:
    """Remove the ``-wal``/``-shm`` left by the replaced file.

    SQLite keeps a moved database's WAL by name and does not checkpoint it on close;
    a new file opened beside it would read the old file's frames as its own. A WAL
    last written before the new file arrived (its inode's change time) is the old
    file's, so it goes.
    """
    try:
        arrived = os.stat(path).st_ctime_ns
        stale = os.stat(path + "-wal").st_mtime_ns <= arrived
    except OSError:
        return
    if stale:
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(path + suffix)


def _file_id(path: str) -> FileId | None:
    """(device, inode) of ``path``, or None when it does not exist."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return st.st_dev, st.st_ino
