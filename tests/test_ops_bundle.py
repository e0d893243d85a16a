"""``dump`` and ``load``: a whole registry as a versioned JSON bundle, moved all or nothing."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.db.migrations import SCHEMA_VERSION
from registry_tui.ops import BUNDLE_FORMAT_VERSION, BundleConflictError, BundleError
from registry_tui.ops import load as load_module
from registry_tui.records import ModelQuery
from tests.conftest import FixedClock
from tests.faults.test_fault_schema import make_guide_database
from tests.faults.workers import cli


def fill(registry: ModelRegistry, checkpoint: str) -> dict[str, int]:
    """A registry using every table: lineage, tags, history, configs, exports, hashes, deletes."""
    base = registry.register_model(
        "gpt-small", "1.0.0", checkpoint, "language_modeling",
        metrics={"val_loss": 0.42, "accuracy": 0.9, "steps": 1000},
        metadata={"note": "naïve ☃", "layers": [1, {"x": None}]}, tags=["staging"],
        config={"lr": 0.001, "model": {"layers": 12}}, export_formats=["pytorch"],
    )  # fmt: skip
    tuned = registry.register_model(
        "gpt-small", "1.1.0-rc.1", checkpoint, "language_modeling", parent_model_id=base,
        metrics={"val_loss": 0.38}, config={"lr": 0.0005, "model": {"layers": 12}},
        training_run_id=7, memory_req_gb=12.5,
    )  # fmt: skip
    scratch = registry.register_model("scratch", "0.0.1", "s3://b/x.pt", "t",
                                      verify_checkpoint=False)  # fmt: skip
    registry.promote_model(base, "production")
    registry.promote_model(tuned, "production")
    registry.add_export_format(tuned, "onnx", "/exports/tuned.onnx", metadata={"opset": 17})
    registry.retire_model(scratch)
    registry.delete_model(scratch)  # its id must not be reused after a move
    registry.check(hashes=True)
    return {"base": base, "tuned": tuned, "scratch": scratch}


@pytest.fixture
def source(sqlite_registry: ModelRegistry, checkpoint: Any) -> ModelRegistry:
    """A filled SQLite registry."""
    fill(sqlite_registry, checkpoint())
    return sqlite_registry


def test_dump_holds_every_table_in_a_versioned_bundle(source: ModelRegistry) -> None:
    """Format name and version, schema version, id counters, and the rows of each table."""
    bundle = source.dump_bundle()
    assert bundle["format"] == "registry-tui-bundle"
    assert bundle["format_version"] == BUNDLE_FORMAT_VERSION == 2
    assert bundle["schema_version"] == SCHEMA_VERSION
    assert bundle["sequences"] == {
        "models": 3, "model_tags": 3, "model_exports": 1, "registry_events": 9,
        "promotion_requests": 0,
    }  # fmt: skip
    counts = {key: len(value) for key, value in bundle.items() if isinstance(value, list)}
    assert counts == {
        "models": 2, "model_configs": 2, "model_tags": 2, "model_exports": 1,
        "registry_events": 9, "checkpoint_hashes": 2,
        "metric_directions": 0, "tag_policies": 0, "legacy_orphans": 0,
        "tag_protections": 0, "promotion_requests": 0, "request_approvals": 0,
    }  # fmt: skip
    base = bundle["models"][0]
    assert base["metrics"] == {"val_loss": 0.42, "accuracy": 0.9, "steps": 1000}
    assert base["metadata"] == {"note": "naïve ☃", "layers": [1, {"x": None}]}
    assert base["created_at"] == "2026-01-01 12:00:00"


def test_round_trip_between_sqlite_files(source: ModelRegistry, tmp_path: Path) -> None:
    """dump -> load -> dump: identical bundles and files; ids, lineage, tags, history kept."""
    first = source.dump(tmp_path / "a.json")
    with ModelRegistry(tmp_path / "moved.db") as moved:
        report = moved.load(first)
        assert report.models == 2 and report.registry_events == 9
        second = moved.dump(tmp_path / "b.json")
        assert first.read_bytes() == second.read_bytes()
        assert moved.get_model(tag="production") == source.get_model(tag="production")
        assert moved.get_model_lineage(2) == source.get_model_lineage(2)
        assert moved.diff_configs(1, 2) == source.diff_configs(1, 2)
        assert moved.rollback_tag("production") == 1  # the history came along
        assert moved.list_models(where="val_loss < 0.4")["model_id"].tolist() == [2]
        new = moved.register_model("next", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
        assert new == 4  # 3 was used (then deleted) before the move


def test_round_trip_through_postgres(source: ModelRegistry, pg_url: str, tmp_path: Path) -> None:
    """SQLite -> dump -> load into PostgreSQL -> dump: the two bundle files are identical."""
    first = source.dump(tmp_path / "sqlite.json")
    with ModelRegistry(pg_url) as target:
        target.load(first)
        second = target.dump(tmp_path / "postgres.json")
        assert first.read_bytes() == second.read_bytes()
        assert target.register_model("next", "1.0.0", "/c.pt", "t", verify_checkpoint=False) == 4
        assert target.check(hashes=True).hashes_verified == 2
        back = target.dump_bundle()
    with ModelRegistry(tmp_path / "back.db") as again:
        again.load(back)
        assert again.dump_bundle() == back


def test_a_conflicting_load_writes_nothing(source: ModelRegistry, tmp_path: Path) -> None:
    """Loading twice, or over a different model with the same name+version: refused, listed."""
    bundle = source.dump_bundle()
    with pytest.raises(BundleConflictError, match="model id 1 is taken") as caught:
        source.load(bundle)
    assert "nothing was written" in str(caught.value)
    assert source.dump_bundle() == bundle
    with ModelRegistry(tmp_path / "other.db", clock=FixedClock()) as other:
        other.register_model("filler", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
        other.register_model("filler", "2.0.0", "/c.pt", "t", verify_checkpoint=False)
        other.register_model("gpt-small", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
        before = other.dump_bundle()
        with pytest.raises(BundleConflictError) as caught:
            other.load(bundle)
        conflicts = caught.value.conflicts
        assert "model id 1 is taken (the bundle's is 'gpt-small' version '1.0.0')" in conflicts
        assert "model_tags tag_id 1 already exists" not in conflicts
        assert other.dump_bundle() == before


def test_a_load_that_fails_midway_writes_nothing(
    source: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the models are inserted (while the tags go in) rolls the whole
    load back: the target holds exactly what it held, and the same load then succeeds."""
    bundle = source.dump_bundle()
    real = load_module._insert_rows

    def failing(model: Any, stage: str, rows: list[dict[str, Any]], progress: Any) -> None:
        if stage == "model_tags":
            raise RuntimeError("injected failure while loading tags")
        real(model, stage, rows, progress)

    with ModelRegistry(tmp_path / "target.db") as target:
        before = target.dump_bundle()
        monkeypatch.setattr(load_module, "_insert_rows", failing)
        with pytest.raises(RuntimeError, match="injected"):
            target.load(bundle)
        assert target.dump_bundle() == before
        monkeypatch.setattr(load_module, "_insert_rows", real)
        assert target.load(bundle).models == 2


