"""The trigger-kept count tables equal a GROUP BY over the guide's tables after any write."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from registry_tui import ModelRegistry
from registry_tui.db import counts, listing
from registry_tui.db.migrations import SCHEMA_VERSION, read_version
from registry_tui.records import Count, Facets, ModelQuery
from tests.conftest import FixedClock
from tests.legacy import guide_file, insert_model, insert_tag

TASKS = ["classification", "language_modeling", "vision"]


def _rows(registry: ModelRegistry, sql: str) -> set[tuple[Any, ...]]:
    return {tuple(r) for r in registry._storage.db.execute_sql(sql).fetchall()}


def assert_counts_true(registry: ModelRegistry) -> None:
    """The count tables (their non-zero rows) equal GROUP BYs over models and model_tags."""
    key = "CASE WHEN {s} IS NULL THEN 'N' ELSE 'S' || {s} END"
    models = _rows(
        registry,
        f"SELECT {key.format(s='status')}, task_type, count(*) FROM models "
        f"GROUP BY {key.format(s='status')}, task_type",
    )
    tags = _rows(
        registry,
        f"SELECT t.tag_name, {key.format(s='m.status')}, m.task_type, count(*) "
        "FROM model_tags t JOIN models m ON m.model_id = t.model_id "
        f"GROUP BY t.tag_name, {key.format(s='m.status')}, m.task_type",
    )
    kept_models = _rows(
        registry,
        "SELECT status_key, task_type, sum(n) FROM model_counts "
        "GROUP BY status_key, task_type HAVING sum(n) <> 0",
    )
    kept_tags = _rows(
        registry,
        "SELECT tag_name, status_key, task_type, sum(n) FROM tag_counts "
        "GROUP BY tag_name, status_key, task_type HAVING sum(n) <> 0",
    )
    assert {(a, b, int(n)) for a, b, n in kept_models} == {(a, b, int(n)) for a, b, n in models}
    assert {(a, b, c, int(n)) for a, b, c, n in kept_tags} == {
        (a, b, c, int(n)) for a, b, c, n in tags
    }


def _register(registry: ModelRegistry, i: int, tags: list[str] | None = None) -> int:
    return registry.register_model(
        f"model-{i % 4}",
        f"1.0.{i}",
        f"/ckpt/{i}.pt",
        TASKS[i % len(TASKS)],
        metrics={"accuracy": i / 100},
        tags=tags,
        verify_checkpoint=False,
    )


def _filled(registry: ModelRegistry, n: int = 12) -> list[int]:
    return [_register(registry, i, ["baseline"] if i % 3 == 0 else None) for i in range(n)]


def test_counts_follow_every_registry_write(registry: ModelRegistry) -> None:
    """Register, tag, untag, exclusive promote, retire, restore and delete (forced, tagged)
    each leave the count tables equal to a GROUP BY, on SQLite and PostgreSQL."""
    ids = _filled(registry)
    assert_counts_true(registry)
    writes: list[Callable[[], object]] = [
        lambda: registry.promote_model(ids[1], "production"),
        lambda: registry.promote_model(ids[2], "production"),  # moves the exclusive tag
        lambda: registry.promote_model(ids[2], "shared-tag", remove_from_others=False),
        lambda: registry.promote_model(ids[4], "shared-tag", remove_from_others=False),
        lambda: registry.remove_tag(ids[4], "shared-tag"),
        lambda: registry.retire_model(ids[2]),
        lambda: registry.retire_model(ids[5]),
        lambda: registry.restore_model(ids[5]),
        lambda: registry.delete_model(ids[2], force=True),
        lambda: registry.delete_model(ids[7]),
        lambda: registry.rollback_tag("production"),
    ]
    for write in writes:
        write()
        assert_counts_true(registry)


def test_counts_follow_a_load(registry_url: str, tmp_path: Path, clock: FixedClock) -> None:
    """A bundle loaded into an empty registry is counted like the registry it came from."""
    with ModelRegistry(tmp_path / "source.db", clock=clock) as source:
        _filled(source)
        source.promote_model(3, "production")
        source.retire_model(4)
        bundle = source.dump_bundle()
        expected = source.records.facets(None), source.records.facets("retired")
    with ModelRegistry(registry_url, clock=clock) as target:
        target.load(bundle)
        assert_counts_true(target)
        assert (target.records.facets(None), target.records.facets("retired")) == expected


def test_counts_follow_a_plain_sqlite3_writer(tmp_path: Path) -> None:
    """The guide's code writing with plain sqlite3 (no foreign keys enforced) into a migrated
    file: inserts, status and task updates, tag moves and deletes are all counted."""
    path = tmp_path / "guide.db"
    ModelRegistry(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    a = insert_model(conn, "a", "1.0.0", task_type="vision")
    b = insert_model(conn, "b", "1.0.0", task_type="vision", status=None)
    c = insert_model(conn, "c", "1.0.0", task_type="nlp")
    for model_id, tag in ((a, "x"), (b, "x"), (c, "y"), (a, "y")):
        insert_tag(conn, model_id, tag)
    insert_tag(conn, 999, "orphan")  # no such model: never counted
    steps = [
        f"UPDATE models SET status = 'retired' WHERE model_id = {a}",
        f"UPDATE models SET task_type = 'audio' WHERE model_id = {c}",
        f"UPDATE models SET status = 'active' WHERE model_id = {b}",
        f"UPDATE model_tags SET model_id = {c} WHERE model_id = {a} AND tag_name = 'x'",
        f"UPDATE model_tags SET tag_name = 'z' WHERE model_id = {b}",
        f"DELETE FROM model_tags WHERE model_id = {c} AND tag_name = 'y'",
        f"DELETE FROM models WHERE model_id = {a}",  # its tag rows stay behind, orphaned
        f"UPDATE models SET model_id = 999 WHERE model_id = {b}",  # adopts the orphan tag
        "DELETE FROM models",
    ]
    with ModelRegistry(path) as registry:
        assert_counts_true(registry)
        for sql in steps:
            conn.execute(sql)
            assert_counts_true(registry)
    conn.close()


@pytest.mark.postgres
def test_counts_follow_a_plain_psycopg2_writer(pg_url: str) -> None:
    """Other code writing with psycopg2 (cascading deletes included) is counted on PostgreSQL."""
    with ModelRegistry(pg_url) as registry:
        ids = _filled(registry)
        conn = registry._storage.db.connection()
        steps = [
            "INSERT INTO models (name, version, checkpoint_path, task_type, status) "
            "VALUES ('raw', '1.0.0', '/c', 'vision', NULL)",
            f"INSERT INTO model_tags (model_id, tag_name) VALUES ({ids[1]}, 'raw-tag')",
            f"UPDATE models SET status = 'retired' WHERE model_id = {ids[1]}",
            f"UPDATE models SET task_type = 'audio' WHERE model_id = {ids[3]}",
            f"UPDATE model_tags SET model_id = {ids[4]} WHERE model_id = {ids[3]}",
            f"DELETE FROM models WHERE model_id = {ids[4]}",  # cascades to its tags
            "DELETE FROM model_tags WHERE tag_name = 'raw-tag'",
            "DELETE FROM models",
        ]
        for sql in steps:
            with conn.cursor() as cursor:
                cursor.execute(sql)
            conn.commit()
            assert_counts_true(registry)


def _guide_registry(path: Path) -> None:
    conn = guide_file(path)
    for i in range(9):
        model_id = insert_model(conn, f"m{i}", "1.0.0", task_type=TASKS[i % 3])
        if i % 2:
            insert_tag(conn, model_id, "odd")
    conn.execute("UPDATE models SET status = 'retired' WHERE model_id <= 3")
    conn.close()


def test_the_migration_back_fills_and_is_idempotent(tmp_path: Path) -> None:
    """Migrating a guide-made file fills the count tables from its rows; installing them
    again (as a re-run step would) changes nothing and keeps the triggers single."""
    path = tmp_path / "guide.db"
    _guide_registry(path)
    with ModelRegistry(path) as registry:
        assert read_version(registry._storage.db) == SCHEMA_VERSION
        assert_counts_true(registry)
        assert registry.records.facets(None).total == 9
        before = (
            _rows(registry, "SELECT * FROM tag_counts"),
            _rows(registry, "SELECT * FROM model_counts"),
        )
        counts.install(registry._storage.db)
        counts.install(registry._storage.db)
        after = (
            _rows(registry, "SELECT * FROM tag_counts"),
            _rows(registry, "SELECT * FROM model_counts"),
        )
        assert before == after
        _register(registry, 100, ["odd"])
        assert_counts_true(registry)


@pytest.mark.postgres
def test_the_migration_back_fills_on_postgresql(pg_url: str) -> None:
    """On PostgreSQL, count tables emptied by hand are back-filled by installing them again,
    and re-created triggers count each write once."""
    with ModelRegistry(pg_url) as registry:
        _filled(registry)
        registry._storage.db.execute_sql("DELETE FROM model_counts")
        registry._storage.db.execute_sql("DELETE FROM tag_counts")
        counts.install(registry._storage.db)
        counts.install(registry._storage.db)
        assert_counts_true(registry)
        _register(registry, 100, ["baseline"])
        assert_counts_true(registry)


def _reference_facets(registry: ModelRegistry, status: str | None) -> Facets:
    where = "" if status is None else f" WHERE m.status = '{status}'"
    tasks = registry._storage.db.execute_sql(
        f"SELECT task_type, count(*) FROM models m{where} GROUP BY task_type ORDER BY task_type"
    ).fetchall()
    tags = registry._storage.db.execute_sql(
        "SELECT t.tag_name, count(*) FROM model_tags t JOIN models m "
        f"ON m.model_id = t.model_id{where} GROUP BY t.tag_name ORDER BY t.tag_name"
    ).fetchall()
    as_pairs = lambda rows: tuple((str(a), int(b)) for a, b in rows)  # noqa: E731
    return Facets(as_pairs(tasks), as_pairs(tags), sum(int(b) for _, b in tasks))


def test_facets_equal_a_group_by(registry: ModelRegistry) -> None:
    """The sidebar's facets (per status and for all) are those of a GROUP BY, zero rows left out."""
    ids = _filled(registry)
    registry.retire_model(ids[0])
    registry.delete_model(ids[3], force=True)  # the last baseline of its task goes
    for status in ("active", "retired", None, "nothing"):
        assert registry.records.facets(status) == _reference_facets(registry, status)


