"""Name-driven listings and counts read the covering name index, with the same results.

Models of a set of names (an exact name, a glob, a filter-bar word) are read
from the ``(name, status, created_at, model_id)`` index entries, so a count of
them needs no probe and no row, and stays exact up to its cap. Each test
compares with a reference computed in Python from every record, or with rows
that a plain driver wrote into a migrated registry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.db import counts, listing
from registry_tui.db.listing import Lister
from registry_tui.db.listing_sql import Sql
from registry_tui.db.migrations import NAME_LISTING_INDEX
from registry_tui.query import resolve_dates
from registry_tui.records import Count, ModelQuery
from tests.db.test_derived import _guide_rows
from tests.db.test_listing import NOW, _every, _fill, _reference

NAME_QUERIES = [
    ModelQuery(name="beta"),
    ModelQuery(name="alpha", status=None),
    ModelQuery(name="alpha*"),
    ModelQuery(name="*mma*", status="retired"),
    ModelQuery(text="alp"),
    ModelQuery(text="eta a", status=None),
    ModelQuery(name="gamma*", text="12"),
    ModelQuery(name="nothing-here"),
]


@pytest.fixture
def filled(registry_url: str, tmp_path: Path) -> Iterator[ModelRegistry]:
    with ModelRegistry(registry_url) as registry:
        _fill(registry, tmp_path)
        yield registry


def _recording(lister: Lister) -> list[Sql]:
    """Record every statement ``lister`` runs."""
    seen: list[Sql] = []
    run = lister.execute

    def execute(sql: Sql) -> Any:
        seen.append(sql)
        return run(sql)

    lister.execute = execute  # type: ignore[method-assign]
    return seen


RANGED_QUERIES = [
    resolve_dates(query, NOW)
    for query in (
        ModelQuery(),
        ModelQuery(status="retired"),
        ModelQuery(where=("created_at > 2024-10-01",)),
        ModelQuery(where=("created_at <= 2024-10-02 00:00",), status=None),
        ModelQuery(where=("created_at >= 2024-10-01", "created_at < 2025-07-01")),
        ModelQuery(task_type="asr", where=("created_at > 2024-10-01",)),
        ModelQuery(task_type="Image-*", status="active"),
    )
]


def test_ranged_counts_are_exact_up_to_the_cap_whatever_the_budget(
    filled: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count made only of the status, created_at bounds and one task type within a
    status is read from index ranges: exact up to the cap, then capped, with no probe
    and however small the count budget. (The count tables, which answer status and
    task alone exactly past any cap, are set aside to reach that path.)"""
    monkeypatch.setattr(counts, "known_count", lambda lister, query: None)
    monkeypatch.setattr(listing, "PROBE", 0)
    monkeypatch.setattr(listing, "COUNT_BUDGET", 1)
    records = _every(filled)
    store = filled._store
    lister = Lister(store.db, store.pg, store.has_name_index())
    seen = _recording(lister)
    for query in RANGED_QUERIES:
        total = len(_reference(records, query))
        seen.clear()
        assert lister.count(query, cap=1000) == Count(total, True), query
        assert not [s.text for s in seen if s.text.endswith(") AS p")], query  # no probe
        expected = Count(total, True) if total <= 5 else Count(5, False)
        assert lister.count(query, cap=5) == expected, query