def _sample(change: str | None = None) -> dict[str, Any]:
    """A small hand-written bundle (most columns left out), with one defect ``change``."""
    bundle: dict[str, Any] = {
        "format": "registry-tui-bundle", "format_version": 1, "schema_version": 2,
        "sequences": {"models": 2},
        "models": [
            {"model_id": 1, "name": "a", "version": "1.0.0", "checkpoint_path": "/a",
             "task_type": "t", "created_at": "2026-01-01 00:00:00"},
            {"model_id": 2, "name": "b", "version": "1.0.0", "checkpoint_path": "/b",
             "task_type": "t", "parent_model_id": 1, "created_at": "2026-01-01 00:00:00"},
        ],
        "model_tags": [{"tag_id": 1, "model_id": 2, "tag_name": "production"}],
    }  # fmt: skip
    models, tags = bundle["models"], bundle["model_tags"]
    edits = {
        "not a bundle": lambda: bundle.pop("format"),
        "newer format": lambda: bundle.update(format_version=3),
        "no format version": lambda: bundle.pop("format_version"),
        "models not a list": lambda: bundle.update(models={}),
        "row not an object": lambda: models.append([1]),
        "unknown column": lambda: models[0].update(colour="red"),
        "missing name": lambda: models[0].pop("name"),
        "empty name": lambda: models[0].update(name=" "),
        "id as text": lambda: models[0].update(model_id="1"),
        "bad timestamp": lambda: models[0].update(created_at="yesterday"),
        "nan size": lambda: models[0].update(model_size_mb=float("nan")),
        "metrics a list": lambda: models[0].update(metrics=[1]),
        "NUL in a name": lambda: models[0].update(name="a\x00"),
        "duplicate id": lambda: models[1].update(model_id=1),
        "duplicate name+version": lambda: models[1].update(name="a"),
        "unknown parent": lambda: models[1].update(parent_model_id=9),
        "lineage loop": lambda: models[0].update(parent_model_id=2),
        "tag of a missing model": lambda: tags[0].update(model_id=9),
        "duplicate tag": lambda: tags.append(
            {"tag_id": 2, "model_id": 2, "tag_name": "production"}
        ),
        "sequences not numbers": lambda: bundle.update(sequences={"models": "2"}),
    }
    if change is not None:
        edits[change]()
    return bundle


