"""ModelRegistry(experiments=...): each model's run, the runs listing, and a notice,
never a failure, when runs cannot be read. On SQLite and PostgreSQL registries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from tests import experimentdb
from tests.conftest import FixedClock


@pytest.fixture
def exp(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """The sample ExperimentDB (runs ``baseline`` and ``wider``), written by plain sqlite3."""
    path = tmp_path / "experiments.db"
    return path, experimentdb.sample(path)


def _register(registry: ModelRegistry, version: str, run_id: int | None) -> int:
    return registry.register_model(
        "gpt", version, "ckpt.pt", "lm", metrics={"val_loss": 0.9},
        training_run_id=run_id, verify_checkpoint=False,
    )  # fmt: skip


def test_get_model_and_run_of_show_the_run(
    registry_url: str, clock: FixedClock, exp: tuple[Path, dict[str, int]]
) -> None:
    """With experiments, get_model's dict has the run (name, status, notes, final, best)
    and run_of returns the same RunInfo; a model without a run has neither."""
    path, ids = exp
    with ModelRegistry(registry_url, clock=clock, experiments=path) as registry:
        linked = _register(registry, "1.0.0", ids["baseline"])
        plain = _register(registry, "1.1.0", None)
        model = registry.get_model(linked)
        assert model is not None
        assert model["run"]["name"] == "baseline" and model["run"]["status"] == "completed"
        assert model["run"]["notes"] == "lr 3e-4, warmup 500"
        assert model["run"]["final_metrics"]["val/loss"] == 1.1
        assert model["run"]["best_metrics"]["val/loss"] == 0.9
        run = registry.run_of(linked)
        assert run is not None and run.to_dict() == model["run"]
        assert registry.run_of(plain) is None and "run" not in (registry.get_model(plain) or {})
        assert registry.runs_notice is None


def test_without_experiments_get_model_is_the_guides_dict(
    registry_url: str, clock: FixedClock
) -> None:
    """No experiments: get_model has no "run" key, run_of is None, no notice."""
    with ModelRegistry(registry_url, clock=clock) as registry:
        model_id = _register(registry, "1.0.0", 1)
        assert "run" not in (registry.get_model(model_id) or {})
        assert registry.run_of(model_id) is None and registry.runs_notice is None


def test_runs_lists_runs_with_their_models_and_runs_the_source_lacks(
    registry_url: str, clock: FixedClock, exp: tuple[Path, dict[str, int]]
) -> None:
    """runs(): the source's runs newest first with the models each produced, then a run
    models name that the source does not hold (found=False)."""
    path, ids = exp
    with ModelRegistry(registry_url, clock=clock, experiments=path) as registry:
        a = _register(registry, "1.0.0", ids["baseline"])
        b = _register(registry, "1.1.0", ids["baseline"])
        lost = _register(registry, "1.2.0", 77)
        listed = [(info.run_id, info.name, info.found, models) for info, models in registry.runs()]
    assert listed == [
        (ids["wider"], "wider", True, []),
        (ids["baseline"], "baseline", True, [a, b]),
        (77, None, False, [lost]),
    ]


@pytest.mark.parametrize("kind", ["missing", "different"])
def test_a_missing_or_different_database_is_a_notice_not_a_failure(
    registry_url: str, clock: FixedClock, tmp_path: Path, kind: str
) -> None:
    """A missing ExperimentDB, or a file of another kind: the registry reads and writes as
    ever, runs are unknown, and runs_notice says why in one line."""
    path = tmp_path / "experiments.db"
    if kind == "different":
        with sqlite3.connect(path) as con:
            con.execute("CREATE TABLE something (x)")
        con.close()
    with ModelRegistry(registry_url, clock=clock, experiments=path) as registry:
        model_id = _register(registry, "1.0.0", 5)
        model = registry.get_model(model_id)
        assert model is not None and model["training_run_id"] == 5 and "run" not in model
        assert registry.run_of(model_id) is None
        assert [(i.run_id, i.found, m) for i, m in registry.runs()] == [(5, False, [model_id])]
        notice = registry.runs_notice
    assert notice is not None and "\n" not in notice
    assert ("No experiment database" if kind == "missing" else "not an ExperimentDB") in notice


def test_find_runs_resolves_names_through_the_source(
    sqlite_registry: ModelRegistry, exp: tuple[Path, dict[str, int]], db_path: Path
) -> None:
    """find_runs: a number is an id as it is; a name is looked up (without experiments,
    a name finds nothing)."""
    path, ids = exp
    with ModelRegistry(db_path, experiments=path) as registry:
        assert registry.find_runs("Baseline") == [ids["baseline"]]
        assert registry.find_runs("42") == [42]
    assert sqlite_registry.find_runs("baseline") == []


def test_an_mlflow_run_is_linked_through_metadata(
    registry_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    """A model whose metadata names an MLflow run id shows that run from an MLflow store."""
    mlflow = pytest.importorskip("mlflow", reason="MLflow is not installed")
    store = tmp_path / "mlflow.db"
    client = mlflow.tracking.MlflowClient(tracking_uri=f"sqlite:///{store}")
    experiment = client.create_experiment("e", artifact_location=str(tmp_path / "art"))
    run_id = client.create_run(experiment, run_name="ml-run").info.run_id
    client.log_metric(run_id, "val_loss", 0.5, step=1)
    with ModelRegistry(registry_url, clock=clock, experiments=f"mlflow:sqlite:///{store}") as reg:
        model_id = reg.register_model(
            "m", "1.0.0", "c.pt", "lm", metadata={"mlflow_run_id": run_id},
            verify_checkpoint=False,
        )  # fmt: skip
        run = reg.run_of(model_id)
        assert run is not None and run.name == "ml-run" and run.final_metrics == {"val_loss": 0.5}
        assert [(i.run_id, m) for i, m in reg.runs()] == [(run_id, [model_id])]
