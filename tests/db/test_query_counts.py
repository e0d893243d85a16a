"""The hot paths run a fixed, small number of SQL statements, on SQLite and PostgreSQL.

In the style of peewee's ``assert_query_count``: every statement the registry's
database runs inside the block is counted (transaction control left out, see
:mod:`tests.querycount`) and the count is asserted exactly, so a query added to
a hot path, or a loop of queries over a model's exports, children or tags,
fails here with the statements listed.
"""

from __future__ import annotations

from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.tui.screens.detail import DetailScreen
from tests.querycount import assert_query_count, statements

COMMON: dict[str, Any] = {"verify_checkpoint": False, "task_type": "lm"}
AT = "2026-01-01 12:00:00"


def _models(registry: ModelRegistry) -> dict[str, int]:
    """A parent with an export and a tag, a plain model, and a child of the parent."""
    parent = registry.register_model("p", "1.0.0", "p.pt", metrics={"loss": 1.0},
                                     tags=["production"], **COMMON)  # fmt: skip
    registry.add_export_format(parent, "onnx", "/p.onnx")
    plain = registry.register_model("q", "1.0.0", "q.pt", metrics={"loss": 0.5}, **COMMON)
    child = registry.register_model("p", "1.1.0", "c.pt", parent_model_id=parent, **COMMON)
    return {"parent": parent, "plain": plain, "child": child}