def test_status_task_and_tag_counts_are_exact_past_any_cap(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listings filtered by status, task (a case-blind glob) and tag only are counted exactly
    from the count tables, even past the cap and with no filter small enough to drive."""
    _filled(registry, 30)
    registry.retire_model(2)
    monkeypatch.setattr(listing, "PROBE", 0)
    queries = [
        ModelQuery(),
        ModelQuery(status=None),
        ModelQuery(status="retired"),
        ModelQuery(task_type="VISION"),
        ModelQuery(task_type="*ion*", status=None),
        ModelQuery(tag="baseline"),
        ModelQuery(tag="baseline", task_type="classification", status=None),
        ModelQuery(tag="nope"),
    ]
    for query in queries:
        expected = registry.count_models(ModelQuery(**{**_fields(query), "text": "model"}))
        assert registry.count_capped(query, cap=3) == Count(expected, True), query
        assert registry.count_models(query) == expected, query


def _fields(query: ModelQuery) -> dict[str, Any]:
    return {f: getattr(query, f) for f in query.__dataclass_fields__}


@pytest.mark.postgres
def test_concurrent_postgresql_writers_do_not_wait_for_one_count_row(pg_url: str) -> None:
    """Two open transactions registering models of the same status and task (from server
    processes in different count slots) both proceed: neither waits for the other's row."""
    import psycopg2

    ModelRegistry(pg_url).close()
    base, options = pg_url.split("options=", 1)
    conns = []
    slots: set[int] = set()
    while len(conns) < 2:
        conn = psycopg2.connect(base.rstrip("?&"), options=unquote(options))
        slot = conn.get_backend_pid() % counts.SLOTS
        if slot in slots:
            conn.close()
            continue
        slots.add(slot)
        conns.append(conn)
    insert = (
        "INSERT INTO models (name, version, checkpoint_path, task_type) "
        "VALUES (%s, '1.0.0', '/c', 'vision')"
    )
    first, second = conns
    with first.cursor() as cursor:
        cursor.execute(insert, ("first",))  # left uncommitted: it holds its rows
    with second.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")
        cursor.execute(insert, ("second",))  # would time out waiting for a shared row
    second.commit()
    first.commit()
    for conn in conns:
        conn.close()
    with ModelRegistry(pg_url) as registry:
        assert registry.records.facets(None).task_types == (("vision", 2),)
        assert_counts_true(registry)
