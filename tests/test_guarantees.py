"""Single-process tests for what the slow fault suite shows with many processes:
atomic writes, tag-filtered counts, holder order, query counts of the hot paths."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from registry_tui.records import Count, ModelQuery
from tests.querycount import assert_query_count, statements

COMMON: dict[str, Any] = {"verify_checkpoint": False, "task_type": "lm"}
TABLES = (
    "models", "model_tags", "model_exports", "model_metrics", "model_configs",
    "registry_events", "checkpoint_hashes", "metric_directions", "tag_policies",
)  # fmt: skip


def _snapshot(registry: ModelRegistry) -> dict[str, list[tuple[Any, ...]]]:
    db = registry._storage.db
    return {t: sorted(map(tuple, db.execute_sql(f"SELECT * FROM {t}").fetchall()), key=repr)
            for t in TABLES}  # fmt: skip


def _base(registry: ModelRegistry) -> dict[str, int]:
    a = registry.register_model("a", "1.0.0", "a.pt", metrics={"loss": 1.0}, tags=["production"],
                                **COMMON)  # fmt: skip
    b = registry.register_model("b", "1.0.0", "b.pt", parent_model_id=a, **COMMON)
    registry.promote_model(b, "production")
    return {"a": a, "b": b}


WRITES: dict[str, Callable[[ModelRegistry, dict[str, int]], object]] = {
    "register": lambda r, ids: r.register_model(
        "c", "1.0.0", "c.pt", metrics={"loss": 0.5, "acc": 0.9}, tags=["production", "staging"],
        config={"layers": 2}, parent_model_id=ids["a"], export_formats=["onnx"], **COMMON,
    ),
    "promote": lambda r, ids: r.promote_model(ids["a"], "production"),
    "untag": lambda r, ids: r.remove_tag(ids["b"], "production"),
    "rollback": lambda r, ids: r.rollback_tag("production"),
    "retire": lambda r, ids: r.retire_model(ids["b"]),
    "delete": lambda r, ids: r.delete_model(ids["a"], force=True),
    "export": lambda r, ids: r.add_export_format(ids["a"], "onnx", "/e.onnx", {"opset": 14}),
    "metric direction": lambda r, ids: r.set_metric_direction("loss", True),
    "tag policy": lambda r, ids: r.set_tag_policy("staging", True),
}  # fmt: skip


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_is_all_or_nothing(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch, write: str
) -> None:
    """A failure injected before each statement of a write, from the second on, leaves
    every table (models, tags, metrics, exports, configs, events ...) as it was; the write
    then succeeds. Removing the write transaction makes this fail at once."""
    ids = _base(registry)
    before = _snapshot(registry)
    for fail_at in range(2, 60):
        try:
            with statements(registry, monkeypatch, fail_at=fail_at):
                WRITES[write](registry, ids)
        except RuntimeError as exc:
            assert "injected" in str(exc)
            assert _snapshot(registry) == before, f"left behind after failing at {fail_at}"
            continue
        break
    else:
        pytest.fail("the write never completed")
    assert fail_at > 2, "the write ran a single statement: nothing was injected"
    assert _snapshot(registry) != before


def _tagged(registry: ModelRegistry) -> dict[str, int]:
    ids = {n: registry.register_model(n, "1.0.0", f"{n}.pt", **COMMON) for n in "abcd"}
    for name in ("a", "c", "b"):
        registry.promote_model(ids[name], "staging", remove_from_others=False)
    registry.retire_model(ids["d"])
    return ids


def test_tag_filtered_counts_in_the_core(registry: ModelRegistry) -> None:
    """count_models and page totals honour the tag (and the status) filter."""
    _tagged(registry)
    assert registry.count_models(ModelQuery(tag="staging")) == 3
    assert registry.count_models(ModelQuery(tag="staging", name="a")) == 1
    assert registry.count_models(ModelQuery(tag="nobody")) == 0
    assert registry.count_models(ModelQuery(status=None)) == 4
    assert registry.records.page(ModelQuery(tag="staging"), 0, 1).total == 3


def test_capped_counts_and_page_totals_honour_the_tag(registry: ModelRegistry) -> None:
    """The capped count the faces show and a page's total count a tag's holders only,
    retired ones included when the status filter allows them, on either backend."""
    _tagged(registry)
    assert registry.count_capped(ModelQuery(tag="staging", status=None)).value == 3
    assert registry.count_capped(ModelQuery(tag="nobody", status=None)).value == 0
    assert registry.records.page(ModelQuery(tag="staging", status=None), 0, 1).total == 3
    assert registry.records.page(ModelQuery(tag="nobody"), 0, 1).total == 0
    assert registry.count_models(ModelQuery(tag="staging", status=None)) == 3


def test_tag_counts_combined_with_filters_the_count_tables_cannot_answer(
    registry: ModelRegistry,
) -> None:
    """A tag beside a name glob or a metric condition (counted by the listing planner,
    not the trigger-kept count tables) still counts the tag's holders only: capped,
    exact and page totals alike."""
    for n in "efgh":
        model_id = registry.register_model(
            n, "1.0.0", f"{n}.pt", metrics={"accuracy": 0.5}, **COMMON
        )
        if n != "h":
            registry.promote_model(model_id, "staging", remove_from_others=False)
    for query in (
        ModelQuery(tag="staging", name="?", status=None),
        ModelQuery(tag="staging", where=("accuracy > 0",), status=None),
    ):
        assert registry.count_capped(query) == Count(3, True), query
        assert registry.count_models(query) == 3, query
        assert registry.records.page(query, 0, 1).total == 3, query
    assert registry.count_models(ModelQuery(name="?", status=None)) == 4


def test_tag_filtered_counts_of_every_status_in_the_cli(sqlite_registry: ModelRegistry) -> None:
    """``list --tag --status all`` counts the tag's holders, not every model."""
    _tagged(sqlite_registry)
    out = io.StringIO()
    args = ["--db", sqlite_registry.location, "list", "--tag", "staging", "--status", "all"]
    with contextlib.redirect_stdout(out):
        code = main([*args, "--limit", "1"])
    assert code == 0 and "Showing 1 of 3 models" in out.getvalue()