BROKEN = {
    "not a bundle": "Not a registry-tui bundle",
    "newer format": "format version 3 is newer",
    "no format version": "no valid format_version",
    "models not a list": "'models' must be a list",
    "row not an object": "models\\[2\\]: must be an object",
    "unknown column": "unknown column 'colour'",
    "missing name": "name is missing",
    "empty name": "name is empty",
    "id as text": "model_id must be an integer",
    "bad timestamp": "created_at is not a timestamp",
    "nan size": "model_size_mb must be a finite number",
    "metrics a list": "metrics must be a JSON dict",
    "NUL in a name": "NUL",
    "duplicate id": "two models rows have model_id 1",
    "duplicate name+version": "both 'a' version '1.0.0'",
    "unknown parent": "parent refers to model 9, which is neither",
    "lineage loop": "loops back",
    "tag of a missing model": "model_tags tag_id 1 refers to model 9",
    "duplicate tag": "two model_tags rows have model_id 2, tag_name 'production'",
    "sequences not numbers": "'sequences' must map table names to integers",
}


def test_the_sample_bundle_loads(registry: ModelRegistry) -> None:
    """The unbroken sample (most columns left out) loads, on SQLite and PostgreSQL."""
    report = registry.load(_sample())
    assert report.models == 2 and report.model_tags == 1
    assert registry.get_model(2)["parent_model_id"] == 1  # type: ignore[index]


@pytest.mark.parametrize("change", sorted(BROKEN))
def test_a_malformed_bundle_is_refused(registry: ModelRegistry, change: str) -> None:
    """Each defect is named (which row, which column), and nothing is written."""
    before = registry.dump_bundle()
    with pytest.raises(BundleError, match=BROKEN[change]):
        registry.load(_sample(change))
    assert registry.dump_bundle() == before


