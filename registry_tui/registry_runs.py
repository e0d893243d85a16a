"""The training-run methods of :class:`~registry_tui.registry.ModelRegistry`: each model's
run read from where runs live (an ExperimentDB file or an MLflow tracking store).

The run source is opened on first use. When it cannot be read (a missing file,
another kind of database, a server that does not answer) the registry works as
ever: runs are simply unknown, and :attr:`RunMethods.runs_notice` says why in one line.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from registry_tui import validate
from registry_tui.db.guard import guard as _guard
from registry_tui.db.run_links import run_links
from registry_tui.db.storage import Clock
from registry_tui.registry_core import RegistryCore
from registry_tui.runs.info import RunInfo, RunKey, RunSourceError, run_key

if TYPE_CHECKING:
    from registry_tui.records import ModelRecord
    from registry_tui.runs import RunSource


class RunMethods(RegistryCore):
    """``experiments=``: where runs live; :meth:`run_of`, :meth:`runs`, :meth:`find_runs`.

    Args:
        experiments: an ExperimentDB file (``experiments.db``), or an MLflow
            tracking URI (``mlflow:sqlite:///mlflow.db``, ``http://host:5000``);
            ``None``: runs are known by their ids only.
    """

    def __init__(
        self,
        db: str | os.PathLike[str] = "models.db",
        *,
        clock: Clock | None = None,
        actor: str | None = None,
        read_only: bool = False,
        experiments: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(db, clock=clock, actor=actor, read_only=read_only)
        self.experiments = None if experiments is None else str(experiments)
        """Where runs are read from, as given (``None``: nowhere)."""
        self._runs_lock = threading.Lock()
        self._run_source: RunSource | None = None
        self._runs_notice: str | None = None
        self._runs_opened = False

    @property
    def runs_notice(self) -> str | None:
        """One line saying why runs cannot be read (``None`` when they can, or when no
        ``experiments`` were given). Opens the run source if it is not open yet."""
        self._source()
        return self._runs_notice

    def _source(self) -> RunSource | None:
        with self._runs_lock:
            if not self._runs_opened and self.experiments is not None:
                from registry_tui.runs import open_runs

                try:
                    self._run_source = open_runs(self.experiments)
                except RunSourceError as exc:
                    self._runs_notice = f"Runs not shown: {exc}"
                self._runs_opened = True
            return self._run_source

    def _read_runs(self, key: RunKey | None) -> RunInfo | None:
        source = self._source()
        if source is None or key is None:
            return None
        try:
            return source.run(key, self.metric_directions())
        except RunSourceError as exc:
            self._runs_notice = f"Runs not shown: {exc}"
            return None

    def run_of_record(self, record: ModelRecord) -> RunInfo | None:
        """The run a model record came from, when the run source holds it."""
        return self._read_runs(run_key(record.training_run_id, record.metadata))

    def get_model(
        self,
        model_id: int | None = None,
        name: str | None = None,
        version: str | None = None,
        tag: str | None = None,
    ) -> dict[str, Any] | None:
        """The guide's ``get_model``; with ``experiments``, and when the source holds the
        model's run, the dict also has ``"run"``: the run as :meth:`RunInfo.to_dict`."""
        model = super().get_model(model_id, name, version, tag)
        if model is not None and self.experiments is not None:
            run = self._read_runs(run_key(model["training_run_id"], model["metadata"]))
            if run is not None:
                model["run"] = run.to_dict()
        return model

    @_guard
    def run_of(self, model_id: int) -> RunInfo | None:
        """The run that produced the model (its ``training_run_id``), as the run source
        records it: name, status, notes, final and best metrics. ``None`` without
        ``experiments``, when the model names no run, or when the source lacks it.

        Raises:
            LookupError: no model has this id.
        """
        return self.run_of_record(self.records.require(validate.model_id(model_id)))

    @_guard
    def runs(self) -> list[tuple[RunInfo, list[int]]]:
        """Every run with the ids of the models it produced, newest run first.

        Runs models name but the source lacks (or every run, without ``experiments``)
        come with ``found=False`` and only their id, after the source's runs.
        """
        produced: dict[RunKey, list[int]] = {}
        for model_id, key in run_links(self._store):
            produced.setdefault(key, []).append(model_id)
        listed = self._all_runs()
        known = {info.run_id for info in listed}
        missing = sorted((k for k in produced if k not in known), key=_order, reverse=True)
        listed += [RunInfo(run_id=key, found=False) for key in missing]
        return [(info, produced.get(info.run_id, [])) for info in listed]

    def _all_runs(self) -> list[RunInfo]:
        source = self._source()
        if source is None:
            return []
        try:
            return source.runs(self.metric_directions())
        except RunSourceError as exc:
            self._runs_notice = f"Runs not shown: {exc}"
            return []

    def find_runs(self, text: str) -> list[RunKey]:
        """Ids of the runs ``text`` names: a run id, or a run name the source knows."""
        text = text.strip()
        found: list[RunKey] = [int(text)] if text.isdigit() else []
        source = self._source()
        if source is not None:
            try:
                found += [k for k in source.find(text) if k not in found]
            except RunSourceError as exc:
                self._runs_notice = f"Runs not shown: {exc}"
        return found


def _order(key: RunKey) -> tuple[int, int | str]:
    return (1, key) if isinstance(key, int) else (0, key)
