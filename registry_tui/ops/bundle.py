"""``dump``: the whole registry as one versioned JSON bundle.

A bundle moves a registry between machines, or from SQLite to PostgreSQL::

    {
     "format": "registry-tui-bundle",
     "format_version": 2,
     "schema_version": 2,
     "sequences": {"models": 12, ...},
     "models": [
      {"model_id": 1, "name": "gpt-small", ...},
      ...
     ],
     "model_configs": [...], "model_tags": [...], "model_exports": [...],
     "registry_events": [...], "checkpoint_hashes": [...],
     "metric_directions": [...], "tag_policies": [...], "legacy_orphans": [...],
     "tag_protections": [...], "promotion_requests": [...], "request_approvals": [...]
    }

One row per line, rows in primary-key order, JSON columns (metrics, metadata,
configs, event details) decoded into JSON values, timestamps as
``YYYY-MM-DD HH:MM:SS``: the same registry gives the same bundle on SQLite
and on PostgreSQL, byte for byte. A JSON column whose stored text is not the
JSON it should be (possible in a hand-edited legacy file) is kept as the raw
string, so nothing is lost. ``sequences`` holds the highest id each table ever
handed out, so a deleted model's id is not reused after a move. What the
registry records about its metrics and tags (directions, exclusive or shared),
its protected tags with their promotion requests and approvals (format version 2),
and the rows set aside at migration (``legacy_orphans``) move with it; a bundle
written before those tables were carried simply has none. A registry-tui that reads
only format version 1 refuses a version 2 bundle rather than dropping its protections.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from registry_tui.db.bundle_rows import snapshot, table_rows
from registry_tui.db.migrations import SCHEMA_VERSION
from registry_tui.db.store import format_ts
from registry_tui.errors import RegistryError
from registry_tui.jsontext import to_json
from registry_tui.locations import read_text, write_atomically
from registry_tui.ops.progress import Progress, or_silent
from registry_tui.ops.sequences import read_sequences
from registry_tui.records import RECORD_COLUMNS

if TYPE_CHECKING:
    from registry_tui.db.storage import Storage

BUNDLE_FORMAT = "registry-tui-bundle"
BUNDLE_FORMAT_VERSION = 2
HEADER_KEYS = ("format", "format_version", "schema_version", "sequences")


class BundleError(RegistryError, ValueError):
    """A bundle cannot be read or does not describe a valid registry."""


class BundleConflictError(BundleError):
    """Loading would collide with what the registry already holds; nothing was written."""

    def __init__(self, conflicts: list[str]) -> None:
        shown = "; ".join(conflicts[:5])
        more = f"; and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
        super().__init__(
            f"Cannot load: {len(conflicts)} conflict(s) with the registry, "
            f"nothing was written: {shown}{more}"
        )
        self.conflicts = tuple(conflicts)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How one table appears in a bundle and which values each column accepts."""

    key: str
    attr: str
    columns: tuple[str, ...]
    order: str
    required: tuple[str, ...]
    ints: tuple[str, ...] = ()
    floats: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    json: Mapping[str, type] = field(default_factory=dict)
    bools: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    """The row's key when ``order`` alone is not unique (``request_approvals``)."""


