"""Count the SQL statements a registry runs, in the style of peewee's ``assert_query_count``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from registry_tui import ModelRegistry

_TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class Statements:
    """The statements seen while counting (transaction control left out)."""

    def __init__(self) -> None:
        self.sql: list[str] = []
        self.fail_at: int | None = None

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.sql)


@contextmanager
def statements(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch, fail_at: int | None = None
) -> Iterator[Statements]:
    """Record every statement ``registry`` runs; with ``fail_at=k`` raise before the k-th."""
    seen = Statements()
    db = registry._storage.db
    real = db.execute_sql

    def counting(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        if not sql.lstrip().upper().startswith(_TRANSACTION):
            if fail_at is not None and len(seen.sql) + 1 == fail_at:
                raise RuntimeError(f"injected failure before statement {fail_at}: {sql[:60]}")
            seen.sql.append(sql)
        return real(sql, params, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(db, "execute_sql", counting)
        yield seen


@contextmanager
def assert_query_count(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch, expected: int
) -> Iterator[Statements]:
    """Fail unless exactly ``expected`` statements run inside the block."""
    with statements(registry, monkeypatch) as seen:
        yield seen
    assert seen.count == expected, "\n".join(seen.sql)