def test_get_model_by_id(registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    """get_model(model_id=) is one statement, two when the model has exports (never one
    per export); with name and version given too, the id still decides and costs no more."""
    ids = _models(registry)
    with assert_query_count(registry, monkeypatch, 1):
        assert registry.get_model(model_id=ids["plain"]) is not None
    with assert_query_count(registry, monkeypatch, 2):
        model = registry.get_model(model_id=ids["parent"])
    assert model is not None and len(model["exports"]) == 1
    with assert_query_count(registry, monkeypatch, 1):
        model = registry.get_model(model_id=ids["plain"], name="p", version="1.0.0")
    assert model is not None and model["name"] == "q"
    with assert_query_count(registry, monkeypatch, 1):
        assert registry.get_model(model_id=10**6) is None


def test_get_model_by_name_and_version(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """get_model(name=, version=) is one statement, two when the model has exports."""
    _models(registry)
    with assert_query_count(registry, monkeypatch, 1):
        assert registry.get_model(name="q", version="1.0.0") is not None
    with assert_query_count(registry, monkeypatch, 2):
        assert registry.get_model(name="p", version="1.0.0") is not None
    with assert_query_count(registry, monkeypatch, 1):
        assert registry.get_model(name="q", version="9.9.9") is None


def _detail_load(registry: ModelRegistry, model_id: int) -> DetailScreen.Loaded:
    """Run the detail screen's load worker body in this thread and return what it posts.

    The screen is built, not mounted: its worker's body (``__wrapped__`` of the
    ``@work`` method) asks the registry exactly what the app asks, without an app
    whose own workers would add statements to the count.
    """
    screen = DetailScreen(registry, model_id)
    posted: list[object] = []
    screen.post_message = posted.append  # type: ignore[method-assign,assignment]
    DetailScreen._load.__wrapped__(screen)  # type: ignore[attr-defined]
    (message,) = posted
    assert isinstance(message, DetailScreen.Loaded)
    return message


def test_the_detail_screen_load(registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    """The detail screen's load is the record (plus its exports), its history, and the
    labels of every model the history names in one statement: 4 statements for a model
    with an export and a history naming two models, 3 without exports."""
    ids = _models(registry)
    registry.promote_model(ids["child"], "production")  # the parent's history names the child
    with assert_query_count(registry, monkeypatch, 4):
        loaded = _detail_load(registry, ids["parent"])
    assert loaded.record is not None and loaded.record.model_id == ids["parent"]
    assert set(loaded.labels) == {ids["parent"], ids["child"]}
    with assert_query_count(registry, monkeypatch, 3):
        loaded = _detail_load(registry, ids["plain"])
    assert loaded.record is not None and loaded.labels == {ids["plain"]: "q 1.0.0"}


def test_compare_of_ten_models(registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    """compare_models of 10 ids reads them in one statement, whatever metrics are asked
    for, and an unknown id among them costs nothing more."""
    ids = [registry.register_model("m", f"1.0.{i}", "m.pt", metrics={"loss": i / 10, "acc": i},
                                   **COMMON) for i in range(10)]  # fmt: skip
    with assert_query_count(registry, monkeypatch, 1):
        frame = registry.compare_models(ids)
    assert list(frame["model_id"]) == ids
    with assert_query_count(registry, monkeypatch, 1):
        frame = registry.compare_models(ids, metrics=["loss"])
    assert "acc" not in frame.columns
    with assert_query_count(registry, monkeypatch, 1):
        frame = registry.compare_models([*ids[:9], 10**6])
    assert len(frame) == 9


def _family(base: int, children: int, tags: tuple[str, ...] = ("production",)) -> dict[str, Any]:
    """A bundle of one root holding ``tags`` (each exclusive) and ``children`` models
    fine-tuned from it (loaded in a few statements, however many)."""
    row = {"checkpoint_path": "m.pt", "task_type": "lm", "created_at": AT, "status": "active"}
    models = [{**row, "model_id": base, "name": f"r{base}", "version": "1.0.0"}]
    models += [
        {**row, "model_id": base + i, "name": f"r{base}", "version": f"1.1.{i}",
         "parent_model_id": base}
        for i in range(1, children + 1)
    ]  # fmt: skip
    held = [{"tag_id": base + i, "model_id": base, "tag_name": tag, "created_at": AT}
            for i, tag in enumerate(tags)]  # fmt: skip
    policies = [{"tag": tag, "exclusive": True, "set_at": AT} for tag in tags]
    return {"format": "registry-tui-bundle", "format_version": 1, "models": models,
            "model_tags": held, "tag_policies": policies}  # fmt: skip


DELETE_STATEMENTS = 13
"""A forced delete: the plan (the record, the tag policies, the active holders of its
exclusive tags, its children), the protected tags it holds, the unlinking (one UPDATE,
one multi-row INSERT of events), the model's rows (tags, exports, metrics, hashes, the
model) and its event."""


def _delete_statements(registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch,
                       model_id: int) -> int:  # fmt: skip
    with statements(registry, monkeypatch) as seen:
        registry.delete_model(model_id, force=True)
    assert seen.count == DELETE_STATEMENTS, "\n".join(sql[:120] for sql in seen.sql)
    assert registry.get_model(model_id=model_id) is None
    return seen.count


@pytest.mark.parametrize("children", [3, 30, 600])
def test_delete_with_children(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch, children: int
) -> None:
    """delete_model(force=True) of a tagged model runs the same 13 statements for 3, 30 or
    600 children (more than one chunk of ids): no statement per child, no chunked reads;
    every child is unlinked and its unlinking recorded."""
    registry.load(_family(1000, children))
    _delete_statements(registry, monkeypatch, 1000)
    unlinked = registry.events(model_id=1000, limit=None)
    assert sum(e.event == "unlink" for e in unlinked) == children
    last = registry.get_model(model_id=1000 + children)
    assert last is not None and last["parent_model_id"] is None


def test_delete_of_a_model_holding_several_exclusive_tags(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The holders of all a model's exclusive tags are read at once: a model holding three
    costs the same 13 statements as one holding one, and the plan still names all three
    as left without an active holder."""
    tags = ("production", "staging", "canary")
    registry.load(_family(2000, 3, tags))
    assert set(registry.delete_plan(2000).orphaned_tags) == set(tags)
    _delete_statements(registry, monkeypatch, 2000)


def test_register_model(registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    """A registration is five statements on SQLite (duplicate check, next id, orphan
    probe, model insert, event) and seven on PostgreSQL (its id lock and sequence
    claim besides); a shared tag adds its insert, its policy read, its protection read
    and its event."""
    _models(registry)
    pg = registry._storage.target.backend == "postgresql"
    with statements(registry, monkeypatch) as seen:
        registry.register_model("r", "1.0.0", "r.pt", metrics={"loss": 0.1}, **COMMON)
    assert seen.count == (7 if pg else 5), seen.sql
    with statements(registry, monkeypatch) as seen:
        registry.register_model("r", "1.1.0", "r.pt", tags=["nightly"], **COMMON)
    assert seen.count == (11 if pg else 9), seen.sql
