"""The models of one run (``run:42``) are read from the ``(training_run_id, model_id)``
index that schema step 12 adds, and list and count what a plain scan finds."""

from __future__ import annotations

from pathlib import Path

from registry_tui import ModelRegistry
from registry_tui.db.listing import Lister
from registry_tui.query import parse_filter
from tests.db.test_listing_covered import _indexes, _recording

INDEX = "idx_models_training_run_id"


def _fill(registry: ModelRegistry) -> None:
    with registry.transaction():
        for i in range(60):
            registry.register_model(
                f"m{i % 4}", f"1.{i}.0", f"/c/{i}.pt", "lm", verify_checkpoint=False,
                training_run_id=None if i % 5 == 0 else i % 7,
            )  # fmt: skip
        for i in range(0, 60, 6):
            registry.retire_model(i + 1)


def test_a_run_filter_lists_and_counts_from_the_run_index(registry_url: str) -> None:
    """run:N lists newest first and counts exactly what the records say, for every run
    (and one with no models), and on SQLite the page is read through the run index."""
    with ModelRegistry(registry_url) as registry:
        _fill(registry)
        records = registry.records.query(parse_filter("status:all"), 0, 100)
        store = registry._store
        lister = Lister(store.db, store.pg, store.has_name_index())
        for run in range(9):
            query = parse_filter(f"run:{run}")
            expected = [
                r.model_id for r in records
                if r.training_run_id == run and r.status == "active"
            ]  # fmt: skip
            seen = _recording(lister)
            assert [int(r[0]) for r in lister.select(query, 0, None)] == expected, run
            assert lister.count_exact(query) == len(expected), run
            if registry.backend == "sqlite" and expected:
                page = seen[-1]
                plan = store.db.execute_sql("EXPLAIN QUERY PLAN " + page.text, page.params)
                assert any(INDEX in row[3] for row in plan.fetchall())


def test_upgrading_from_schema_11_adds_the_run_index(registry_url: str, tmp_path: Path) -> None:
    """A registry of schema version 11 gets the run index when it is next opened."""
    with ModelRegistry(registry_url) as registry:
        assert INDEX in _indexes(registry)
        registry._storage.db.execute_sql(f"DROP INDEX {INDEX}")
        registry._storage.db.execute_sql(
            "UPDATE registry_meta SET value = '11' WHERE key = 'schema_version'"
        )
    with ModelRegistry(registry_url) as registry:
        assert INDEX in _indexes(registry)
