"""A long exact count gives up when its caller no longer wants it, and leaves no trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.errors import CountStopped
from registry_tui.records import ModelQuery

QUERY = ModelQuery(text="odel")  # a substring: counted by reading every model


def _many(path: Path, n: int = 3000) -> ModelRegistry:
    registry = ModelRegistry(path)
    with registry.transaction():
        registry._storage.db.execute_sql(
            "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < ?) "
            "INSERT INTO models (name, version, checkpoint_path, task_type) "
            "SELECT 'model-' || x, '1.0.0', '/c.pt', 'vision' FROM i",
            (n,),
        )
    return registry


def test_a_count_stops_when_asked_and_the_next_one_runs(tmp_path: Path) -> None:
    """``stop`` is consulted while the count runs; once True the count raises CountStopped,
    and the connection counts normally afterwards (the handler is removed)."""
    registry = _many(tmp_path / "models.db")
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(CountStopped):
        registry.count_models(QUERY, stop=stop)
    assert len(asked) >= 2
    assert registry.count_models(QUERY) == 3000
    assert registry.count_models(QUERY, stop=lambda: False) == 3000
    registry.close()
