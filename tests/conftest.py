"""Shared fixtures: real SQLite files in tmp_path and, when configured, real PostgreSQL.

PostgreSQL tests read the server URL from ``REGISTRY_TUI_TEST_PG`` (for example
``postgresql://registry:registry@localhost:5432/registry_test``); each test gets
a schema of its own, dropped afterwards. Without the variable they are skipped
with that reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from registry_tui import ModelRegistry
from tests.pg_server import private_pg  # noqa: F401  (a fixture: a PostgreSQL server to restart)

PG_URL = os.environ.get("REGISTRY_TUI_TEST_PG", "")
PG_SKIP_REASON = (
    "PostgreSQL not configured: set REGISTRY_TUI_TEST_PG=postgresql://user:pass@host/db"
)


class FixedClock:
    """A deterministic clock: starts at ``start`` and advances ``step`` per reading."""

    def __init__(self, start: datetime = datetime(2026, 1, 1, 12, 0, 0), step: float = 1.0):
        self.now = start
        self.step = timedelta(seconds=step)

    def __call__(self) -> datetime:
        current = self.now
        self.now += self.step
        return current


@pytest.fixture
def clock() -> FixedClock:
    """A fixed clock starting 2026-01-01 12:00:00, one second per reading."""
    return FixedClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh (not yet created) SQLite registry file."""
    return tmp_path / "models.db"


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-c search_path={schema}')}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh, empty schema on the test PostgreSQL server (dropped afterwards)."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    import psycopg2

    schema = "t_" + uuid.uuid4().hex[:12]
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _pg_schema_url(schema)
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database location: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "models.db")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def registry(registry_url: str, clock: FixedClock) -> Iterator[ModelRegistry]:
    """A registry with a fixed clock, on SQLite and (when configured) on PostgreSQL."""
    reg = ModelRegistry(registry_url, clock=clock, actor="tester@host")
    yield reg
    reg.close()


@pytest.fixture
def sqlite_registry(db_path: Path, clock: FixedClock) -> Iterator[ModelRegistry]:
    """A registry on a SQLite file only."""
    reg = ModelRegistry(db_path, clock=clock, actor="tester@host")
    yield reg
    reg.close()


@pytest.fixture
def checkpoint(tmp_path: Path) -> Callable[..., str]:
    """Factory: ``checkpoint("epoch_10.pt", size=1024)`` writes a real file, returns its path."""

    def make(name: str = "model.pt", size: int = 1024) -> str:
        path = tmp_path / "checkpoints" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(range(256)) * (size // 256) + b"\0" * (size % 256))
        return str(path)

    return make
