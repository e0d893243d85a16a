"""``load`` against the registry: what the bundle would collide with, found before writing.

An id or a name+version the registry already has, a reference to a model that
is neither in the bundle nor in the registry, a config, metric direction or tag
policy recorded differently: each is a conflict, and any conflict refuses the
whole load (:class:`~registry_tui.ops.bundle.BundleConflictError`). What the
registry already holds identically is skipped instead.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from registry_tui.db.bundle_rows import existing, pairs
from registry_tui.ops.bundle import SPECS, BundleConflictError, TableSpec, encode

if TYPE_CHECKING:
    from registry_tui.db.storage import Storage


def _existing(storage: Storage, attr: str, column: str, values: list[Any]) -> set[Any]:
    return existing(storage.tables, attr, column, values)


def conflicts(storage: Storage, tables: dict[str, list[dict[str, Any]]]) -> dict[str, set[Any]]:
    """Raise :class:`BundleConflictError` listing every collision; return the rows to skip
    (by table and key): those the registry already holds, identical."""
    conflicts: list[str] = []
    models = tables["models"]
    by_id = {r["model_id"]: r for r in models}
    taken = _existing(storage, "models", "model_id", list(by_id))
    for model_id in sorted(taken):
        row = by_id[model_id]
        conflicts.append(
            f"model id {model_id} is taken (the bundle's is '{row['name']}' "
            f"version '{row['version']}')"
        )
    names = _existing_name_versions(storage, [r for r in models if r["model_id"] not in taken])
    conflicts.extend(f"model '{n}' version '{v}' already exists" for n, v in sorted(names))
    keyed = (
        "model_tags",
        "model_exports",
        "registry_events",
        "legacy_orphans",
        "promotion_requests",
    )
    for spec in (SPECS[key] for key in keyed):
        wanted = [r[spec.order] for r in tables[spec.key]]
        for ident in sorted(_existing(storage, spec.attr, spec.order, wanted)):
            conflicts.append(f"{spec.key} {spec.order} {ident} already exists")
    conflicts.extend(_missing_models(storage, tables))
    skip = {"model_configs": _same_configs(storage, tables["model_configs"], conflicts)}
    for key, value in (("metric_directions", "lower_is_better"), ("tag_policies", "exclusive")):
        skip[key] = _same_settings(storage, SPECS[key], value, tables[key], conflicts)
    skip["tag_protections"] = _same_protections(storage, tables["tag_protections"], conflicts)
    conflicts.extend(_missing_requests(storage, tables))
    if conflicts:
        raise BundleConflictError(conflicts)
    return skip


def _existing_name_versions(storage: Storage, models: list[dict[str, Any]]) -> set[tuple[str, str]]:
    wanted = {(r["name"], r["version"]) for r in models}
    names = sorted({name for name, _ in wanted})
    held = pairs(storage.tables, "models", "name", "version", names)
    return {(str(n), str(v)) for n, v in held if (n, v) in wanted}


def _missing_models(storage: Storage, tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """References to models that are neither in the bundle nor in the registry."""
    in_bundle = {r["model_id"] for r in tables["models"]}
    refs: list[tuple[str, int]] = [
        (f"model {r['model_id']}'s parent", r["parent_model_id"])
        for r in tables["models"]
        if r["parent_model_id"] is not None
    ]
    for key, ident in (("model_tags", "tag_id"), ("model_exports", "export_id")):
        refs.extend((f"{key} {ident} {r[ident]}", r["model_id"]) for r in tables[key])
    refs.extend(
        (f"checkpoint hash of model {r['model_id']}", r["model_id"])
        for r in tables["checkpoint_hashes"]
    )
    outside = sorted({model_id for _, model_id in refs if model_id not in in_bundle})
    present = _existing(storage, "models", "model_id", outside)
    return [
        f"{what} refers to model {model_id}, which is neither in the bundle nor in the registry"
        for what, model_id in refs
        if model_id not in in_bundle and model_id not in present
    ]


def _same_configs(
    storage: Storage, configs: list[dict[str, Any]], conflicts: list[str]
) -> set[str]:
    """Configs the registry already has: identical ones are skipped, different ones conflict."""
    wanted = {r["config_hash"]: r["config"] for r in configs}
    skip: set[str] = set()
    held = pairs(storage.tables, "configs", "config_hash", "config", sorted(wanted))
    for config_hash, text in held:
        if encode(wanted[config_hash]) == text or _parsed(text) == wanted[config_hash]:
            skip.add(config_hash)
        else:
            conflicts.append(f"config {config_hash[:12]}... exists with different contents")
    return skip


def _same_settings(
    storage: Storage,
    spec: TableSpec,
    value: str,
    rows: list[dict[str, Any]],
    conflicts: list[str],
) -> set[str]:
    """Directions or policies the registry already records: the same ones are skipped,
    different ones conflict."""
    wanted = {r[spec.order]: r[value] for r in rows}
    skip: set[str] = set()
    for name, held in pairs(storage.tables, spec.attr, spec.order, value, sorted(wanted)):
        if bool(held) == wanted[name]:
            skip.add(name)
        else:
            conflicts.append(f"{spec.key} {name!r} is recorded with {value} {bool(held)}")
    return skip


def _same_protections(
    storage: Storage, rows: list[dict[str, Any]], conflicts: list[str]
) -> set[str]:
    """Protections the registry already records: the same ones (reviewers and approvals
    needed) are skipped, different ones conflict, never replaced."""
    spec = SPECS["tag_protections"]
    wanted = {r["tag"]: r for r in rows}
    tags = sorted(wanted)
    reviewers = dict(pairs(storage.tables, spec.attr, "tag", "reviewers", tags))
    needed = dict(pairs(storage.tables, spec.attr, "tag", "approvals", tags))
    skip: set[str] = set()
    for tag in sorted(reviewers):
        row = wanted[tag]
        if _parsed(reviewers[tag]) == row["reviewers"] and needed[tag] == row["approvals"]:
            skip.add(tag)
        else:
            conflicts.append(
                f"tag_protections {tag!r} is recorded with other reviewers or approvals"
            )
    return skip


def _missing_requests(storage: Storage, tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Approvals of requests that are neither in the bundle nor in the registry."""
    in_bundle = {r["request_id"] for r in tables["promotion_requests"]}
    outside = sorted({r["request_id"] for r in tables["request_approvals"]} - in_bundle)
    present = _existing(storage, "requests", "request_id", outside)
    return [
        f"request_approvals of request {request_id} refer to a request neither in the "
        "bundle nor in the registry"
        for request_id in outside
        if request_id not in present
    ]


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
