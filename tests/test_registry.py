"""ModelRegistry: the guide's API, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from registry_tui import (
    CheckpointNotFoundError,
    ConfigNotFoundError,
    DuplicateModelError,
    ModelNotFoundError,
    ModelRegistry,
    ModelStateError,
    RegistryError,
    StorageError,
    TagNotFoundError,
    ValidationError,
)
from registry_tui.records import ModelQuery

CONFIG = {"vocab_size": 50257, "d_model": 768, "num_layers": 12, "dropout": 0.1}


def reg(registry: ModelRegistry, name: str = "gpt-small", version: str = "1.0.0", **kw: Any) -> int:
    kw.setdefault("checkpoint_path", f"checkpoints/{name}-{version}.pt")
    kw.setdefault("task_type", "language_modeling")
    kw.setdefault("verify_checkpoint", False)
    return registry.register_model(name=name, version=version, **kw)


# -- registration -------------------------------------------------------------------


def test_register_and_get_by_id_returns_every_guide_column(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """register_model stores every column of the guide's models table and get_model returns it."""
    path = checkpoint("epoch_10.pt", size=2 * 1024 * 1024)
    model_id = registry.register_model(
        name="gpt-small",
        version="1.0.0",
        checkpoint_path=path,
        task_type="language_modeling",
        config_hash=ModelRegistry.compute_config_hash(CONFIG),
        metrics={"val_loss": 0.38, "perplexity": 1.46, "accuracy": 0.92},
        export_formats=["onnx", "torchscript"],
        memory_req_gb=4.0,
        training_run_id=42,
        metadata={"notes": "Baseline", "epochs": 10, "num_parameters": 124_000_000},
        tags=["baseline", "experimental"],
    )
    model = registry.get_model(model_id=model_id)
    assert model is not None
    assert model["model_id"] == model_id
    assert (model["name"], model["version"], model["checkpoint_path"]) == (
        "gpt-small",
        "1.0.0",
        path,
    )
    assert model["task_type"] == "language_modeling"
    assert model["config_hash"] == ModelRegistry.compute_config_hash(CONFIG)
    assert model["metrics"] == {"val_loss": 0.38, "perplexity": 1.46, "accuracy": 0.92}
    assert model["export_formats"] == ["onnx", "torchscript"]
    assert model["model_size_mb"] == pytest.approx(2.0)  # filled from the file
    assert model["memory_req_gb"] == 4.0
    assert model["training_run_id"] == 42
    assert model["parent_model_id"] is None
    assert model["metadata"]["num_parameters"] == 124_000_000
    assert model["status"] == "active"
    assert model["tags"] == ["baseline", "experimental"]
    assert model["exports"] == []
    assert model["created_at"] == "2026-01-01 12:00:00"


def test_get_by_name_version_and_by_tag(registry: ModelRegistry) -> None:
    """get_model finds by name+version and by tag; None when nothing matches."""
    first = reg(registry, version="1.0.0", tags=["production"])
    second = reg(registry, version="1.1.0")
    found = registry.get_model(name="gpt-small", version="1.1.0")
    assert found is not None and found["model_id"] == second
    prod = registry.get_model(tag="production")
    assert prod is not None and prod["model_id"] == first
    assert registry.get_model(model_id=999) is None
    assert registry.get_model(name="gpt-small", version="9.9.9") is None
    assert registry.get_model(tag="nobody-has-this") is None


def test_get_by_tag_returns_most_recently_tagged_holder(registry: ModelRegistry) -> None:
    """With several holders of a non-exclusive tag, get_model(tag=) returns the latest tagged."""
    a = reg(registry, version="1.0.0")
    b = reg(registry, version="1.1.0")
    registry.promote_model(b, "staging", remove_from_others=False)
    registry.promote_model(a, "staging", remove_from_others=False)
    model = registry.get_model(tag="staging")
    assert model is not None and model["model_id"] == a


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"name": "x"}, {"version": "1.0.0"}, {"version": "1.0.0", "tag": "production"}],
)
def test_get_model_needs_exactly_one_way(registry: ModelRegistry, kwargs: dict[str, Any]) -> None:
    """get_model refuses no selector, or half a name+version (alone or beside a tag)."""
    with pytest.raises(ValueError, match="exactly one"):
        registry.get_model(**kwargs)


