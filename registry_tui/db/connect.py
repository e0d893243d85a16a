"""Open a registry database from a path or URL.

``models.db`` and ``sqlite:///path/models.db`` open SQLite files (created,
readable by their owner only, when missing); ``postgresql://user:pass@host:port/name``
opens PostgreSQL. The password of a URL never appears in :attr:`Target.display`,
in an error message or in a repr.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import peewee

from registry_tui._driver import load_postgres_driver
from registry_tui.errors import StorageError
from registry_tui.locations import can_write, missing_message

__all__ = ["Target", "can_write", "missing_message", "open_database", "parse_target"]

# journal_mode=wal is not here: it writes to the file, so migrations.migrate sets it
# only after checking that the schema is not newer than this code.
SQLITE_PRAGMAS: dict[str, Any] = {
    "foreign_keys": 1,
    "busy_timeout": 30_000,
    "synchronous": "normal",
    "cache_size": -32_000,
    # Checkpoint the WAL every ~16 MB instead of ~4 MB: a registration touches
    # ~30 pages, so the default made every 34th write pay for a checkpoint.
    "wal_autocheckpoint": 4000,
}
BUSY_TIMEOUT_S = 30.0
_PG_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg2")


@dataclass(frozen=True)
class Target:
    """Where a registry lives, parsed from what the user typed."""

    backend: str  # "sqlite" | "postgresql"
    display: str  # safe to print: no password
    path: str | None = None
    params: dict[str, Any] = field(default_factory=dict, repr=False)
    secret: str | None = field(default=None, repr=False)

    def redact(self, text: str) -> str:
        """Remove the password (raw or URL-encoded) from ``text``."""
        return redact(text, self.secret)


def redact(text: str, secret: str | None) -> str:
    """Replace every occurrence of ``secret`` and any ``user:password@`` in ``text``."""
    if secret:
        text = text.replace(secret, "***")
    return re.sub(r"(://[^:/@\s]+):[^@\s]*@", r"\1:***@", text)


def parse_target(db: str | os.PathLike[str]) -> Target:
    """Parse a path or URL into a :class:`Target`.

    Raises:
        StorageError: for an unsupported URL scheme or a malformed URL.
    """
    text = os.fspath(db)
    if not text:
        raise StorageError("No database given: pass a file path or a postgresql:// URL")
    if text.startswith("sqlite:///"):
        path = unquote(text[len("sqlite:///") :].split("?", 1)[0])
        if not path:
            raise StorageError("sqlite URL has no path: use sqlite:///path/to/models.db")
        return Target("sqlite", display=path, path=path)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in _PG_SCHEMES:
        return _parse_postgres(text)
    if scheme:
        raise StorageError(
            f"Unsupported database URL scheme {scheme!r}: use a file path, "
            "sqlite:///path or postgresql://user:pass@host:port/dbname"
        )
    return Target("sqlite", display=text, path=text)


def _parse_postgres(text: str) -> Target:
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise StorageError(f"Malformed PostgreSQL URL: {redact(str(exc), None)}") from None
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise StorageError("PostgreSQL URL has no database name: postgresql://host/dbname")
    password = unquote(parts.password) if parts.password else None
    params: dict[str, Any] = {"database": name}
    if parts.username:
        params["user"] = unquote(parts.username)
    if password:
        params["password"] = password
    if parts.hostname:
        params["host"] = parts.hostname
    if port:
        params["port"] = port
    params.update(dict(parse_qsl(parts.query)))
    user = f"{params['user']}@" if "user" in params else ""
    host = parts.hostname or "localhost"
    display = f"postgresql://{user}{host}{':' + str(port) if port else ''}/{name}"
    return Target("postgresql", display=display, params=params, secret=password)


def open_database(target: Target, create: bool = True, read_only: bool = False) -> peewee.Database:
    """Make (but do not yet connect) the peewee database for ``target``.

    A missing SQLite file is created when ``create`` (and not ``read_only``), else
    refused. ``read_only`` opens SQLite through a ``file:...?mode=ro`` URI (see
    :func:`read_only_uri`) and PostgreSQL sessions with read-only transactions.
    """
    if target.backend == "sqlite":
        assert target.path is not None
        if create and not read_only:
            _create_private_file(target.path)
        elif target.path != ":memory:" and not os.path.exists(target.path):
            raise StorageError(missing_message(target.path))
        _refuse_special_file(target.path)
        database: peewee.SqliteDatabase
        if read_only and target.path != ":memory:":
            database = ReadOnlySqlite(
                read_only_uri(target.path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S,
                uri=True, check_same_thread=False,
            )  # fmt: skip
        else:
            database = peewee.SqliteDatabase(
                target.path,
                pragmas=SQLITE_PRAGMAS,
                timeout=BUSY_TIMEOUT_S,
                lock_type="IMMEDIATE",
            )
        database.register_function(_lower, "registry_lower", 1, deterministic=True)
        return database
    try:
        load_postgres_driver()
    except ImportError:
        raise StorageError(
            "PostgreSQL needs a driver: pip install 'registry-tui[postgres]'"
        ) from None
    params = dict(target.params)
    name = params.pop("database")
    params.setdefault("connect_timeout", 10)
    if read_only:
        params["options"] = f"{params.get('options', '')} -c default_transaction_read_only=on"
    return peewee.PostgresqlDatabase(name, **params)


def _lower(value: object) -> object:
    """SQL ``registry_lower(x)``: Python's Unicode lowering (SQLite's lower() is ASCII only)."""
    return value.lower() if isinstance(value, str) else value


def _refuse_special_file(path: str) -> None:
    """A FIFO, a device (``/dev/null``) or a directory is not a database file."""
    if path == ":memory:" or not os.path.exists(path):
        return
    if os.path.isdir(path):
        raise StorageError(f"Cannot open database {path}: it is a directory, not a file")
    if not os.path.isfile(path):
        raise StorageError(
            f"Cannot open database {path}: it is not a regular file (a FIFO or a device)"
        )


class ReadOnlySqlite(peewee.SqliteDatabase):
    """A read-only SQLite database that can close the connections of every thread.

    Each thread (the app's workers among them) gets its own connection; closing
    them all at the end lets SQLite remove the ``-wal``/``-shm`` files a
    read-only open made it create (see :func:`release_companions`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._opened: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._opened_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = super()._connect()  # type: ignore[misc]
        with self._opened_lock:
            # The connections of threads that have ended (each of the app's workers
            # runs in a thread of its own) are closed now, not kept with their caches.
            ended = [c for t, c in self._opened if not t.is_alive()]
            self._opened = [(t, c) for t, c in self._opened if t.is_alive()]
            self._opened.append((threading.current_thread(), connection))
        for old in ended:
            with contextlib.suppress(sqlite3.Error):
                old.close()
        return connection

    def open_connections(self) -> int:
        """How many connections are held (one per thread still running, at most)."""
        with self._opened_lock:
            return len(self._opened)

    def close_all(self) -> None:
        """Close every thread's connection (call when no thread uses the database)."""
        if not self.is_closed():
            self.close()
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for _, connection in opened:
            with contextlib.suppress(sqlite3.Error):
                connection.close()


def read_only_uri(path: str) -> str:
    """A ``file:`` URI that opens ``path`` without ever writing to it.

    ``mode=ro`` lets SQLite read alongside writers. A WAL-mode file needs its
    ``-wal`` and ``-shm`` companions to be read that way; when they are missing and
    cannot be created (a folder without write permission), the file is opened
    ``immutable=1`` instead: readable, at the price of not seeing changes other
    processes make while it is open.
    """
    absolute = os.path.abspath(path)
    uri = "file:" + quote(absolute) + "?mode=ro"
    folder = os.path.dirname(absolute)
    if needs_companions(absolute) and not os.access(folder, os.W_OK | os.X_OK):
        uri += "&immutable=1"
    return uri


def needs_companions(path: str) -> bool:
    """True for a WAL-mode SQLite file whose ``-wal`` or ``-shm`` file is missing."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    wal_mode = len(header) == 20 and header[18] == 2
    missing = not (os.path.exists(path + "-wal") and os.path.exists(path + "-shm"))
    return wal_mode and missing


def _create_private_file(path: str) -> None:
    """Create an empty SQLite file with mode 0600 so its WAL and SHM inherit it.

    Through a dangling symbolic link the link's target is created, also 0600.
    """
    if path == ":memory:" or os.path.exists(path):
        return
    if os.path.islink(path):
        path = os.path.realpath(path)
    parent = Path(path).parent
    if not parent.is_dir():
        raise StorageError(f"Cannot create database {path}: directory {parent} does not exist")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StorageError(f"Cannot create database {path}: {exc.strerror}") from None
    os.close(fd)


def release_companions(path: str) -> None:
    """Let SQLite remove the ``-wal``/``-shm`` files a read-only open made it create.

    A read-only connection cannot delete them; a plain connection that reads and
    closes does, exactly as the last writer's close does, and only when no other
    process has the file open. The database file itself is not written.
    """
    with contextlib.suppress(sqlite3.Error):
        connection = sqlite3.connect(path, timeout=0.1)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
