"""A read-only registry read from many short-lived threads holds no connection of an ended one."""

from __future__ import annotations

import threading
from pathlib import Path

from registry_tui import ModelRegistry
from registry_tui.db.connect import ReadOnlySqlite
from registry_tui.records import ModelQuery


def test_connections_of_ended_threads_are_closed(tmp_path: Path) -> None:
    """Each of the app's workers runs in a new thread; after twenty of them have read the
    registry one after another, only the connections of live threads stay open."""
    path = tmp_path / "models.db"
    with ModelRegistry(path) as writer:
        writer.register_model("m", "1.0.0", "/c.pt", "vision", verify_checkpoint=False)
    registry = ModelRegistry(path, read_only=True)
    db = registry._storage.db
    assert isinstance(db, ReadOnlySqlite)
    results: list[int] = []
    for _ in range(20):
        worker = threading.Thread(
            target=lambda: results.append(registry.count_models(ModelQuery()))
        )
        worker.start()
        worker.join()
    assert results == [1] * 20
    assert db.open_connections() <= 2  # the last worker's, and this thread's if it has one
    registry.close()
    assert db.open_connections() == 0
