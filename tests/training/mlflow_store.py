"""A real MLflow model registry, built with MLflow itself in a SQLite file.

Two registered models share the alias ``champion``; ``classifier`` holds a version
of each kind of source: a local ``file://`` folder of safetensors weights, an MLflow 3
logged model (``models:/m-...``) whose artifacts hold weights, an object-store URI,
and (``ranker``) a ``runs:/`` artifact folder with only a pickled model in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.checkpoints.builders import write_safetensors

TENSORS = {"w": ("F32", (4, 4)), "b": ("F32", (4,))}
PARAMETERS = 20


@dataclass(frozen=True)
class Store:
    """Where the store is and what the test wrote into it."""

    uri: str
    path: Path
    run_id: str
    logged_model_id: str
    weights_dir: Path
    logged_dir: Path
    ranker_dir: Path


def build(root: Path) -> Store:
    """Write the MLflow registry described in the module docstring under ``root``."""
    import mlflow
    from mlflow import MlflowClient

    uri = f"sqlite:///{root / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("train", artifact_location=(root / "art").as_uri())
    run = client.create_run(experiment, run_name="baseline")
    run_id = run.info.run_id
    for step, loss in enumerate((0.9, 0.5, 0.3)):
        client.log_metric(run_id, "val_loss", loss, step=step)
    client.log_metric(run_id, "val/accuracy", 0.91)
    client.set_terminated(run_id)
    weights_dir = root / "exported"
    weights_dir.mkdir()
    write_safetensors(weights_dir / "model.safetensors", TENSORS)
    logged = client.create_logged_model(experiment, name="clf", source_run_id=run_id)
    logged_dir = Path(_local(logged.artifact_location))
    logged_dir.mkdir(parents=True)
    write_safetensors(logged_dir / "model.safetensors", TENSORS)
    ranker_dir = Path(_local(run.info.artifact_uri)) / "model"
    ranker_dir.mkdir(parents=True)
    (ranker_dir / "model.pkl").write_bytes(b"\x80\x04N.")
    (ranker_dir / "MLmodel").write_text("flavors: {}\n")
    client.create_registered_model("classifier", tags={"task_type": "image_classification"})
    _version(client, "classifier", weights_dir.as_uri(), run_id, tags={"owner": "ana"})
    _version(client, "classifier", f"models:/{logged.model_id}", run_id)
    _version(client, "classifier", "s3://bucket/classifier/3", run_id)
    client.set_registered_model_alias("classifier", "champion", "2")
    client.set_registered_model_alias("classifier", "production", "1")
    client.create_registered_model("ranker")
    _version(client, "ranker", f"runs:/{run_id}/model", run_id)
    client.set_registered_model_alias("ranker", "champion", "1")
    client.transition_model_version_stage("ranker", "1", "Staging")
    return Store(uri, root / "mlflow.db", run_id, logged.model_id, weights_dir, logged_dir,
                 ranker_dir)  # fmt: skip


def copy(store: Store, root: Path) -> str:
    """A copy of the store's database under ``root`` (its artifacts shared); its URI."""
    import sqlite3

    target = root / "mlflow-copy.db"
    with sqlite3.connect(store.path) as source, sqlite3.connect(target) as copied:
        source.backup(copied)
    return f"sqlite:///{target}"


def _version(client: Any, name: str, source: str, run_id: str, **options: Any) -> None:
    client.create_model_version(name, source, run_id=run_id, **options)


def _local(uri: str) -> str:
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(uri).path)
