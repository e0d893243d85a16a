"""Reading an MLflow model registry through ``mlflow.MlflowClient`` (the only place
:mod:`mlflow` is imported), into plain data.

Everything is read before the registry writes anything: registered models, their
versions and aliases, each version's run metrics (the latest value of each, as the
run records them) and where its source really is (:func:`resolve_source`), so a
failing request never interrupts an import halfway.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from registry_tui.errors import ValidationError

INSTALL_HINT = "pip install mlflow"
_LOGGED_MODEL = re.compile(r"models:/(m-[0-9A-Za-z]+)/?")
_RUN_ARTIFACT = re.compile(r"runs:/([^/]+)/?(.*)")


@dataclass(frozen=True)
class Source:
    """Where a version's files are: a local ``path`` (verified, inspected) or the source
    kept as given (``local`` False), and how it was resolved."""

    path: str
    local: bool
    how: str


@dataclass(frozen=True)
class MlflowVersion:
    """One version of a registered model, with its run's metrics and its resolved source."""

    name: str
    version: int
    source: str
    resolved: Source
    run_id: str | None
    stage: str | None
    tags: dict[str, str]
    description: str | None
    metrics: dict[str, float] = field(default_factory=dict)
    run_name: str | None = None


@dataclass(frozen=True)
class MlflowModel:
    """A registered model: its tags, aliases (alias -> version number) and versions."""

    name: str
    tags: dict[str, str]
    aliases: dict[str, int]
    versions: tuple[MlflowVersion, ...]


def shown(uri: str) -> str:
    """``uri`` without any user name or password (what messages may show)."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def read(uri: str) -> list[MlflowModel]:
    """The registered models at ``uri`` (a database URL or a tracking server), by name."""
    client = _client(uri)
    try:
        return _models(client)
    except ValidationError:
        raise
    except Exception as exc:  # MLflow raises many kinds: one line naming the store
        line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ValidationError(f"MLflow at {shown(uri)} cannot be read: {line}") from None


def _client(uri: str) -> Any:
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise ValidationError(f"importing from MLflow needs mlflow: {INSTALL_HINT}") from None
    if uri.startswith("sqlite:///"):
        path = uri[len("sqlite:///") :].split("?", 1)[0]
        if not os.path.isfile(path):  # MLflow would create an empty store there
            raise ValidationError(f"MLflow database not found: {path}")
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def _paged(search: Callable[..., Any]) -> list[Any]:
    """Every item of a paged MLflow search."""
    items: list[Any] = []
    token = None
    while True:
        page = search(page_token=token)
        items.extend(page)
        token = getattr(page, "token", None)
        if not token:
            return items


def _models(client: Any) -> list[MlflowModel]:
    by_name: dict[str, list[Any]] = {}
    for version in _paged(lambda page_token: client.search_model_versions(page_token=page_token)):
        by_name.setdefault(version.name, []).append(version)
    runs: dict[str, Any] = {}
    models = []
    registered = _paged(lambda page_token: client.search_registered_models(page_token=page_token))
    for model in sorted(registered, key=lambda m: m.name):
        versions = sorted(by_name.get(model.name, []), key=lambda v: int(v.version))
        models.append(
            MlflowModel(
                model.name,
                dict(model.tags or {}),
                {str(a): int(v) for a, v in (model.aliases or {}).items()},
                tuple(_version(client, v, runs) for v in versions),
            )
        )
    return models


def _version(client: Any, version: Any, runs: dict[str, Any]) -> MlflowVersion:
    run_id = version.run_id or None
    run = None
    if run_id is not None:
        if run_id not in runs:
            runs[run_id] = _run(client, run_id)
        run = runs[run_id]
    stage = version.current_stage if version.current_stage not in (None, "", "None") else None
    return MlflowVersion(
        name=version.name,
        version=int(version.version),
        source=str(version.source or ""),
        resolved=resolve_source(client, str(version.source or "")),
        run_id=run_id,
        stage=stage,
        tags=dict(version.tags or {}),
        description=version.description or None,
        metrics=dict(run.data.metrics) if run is not None else {},
        run_name=run.info.run_name if run is not None else None,
    )


def _run(client: Any, run_id: str) -> Any:
    """The run, or None when the store no longer has it (deleted runs leave versions)."""
    try:
        return client.get_run(run_id)
    except Exception:
        return None


def resolve_source(client: Any, source: str) -> Source:
    """Where ``source`` really is: a ``models:/m-...`` logged model (MLflow 3) at its
    artifact location, a ``runs:/<id>/<path>`` in its run's artifacts, a ``file://`` URI
    or a local path as a path; anything else (an object store, a proxied artifact, a
    registry URI) is kept as given."""
    logged = _LOGGED_MODEL.fullmatch(source)
    if logged is not None:
        location = _ask(lambda: client.get_logged_model(logged.group(1)).artifact_location)
        if location is None:
            return Source(source, False, "a logged model MLflow could not locate")
        return _located(str(location), f"logged model {logged.group(1)}'s artifacts")
    run = _RUN_ARTIFACT.fullmatch(source)
    if run is not None:
        base = _ask(lambda: client.get_run(run.group(1)).info.artifact_uri)
        if base is None:
            return Source(source, False, "a run artifact MLflow could not locate")
        location = str(base).rstrip("/") + ("/" + run.group(2) if run.group(2) else "")
        return _located(location, f"run {run.group(1)}'s artifacts")
    return _located(source, "the source")


def _ask(question: Callable[[], Any]) -> Any:
    try:
        return question()
    except Exception:
        return None


def _located(location: str, what: str) -> Source:
    """A local path for a ``file://`` URI or an absolute path; else the location as given."""
    if location.startswith("file:"):
        path = unquote(urlsplit(location).path)
        return Source(path, True, f"{what}, a local path")
    if os.path.isabs(location):
        return Source(location, True, f"{what}, a local path")
    return Source(location, False, f"{what}, not a local path")