def test_tag_filtered_counts_in_the_cli(sqlite_registry: ModelRegistry) -> None:
    """``list --tag`` reports the tag's count, not the registry's."""
    _tagged(sqlite_registry)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--db", sqlite_registry.location, "list", "--tag", "staging", "--limit", "1"])
    assert code == 0 and "Showing 1 of 3 models" in out.getvalue()


def test_tag_holders_most_recently_tagged_first(registry: ModelRegistry) -> None:
    """tag_holders lists the holders of a shared tag by when they got it, newest first;
    get_model(tag=) is the newest."""
    ids = _tagged(registry)
    assert [r.model_id for r in registry.records.tag_holders("staging")] == [
        ids["b"],
        ids["c"],
        ids["a"],
    ]
    model = registry.get_model(tag="staging")
    assert model is not None and model["model_id"] == ids["b"]


def test_query_counts_of_the_hot_paths(
    sqlite_registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """get by id is one query (two with exports); the app's detail load (record and
    history) is three; delete with N children takes the same number for any N."""
    registry = sqlite_registry
    parent = registry.register_model("p", "1.0.0", "p.pt", **COMMON)
    registry.add_export_format(parent, "onnx", "/p.onnx")
    plain = registry.register_model("q", "1.0.0", "q.pt", **COMMON)
    with assert_query_count(registry, monkeypatch, 1):
        registry.records.get(plain)
    with assert_query_count(registry, monkeypatch, 2):
        registry.records.get(parent)
    with assert_query_count(registry, monkeypatch, 3):
        registry.records.get(parent)
        registry.events(model_id=parent, limit=50)

    def delete_cost(children: int) -> int:
        root = registry.register_model(f"r{children}", "1.0.0", "r.pt", **COMMON)
        for i in range(children):
            registry.register_model(f"r{children}", f"1.1.{i}", "c.pt", parent_model_id=root,
                                    **COMMON)  # fmt: skip
        with statements(registry, monkeypatch) as seen:
            registry.delete_model(root, force=True)
        return seen.count

    assert delete_cost(1) == delete_cost(5) == delete_cost(20)