def test_name_counts_are_exact_up_to_the_cap_whatever_the_budget(
    filled: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no filter small enough to drive and a count budget of one id, a count made
    only of name filters and the status is still exact up to the cap, then capped."""
    monkeypatch.setattr(listing, "PROBE", 0)
    monkeypatch.setattr(listing, "COUNT_BUDGET", 1)
    records = _every(filled)
    store = filled._store
    lister = Lister(store.db, store.pg, store.has_name_index())
    for query in NAME_QUERIES:
        total = len(_reference(records, query))
        assert lister.count(query, cap=1000) == Count(total, True), query
        expected = Count(total, True) if total <= 5 else Count(5, False)
        assert lister.count(query, cap=5) == expected, query


def test_name_listings_and_counts_read_only_the_covering_index(filled: ModelRegistry) -> None:
    """On SQLite, the probe, the page of ids and the count of a name listing all read
    the covering name index, and the listing is the reference's."""
    if filled.backend != "sqlite":
        pytest.skip("SQLite's query plans")
    records = _every(filled)
    store = filled._store
    lister = Lister(store.db, store.pg, store.has_name_index())
    seen = _recording(lister)
    for query in NAME_QUERIES[:4]:
        seen.clear()
        got = [int(r[0]) for r in lister.select(query, 0, None)]
        assert got == _reference(records, query), query
        lister.count(query)
        for sql in seen:
            text = sql.text.replace("LIMIT ALL", "LIMIT -1")
            plan = store.db.execute_sql("EXPLAIN QUERY PLAN " + text, sql.params).fetchall()
            assert any(f"COVERING INDEX {NAME_LISTING_INDEX}" in row[3] for row in plan), text


def test_a_date_condition_in_the_default_order_needs_no_probe(
    filled: ModelRegistry,
) -> None:
    """A created_at condition listed newest first is one statement read in index order
    (no probe of how many models the window holds), and lists what a scan finds."""
    records = _every(filled)
    store = filled._store
    lister = Lister(store.db, store.pg, store.has_name_index())
    seen = _recording(lister)
    for where in ("created_at > 2024-10-01", "created_at <= 2024-10-02 00:00"):
        for status in ("active", None):
            query = resolve_dates(ModelQuery(where=(where,), status=status), NOW)
            seen.clear()
            got = [int(r[0]) for r in lister.select(query, 0, 10)]
            assert got == _reference(records, query)[:10], query
            assert len(seen) == 1, [s.text for s in seen]


def test_plain_sqlite3_rows_are_counted_through_the_name_index(db_path: Path) -> None:
    """Rows the guide's plain-sqlite3 code writes into a migrated file are in the name
    index: name, glob and free-text listings and their counts find them."""
    ModelRegistry(db_path).close()
    conn = sqlite3.connect(db_path)
    _guide_rows(lambda sql, args: conn.execute(sql, args) and None, "?")
    conn.commit()
    conn.close()
    with ModelRegistry(db_path) as registry:
        for query, versions in (
            (ModelQuery(name="guide-net"), ["1.10.0", "1.10.0-rc.1", "1.9.0"]),
            (ModelQuery(name="guide-*"), ["1.10.0", "1.10.0-rc.1", "1.9.0"]),
            (ModelQuery(text="IDE-N"), ["1.10.0", "1.10.0-rc.1", "1.9.0"]),
            (ModelQuery(name="oth?r"), ["not-semver"]),
        ):
            found = registry.records.query(query)
            assert sorted(r.version for r in found) == versions, query
            assert registry.count_capped(query) == Count(len(versions), True), query


def test_a_task_of_one_status_in_the_default_order_is_read_in_index_order(
    filled: ModelRegistry,
) -> None:
    """A task glob is resolved to the task types it matches; one type of one status,
    newest first, is read from the composite task index without a probe, and any
    glob (one type, several, none) lists and counts what a scan finds."""
    records = _every(filled)
    store = filled._store
    lister = Lister(store.db, store.pg, store.has_name_index())
    seen = _recording(lister)
    query = ModelQuery(task_type="ASR")
    got = [int(r[0]) for r in lister.select(query, 0, 10)]
    assert got == _reference(records, query)[:10]
    probes = [s.text for s in seen if s.text.startswith("SELECT count(*)")]
    assert probes == []
    if filled.backend == "sqlite":
        page = seen[-1]
        plan = store.db.execute_sql("EXPLAIN QUERY PLAN " + page.text, page.params).fetchall()
        assert any("idx_models_task_status_created" in row[3] for row in plan), plan
    for pattern in ("ASR", "*class*", "nothing*", "d?tection"):
        for status in ("active", None):
            query = ModelQuery(task_type=pattern, status=status)
            expected = _reference(records, query)
            assert [int(r[0]) for r in lister.select(query, 0, None)] == expected, query
            assert lister.count_exact(query) == len(expected), query


def _indexes(registry: ModelRegistry) -> set[str]:
    if registry.backend == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return {str(row[0]) for row in registry._storage.db.execute_sql(sql).fetchall()}


def test_upgrading_from_schema_6_adds_the_listing_indexes(registry_url: str) -> None:
    """A registry of schema version 6 gets the covering name index on upgrade (and, on
    PostgreSQL, the covering metric index), and listings keep working."""
    wanted = {NAME_LISTING_INDEX}
    with ModelRegistry(registry_url) as registry:
        if registry.backend == "postgresql":
            wanted.add("idx_model_metrics_model_metric_value")
        assert wanted <= _indexes(registry)
        for name in wanted:
            registry._storage.db.execute_sql(f"DROP INDEX {name}")
        registry._storage.db.execute_sql(
            "UPDATE registry_meta SET value = '6' WHERE key = 'schema_version'"
        )
    with ModelRegistry(registry_url) as registry:
        assert wanted <= _indexes(registry)
        assert registry.count_capped(ModelQuery(name="none")) == Count(0, True)


def test_conditions_on_the_sorted_metric_are_ranges_of_its_index(
    filled: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Conditions on the metric a dense listing is sorted by bound the scan of its index
    and are not checked again row by row; one or two of them, either direction, list
    exactly what a scan finds."""
    monkeypatch.setattr(listing, "PROBE", 0)  # dense: read in the sort's index order
    records = _every(filled)
    store = filled._store
    lister = Lister(store.db, store.pg, store.has_name_index())
    seen = _recording(lister)
    for where, order in (
        (("val_loss < 0.5",), "val_loss"),
        (("val_loss > 0.2", "val_loss <= 0.6"), "-val_loss"),
        (("accuracy >= 0.7", "val_loss < 0.8", "accuracy < 0.95"), "accuracy"),
    ):
        query = ModelQuery(where=where, order_by=order)
        seen.clear()
        got = [int(r[0]) for r in lister.select(query, 0, None)]
        assert got == _reference(records, query), query
        others = [w for w in where if not w.startswith(order.lstrip("-"))]
        scans = [s.text for s in seen if "FROM model_metrics s " in s.text]
        assert scans, query
        assert all(text.count("w.metric = ?") == len(others) for text in scans), query


def test_a_name_beside_a_metric_condition_counts_within_the_budget(
    filled: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A common name set beside a metric condition (no filter small enough to drive) is
    counted from at most the budget's index entries: a true lower bound, said to be one
    when entries were left unread; exact once the budget covers every entry."""
    monkeypatch.setattr(listing, "PROBE", 0)
    records = _every(filled)
    store = filled._store
    query = ModelQuery(text="a", name="*a*", where=("val_loss < 0.9",), status=None)
    total = len(_reference(records, query))
    assert total > 3
    monkeypatch.setattr(listing, "COUNT_BUDGET", 9)  # 9 index entries (3 on PostgreSQL)
    lister = Lister(store.db, store.pg, store.has_name_index())
    seen = _recording(lister)
    small = lister.count(query, cap=1000)
    assert not small.exact and 0 < small.value <= lister.budget() < total
    assert any(f"LIMIT {lister.budget()}) AS m" in s.text for s in seen)
    monkeypatch.setattr(listing, "COUNT_BUDGET", 10_000)
    assert Lister(store.db, store.pg, store.has_name_index()).count(query) == Count(total, True)
