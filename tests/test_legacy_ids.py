"""Legacy files keep their ids honest: orphan rows set aside, ids never reused, the
same ids on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.records import ModelQuery
from tests.legacy import guide_file, insert_model, insert_tag

COMMON: dict[str, Any] = {"verify_checkpoint": False, "task_type": "lm"}


def test_orphan_tags_and_exports_are_set_aside_not_inherited(tmp_path: Path) -> None:
    """Tags and exports the original module left for ids with no model are moved to
    ``legacy_orphans`` at migration: the model that later gets that id is born untagged;
    ``check`` reports the rows set aside."""
    path = tmp_path / "models.db"
    conn = guide_file(path)
    insert_model(conn, "a", "1.0.0")
    insert_tag(conn, 2, "production")
    conn.execute(
        "INSERT INTO model_exports (model_id, export_format, export_path) VALUES (2, 'onnx', '/e')"
    )
    conn.close()
    with ModelRegistry(path) as registry:
        new = registry.register_model("b", "1.0.0", "b.pt", **COMMON)
        assert new == 2
        record = registry.records.require(new)
        assert record.tags == () and record.exports == () and record.export_formats == ()
        assert registry.get_model(tag="production") is None
        report = registry.check()
    assert any("model_tags row(s) of missing models set aside" in n for n in report.notes)
    rows = (
        sqlite3.connect(path)
        .execute("SELECT source_table, model_id FROM legacy_orphans ORDER BY source_table")
        .fetchall()
    )
    assert rows == [("model_exports", 2), ("model_tags", 2)]


def test_orphans_written_after_migration_are_not_inherited(tmp_path: Path) -> None:
    """A guide writer tagging a future id in a migrated registry does not tag the model
    that is registered with that id later."""
    path = tmp_path / "models.db"
    with ModelRegistry(path) as registry:
        registry.register_model("a", "1.0.0", "a.pt", **COMMON)
    conn = sqlite3.connect(path, isolation_level=None)
    insert_tag(conn, 2, "production")
    conn.close()
    with ModelRegistry(path) as registry:
        assert (
            registry.records.require(registry.register_model("b", "1.0.0", "b.pt", **COMMON)).tags
            == ()
        )


@pytest.mark.parametrize("autoincrement", [True, False])
def test_ids_of_deleted_models_are_never_handed_out_again(
    tmp_path: Path, autoincrement: bool
) -> None:
    """Deleting the newest model and registering another gives a new id, also on a guide
    table declared with a plain ``INTEGER PRIMARY KEY`` (which SQLite would reuse)."""
    path = tmp_path / "models.db"
    conn = guide_file(path, autoincrement=autoincrement)
    insert_model(conn, "a", "1.0.0")
    conn.close()
    with ModelRegistry(path) as registry:
        b = registry.register_model("b", "1.0.0", "b.pt", **COMMON)
        registry.delete_model(b)
        c = registry.register_model("c", "1.0.0", "c.pt", **COMMON)
        registry.delete_model(c)
    with ModelRegistry(path) as registry:
        d = registry.register_model("d", "1.0.0", "d.pt", **COMMON)
    assert (b, c, d) == (2, 3, 4)


def _operations(registry: ModelRegistry) -> list[int]:
    ids = [registry.register_model("a", "1.0.0", "a.pt", **COMMON)]
    with pytest.raises(ValueError, match="already exists"):
        registry.register_model("a", "1.0.0", "a.pt", **COMMON)
    with pytest.raises(ValueError, match="parent"):
        registry.register_model("x", "1.0.0", "x.pt", parent_model_id=99, **COMMON)
    ids.append(registry.register_model("b", "1.0.0", "b.pt", **COMMON))
    registry.delete_model(ids[-1])
    ids.append(registry.register_model("c", "1.0.0", "c.pt", tags=["production"], **COMMON))
    ids.append(registry.register_model("d", "1.0.0", "d.pt", tags=["production"], **COMMON))
    return ids


def test_identical_operations_give_identical_ids(registry: ModelRegistry) -> None:
    """Refused duplicates and unknown parents use up no id, on SQLite and PostgreSQL alike
    (a refused duplicate used to burn a PostgreSQL sequence value)."""
    assert _operations(registry) == [1, 2, 3, 4]
    assert registry.count_models(ModelQuery(status=None)) == 3
