"""registry-tui import mlflow: a real MLflow registry, built by the test with MLflow
itself, imported on SQLite and PostgreSQL: versions, metrics, sources, aliases."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.cli import main
from registry_tui.training.mlflow_import import run_number, version_of
from tests.training import mlflow_store
from tests.training.mlflow_store import PARAMETERS, Store

pytest.importorskip("mlflow", reason="mlflow (an optional test dependency) is not installed")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One MLflow registry for the module (building it takes MLflow a few seconds)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the stage API is deprecated in MLflow 3
        yield mlflow_store.build(tmp_path_factory.mktemp("mlflow"))


def _model(registry: ModelRegistry, name: str, version: str) -> dict[str, Any]:
    found = registry.get_model(name=name, version=version)
    assert found is not None, f"{name} {version} not registered"
    return found


def test_versions_become_models_with_their_runs_metrics_and_metadata(
    registry: ModelRegistry, store: Store
) -> None:
    """Every MLflow version is registered as N.0.0 with the run's latest metrics, the
    registered model's task_type tag, and metadata["mlflow"] saying where it came from;
    the run id (not a number) stays out of training_run_id."""
    report = registry.import_mlflow(store.uri)
    assert len(report.registered) == 4 and report.unchanged == []
    first = _model(registry, "classifier", "1.0.0")
    assert first["metrics"] == {"val_loss": 0.3, "val/accuracy": 0.91}
    assert first["task_type"] == "image_classification"
    assert first["training_run_id"] is None
    assert first["metadata"]["mlflow"] == {
        "registered_model": "classifier",
        "model_version": 1,
        "run_id": store.run_id,
        "run_name": "baseline",
        "source": store.weights_dir.as_uri(),
        "model_uri": "models:/classifier/1",
        "stage": None,
        "tags": {"owner": "ana"},
        "description": None,
    }
    assert [_model(registry, "classifier", f"{n}.0.0")["version"] for n in (2, 3)]
    ranker = _model(registry, "ranker", "1.0.0")
    assert ranker["task_type"] == "unknown" and ranker["metadata"]["mlflow"]["stage"] == "Staging"
    assert "MLflow version N -> {N}.0.0 (version scheme major)" in report.notes


def test_sources_are_resolved_to_local_paths_where_mlflow_says(
    registry: ModelRegistry, store: Store
) -> None:
    """A file:// source, an MLflow 3 logged model and a runs:/ artifact become local paths
    (weights inspected; a folder of a pickled model registered uninspected); an s3://
    source is kept as given, unverified, and the report says so."""
    report = registry.import_mlflow(store.uri)
    local = _model(registry, "classifier", "1.0.0")
    assert local["checkpoint_path"] == str(store.weights_dir) and local["params"] == PARAMETERS
    logged = _model(registry, "classifier", "2.0.0")
    assert logged["checkpoint_path"] == str(store.logged_dir) and logged["params"] == PARAMETERS
    remote = _model(registry, "classifier", "3.0.0")
    assert remote["checkpoint_path"] == "s3://bucket/classifier/3"
    assert "checkpoint" not in remote["metadata"]
    ranker = _model(registry, "ranker", "1.0.0")
    assert ranker["checkpoint_path"] == str(store.ranker_dir) and ranker["params"] is None
    notes = "\n".join(report.notes)
    assert "classifier version 3: source s3://bucket/classifier/3 kept unverified" in notes
    assert f"source models:/{store.logged_model_id} resolved to {store.logged_dir}" in notes
    assert "ranker version 1: no weights files" in notes


def test_aliases_become_tags_of_each_model_and_production_is_not_taken(
    registry: ModelRegistry, store: Store
) -> None:
    """champion, an alias of both registered models, is a tag of one version of each;
    the production alias is not applied (the registry keeps it exclusive) and the
    report says so, naming the model to promote by hand."""
    report = registry.import_mlflow(store.uri)
    holders = {(r.name, r.version) for r in registry.records.tag_holders("champion")}
    assert holders == {("classifier", "2.0.0"), ("ranker", "1.0.0")}
    assert registry.records.tag_holders("production") == []
    first = _model(registry, "classifier", "1.0.0")["model_id"]
    assert any(
        "alias 'production' of classifier (version 1) not applied" in note
        and f"promote model {first} by hand" in note
        for note in report.notes
    )


def test_an_alias_moved_in_mlflow_moves_within_its_model_only(
    registry: ModelRegistry, store: Store, tmp_path: Path
) -> None:
    """After the alias moves to version 3 in MLflow, importing again moves the classifier's
    champion tag to 3.0.0 and leaves the ranker's champion where it was."""
    from mlflow import MlflowClient

    uri = mlflow_store.copy(store, tmp_path)
    registry.import_mlflow(uri)
    MlflowClient(tracking_uri=uri, registry_uri=uri).set_registered_model_alias(
        "classifier", "champion", "3"
    )
    registry.import_mlflow(uri)
    holders = {(r.name, r.version) for r in registry.records.tag_holders("champion")}
    assert holders == {("classifier", "3.0.0"), ("ranker", "1.0.0")}


