"""``load``: put a bundle into a registry, all or nothing.

Ids, lineage, tags, exports, configs, history, recorded hashes, metric
directions, tag policies and set-aside legacy rows are kept as they are in the
bundle. Everything is checked before the first row is written:
first the bundle on its own (types, timestamps, duplicates, parents, cycles),
then, inside the write transaction, against the registry (an id or a
name+version it already has, a reference to a model that exists nowhere). Any
problem refuses the whole load with a message saying which rows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from registry_tui import versions
from registry_tui.db.bundle_rows import Table, insert_rows, lock_id_tables
from registry_tui.db.orphans import raise_orphan_counter
from registry_tui.metrics import numeric_items
from registry_tui.ops.bundle import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    TABLES,
    BundleError,
    TableSpec,
    encode,
)
from registry_tui.ops.load_checks import check_values
from registry_tui.ops.load_conflicts import conflicts
from registry_tui.ops.progress import Progress, or_silent
from registry_tui.ops.sequences import raise_sequences

if TYPE_CHECKING:
    from registry_tui.db.storage import Storage

_KEYS = {"model_tags": ("model_id", "tag_name"), "model_configs": ("config_hash",)}


@dataclass(frozen=True, slots=True)
class LoadReport:
    """How many rows of each kind were loaded."""

    models: int
    model_configs: int
    model_tags: int
    model_exports: int
    registry_events: int
    checkpoint_hashes: int
    metric_directions: int = 0
    tag_policies: int = 0
    legacy_orphans: int = 0
    tag_protections: int = 0
    promotion_requests: int = 0
    request_approvals: int = 0

    def to_dict(self) -> dict[str, int]:
        """Plain dict for JSON output."""
        return asdict(self)


def load_bundle(
    storage: Storage, bundle: Mapping[str, Any], progress: Progress | None = None
) -> LoadReport:
    """Load ``bundle`` (a dict, as :func:`~registry_tui.ops.bundle.dump_bundle` returns).

    Raises:
        BundleError: the bundle is malformed (nothing written).
        BundleConflictError: it collides with the registry's contents (nothing written).
    """
    storage.refuse_if_read_only()
    tables = validate_bundle(bundle)
    report = or_silent(progress)
    db = storage.db
    with db.atomic():
        if storage.backend == "postgresql":
            # Writers elsewhere wait until commit, then take ids after the loaded ones.
            lock_id_tables(db)
        skip = conflicts(storage, tables)
        _insert(storage, tables, skip, report)
        raise_sequences(db, dict(bundle.get("sequences") or {}))
        if tables["legacy_orphans"]:
            raise_orphan_counter(db)
    return LoadReport(**{spec.key: len(tables[spec.key]) for spec in TABLES})


# -- the bundle on its own -----------------------------------------------------------------


def validate_bundle(bundle: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Check every row's shape; return the rows per table, each row with every column."""
    if not isinstance(bundle, Mapping) or bundle.get("format") != BUNDLE_FORMAT:
        raise BundleError(f'Not a registry-tui bundle (no "format": "{BUNDLE_FORMAT}")')
    version = bundle.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(f"Bundle has no valid format_version (found {version!r})")
    if version > BUNDLE_FORMAT_VERSION:
        raise BundleError(
            f"Bundle format version {version} is newer than this registry-tui reads "
            f"({BUNDLE_FORMAT_VERSION}): upgrade registry-tui to load it"
        )
    sequences = bundle.get("sequences", {})
    if not isinstance(sequences, dict) or not all(_is_int(v) for v in sequences.values()):
        raise BundleError("Bundle 'sequences' must map table names to integers")
    tables: dict[str, list[dict[str, Any]]] = {}
    for spec in TABLES:
        rows = bundle.get(spec.key, [])
        if not isinstance(rows, list):
            raise BundleError(f"Bundle '{spec.key}' must be a list of rows")
        tables[spec.key] = [_row(spec, index, row) for index, row in enumerate(rows)]
        _unique(spec, tables[spec.key])
    _unique_name_versions(tables["models"])
    _acyclic(tables["models"])
    check_values(tables)
    return tables


def _where(spec: TableSpec, index: int, row: Mapping[str, Any]) -> str:
    ident = row.get(spec.order) if isinstance(row, Mapping) else None
    return f"{spec.key}[{index}]" + (f" ({spec.order} {ident!r})" if ident is not None else "")


def _row(spec: TableSpec, index: int, row: Any) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise BundleError(f"Bad bundle row {spec.key}[{index}]: must be an object")
    unknown = sorted(set(row) - set(spec.columns))
    if unknown:
        raise BundleError(
            f"Bad bundle row {_where(spec, index, row)}: unknown column {unknown[0]!r}"
        )
    out = {column: row.get(column) for column in spec.columns}
    for column, value in out.items():
        problem = _value_problem(spec, column, value)
        if problem:
            raise BundleError(f"Bad bundle row {_where(spec, index, row)}: {column} {problem}")
    return out


