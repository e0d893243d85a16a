"""Driver errors to one-line :class:`StorageError` messages, without secrets."""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import peewee

from registry_tui.db.connect import Target
from registry_tui.db.live import Liveness, lost_connection_text
from registry_tui.errors import (
    ConnectionLostError,
    DatabaseLockedError,
    RegistryError,
    StorageError,
)

P_ = ParamSpec("P_")
R = TypeVar("R")


def storage_error(exc: Exception, target: Target) -> StorageError:
    """Turn a driver error into a one-line :class:`StorageError` without secrets."""
    raw = target.redact(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
    low = raw.lower()
    where = target.display
    if lost_connection_text(raw):
        return ConnectionLostError(f"Cannot reach {where} ({raw}); the next call reconnects")
    if "disk is full" in low or "no space" in low or "disk i/o" in low:
        msg = f"Cannot write to {where}: the disk is full or failing ({raw}); nothing was written"
    elif "locked" in low:
        return DatabaseLockedError(
            f"Database {where} is locked by another process; try again ({raw})"
        )
    elif "malformed" in low or "not a database" in low or "corrupt" in low:
        msg = (
            f"Database {where} is corrupt or not a registry database ({raw}); "
            "run registry-tui check"
        )
    elif "readonly" in low or "read-only" in low:
        msg = f"Database {where} is read-only ({raw})"
    elif "unable to open" in low:
        msg = f"Cannot open database {where} ({raw})"
    else:
        msg = f"Database error on {where}: {raw}"
    return StorageError(msg)


def guard(method: Callable[P_, R]) -> Callable[P_, R]:
    """Report database failures as :class:`StorageError` with the password removed.

    On a registry with a :class:`~registry_tui.db.live.Liveness` (``_live``), each
    call first checks its connection; a read that fails because the connection was
    lost (a server restart) reconnects and runs once more. Writes are not retried:
    :meth:`ModelRegistry._write` reports their lost connection itself.
    """

    @functools.wraps(method)
    def wrapper(*args: P_.args, **kwargs: P_.kwargs) -> R:
        live = getattr(args[0], "_live", None) if args else None
        live = live if isinstance(live, Liveness) else None
        try:
            if live is not None:
                live.ensure()
            try:
                return method(*args, **kwargs)
            except RegistryError:
                raise
            except Exception as exc:
                if live is None or not _database_failure(exc) or not live.lost(exc):
                    raise
            live.ensure()  # the connection was lost and dropped: one more try
            return method(*args, **kwargs)
        except RegistryError:
            raise
        except Exception as exc:
            if not _database_failure(exc):
                raise
            target = getattr(getattr(args[0], "_storage", None), "target", None)
            if not isinstance(target, Target):
                raise
            if live is not None:
                live.lost(exc)
            raise storage_error(_hidden_by_rollback(exc), target) from None

    return wrapper


def _database_failure(exc: Exception) -> bool:
    """A driver or I/O error, including those raised while fetching rows (which the
    drivers raise directly, not wrapped by peewee), but not a missing file."""
    if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
        return False
    if isinstance(exc, peewee.DatabaseError | peewee.InterfaceError | sqlite3.Error | OSError):
        return True
    psycopg2 = sys.modules.get("psycopg2")
    return psycopg2 is not None and isinstance(exc, psycopg2.Error)


def _hidden_by_rollback(exc: Exception) -> Exception:
    """The error a failed ROLLBACK hides: SQLite ends the transaction itself on a failed
    COMMIT (disk full, I/O error), so the rollback that follows reports only that none is
    active."""
    context = exc.__context__
    while "no transaction is active" in str(exc) and isinstance(context, Exception):
        exc, context = context, context.__context__
    return exc
