"""Runs from an MLflow tracking store (a server URL or a ``sqlite:///mlflow.db``).

MLflow is imported only when such a source is opened. A run is keyed by its run
id (hex text); its notes are MLflow's ``mlflow.note.content`` tag, its creation
time the run's start time (UTC). Every failure of MLflow (a server that does not
answer, a store it cannot read) becomes a one-line :class:`RunSourceError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from registry_tui.runs.info import Directions, RunInfo, RunKey, RunSourceError, summarise

NOTE_TAG = "mlflow.note.content"
_PAGE = 1000
_T = TypeVar("_T")


class MLflowSource:
    """The runs of one MLflow tracking URI."""

    kind = "MLflow"

    def __init__(self, uri: str) -> None:
        self.location = uri
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")
        try:
            from mlflow.tracking import MlflowClient
        except ImportError:
            raise RunSourceError(
                f"Runs at {uri} need MLflow, which is not installed (pip install mlflow)"
            ) from None
        with self._calling():
            self._client: Any = MlflowClient(tracking_uri=uri)
            self._client.search_experiments(max_results=1)

    def run(self, run_id: RunKey, directions: Directions | None = None) -> RunInfo | None:
        """The run with this id, or None."""
        from mlflow.exceptions import MlflowException

        try:
            run = self._client.get_run(str(run_id))
        except MlflowException as exc:
            if getattr(exc, "error_code", "") == "RESOURCE_DOES_NOT_EXIST":
                return None
            raise RunSourceError(f"MLflow at {self.location}: {_first_line(exc)}") from None
        except Exception as exc:
            raise RunSourceError(f"MLflow at {self.location}: {_first_line(exc)}") from None
        return self._call(lambda: self._info(run, directions))

    def runs(self, directions: Directions | None = None) -> list[RunInfo]:
        """Every run of every experiment, newest first."""
        return self._call(lambda: [self._info(r, directions) for r in self._all_runs()])

    def find(self, text: str) -> list[RunKey]:
        """Ids of the runs whose id is ``text`` or whose name is ``text`` (ignoring case)."""
        wanted = text.strip()
        return [
            r.info.run_id
            for r in self._call(self._all_runs)
            if r.info.run_id == wanted or (r.info.run_name or "").lower() == wanted.lower()
        ]

    def _all_runs(self) -> list[Any]:
        from mlflow.entities import ViewType

        client = self._client
        ids = [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL)]
        if not ids:
            return []
        found, token = [], None
        while True:
            page = client.search_runs(
                ids, run_view_type=ViewType.ALL, max_results=_PAGE, page_token=token
            )
            found.extend(page)
            token = page.token
            if not token:
                return found

    def _info(self, run: Any, directions: Directions | None) -> RunInfo:
        history = [
            (m.step, m.timestamp, key, m.value)
            for key in run.data.metrics
            for m in self._client.get_metric_history(run.info.run_id, key)
        ]
        history.sort(key=lambda p: (p[0], p[1]))
        final, best = summarise(((key, value) for _, _, key, value in history), directions)
        start = run.info.start_time
        return RunInfo(
            run_id=run.info.run_id, name=run.info.run_name, status=run.info.status,
            notes=run.data.tags.get(NOTE_TAG),
            created_at=None if start is None else _utc(start),
            final_metrics=final, best_metrics=best,
        )  # fmt: skip

    def _call(self, read: Callable[[], _T]) -> _T:
        with self._calling():
            return read()

    @contextmanager
    def _calling(self) -> Iterator[None]:
        try:
            yield
        except RunSourceError:
            raise
        except Exception as exc:
            raise RunSourceError(f"MLflow at {self.location}: {_first_line(exc)}") from None


def _utc(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
