"""The demo registry: realistic, complete and the same on every build."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.demo import FAMILIES, build_demo, plan_size
from registry_tui.records import ModelQuery, ModelRecord


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo registry for the module (built quietly)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(str(path), progress=False)
    return path


@pytest.fixture(scope="module")
def records(demo_path: Path) -> list[ModelRecord]:
    """Every model of the demo, with exports."""
    with ModelRegistry(demo_path) as registry:
        ids = [r.model_id for r in registry.records.query(ModelQuery(status=None), 0, None)]
        return [registry.records.require(i) for i in ids]


def snapshot(path: Path) -> str:
    """Everything a face can show of a registry, as text."""
    with ModelRegistry(path) as registry:
        models = [r.to_dict() for r in registry.records.query(ModelQuery(status=None), 0, None)]
        events = [e.to_dict() for e in registry.events(limit=None)]
    return json.dumps({"models": models, "events": events}, sort_keys=True)


def test_size_and_return_value(tmp_path: Path, records: list[ModelRecord]) -> None:
    """Between 60 and 120 models, as many as build_demo reports and plan_size predicts."""
    assert 60 <= len(records) <= 120
    assert len(records) == plan_size()
    assert build_demo(str(tmp_path / "again.db"), progress=False) == len(records)


def test_same_seed_same_registry(tmp_path: Path, demo_path: Path) -> None:
    """Two builds with the same seed are identical, timestamps and history included."""
    other = tmp_path / "demo.db"
    build_demo(str(other), seed=0, progress=False)
    assert snapshot(other) == snapshot(demo_path)
    changed = tmp_path / "seed1.db"
    build_demo(str(changed), seed=1, progress=False)
    assert snapshot(changed) != snapshot(demo_path)


def test_families_and_task_types(records: list[ModelRecord]) -> None:
    """Several families over at least four task types, speech and vision included."""
    tasks = {r.task_type for r in records}
    assert {"language_modeling", "classification", "vision_classification",
            "speech_recognition"} <= tasks  # fmt: skip
    bases = {f.base for f in FAMILIES}
    assert all(any(r.name.startswith(b) for r in records) for b in bases)


def test_one_production_per_family(records: list[ModelRecord]) -> None:
    """Exactly one production holder in each family; staging and baseline are used too."""
    holders = [r for r in records if "production" in r.tags]
    families = Counter(next(f.base for f in FAMILIES if r.name.startswith(f.base)) for r in holders)
    assert families == Counter({f.base: 1 for f in FAMILIES})
    tags = Counter(t for r in records for t in r.tags)
    assert tags["staging"] >= len(FAMILIES) and tags["baseline"] == len(FAMILIES)
    assert tags["experimental"] > 0 and tags["deprecated"] > 0


def test_fine_tune_chains_three_deep(demo_path: Path, records: list[ModelRecord]) -> None:
    """Every family has a model whose lineage is at least three models long."""
    with ModelRegistry(demo_path) as registry:
        depth = {r.model_id: len(registry.records.lineage(r.model_id)) for r in records}
    for family in FAMILIES:
        assert max(depth[r.model_id] for r in records if r.name.startswith(family.base)) >= 3


def test_metrics_exports_configs_and_retired(demo_path: Path, records: list[ModelRecord]) -> None:
    """5+ plausible metrics per model, exports with metadata, stored configs, some retired."""
    assert all(len(r.metrics) >= 5 for r in records)
    assert all(0 < r.metrics["val_loss"] < 2 for r in records)
    assert all(0 < r.metrics.get("accuracy", 0.5) < 1 for r in records)
    exports = [e for r in records for e in r.exports]
    assert len(exports) > len(records) // 2 and all(e.metadata for e in exports)
    assert {e.export_format for e in exports} >= {"onnx", "torchscript", "tflite"}
    assert 3 <= sum(r.status == "retired" for r in records) <= 20
    assert all(r.model_size_mb and r.memory_req_gb for r in records)
    with ModelRegistry(demo_path) as registry:
        assert registry.records.config_changes(records[0].model_id, records[1].model_id)


def test_history_of_promotions(demo_path: Path) -> None:
    """The history has exclusive promotions with previous holders and a rollback."""
    with ModelRegistry(demo_path) as registry:
        events = registry.events(limit=None)
    kinds = Counter(e.event for e in events)
    assert kinds["rollback"] == 1 and kinds["retire"] >= 3 and kinds["export"] > 0
    assert any(e.event == "promote" and e.details.get("removed_from") for e in events)
    assert len({e.actor for e in events}) == 3
    times = [e.at for e in reversed(events)]
    assert times == sorted(times)


def test_refuses_a_registry_with_models(demo_path: Path) -> None:
    """Building over an existing registry is refused and changes nothing."""
    before = snapshot(demo_path)
    with pytest.raises(ValidationError, match="already has models"):
        build_demo(str(demo_path), progress=False)
    assert snapshot(demo_path) == before


def test_quiet_when_not_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With stderr not a terminal (or progress=False) nothing is printed."""
    build_demo(str(tmp_path / "quiet.db"))
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_bar_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """progress=True draws a progress bar on stderr (seen when stderr acts as a terminal)."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    build_demo(str(tmp_path / "loud.db"), progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "Building demo" in captured.err


@pytest.mark.postgres
def test_builds_on_postgresql(pg_url: str, demo_path: Path) -> None:
    """The demo builds on PostgreSQL too, with the same models as on SQLite."""
    assert build_demo(pg_url, progress=False) == plan_size()
    with ModelRegistry(pg_url) as pg, ModelRegistry(demo_path) as lite:
        query = ModelQuery(status=None)
        assert [r.to_dict() for r in pg.records.query(query, 0, None)] == [
            r.to_dict() for r in lite.records.query(query, 0, None)
        ]
