"""Where training runs live: an ExperimentDB file or an MLflow tracking store.

:func:`open_runs` opens a run source for a location; the registry uses it to show
the run beside a model's ``training_run_id`` (``ModelRegistry(..., experiments=...)``).
Nothing here writes, and nothing imports rich or textual; MLflow is imported only
for an MLflow location::

    source = open_runs("experiments.db")        # or "mlflow:http://host:5000"
    source.run(42)                              # RunInfo | None
    source.find("baseline-lr3e-4")              # ids of the runs so named

Locations: ``mlflow:<tracking uri>``, an ``http(s)://`` URL (an MLflow server),
or a SQLite file (a path or ``sqlite:///path``) holding either an ExperimentDB or
an MLflow store (told apart by their tables). A location that cannot be read
raises :class:`RunSourceError` with a one-line message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from registry_tui.runs.info import Directions, RunInfo, RunKey, RunSourceError, summarise

__all__ = [
    "Directions",
    "RunInfo",
    "RunKey",
    "RunSource",
    "RunSourceError",
    "open_runs",
    "summarise",
]

_MLFLOW_TABLES = ("experiments", "alembic_version")


class RunSource(Protocol):
    """A place runs are read from (an ExperimentDB file, an MLflow store)."""

    kind: str
    location: str

    def run(self, run_id: RunKey, directions: Directions | None = None) -> RunInfo | None:
        """The run with this id, or None when the source has no such run."""

    def runs(self, directions: Directions | None = None) -> list[RunInfo]:
        """Every run the source holds."""

    def find(self, text: str) -> list[RunKey]:
        """Ids of the runs whose id or name is ``text``."""


def open_runs(location: str | os.PathLike[str]) -> RunSource:
    """The run source at ``location`` (see the module's docstring)."""
    text = str(location)
    if text.startswith("mlflow:"):
        return _mlflow(text[len("mlflow:") :])
    if text.startswith(("http://", "https://")):
        return _mlflow(text)
    path = Path(unquote(text[len("sqlite:///") :]) if text.startswith("sqlite:///") else text)
    if "://" in text and not text.startswith("sqlite:///"):
        raise RunSourceError(f"Runs cannot be read from {text}: give a file, or mlflow:URI")
    from registry_tui.runs.experimentdb import ExperimentDBSource, table_columns

    tables = table_columns(path)
    runs = tables.get("runs", [])
    if "run_uuid" in runs and all(t in tables for t in _MLFLOW_TABLES):
        return _mlflow(f"sqlite:///{path.resolve()}")
    return ExperimentDBSource(path, tables)


def _mlflow(uri: str) -> RunSource:
    if uri.startswith("sqlite:///"):
        path = Path(unquote(uri[len("sqlite:///") :]))
        if not path.is_file():  # MLflow would create an empty store there
            raise RunSourceError(f"No MLflow database at {path}")
    from registry_tui.runs.mlflow_runs import MLflowSource

    return MLflowSource(uri)
