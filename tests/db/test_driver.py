"""The PostgreSQL driver is imported only when a PostgreSQL URL is opened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SQLITE_ONLY = """
import json, sys
from registry_tui import ModelRegistry
from registry_tui.records import ModelQuery
with ModelRegistry(sys.argv[1]) as registry:
    registry.records.query(ModelQuery(), 0, 5)
loaded = [m for m in ("psycopg2", "psycopg") if m in sys.modules]
import psycopg2  # the user's own code can still import it
print(json.dumps({"loaded": loaded, "user": psycopg2.__name__}))
"""

PG_OPEN = """
import json, sys
from registry_tui import ModelRegistry
from registry_tui.records import ModelQuery
before = "psycopg2" in sys.modules
with ModelRegistry(sys.argv[1]) as registry:
    count = registry.count_models(ModelQuery())
print(json.dumps({"before": before, "after": "psycopg2" in sys.modules, "count": count}))
"""


def _run(code: str, arg: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, arg], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def test_sqlite_process_never_imports_the_postgres_driver(db_path: Path) -> None:
    """Opening and listing a SQLite registry leaves psycopg2 unimported, yet importable."""
    result = _run(SQLITE_ONLY, str(db_path))
    assert result == {"loaded": [], "user": "psycopg2"}


@pytest.mark.postgres
def test_postgres_url_loads_the_driver_on_open(pg_url: str) -> None:
    """A postgresql:// URL imports the driver at open and the registry works through it."""
    result = _run(PG_OPEN, pg_url)
    assert result == {"before": False, "after": True, "count": 0}