def test_a_legacy_file_moves_losslessly(tmp_path: Path) -> None:
    """A guide-made file (config_hash NOT NULL, hand-edited JSON) dumps its raw values;
    load refuses what the API would refuse, naming the row; after ``repair`` the file
    round-trips exactly."""
    legacy = tmp_path / "guide.db"
    make_guide_database(legacy)
    conn = sqlite3.connect(legacy)
    conn.execute("UPDATE models SET metrics = 'not json', metadata = '[1]' WHERE model_id = 3")
    conn.commit()
    conn.close()
    with ModelRegistry(legacy) as registry:
        bundle = registry.dump_bundle()
    row = bundle["models"][2]
    assert (row["metrics"], row["metadata"]) == ("not json", "[1]")  # raw text, kept as is
    assert bundle["models"][0]["config_hash"] == bundle["models"][0]["config_hash"].strip()
    with ModelRegistry(tmp_path / "refused.db") as refused:
        with pytest.raises(BundleError, match=r"models\[2\] \(model_id 3\): metrics must be"):
            refused.load(bundle)
        assert refused.count_models(ModelQuery(status=None)) == 0
    with ModelRegistry(legacy) as registry:
        registry.repair()
        bundle = registry.dump_bundle()
    with ModelRegistry(tmp_path / "new.db") as moved:
        moved.load(bundle)
        assert moved.dump_bundle() == bundle
    empty_guide = tmp_path / "empty-guide.db"
    conn = sqlite3.connect(empty_guide)
    for statement in _guide_ddl():
        conn.execute(statement)
    conn.close()
    with ModelRegistry(empty_guide) as target:  # a NOT NULL config_hash column to load into
        loaded = copy.deepcopy(bundle)
        loaded["models"][0]["config_hash"] = None
        target.load(loaded)
        assert target.get_model(1)["config_hash"] is None  # type: ignore[index]


def _guide_ddl() -> list[str]:
    from registry_tui.db.migrations import _SQLITE_GUIDE_TABLES

    return [
        s.replace("config_hash TEXT,", "config_hash TEXT NOT NULL,") for s in _SQLITE_GUIDE_TABLES
    ]


def test_progress_is_reported(source: ModelRegistry, tmp_path: Path) -> None:
    """A progress callback hears about every table, on dump and on load."""
    seen: list[tuple[str, int, int]] = []
    path = source.dump(tmp_path / "a.json", progress=lambda *a: seen.append(a))
    assert ("reading models", 2, 2) in seen and ("writing registry_events", 9, 9) in seen
    seen.clear()
    with ModelRegistry(tmp_path / "b.db") as target:
        target.load(path, progress=lambda *a: seen.append(a))
    assert ("loading models", 2, 2) in seen and ("loading checkpoint_hashes", 2, 2) in seen


def test_dump_and_load_commands(db_path: Path, tmp_path: Path, checkpoint: Any) -> None:
    """``dump FILE`` / ``load FILE --db``: summaries, ``-`` for pipes, refusals exit 1."""
    with ModelRegistry(db_path) as registry:
        fill(registry, checkpoint())
    bundle = tmp_path / "bundle.json"
    dumped = cli({"argv": ["--db", str(db_path), "dump", str(bundle)]})
    assert dumped["code"] == 0 and dumped["stderr"] == ""
    assert dumped["stdout"].startswith("Dumped 2 models, 2 tags, 1 exports, 2 configs")
    piped = cli({"argv": ["--db", str(db_path), "dump", "-"]})
    assert json.loads(piped["stdout"]) == json.loads(bundle.read_text())
    assert piped["stderr"].startswith("Dumped 2 models")
    target = tmp_path / "target.db"
    loaded = cli({"argv": ["load", str(bundle), "--db", str(target)]})
    assert loaded["code"] == 0, loaded
    assert loaded["stdout"].startswith("Loaded 2 models, 2 tags, 1 exports, 2 configs")
    refused = cli({"argv": ["load", str(bundle), "--db", str(target)]})
    assert refused["code"] == 1 and "conflict(s)" in refused["stderr"]
    fresh = tmp_path / "fresh.db"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "registry-tui-bundle", "format_version": 1, "models": [5]}')
    failed = cli({"argv": ["load", str(bad), "--db", str(fresh)]})
    assert failed["code"] == 1 and "must be an object" in failed["stderr"]
    assert not fresh.exists()  # a refused load leaves no new, empty registry behind
    not_json = cli({"argv": ["load", str(db_path), "--db", str(fresh)]})
    assert not_json["code"] == 1 and "not UTF-8 text" in not_json["stderr"]