def test_importing_twice_changes_nothing_and_a_new_version_is_added(
    registry: ModelRegistry, store: Store, tmp_path: Path
) -> None:
    """A second import registers nothing and writes no event; a version created in MLflow
    since is the one model the third import registers (its source, a local folder since
    deleted, kept unverified and reported)."""
    from mlflow import MlflowClient

    uri = mlflow_store.copy(store, tmp_path)
    first = registry.import_mlflow(uri)
    events = len(registry.events(limit=None))
    second = registry.import_mlflow(uri)
    assert second.registered == [] and sorted(second.unchanged) == sorted(first.registered)
    assert len(registry.events(limit=None)) == events
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.create_model_version("ranker", (tmp_path / "gone").as_uri(), run_id=store.run_id)
    third = registry.import_mlflow(uri)
    assert len(third.registered) == 1 and len(third.unchanged) == 4
    added = _model(registry, "ranker", "2.0.0")
    assert added["model_id"] == third.registered[0]
    assert added["checkpoint_path"] == str(tmp_path / "gone")
    assert f"ranker version 2: source {tmp_path / 'gone'} kept unverified (not found)" in (
        third.notes
    )


def test_the_version_scheme_is_configurable(registry: ModelRegistry, store: Store) -> None:
    """--version-scheme minor maps version N to 1.N.0 and says so; a template and a
    function serve as well; a scheme that makes no semantic version is refused first."""
    report = registry.import_mlflow(store.uri, version_scheme="minor")
    assert _model(registry, "classifier", "1.2.0")["metadata"]["mlflow"]["model_version"] == 2
    assert "MLflow version N -> 1.{N}.0 (version scheme minor)" in report.notes
    assert (version_of("patch", 3), version_of("2.{N}.0", 3)) == ("1.0.3", "2.3.0")
    assert version_of(lambda n: f"0.{n}.0", 4) == "0.4.0"
    for bad in ("huge", "{N}", "v{N}"):
        with pytest.raises(ValidationError):
            version_of(bad, 1)


def test_a_version_already_held_from_elsewhere_refuses_the_whole_import(
    registry: ModelRegistry, store: Store, checkpoint: object
) -> None:
    """ranker 1.0.0 registered by hand: the import (which reaches ranker after the
    classifier) is refused with one clear error, and no classifier version is left."""
    path = checkpoint("ranker.pt")  # type: ignore[operator]
    registry.register_model("ranker", "1.0.0", path, "ranking")
    with pytest.raises(ValidationError, match="already registered, not from MLflow version 1"):
        registry.import_mlflow(store.uri)
    assert registry.count_models(status=None) == 1
    assert registry.records.tag_holders("champion") == []


def test_whole_run_ids_become_training_run_ids() -> None:
    """A run id that is a whole number is a training_run_id; MLflow's hex ids are not."""
    assert run_number("42") == 42
    assert [run_number(r) for r in ("e18dc2a7", "0", None, "-3")] == [None, None, None, None]


def test_a_missing_database_or_mlflow_is_one_clear_error(
    registry: ModelRegistry, tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sqlite:/// store that does not exist is refused (MLflow would create it), and
    without mlflow the error names pip install mlflow; nothing is written."""
    missing = tmp_path / "none.db"
    with pytest.raises(ValidationError, match="MLflow database not found"):
        registry.import_mlflow(f"sqlite:///{missing}")
    assert not missing.exists()
    monkeypatch.setitem(sys.modules, "mlflow", None)
    with pytest.raises(ValidationError, match="pip install mlflow"):
        registry.import_mlflow(store.uri)
    assert registry.count_models(status=None) == 0


def test_the_cli_reports_what_was_mapped_how(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import mlflow prints the registrations, the version rule and each alias; --json
    prints the same report as JSON; import --help lists every source."""
    db = str(tmp_path / "models.db")
    assert main(["--db", db, "import", "mlflow", store.uri, "--version-scheme", "patch"]) == 0
    out = capsys.readouterr().out
    assert "Registered 4 model version(s)" in out
    assert "MLflow version N -> 1.0.{N} (version scheme patch)" in out
    assert "alias 'champion' of ranker (version 1) -> tag 'champion'" in out
    assert main(["--db", db, "import", "mlflow", store.uri, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["registered"] == [] and len(report["unchanged"]) == 4
    assert main(["--db", db, "import", "mlflow", store.uri, "--version-scheme", "x"]) == 1
    assert "version scheme 'x'" in capsys.readouterr().err
    assert main(["import", "--help"]) == 0
    assert "checkpoints, hf-cache, mlflow" in capsys.readouterr().out


class _Unlocating:
    """A client that knows of no logged model and no run (a store that lost them)."""

    def get_logged_model(self, model_id: str) -> None:
        raise LookupError(model_id)

    def get_run(self, run_id: str) -> None:
        raise LookupError(run_id)


def test_a_source_mlflow_cannot_locate_is_kept_as_given() -> None:
    """A logged model or run the client cannot find leaves the source as it was, not
    local (so registered unverified), saying why; a file:// URI is a path, unquoted."""
    from registry_tui.training.mlflow_source import resolve_source

    logged = resolve_source(_Unlocating(), "models:/m-0123abcd")
    assert (logged.path, logged.local) == ("models:/m-0123abcd", False)
    assert logged.how == "a logged model MLflow could not locate"
    run = resolve_source(_Unlocating(), "runs:/abc/model")
    assert (run.path, run.local) == ("runs:/abc/model", False)
    local = resolve_source(_Unlocating(), "file:///data/my%20model")
    assert (local.path, local.local) == ("/data/my model", True)


def test_messages_never_show_a_stores_credentials() -> None:
    """The store's URI as messages show it drops the user name and password."""
    from registry_tui.training.mlflow_source import shown

    assert shown("postgresql://ml:s3cret@db:5432/mlflow") == "postgresql://db:5432/mlflow"
    assert shown("sqlite:///mlflow.db") == "sqlite:///mlflow.db"
