"""Importing an MLflow model registry: registered models and their versions become models.

Each version ``N`` of a registered model ``name`` is registered as ``name`` at the
semantic version the rule makes of ``N`` (:data:`SCHEMES`; ``N.0.0`` by default),
with:

* metrics: the latest value of each metric of the version's run (non-finite ones left out);
* ``metadata["mlflow"]``: ``registered_model``, ``model_version`` (``N``), ``run_id``,
  ``run_name``, ``source``, ``model_uri`` (``models:/name/N``), ``stage``, ``tags``
  (the version's tags), ``description``; ``training_run_id`` only when the run id is
  a whole number;
* the checkpoint: the source resolved (:func:`~registry_tui.training.mlflow_source.resolve_source`):
  a local path that exists is verified and inspected (a folder without weights files,
  such as a pickled scikit-learn model, is registered uninspected); a source that is
  not local or not there is kept as given with ``verify_checkpoint=False``, the
  report saying so;
* the task type: the registered model's ``task_type`` (or ``task``) tag, else ``unknown``.

Aliases become tags: an alias of a registered model is held by that model's aliased
version alone (taken from the other versions of the name imported from MLflow); the
same alias on several registered models is a tag of each, as in MLflow. An alias
whose tag the registry keeps exclusive across every model (``production`` unless
marked shared) is not applied: the report says so (promote by hand).

A version already imported (matched by ``metadata["mlflow"]["model_version"]`` among
the models of its name, whatever their status) is left alone; a version whose
semantic version the registry already holds from elsewhere refuses the import. It
is all one transaction: a refusal leaves nothing written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from registry_tui import validate, versions
from registry_tui.errors import ValidationError
from registry_tui.metrics import is_finite
from registry_tui.training.mlflow_source import MlflowModel, MlflowVersion, read
from registry_tui.training.report import ImportReport, models_named

if TYPE_CHECKING:
    from registry_tui.registry_core import RegistryCore

VersionRule = str | Callable[[int], str]
"""A scheme name of :data:`SCHEMES`, a template holding ``{N}``, or ``rule(N) -> str``."""
SCHEMES = {"major": "{N}.0.0", "minor": "1.{N}.0", "patch": "1.0.{N}"}
"""The named rules making a semantic version of MLflow's version ``N``."""
DEFAULT_TASK_TYPE = "unknown"


def version_of(rule: VersionRule, number: int) -> str:
    """The semantic version ``rule`` makes of MLflow version ``number``."""
    if callable(rule):
        made = rule(number)
    else:
        template = SCHEMES.get(rule, rule)
        if not isinstance(template, str) or "{N}" not in template:
            raise ValidationError(
                f"version scheme {rule!r}: use major, minor, patch or a template "
                "holding {N} (such as 2.{N}.0)"
            )
        made = template.replace("{N}", str(number))
    if not isinstance(made, str):
        raise ValidationError(f"version scheme made {made!r} of version {number}, not text")
    versions.sort_key(made)  # refuses anything but a semantic version
    return made


def describe(rule: VersionRule) -> str:
    """The rule as the report states it."""
    if callable(rule):
        return f"MLflow version N -> {getattr(rule, '__name__', 'a function')}(N)"
    return f"MLflow version N -> {SCHEMES.get(rule, rule)} (version scheme {rule})"


def run_number(run_id: str | None) -> int | None:
    """The run id as ``training_run_id`` when it is a whole number (MLflow's are not)."""
    if run_id is None or not run_id.isdigit() or int(run_id) < 1:
        return None
    return int(run_id)


def metadata_of(version: MlflowVersion) -> dict[str, Any]:
    """``metadata["mlflow"]`` of a version."""
    return {
        "registered_model": version.name,
        "model_version": version.version,
        "run_id": version.run_id,
        "run_name": version.run_name,
        "source": version.source,
        "model_uri": f"models:/{version.name}/{version.version}",
        "stage": version.stage,
        "tags": dict(version.tags),
        "description": version.description,
    }


def metrics_of(version: MlflowVersion, report: ImportReport) -> dict[str, float]:
    """The run's latest metrics the registry can store (finite numbers, valid names)."""
    kept: dict[str, float] = {}
    for name, value in version.metrics.items():
        try:
            validate.metric_name(name)
        except ValidationError:
            report.note(f"Metric {name!r} of run {version.run_id} not kept: not a metric name")
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and is_finite(value):
            kept[name] = float(value)
    return kept