def _value_problem(spec: TableSpec, column: str, value: Any) -> str | None:
    """Why ``value`` cannot go into ``column``, or None when it can."""
    if value is None:
        return "is missing" if column in spec.required else None
    if column in spec.ints:
        return None if _is_int(value) else f"must be an integer, not {_short(value)}"
    if column in spec.bools:
        return None if isinstance(value, bool) else f"must be true or false, not {_short(value)}"
    if column in spec.floats:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return f"must be a finite number, not {_short(value)}"
        return None
    if column in spec.json and not isinstance(value, str):
        if not isinstance(value, spec.json[column]):
            return f"must be a JSON {spec.json[column].__name__}, not {_short(value)}"
        return _text_problem(json.dumps(value, ensure_ascii=False))
    if not isinstance(value, str):
        return f"must be text, not {_short(value)}"
    if column in spec.times:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return f"is not a timestamp: {_short(value)}"
    if column in spec.required and not value.strip():
        return "is empty"
    return _text_problem(value)


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text (lone surrogate)"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unique(spec: TableSpec, rows: list[dict[str, Any]]) -> None:
    keys: list[tuple[str, ...]] = [spec.unique or (spec.order,)]
    if spec.key in _KEYS and _KEYS[spec.key] != (spec.order,):
        keys.append(_KEYS[spec.key])
    for key in keys:
        seen: set[tuple[Any, ...]] = set()
        for row in rows:
            value = tuple(row[k] for k in key)
            if value in seen:
                shown = ", ".join(f"{k} {row[k]!r}" for k in key)
                raise BundleError(f"Bad bundle: two {spec.key} rows have {shown}")
            seen.add(value)


def _unique_name_versions(models: list[dict[str, Any]]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for row in models:
        key = (row["name"], row["version"])
        if key in seen:
            raise BundleError(
                f"Bad bundle: models {seen[key]} and {row['model_id']} are both "
                f"'{key[0]}' version '{key[1]}'"
            )
        seen[key] = row["model_id"]


def _acyclic(models: list[dict[str, Any]]) -> None:
    """Refuse a parent chain that loops (each model is walked once: linear time)."""
    parent = {r["model_id"]: r["parent_model_id"] for r in models}
    done: set[int] = set()
    for start in parent:
        path: list[int] = []
        on_path: set[int] = set()
        node = start
        while node is not None and node in parent and node not in done:
            if node in on_path:
                raise BundleError(f"Bad bundle: model {start}'s lineage loops back on itself")
            on_path.add(node)
            path.append(node)
            node = parent[node]
        done.update(path)


# -- writing ----------------------------------------------------------------------------------


def _parents_first(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {r["model_id"]: r for r in models}
    placed: set[int] = set()
    ordered: list[dict[str, Any]] = []
    for row in sorted(models, key=lambda r: r["model_id"]):
        chain = []
        node: dict[str, Any] | None = row
        while node is not None and node["model_id"] not in placed:
            chain.append(node)
            placed.add(node["model_id"])
            node = by_id.get(node["parent_model_id"])
        ordered.extend(reversed(chain))
    return ordered


def _insert(
    storage: Storage,
    tables: dict[str, list[dict[str, Any]]],
    skip: dict[str, set[Any]],
    progress: Progress,
) -> None:
    t = storage.tables
    legacy = storage.legacy_not_null_hash()
    models = _parents_first(tables["models"])
    for row in models:
        row["version_key"] = versions.sort_key_or_none(row["version"])
        if row["config_hash"] is None and legacy:
            row["config_hash"] = ""
    _insert_rows(t.models, "models", models, progress)
    metric_rows = [
        {"model_id": r["model_id"], "metric": k, "value": v}
        for r in models
        for k, v in numeric_items(r["metrics"])
    ]
    _insert_rows(t.metrics, "metrics", metric_rows, progress)
    for spec in TABLES:
        if spec.key == "models":
            continue
        skipped = skip.get(spec.key, set())
        rows = [r for r in tables[spec.key] if r[spec.order] not in skipped]
        _insert_rows(getattr(t, spec.attr), spec.key, rows, progress)


def _insert_rows(model: Table, stage: str, rows: list[dict[str, Any]], progress: Progress) -> None:
    """Insert ``rows`` into ``model``'s table, JSON values as their column text."""
    insert_rows(
        model,
        rows,
        lambda value: encode(value) if isinstance(value, dict | list) else value,
        lambda done, total: progress(f"loading {stage}", done, total),
    )
