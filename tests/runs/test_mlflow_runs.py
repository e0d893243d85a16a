"""The MLflow run source, against a real MLflow store built by the test with MLflow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry_tui.runs import RunSourceError, open_runs

mlflow = pytest.importorskip("mlflow", reason="MLflow is not installed (pip install mlflow)")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A sqlite MLflow store with one finished run logging val_loss and accuracy per step."""
    path = tmp_path_factory.mktemp("mlflow") / "mlflow.db"
    client = mlflow.tracking.MlflowClient(tracking_uri=f"sqlite:///{path}")
    experiment = client.create_experiment("exp", artifact_location=str(path.parent / "art"))
    run = client.create_run(experiment, run_name="mlflow-baseline", start_time=1767268800000)
    run_id = run.info.run_id
    for step, (loss, acc) in enumerate([(1.0, 0.5), (0.6, 0.8), (0.7, 0.7)]):
        client.log_metric(run_id, "val_loss", loss, timestamp=1767268800000 + step, step=step)
        client.log_metric(run_id, "accuracy", acc, timestamp=1767268800000 + step, step=step)
    client.set_tag(run_id, "mlflow.note.content", "first try")
    client.set_terminated(run_id, "FINISHED")
    return path, run_id


def test_an_mlflow_run_reads_with_final_and_best(store: tuple[Path, str]) -> None:
    """The run's name, status, note and start time, and its final and best metrics."""
    path, run_id = store
    run = open_runs(f"mlflow:sqlite:///{path}").run(run_id)
    assert run is not None
    assert (run.run_id, run.name, run.status, run.notes) == (
        run_id, "mlflow-baseline", "FINISHED", "first try",
    )  # fmt: skip
    assert run.created_at == "2026-01-01 12:00:00"
    assert run.final_metrics == {"val_loss": 0.7, "accuracy": 0.7}
    assert run.best_metrics == {"val_loss": 0.6, "accuracy": 0.8}


def test_an_mlflow_file_is_recognised_by_its_tables(store: tuple[Path, str]) -> None:
    """The bare path of an MLflow database opens as MLflow, not as an ExperimentDB."""
    path, run_id = store
    source = open_runs(path)
    assert source.kind == "MLflow"
    assert [r.run_id for r in source.runs()] == [run_id]
    assert source.find("MLFLOW-BASELINE") == [run_id] and source.find(run_id) == [run_id]
    assert source.run("0" * 32) is None


def test_a_missing_mlflow_database_is_not_created(tmp_path: Path) -> None:
    """mlflow:sqlite:/// naming no file is refused, and MLflow makes no database there."""
    with pytest.raises(RunSourceError, match="No MLflow database"):
        open_runs(f"mlflow:sqlite:///{tmp_path / 'mlflow.db'}")
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_server_is_a_one_line_error() -> None:
    """A tracking server that refuses connections gives one line, naming it."""
    with pytest.raises(RunSourceError, match=re.escape("MLflow at http://127.0.0.1:9")) as caught:
        open_runs("http://127.0.0.1:9")
    assert "\n" not in str(caught.value)
