"""Driver errors to one-line :class:`StorageError` messages, without secrets."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import peewee

from registry_tui.db.connect import Target
from registry_tui.errors import RegistryError, StorageError

P_ = ParamSpec("P_")
R = TypeVar("R")


def storage_error(exc: Exception, target: Target) -> StorageError:
    """Turn a driver error into a one-line :class:`StorageError` without secrets."""
    raw = target.redact(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
    low = raw.lower()
    where = target.display
    if "disk is full" in low or "no space" in low or "disk i/o" in low:
        msg = f"Cannot write to {where}: the disk is full or failing ({raw}); nothing was written"
    elif "locked" in low:
        msg = f"Database {where} is locked by another process; try again ({raw})"
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
    """Report database failures as :class:`StorageError` with the password removed."""

    @functools.wraps(method)
    def wrapper(*args: P_.args, **kwargs: P_.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except RegistryError:
            raise
        except (peewee.DatabaseError, peewee.InterfaceError, OSError) as exc:
            if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
                raise
            target = getattr(args[0], "_target", None)
            if not isinstance(target, Target):
                raise
            raise storage_error(exc, target) from None

    return wrapper