_MODEL_COLUMNS = tuple(c for c in RECORD_COLUMNS if c.stored)
"""The columns of ``models`` a bundle row holds (see :class:`ModelColumn`)."""

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "models",
        "models",
        tuple(c.name for c in _MODEL_COLUMNS),
        order="model_id",
        required=tuple(c.name for c in _MODEL_COLUMNS if c.required),
        ints=tuple(c.name for c in _MODEL_COLUMNS if c.kind in ("id", "int")),
        floats=tuple(c.name for c in _MODEL_COLUMNS if c.kind == "float"),
        times=tuple(c.name for c in _MODEL_COLUMNS if c.kind == "time"),
        json={c.name: c.plain for c in _MODEL_COLUMNS if c.plain is not None},
    ),
    TableSpec(
        "model_configs",
        "configs",
        ("config_hash", "config", "created_at"),
        order="config_hash",
        required=("config_hash", "config", "created_at"),
        times=("created_at",),
        json={"config": dict},
    ),
    TableSpec(
        "model_tags",
        "tags",
        ("tag_id", "model_id", "tag_name", "created_at"),
        order="tag_id",
        required=("tag_id", "model_id", "tag_name"),
        ints=("tag_id", "model_id"),
        times=("created_at",),
    ),
    TableSpec(
        "model_exports",
        "exports",
        ("export_id", "model_id", "export_format", "export_path", "created_at", "metadata"),
        order="export_id",
        required=("export_id", "model_id", "export_format", "export_path"),
        ints=("export_id", "model_id"),
        times=("created_at",),
        json={"metadata": dict},
    ),
    TableSpec(
        "registry_events",
        "events",
        ("event_id", "at", "event", "model_id", "tag", "previous_model_id", "actor", "details"),
        order="event_id",
        required=("event_id", "at", "event", "actor"),
        ints=("event_id", "model_id", "previous_model_id"),
        times=("at",),
        json={"details": dict},
    ),
    TableSpec(
        "checkpoint_hashes",
        "hashes",
        ("model_id", "sha256", "size_bytes", "recorded_at"),
        order="model_id",
        required=("model_id", "sha256", "size_bytes", "recorded_at"),
        ints=("model_id", "size_bytes"),
        times=("recorded_at",),
    ),
    TableSpec(
        "metric_directions",
        "directions",
        ("metric", "lower_is_better", "set_at"),
        order="metric",
        required=("metric", "lower_is_better", "set_at"),
        times=("set_at",),
        bools=("lower_is_better",),
    ),
    TableSpec(
        "tag_policies",
        "policies",
        ("tag", "exclusive", "set_at"),
        order="tag",
        required=("tag", "exclusive", "set_at"),
        times=("set_at",),
        bools=("exclusive",),
    ),
    TableSpec(
        "legacy_orphans",
        "orphans",
        ("orphan_id", "source_table", "row_id", "model_id", "row_data", "set_aside_at"),
        order="orphan_id",
        required=("orphan_id", "source_table", "row_data", "set_aside_at"),
        ints=("orphan_id", "row_id", "model_id"),
        times=("set_aside_at",),
        json={"row_data": dict},
    ),
    TableSpec(
        "tag_protections",
        "protections",
        ("tag", "reviewers", "approvals", "allow_self_approval", "request_ttl_s",
         "protected_by", "protected_at"),
        order="tag",
        required=("tag", "reviewers", "approvals", "allow_self_approval", "protected_by",
                  "protected_at"),
        ints=("approvals", "request_ttl_s"),
        times=("protected_at",),
        json={"reviewers": list},
        bools=("allow_self_approval",),
    ),
    TableSpec(
        "promotion_requests",
        "requests",
        ("request_id", "kind", "tag", "model_id", "reason", "requested_by", "requested_at",
         "expires_at", "holder_at_request", "state", "needed", "allow_self", "decided_by",
         "decided_at", "decision_note"),
        order="request_id",
        required=("request_id", "kind", "tag", "reason", "requested_by", "requested_at",
                  "state", "needed", "allow_self"),
        ints=("request_id", "model_id", "holder_at_request", "needed"),
        times=("requested_at", "expires_at", "decided_at"),
        bools=("allow_self",),
    ),
    TableSpec(
        "request_approvals",
        "approvals",
        ("request_id", "reviewer", "at", "comment"),
        order="request_id",
        required=("request_id", "reviewer", "at"),
        ints=("request_id",),
        times=("at",),
        unique=("request_id", "reviewer"),
    ),
)  # fmt: skip
SPECS: dict[str, TableSpec] = {spec.key: spec for spec in TABLES}


