"""Reads that give up when asked: a long count abandoned as soon as nobody wants it.

SQLite calls a progress handler every few thousand steps of a statement; once
``stop()`` says True the statement is interrupted and :class:`CountStopped`
raised. PostgreSQL statements run to their end (the server does the work, not
this process).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import peewee

from registry_tui.errors import CountStopped

STEPS = 20_000
"""SQLite virtual-machine steps between two calls of ``stop`` (well under a millisecond)."""


@contextmanager
def stoppable(db: peewee.Database, stop: Callable[[], bool] | None) -> Iterator[None]:
    """Run the block's statements on this thread's connection, interrupted once ``stop()``."""
    if stop is None or isinstance(db, peewee.PostgresqlDatabase):
        yield
        return
    connection = db.connection()
    connection.set_progress_handler(lambda: 1 if stop() else 0, STEPS)
    try:
        yield
    except peewee.OperationalError as exc:
        if "interrupt" in str(exc) and stop():
            raise CountStopped("The count was abandoned: its listing is no longer shown") from None
        raise
    finally:
        connection.set_progress_handler(None, 0)
