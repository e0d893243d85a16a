"""``dump``/``load`` carry what a registry records beyond its models: metric directions,
tag policies, and the tag/export rows of missing models set aside at migration."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.ops import BundleConflictError, BundleError
from tests.conftest import FixedClock
from tests.legacy import guide_file, insert_model, insert_tag


def _orphans(registry: ModelRegistry) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = registry.dump_bundle()["legacy_orphans"]
    return rows


@pytest.fixture
def recorded(tmp_path: Path) -> ModelRegistry:
    """A guide-made file with a tag and an export of a missing model (set aside when this
    project opens it), then metric directions and tag policies recorded on it."""
    path = tmp_path / "guide.db"
    conn = guide_file(path)
    insert_model(conn, "gpt-small", "1.0.0")
    insert_tag(conn, 7, "production")  # model 7 never existed
    conn.execute(
        "INSERT INTO model_exports (model_id, export_format, export_path, metadata) "
        "VALUES (9, 'onnx', '/x.onnx', '{}')"
    )
    conn.close()
    registry = ModelRegistry(path, clock=FixedClock(), actor="tester@host")
    registry.set_metric_direction("wer", True)
    registry.set_metric_direction("bleu_s", False)
    registry.set_tag_policy("staging", True)
    registry.set_tag_policy("production", False)
    return registry


def test_a_moved_registry_keeps_directions_policies_and_set_aside_rows(
    recorded: ModelRegistry, tmp_path: Path
) -> None:
    """dump then load into a fresh registry gives back the same metric_directions(),
    tag_policies() and set-aside rows, and dumping the copy gives the same bundle."""
    with recorded:
        first = recorded.dump(tmp_path / "a.json")
        directions, policies = recorded.metric_directions(), recorded.tag_policies()
        orphans = _orphans(recorded)
    assert [(o["source_table"], o["model_id"]) for o in orphans] == [
        ("model_tags", 7),
        ("model_exports", 9),
    ]
    with ModelRegistry(tmp_path / "moved.db") as moved:
        report = moved.load(first)
        assert (report.metric_directions, report.tag_policies, report.legacy_orphans) == (2, 2, 2)
        assert moved.metric_directions() == directions == {"bleu_s": False, "wer": True}
        assert moved.tag_policies() == policies == {"production": False, "staging": True}
        assert _orphans(moved) == orphans
        assert any("legacy_orphans" in note for note in moved.check().notes)
        assert moved.dump(tmp_path / "b.json").read_bytes() == first.read_bytes()


def test_postgres_keeps_them_too_and_numbers_later_rows_after_them(
    recorded: ModelRegistry, pg_url: str, tmp_path: Path
) -> None:
    """SQLite -> PostgreSQL -> bundle: byte for byte the same; a row set aside later on
    PostgreSQL takes an id after the loaded ones (the counter was raised)."""
    with recorded:
        first = recorded.dump(tmp_path / "sqlite.json")
    with ModelRegistry(pg_url) as target:
        target.load(first)
        assert target.dump(tmp_path / "pg.json").read_bytes() == first.read_bytes()
        db = target._storage.db
        cursor = db.execute_sql(
            "INSERT INTO legacy_orphans (source_table, row_id, model_id, row_data, set_aside_at) "
            "VALUES ('model_tags', 1, 11, '{}', '2026-01-01 00:00:00') RETURNING orphan_id"
        )
        assert cursor.fetchone()[0] == 3
        db.rollback()


def test_the_same_settings_load_again_and_different_ones_conflict(
    recorded: ModelRegistry, tmp_path: Path
) -> None:
    """A direction or policy the target already records the same way is skipped; recorded
    the other way it is a conflict, and nothing is written."""
    with recorded:
        bundle = recorded.dump_bundle()
    settings = {k: v for k, v in bundle.items() if k not in ("models", "model_tags")}
    settings.update(models=[], model_tags=[], model_exports=[], model_configs=[])
    settings.update(registry_events=[], checkpoint_hashes=[], legacy_orphans=[])
    with ModelRegistry(tmp_path / "same.db") as same:
        same.set_metric_direction("wer", True)
        same.load(settings)
        assert same.metric_directions() == {"bleu_s": False, "wer": True}
    with ModelRegistry(tmp_path / "other.db") as other:
        other.set_metric_direction("wer", False)
        before = other.dump_bundle()
        with pytest.raises(BundleConflictError, match="metric_directions 'wer' is recorded"):
            other.load(settings)
        assert other.dump_bundle() == before


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("metric_directions", "lower_is_better", "yes", "must be true or false"),
        ("metric_directions", "metric", " ", "metric_directions\\[0\\]"),
        ("tag_policies", "tag", "two words", "tag_policies\\[0\\]"),
        ("legacy_orphans", "source_table", "models", "source_table must be one of"),
        ("legacy_orphans", "row_data", [1], "must be a JSON dict"),
    ],
)
def test_bad_recorded_rows_are_refused(
    recorded: ModelRegistry, tmp_path: Path, table: str, column: str, value: Any, message: str
) -> None:
    """A value the API would refuse in these tables refuses the whole load, naming the row."""
    with recorded:
        bundle = copy.deepcopy(recorded.dump_bundle())
    bundle[table][0][column] = value
    with ModelRegistry(tmp_path / "refused.db") as target:
        with pytest.raises(BundleError, match=message):
            target.load(bundle)
        assert target.metric_directions() == {}


def test_a_bundle_without_these_tables_still_loads(recorded: ModelRegistry, tmp_path: Path) -> None:
    """A bundle written before directions, policies and set-aside rows were carried loads,
    with none of them."""
    with recorded:
        bundle = recorded.dump_bundle()
    for key in ("metric_directions", "tag_policies", "legacy_orphans"):
        del bundle[key]
    with ModelRegistry(tmp_path / "old.db") as target:
        assert target.load(bundle).models == 1
        assert target.metric_directions() == {}
        assert target.tag_policies() == {"production": True}