def test_duplicate_version_error_is_the_guides(registry: ModelRegistry) -> None:
    """A second gpt-small 1.0.0 raises the guide's message word for word, and nothing is added."""
    reg(registry)
    with pytest.raises(ValueError) as info:
        reg(registry, metrics={"val_loss": 1.0}, tags=["x"])
    assert str(info.value) == "Model 'gpt-small' version '1.0.0' already exists"
    assert isinstance(info.value, DuplicateModelError)
    assert len(registry.list_models(status=None)) == 1
    assert registry.records.tag_names() == []


def test_missing_checkpoint_error_is_the_guides(registry: ModelRegistry, tmp_path: Any) -> None:
    """A missing checkpoint raises FileNotFoundError('Checkpoint not found: <path>')."""
    path = str(tmp_path / "nope.pt")
    with pytest.raises(FileNotFoundError) as info:
        registry.register_model("m", "1.0.0", path, "classification")
    assert str(info.value) == f"Checkpoint not found: {path}"
    assert isinstance(info.value, CheckpointNotFoundError)
    # verify_checkpoint=False skips the check (object stores, other machines)
    model_id = registry.register_model(
        "m", "1.0.0", "s3://bucket/m.pt", "classification", verify_checkpoint=False
    )
    model = registry.get_model(model_id=model_id)
    assert model is not None and model["model_size_mb"] is None


def test_checkpoint_directory_is_refused(registry: ModelRegistry, tmp_path: Any) -> None:
    """A directory holding no weights is not a checkpoint (one holding them is)."""
    with pytest.raises(ValueError, match="directory"):
        registry.register_model("m", "1.0.0", str(tmp_path), "classification")


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "01.0.0", "", "1.0.0.0", "1.0.0-", "a.b.c"])
def test_invalid_versions_are_refused_naming_the_value(
    registry: ModelRegistry, version: str
) -> None:
    """Versions must be semantic versions; the error names the value."""
    with pytest.raises(ValueError, match="Invalid version") as info:
        reg(registry, version=version)
    assert repr(version) in str(info.value)


@pytest.mark.parametrize("version", ["1.0.0", "0.0.1", "10.20.30", "1.0.0-rc.1", "1.0.0+build.5"])
def test_semver_suffixes_are_accepted(registry: ModelRegistry, version: str) -> None:
    """Pre-release and build suffixes from semver.org are valid."""
    assert reg(registry, version=version) > 0


@pytest.mark.parametrize(
    ("metrics", "key"),
    [
        ({"val_loss": float("nan")}, "val_loss"),
        ({"acc": float("inf")}, "acc"),
        ({"flag": True}, "flag"),
        ({"acc": "0.9"}, "acc"),
        ({"acc": None}, "acc"),
    ],
)
def test_bad_metrics_are_refused_naming_the_key(
    registry: ModelRegistry, metrics: dict[str, Any], key: str
) -> None:
    """Metrics must be finite numbers; bool, str, NaN and inf are refused naming the key."""
    with pytest.raises(ValueError, match=key):
        reg(registry, metrics=metrics)
    assert registry.count_models(ModelQuery(status=None)) == 0


def test_numpy_metrics_and_ids_are_accepted(registry: ModelRegistry) -> None:
    """numpy scalars work as metrics and as ids (the guide's cleanup loop passes int64)."""
    model_id = reg(registry, metrics={"val_loss": np.float32(0.25), "epochs": np.int64(3)})
    model = registry.get_model(model_id=np.int64(model_id))
    assert model is not None
    assert model["metrics"] == {"val_loss": pytest.approx(0.25), "epochs": 3}
    registry.retire_model(np.int64(model_id))


@pytest.mark.parametrize("tags", [["has space"], [""], ["x" * 65], ["bad/slash"], [7]])
def test_bad_tags_are_refused(registry: ModelRegistry, tags: list[Any]) -> None:
    """Tags are 1-64 letters, digits, '-', '_' or '.'."""
    with pytest.raises(ValueError, match="tag"):
        reg(registry, tags=tags)