def dump_bundle(storage: Storage, progress: Progress | None = None) -> dict[str, Any]:
    """The whole registry as a bundle dict (see the module docstring)."""
    report = or_silent(progress)
    bundle: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
    }
    with snapshot(storage):
        bundle["sequences"] = read_sequences(storage.db)
        for spec in TABLES:
            bundle[spec.key] = _read_table(storage, spec, report)
    return bundle


def _read_table(storage: Storage, spec: TableSpec, progress: Progress) -> list[dict[str, Any]]:
    total, values_of_rows = table_rows(storage.tables, spec.attr, spec.columns, spec.order)
    rows = []
    for done, values in enumerate(values_of_rows, 1):
        row = dict(zip(spec.columns, values, strict=True))
        for column in spec.times:
            row[column] = format_ts(row[column]) if row[column] is not None else None
        for column, kind in spec.json.items():
            row[column] = _decode(row[column], kind)
        for column in spec.bools:
            row[column] = None if row[column] is None else bool(row[column])
        if spec.key == "models":
            row["config_hash"] = row["config_hash"] or None  # legacy NOT NULL columns hold ''
        rows.append(row)
        if done % 1000 == 0 or done == total:
            progress(f"reading {spec.key}", done, total)
    if spec.unique:
        rows.sort(key=lambda r: tuple(r[c] if c in spec.ints else str(r[c]) for c in spec.unique))
    elif spec.order not in spec.ints:
        rows.sort(key=lambda r: str(r[spec.order]))  # collation-independent order
    return rows


def _decode(text: Any, kind: type) -> Any:
    """JSON text -> value of ``kind``; anything else stays the raw text."""
    if text is None or not isinstance(text, str):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, kind) else text


def encode(value: Any) -> Any:
    """A bundle's JSON value back to column text (raw strings stay as they are)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_bundle(
    bundle: Mapping[str, Any], stream: TextIO, progress: Progress | None = None
) -> None:
    """Write ``bundle`` as JSON, one row per line."""
    report = or_silent(progress)
    stream.write("{\n")
    for key in HEADER_KEYS:
        stream.write(f" {to_json(key, one_line=True)}: {to_json(bundle[key], one_line=True)},\n")
    for index, spec in enumerate(TABLES):
        rows = bundle.get(spec.key, [])
        stream.write(f" {to_json(spec.key, one_line=True)}: [")
        for done, row in enumerate(rows, 1):
            stream.write(("\n  " if done == 1 else ",\n  ") + to_json(row, one_line=True))
            if done % 1000 == 0 or done == len(rows):
                report(f"writing {spec.key}", done, len(rows))
        stream.write("\n ]" if rows else "]")
        stream.write(",\n" if index < len(TABLES) - 1 else "\n")
    stream.write("}\n")


def save_bundle(
    bundle: Mapping[str, Any], path: str | os.PathLike[str], progress: Progress | None = None
) -> Path:
    """Write ``bundle`` to ``path`` atomically (a temporary file renamed), mode 0600."""
    target = Path(os.fspath(path))
    if target.is_dir():
        raise BundleError(f"Cannot write bundle {target}: it is a directory")
    if not target.parent.is_dir():
        raise BundleError(f"Cannot write bundle {target}: directory {target.parent} does not exist")
    return write_atomically(target, lambda stream: write_bundle(bundle, stream, progress))


def read_bundle(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a bundle file (``-`` is not accepted here; pass the parsed dict instead)."""
    return parse_bundle(read_text(path, "bundle", BundleError), str(Path(os.fspath(path))))


def parse_bundle(text: str, name: str = "bundle") -> dict[str, Any]:
    """Parse bundle text; a clear :class:`BundleError` when it is not a bundle."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"{name} is not a registry-tui bundle: invalid JSON at line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise BundleError(f"{name} is not a registry-tui bundle: JSON nested too deeply") from None
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise BundleError(f'{name} is not a registry-tui bundle (no "format": "{BUNDLE_FORMAT}")')
    return data