def task_type_of(model: MlflowModel) -> str:
    """The registered model's ``task_type`` (or ``task``) tag, else :data:`DEFAULT_TASK_TYPE`."""
    for key in ("task_type", "task"):
        value = model.tags.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return DEFAULT_TASK_TYPE


def import_registry(registry: RegistryCore, uri: str, rule: VersionRule) -> ImportReport:
    """Import as the module docstring says; returns what was mapped how."""
    version_of(rule, 1)  # a bad rule is refused before MLflow is even opened
    models = read(uri)
    report = ImportReport(what="model version")
    report.note(describe(rule))
    with registry.transaction():
        for model in models:
            ids = {v.version: _one(registry, model, v, rule, report) for v in model.versions}
            _aliases(registry, model, ids, report)
    return report


def imported_versions(registry: RegistryCore, name: str) -> dict[int, int]:
    """MLflow version number -> model id, of the models of ``name`` imported from MLflow."""
    found: dict[int, int] = {}
    for record in models_named(registry, name):
        mlflow = record.metadata.get("mlflow")
        number = mlflow.get("model_version") if isinstance(mlflow, Mapping) else None
        if isinstance(number, int) and not isinstance(number, bool):
            found[number] = record.model_id
    return found


def _one(
    registry: RegistryCore,
    model: MlflowModel,
    version: MlflowVersion,
    rule: VersionRule,
    report: ImportReport,
) -> int:
    """Register one version unless it was imported before; its model id."""
    done = imported_versions(registry, version.name).get(version.version)
    if done is not None:
        report.unchanged.append(done)
        return done
    semver = version_of(rule, version.version)
    if registry.records.find(name=version.name, version=semver) is not None:
        raise ValidationError(
            f"Model {version.name!r} version {semver!r} is already registered, not from "
            f"MLflow version {version.version}: choose another version scheme"
        )
    verify, inspect = _checks(version, report)
    model_id = registry.register_model(
        version.name, semver, version.resolved.path, task_type_of(model),
        metrics=metrics_of(version, report), training_run_id=run_number(version.run_id),
        metadata={"mlflow": metadata_of(version)},
        verify_checkpoint=verify, inspect=inspect,
    )  # fmt: skip
    report.registered.append(model_id)
    return model_id


def _checks(version: MlflowVersion, report: ImportReport) -> tuple[bool, bool]:
    """(verify, inspect) for a version's resolved source, noting what is not verified."""
    from registry_tui.checkpoints.directory import weights_files

    resolved, label = version.resolved, f"{version.name} version {version.version}"
    if not resolved.local or not os.path.exists(resolved.path):
        why = "not found" if resolved.local else resolved.how
        report.note(f"{label}: source {resolved.path} kept unverified ({why})")
        return False, False
    if resolved.path != version.source:
        report.note(f"{label}: source {version.source} resolved to {resolved.path}")
    if os.path.isdir(resolved.path) and not weights_files(resolved.path)[0]:
        report.note(f"{label}: no weights files in {resolved.path}, registered uninspected")
        return True, False
    return True, True


def _aliases(
    registry: RegistryCore, model: MlflowModel, ids: dict[int, int], report: ImportReport
) -> None:
    """Give each alias's tag to its version's model alone among the name's imports."""
    policies = registry.tag_policies()
    imported = set(imported_versions(registry, model.name).values())
    for alias, number in sorted(model.aliases.items()):
        target = ids.get(number)
        label = f"alias {alias!r} of {model.name} (version {number})"
        try:
            tag = validate.tag(alias)
        except ValidationError:
            report.note(f"{label} not applied: not a valid tag")
            continue
        if target is None:
            continue
        if policies.get(tag, tag == "production"):
            report.note(
                f"{label} not applied: the registry keeps tag {tag!r} exclusive across "
                f"every model (promote model {target} by hand)"
            )
            continue
        for holder in registry.records.tag_holders(tag):
            if holder.model_id in imported and holder.model_id != target:
                registry.remove_tag(holder.model_id, tag)
        if tag not in registry.records.require(target).tags:
            registry.promote_model(target, tag, remove_from_others=False)
        report.note(f"{label} -> tag {tag!r} on model {target}")