def test_metadata_must_be_json(registry: ModelRegistry) -> None:
    """Metadata that is not JSON-serialisable, too deep or over 1 MB is refused with a reason."""
    with pytest.raises(ValueError, match="JSON"):
        reg(registry, metadata={"obj": object()})
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(1000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(ValueError, match="nested too deeply"):
        reg(registry, metadata=deep)
    with pytest.raises(ValueError, match="1 MB"):
        reg(registry, metadata={"blob": "x" * 1_100_000})


def test_unknown_parent_is_refused_and_nothing_is_written(registry: ModelRegistry) -> None:
    """parent_model_id must name an existing model; the failed registration leaves no rows."""
    with pytest.raises(LookupError, match="Model 42 not found"):
        reg(registry, parent_model_id=42, tags=["production"], metrics={"a": 1.0})
    assert registry.count_models(ModelQuery(status=None)) == 0
    assert registry.events() == []


def test_config_is_stored_once_and_hash_computed(registry: ModelRegistry) -> None:
    """config= stores the full config and computes the guide's hash; configs diff by key."""
    a = reg(registry, version="1.0.0", config=CONFIG)
    b = reg(registry, version="1.1.0", config={**CONFIG, "num_layers": 24, "rope": True})
    c = reg(registry, version="1.2.0", config=CONFIG)
    model = registry.get_model(model_id=a)
    assert model is not None
    assert model["config_hash"] == ModelRegistry.compute_config_hash(CONFIG)
    assert registry.get_config(c) == CONFIG
    assert registry.diff_configs(a, b) == [
        {"key": "num_layers", "change": "changed", "a": 12, "b": 24},
        {"key": "rope", "change": "added", "a": None, "b": True},
    ]
    assert registry.diff_configs(a, c) == []
    d = reg(registry, version="2.0.0")
    assert registry.get_config(d) is None
    with pytest.raises(ConfigNotFoundError):
        registry.diff_configs(a, d)
    with pytest.raises(ValueError, match="does not match"):
        reg(registry, version="3.0.0", config=CONFIG, config_hash="0" * 64)


def test_compute_config_hash_matches_the_guide() -> None:
    """compute_config_hash is sha256(json.dumps(config, sort_keys=True))."""
    import hashlib
    import json

    expected = hashlib.sha256(json.dumps(CONFIG, sort_keys=True).encode()).hexdigest()
    assert ModelRegistry.compute_config_hash(CONFIG) == expected


def test_a_failed_batch_keeps_none_of_its_writes(registry: ModelRegistry) -> None:
    """An error inside ``transaction()`` rolls back every write of the block (models,
    tags, history), not only the one that failed; a batch that ends well keeps them all."""
    kept = reg(registry, "kept")
    events = len(registry.events(limit=None))
    with pytest.raises(RuntimeError, match="abandoned"), registry.transaction():
        first = reg(registry, "batch-a", tags=["production"])
        registry.promote_model(kept, "staging")
        assert registry.get_model(model_id=first) is not None  # visible inside the block
        raise RuntimeError("batch abandoned")
    assert registry.count_models(ModelQuery(status=None)) == 1
    assert registry.get_model(tag="production") is None
    assert registry.get_model(tag="staging") is None
    assert len(registry.events(limit=None)) == events
    with registry.transaction():
        reg(registry, "batch-a")
        reg(registry, "batch-b")
    assert registry.count_models(ModelQuery(status=None)) == 3


# -- listing ------------------------------------------------------------------------


def _family(registry: ModelRegistry) -> dict[str, int]:
    ids = {
        "a": reg(registry, "gpt-small", "1.0.0", metrics={"val_loss": 0.50, "accuracy": 0.80}),
        "b": reg(registry, "gpt-small", "1.10.0", metrics={"val_loss": 0.30, "accuracy": 0.90}),
        "c": reg(registry, "gpt-small", "1.2.0", metrics={"val_loss": 0.40}, tags=["staging"]),
        "d": reg(
            registry,
            "vit-base",
            "1.0.0",
            task_type="classification",
            metrics={"accuracy": 0.95},
            memory_req_gb=24.0,
            tags=["production"],
        ),
        "e": reg(registry, "gpt-large", "2.0.0", metrics={"val_loss": 0.20}, memory_req_gb=40.0),
    }
    registry.retire_model(ids["a"])
    return ids


def test_list_models_defaults_and_columns(registry: ModelRegistry) -> None:
    """list_models lists active models newest first with the promised columns."""
    ids = _family(registry)
    frame = registry.list_models()
    assert isinstance(frame, pd.DataFrame)
    for column in [
        "model_id",
        "name",
        "version",
        "task_type",
        "status",
        "created_at",
        "tags",
        "metrics",
        "checkpoint_path",
        "parent_model_id",
        "model_size_mb",
        "memory_req_gb",
    ]:
        assert column in frame.columns
    assert list(frame["model_id"]) == [ids["e"], ids["d"], ids["c"], ids["b"]]
    assert set(frame["status"]) == {"active"}
    print(frame[["model_id", "name", "version", "task_type"]])  # the guide's usage works


def test_list_models_filters(registry: ModelRegistry) -> None:
    """task_type, tag, status, name glob and limit filter as the guide shows."""
    ids = _family(registry)
    assert list(registry.list_models(task_type="classification")["model_id"]) == [ids["d"]]
    assert list(registry.list_models(tag="production")["model_id"]) == [ids["d"]]
    assert list(registry.list_models(status="retired")["model_id"]) == [ids["a"]]
    assert len(registry.list_models(status=None)) == 5
    assert set(registry.list_models(name="gpt-*")["model_id"]) == {ids["b"], ids["c"], ids["e"]}
    assert list(registry.list_models(name="vit-base")["model_id"]) == [ids["d"]]
    assert len(registry.list_models(limit=2)) == 2
    assert len(registry.list_models(status=None, limit=None)) == 5
    combined = registry.list_models(
        task_type="language_modeling", tag="staging", status="active", limit=10
    )
    assert list(combined["model_id"]) == [ids["c"]]


def test_list_models_where_conditions(registry: ModelRegistry) -> None:
    """Metric and column conditions are ANDed and evaluated in the database."""
    ids = _family(registry)
    assert set(registry.list_models(where="val_loss < 0.4")["model_id"]) == {ids["b"], ids["e"]}
    assert set(registry.list_models(where=["val_loss <= 0.4", "accuracy >= 0.9"])["model_id"]) == {
        ids["b"]
    }
    assert list(registry.list_models(where="memory_req_gb <= 24")["model_id"]) == [ids["d"]]
    assert set(registry.list_models(where="accuracy != 0.9")["model_id"]) == {ids["d"]}
    assert set(registry.list_models(where="val_loss = 0.3")["model_id"]) == {ids["b"]}


@pytest.mark.parametrize(
    "where",
    [
        "x' OR 1=1",
        "val_loss < 0.4; DROP TABLE models",
        "val_loss ~ 0.4",
        "val_loss <",
        "< 0.4",
        "val_loss < abc",
        "val_loss <> 1",
        "",
    ],
)
def test_malformed_conditions_are_refused(registry: ModelRegistry, where: str) -> None:
    """Malformed conditions raise ValueError saying what is wrong; tables are untouched."""
    reg(registry)
    with pytest.raises(ValueError, match="condition"):
        registry.list_models(where=where)
    assert len(registry.list_models()) == 1


def test_order_by(registry: ModelRegistry) -> None:
    """order_by sorts by version semantically, by metric with missing last, and descending."""
    ids = _family(registry)
    by_version = registry.list_models(name="gpt-small", order_by="version", status=None)
    assert list(by_version["version"]) == ["1.0.0", "1.2.0", "1.10.0"]
    desc = registry.list_models(name="gpt-small", order_by="-version", status=None)
    assert list(desc["version"]) == ["1.10.0", "1.2.0", "1.0.0"]
    by_loss = registry.list_models(order_by="val_loss")
    assert list(by_loss["model_id"]) == [ids["e"], ids["b"], ids["c"], ids["d"]]  # d lacks it
    by_acc = registry.list_models(order_by="-accuracy")
    assert list(by_acc["model_id"])[:2] == [ids["d"], ids["b"]]
    assert list(by_acc["model_id"])[-2:] == sorted([ids["c"], ids["e"]], reverse=True)
    by_name = registry.list_models(order_by="name")
    assert list(by_name["name"]) == ["gpt-large", "gpt-small", "gpt-small", "vit-base"]
    cond = registry.list_models(where="val_loss < 0.45", order_by="-val_loss")
    assert list(cond["model_id"]) == [ids["c"], ids["b"], ids["e"]]
    oldest = registry.list_models(order_by="created_at", status=None)
    assert list(oldest["model_id"]) == sorted(ids.values())


def test_empty_listing_keeps_columns(registry: ModelRegistry) -> None:
    """An empty result is an empty DataFrame with the same columns."""
    reg(registry)
    empty = registry.list_models(task_type="nothing")
    assert empty.empty
    assert list(empty.columns) == list(registry.list_models().columns)


def test_guide_export_to_csv_and_cleanup_loop(registry: ModelRegistry, tmp_path: Any) -> None:
    """The guide's CSV export and retired-model cleanup loop run unchanged."""
    ids = _family(registry)
    models = registry.list_models(limit=1000)
    models.to_csv(tmp_path / "registry_export.csv", index=False)
    assert (tmp_path / "registry_export.csv").read_text().startswith("model_id,")
    retired = registry.list_models(status="retired")
    for _, model in retired.iterrows():
        created = pd.to_datetime(model["created_at"])
        if (pd.Timestamp("2026-06-01") - created).days > 90:
            registry.delete_model(model["model_id"], force=True)
    assert registry.get_model(model_id=ids["a"]) is None


# -- tags ---------------------------------------------------------------------------


def test_promote_is_exclusive_by_default(registry: ModelRegistry) -> None:
    """promote_model moves the tag; remove_from_others=False adds without removing."""
    a, b = reg(registry, version="1.0.0"), reg(registry, version="1.1.0")
    registry.promote_model(a, "production")
    registry.promote_model(b, "production")
    assert [r.model_id for r in registry.records.tag_holders("production")] == [b]
    registry.promote_model(a, "staging", remove_from_others=False)
    registry.promote_model(b, "staging", remove_from_others=False)
    assert {r.model_id for r in registry.records.tag_holders("staging")} == {a, b}
    registry.promote_model(a, "staging")  # exclusive again: b loses it
    assert [r.model_id for r in registry.records.tag_holders("staging")] == [a]


def test_promote_records_previous_holder_and_repromote_is_noop(registry: ModelRegistry) -> None:
    """The history names the previous holder; promoting the holder again writes nothing."""
    a, b = reg(registry, version="1.0.0"), reg(registry, version="1.1.0")
    registry.promote_model(a, "production")
    registry.promote_model(b, "production")
    event = registry.events(tag="production", limit=1)[0]
    assert (event.event, event.model_id, event.previous_model_id) == ("promote", b, a)
    assert event.actor == "tester@host"
    before = registry.records.change_token()
    registry.promote_model(b, "production")
    assert registry.records.change_token() == before


def test_promote_refuses_retired_and_unknown(registry: ModelRegistry) -> None:
    """Promoting a retired model is a ValueError; an unknown id a LookupError naming it."""
    a = reg(registry)
    registry.retire_model(a)
    with pytest.raises(ValueError, match="retired"):
        registry.promote_model(a, "production")
    with pytest.raises(LookupError, match="Model 77 not found"):
        registry.promote_model(77, "production")


def test_remove_tag(registry: ModelRegistry) -> None:
    """remove_tag takes a tag off; removing a tag the model lacks is a LookupError."""
    a = reg(registry, tags=["production"])
    registry.remove_tag(a, "production")
    assert registry.get_model(tag="production") is None
    with pytest.raises(TagNotFoundError):
        registry.remove_tag(a, "production")
    registry.delete_model(a)  # no tags left: delete works without force


def test_rollback_walks_back_through_holders(registry: ModelRegistry) -> None:
    """rollback_tag gives the tag to the previous holder, then the one before."""
    a, b, c = (reg(registry, version=v) for v in ("1.0.0", "1.1.0", "1.2.0"))
    for model_id in (a, b, c):
        registry.promote_model(model_id, "production")
    assert registry.rollback_tag("production") == b
    assert [r.model_id for r in registry.records.tag_holders("production")] == [b]
    assert registry.rollback_tag("production") == a
    with pytest.raises(LookupError, match="No previous holder"):
        registry.rollback_tag("production")
    assert registry.events(limit=1)[0].event == "rollback"


def test_rollback_skips_deleted_and_retired(registry: ModelRegistry) -> None:
    """Rollback passes over holders that were deleted or retired since."""
    a, b, c, d = (reg(registry, version=v) for v in ("1.0.0", "1.1.0", "1.2.0", "1.3.0"))
    for model_id in (a, b, c, d):
        registry.promote_model(model_id, "production")
    registry.retire_model(c)
    registry.delete_model(b)
    assert registry.rollback_tag("production") == a


# -- lifecycle ----------------------------------------------------------------------


def test_retire_keeps_the_model(registry: ModelRegistry) -> None:
    """retire_model marks retired; the model stays and is listed under status='retired'."""
    a = reg(registry)
    registry.retire_model(a)
    model = registry.get_model(model_id=a)
    assert model is not None and model["status"] == "retired"
    assert registry.list_models().empty
    with pytest.raises(LookupError):
        registry.retire_model(1234)


def test_retire_records_its_reason(registry: ModelRegistry) -> None:
    """A reason given to retire_model is kept in the retire event's details; a blank one is
    refused before anything is written, and a retire without one has no details."""
    a, b = reg(registry), reg(registry, version="1.1.0")
    with pytest.raises(ValidationError, match="reason"):
        registry.retire_model(a, reason="  ")
    assert registry.get_model(model_id=a)["status"] == "active"  # type: ignore[index]
    assert registry.retire_model(a, reason="checkpoint file deleted by rotation")
    assert registry.events(model_id=a, limit=1)[0].details == {
        "reason": "checkpoint file deleted by rotation"
    }
    registry.retire_model(b)
    assert registry.events(model_id=b, limit=1)[0].details in (None, {})


def test_tagged_delete_error_is_the_guides(registry: ModelRegistry) -> None:
    """Deleting a tagged model without force raises the guide's message; force deletes it all."""
    a = reg(registry, tags=["production", "baseline"])
    registry.add_export_format(a, "onnx", "exports/model.onnx")
    with pytest.raises(ValueError) as info:
        registry.delete_model(a)
    assert str(info.value) == f"Model {a} has 2 tag(s). Use force=True to delete anyway"
    assert isinstance(info.value, ModelStateError)
    registry.delete_model(a, force=True)
    assert registry.get_model(model_id=a) is None
    assert registry.records.tag_names() == []
    assert registry.events(limit=1)[0].event == "delete"


def test_delete_parent_needs_force_and_unlinks_children(registry: ModelRegistry) -> None:
    """A model with children refuses delete unless forced; then children lose their parent."""
    base = reg(registry, "base", "1.0.0")
    child = reg(registry, "ft", "1.0.0", parent_model_id=base)
    with pytest.raises(ValueError, match="1 child model"):
        registry.delete_model(base)
    registry.delete_model(base, force=True)
    model = registry.get_model(model_id=child)
    assert model is not None and model["parent_model_id"] is None
    assert [e.event for e in registry.events(model_id=child)][:1] == ["unlink"]
    with pytest.raises(LookupError):
        registry.delete_model(base)


# -- comparison, lineage, exports ------------------------------------------------------


def test_compare_models(registry: ModelRegistry) -> None:
    """compare_models keeps the order given, unions metrics, NaN where missing."""
    ids = _family(registry)
    frame = registry.compare_models([ids["d"], ids["b"], ids["c"]])
    base = ["model_id", "name", "version", "task_type", "created_at", "status"]
    base += ["model_size_mb", "memory_req_gb"]
    assert list(frame.columns) == [*base, "accuracy", "val_loss"]
    assert list(frame["model_id"]) == [ids["d"], ids["b"], ids["c"]]
    assert math.isnan(frame.loc[0, "val_loss"])
    best = frame.loc[frame["val_loss"].idxmin()]
    assert best["version"] == "1.10.0"
    only = registry.compare_models([ids["b"], ids["c"]], metrics=["val_loss", "f1"])
    assert list(only.columns) == [*base, "val_loss", "f1"]
    assert only["f1"].isna().all()


def test_lineage_and_descendants(registry: ModelRegistry) -> None:
    """get_model_lineage is root first; get_descendants lists the fine-tune tree below."""
    base = reg(registry, "base-gpt", "1.0.0", metrics={"val_loss": 0.5})
    domain = reg(registry, "medical-gpt", "1.0.0", parent_model_id=base, metrics={"val_loss": 0.45})
    task = reg(registry, "medical-qa-gpt", "1.0.0", parent_model_id=domain)
    other = reg(registry, "legal-gpt", "1.0.0", parent_model_id=base)
    lineage = registry.get_model_lineage(task)
    assert [m["name"] for m in lineage] == ["base-gpt", "medical-gpt", "medical-qa-gpt"]
    assert lineage[1]["metrics"]["val_loss"] == 0.45
    assert [m["model_id"] for m in registry.get_descendants(base)] == [domain, other, task]
    assert registry.get_descendants(task) == []
    assert [r.model_id for r in registry.records.family(task)] == [base, domain, other, task]
    with pytest.raises(LookupError):
        registry.get_model_lineage(999)


def test_deep_lineage(registry: ModelRegistry) -> None:
    """A 60-deep fine-tune chain comes back whole, in order."""
    parent = None
    ids = []
    for depth in range(60):
        parent = reg(registry, "chain", f"1.{depth}.0", parent_model_id=parent)
        ids.append(parent)
    assert [m["model_id"] for m in registry.get_model_lineage(ids[-1])] == ids


def test_add_export_format(registry: ModelRegistry) -> None:
    """add_export_format adds a model_exports row and the format to export_formats once."""
    a = reg(registry, export_formats=["pytorch"])
    registry.add_export_format(
        a, "onnx", "exports/model.onnx", metadata={"opset_version": 14, "quantized": False}
    )
    registry.add_export_format(a, "torchscript", "exports/model.pt", {"jit_mode": "trace"})
    registry.add_export_format(a, "onnx", "exports/model-v2.onnx")
    model = registry.get_model(model_id=1)
    assert model is not None
    assert model["export_formats"] == ["pytorch", "onnx", "torchscript"]
    assert [e["export_path"] for e in model["exports"]] == [
        "exports/model.onnx",
        "exports/model.pt",
        "exports/model-v2.onnx",
    ]
    assert model["exports"][0]["metadata"] == {"opset_version": 14, "quantized": False}
    with pytest.raises(LookupError):
        registry.add_export_format(99, "onnx", "x.onnx")


# -- history and records ----------------------------------------------------------------


def test_history_records_every_change(registry: ModelRegistry) -> None:
    """Every register, promote, untag, retire, export, rollback and delete is in the history."""
    a, b = reg(registry, version="1.0.0"), reg(registry, version="1.1.0")
    registry.promote_model(a, "production")
    registry.promote_model(b, "production")
    registry.rollback_tag("production")
    registry.remove_tag(a, "production")
    registry.add_export_format(b, "onnx", "b.onnx")
    registry.retire_model(b)
    registry.delete_model(b)
    frame = registry.history()
    for column in [
        "event_id",
        "at",
        "event",
        "model_id",
        "tag",
        "previous_model_id",
        "actor",
        "details",
    ]:
        assert column in frame.columns
    assert list(frame["event"]) == [
        "delete",
        "retire",
        "export",
        "untag",
        "rollback",
        "promote",
        "promote",
        "register",
        "register",
    ]
    assert list(registry.history(tag="production")["event"]) == [
        "untag",
        "rollback",
        "promote",
        "promote",
    ]
    assert len(registry.history(model_id=b)) == 6
    assert len(registry.history(limit=2)) == 2


def test_record_api_pages_and_counts(registry: ModelRegistry) -> None:
    """page() returns a window and the total; facets count task types and tags."""
    ids = _family(registry)
    page = registry.records.page(ModelQuery(), offset=1, limit=2)
    assert page.total == 4 and len(page.records) == 2
    assert [r.model_id for r in page.records] == [ids["d"], ids["c"]]
    facets = registry.records.facets()
    assert dict(facets.task_types) == {"classification": 1, "language_modeling": 3}
    assert dict(facets.tags) == {"production": 1, "staging": 1}
    assert registry.records.common_metrics(2) == ["val_loss", "accuracy"]
    assert registry.count_models(ModelQuery(text="GPT")) == 3


def test_unknown_ids_raise_lookup_errors(registry: ModelRegistry) -> None:
    """Every method taking a model id raises a LookupError subclass naming an unknown id
    (except compare_models, which skips unknown ids as the original module does)."""
    calls = [
        lambda: registry.promote_model(5, "x"),
        lambda: registry.remove_tag(5, "x"),
        lambda: registry.retire_model(5),
        lambda: registry.delete_model(5),
        lambda: registry.records.compare([5]),
        lambda: registry.get_model_lineage(5),
        lambda: registry.get_descendants(5),
        lambda: registry.add_export_format(5, "onnx", "p"),
        lambda: registry.get_config(5),
    ]
    for call in calls:
        with pytest.raises(ModelNotFoundError, match="Model 5 not found"):
            call()
    with pytest.raises(ValueError, match="integer"):
        registry.retire_model("5")  # type: ignore[arg-type]


def test_errors_are_catchable_as_registry_error(registry: ModelRegistry) -> None:
    """All errors share RegistryError as a base."""
    with pytest.raises(RegistryError):
        reg(registry, version="bad")


def test_read_only_registry_refuses_writes(registry_url: str) -> None:
    """A read-only registry reads but refuses every change."""
    with ModelRegistry(registry_url) as writer:
        model_id = reg(writer)
    with ModelRegistry(registry_url, read_only=True) as reader:
        assert reader.get_model(model_id=model_id) is not None
        with pytest.raises(StorageError, match="read-only"):
            reader.retire_model(model_id)


def test_change_token_moves_on_changes_from_another_connection(registry_url: str) -> None:
    """change_token sees a commit made by another registry object on the same database."""
    with ModelRegistry(registry_url) as watcher, ModelRegistry(registry_url) as other:
        before = watcher.records.change_token()
        reg(other)
        assert watcher.records.change_token() > before


def test_validation_error_type(registry: ModelRegistry) -> None:
    """Validation errors are ValidationError and ValueError."""
    with pytest.raises(ValidationError):
        reg(registry, name="")
    with pytest.raises(ValueError, match="limit"):
        reg(registry, name="x" * 10_000)


def test_rollback_of_a_shared_tag_only_undoes_the_latest_holder(registry: ModelRegistry) -> None:
    """With several holders (keep-others promotions), rollback undoes the latest holder only."""
    a, b, c = (reg(registry, version=v) for v in ("1.0.0", "1.1.0", "1.2.0"))
    registry.promote_model(a, "release")
    registry.promote_model(b, "release", remove_from_others=False)
    registry.promote_model(c, "release")  # exclusive: a and b lose it
    registry.promote_model(a, "release", remove_from_others=False)
    assert registry.rollback_tag("release") == c  # the holder before a's promotion
    assert {r.model_id for r in registry.records.tag_holders("release")} == {c}
    registry.promote_model(b, "release", remove_from_others=False)
    registry.promote_model(a, "release", remove_from_others=False)
    assert registry.rollback_tag("release") == b  # only a gives it back
    assert {r.model_id for r in registry.records.tag_holders("release")} == {b, c}


def test_read_only_refuses_a_missing_file(tmp_path: Any) -> None:
    """A read-only registry does not create a database file that is not there."""
    path = tmp_path / "missing.db"
    with pytest.raises(StorageError, match="does not exist"):
        ModelRegistry(path, read_only=True)
    assert not path.exists()


def test_records_by_ids_skips_missing(registry: ModelRegistry) -> None:
    """records.by_ids returns the models that exist, in one call."""
    a = reg(registry)
    assert set(registry.records.by_ids([a, 999])) == {a}
