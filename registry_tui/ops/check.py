"""``check``: is the database sound, and are the files it points at still there?

Database: SQLite ``PRAGMA integrity_check`` and ``foreign_key_check``, the
schema version, the tables; on PostgreSQL the connection and the schema.
Contents: tags, exports, metric rows and hashes whose model is gone, parents
that do not exist. Files: every checkpoint and export path present, checkpoint
sizes matching ``model_size_mb``; with ``hashes=True`` each checkpoint's
SHA-256 is recorded on first sight (table ``checkpoint_hashes``) and compared
on every later run. With ``remote=True`` every ``s3://``, ``gs://`` and
``hf://`` checkpoint and export is looked up in its store
(:mod:`registry_tui.ops.remote_check`); without it they are counted as not
verified. With ``inspect=True`` each local checkpoint with recorded facts is
inspected again (:mod:`registry_tui.ops.reinspect`).

A problem never raises: each becomes a :class:`Problem` in the
:class:`CheckReport`, so one damaged table does not hide the others.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from registry_tui.db import check_rows, migrations
from registry_tui.db.connect import Target
from registry_tui.errors import RegistryError
from registry_tui.ops.files import checkpoints, exports
from registry_tui.ops.findings import CheckReport, CheckRun, Problem, first_line
from registry_tui.ops.legacy import legacy_values
from registry_tui.ops.progress import Progress, or_silent

if TYPE_CHECKING:
    from registry_tui.db.storage import Storage

__all__ = ["CheckReport", "Problem", "check", "unopened"]

INTEGRITY_LIMIT = 100
SHOWN_LINES = 20
_TABLES = (
    "models",
    "model_tags",
    "model_exports",
    "model_metrics",
    "model_configs",
    "registry_events",
    "checkpoint_hashes",
    "registry_meta",
)
_CHILD_WORDS = {"tags": "tag", "exports": "export", "metrics": "metric", "hashes": "hash"}
_CHECKED_REFERENCES = (
    "models",
    "model_tags",
    "model_exports",
    "model_metrics",
    "checkpoint_hashes",
)


def check(
    storage: Storage,
    *,
    hashes: bool = False,
    remote: bool = False,
    inspect: bool = False,
    progress: Progress | None = None,
) -> CheckReport:
    """Check an open registry; see the module docstring for what is checked."""
    run = CheckRun(storage, or_silent(progress), remote=remote, inspect=inspect)
    run.stage("reading the schema version", lambda: _schema(run))
    if storage.backend == "sqlite":
        run.stage("integrity_check", lambda: _sqlite_integrity(run))
        run.stage("foreign_key_check", lambda: _sqlite_foreign_keys(run))
    else:
        run.stage("querying the server", lambda: _postgres_server(run))
    run.stage("checking references", lambda: _orphans(run))
    run.stage("checking legacy values", lambda: legacy_values(run))
    run.stage("checking checkpoints", lambda: checkpoints(run, hashes))
    run.stage("checking exports", lambda: exports(run))
    if remote:
        from registry_tui.ops.remote_check import remote_checkpoints, remote_exports

        run.stage("checking remote checkpoints", lambda: remote_checkpoints(run))
        run.stage("checking remote exports", lambda: remote_exports(run))
    if inspect:
        from registry_tui.ops.reinspect import reinspect

        run.stage("inspecting checkpoints", lambda: reinspect(run))
    return _report(run)


def _report(run: CheckRun) -> CheckReport:
    storage = run.storage
    return CheckReport(
        location=storage.location,
        backend=storage.backend,
        schema_version=run.schema_version,
        models=run.counts.get("models", 0),
        checkpoints_present=run.counts.get("present", 0),
        exports_present=run.counts.get("exports", 0),
        remote_skipped=run.counts.get("remote", 0),
        hashes_verified=run.counts.get("verified", 0),
        hashes_recorded=run.counts.get("recorded", 0),
        remote_verified=run.counts.get("remote_verified", 0),
        remote_present=run.counts.get("remote_present", 0) + run.counts.get("remote_exports", 0),
        checkpoints_inspected=run.counts.get("inspected", 0),
        notes=tuple(run.notes),
        problems=tuple(run.problems),
    )


def unopened(target: Target, error: RegistryError) -> CheckReport:
    """The report on a database that will not open: the error, and for a SQLite file
    whatever SQLite's own ``integrity_check`` says about it."""
    problems = [Problem("open", "database", str(error))]
    if target.backend == "sqlite" and target.path and os.path.isfile(target.path):
        problems.extend(_raw_integrity(target.path))
    return CheckReport(target.display, target.backend, problems=tuple(problems))


# -- database ---------------------------------------------------------------------


def _schema(run: CheckRun) -> None:
    version = migrations.read_version(run.db)
    run.schema_version = version
    if version != migrations.SCHEMA_VERSION:
        run.problem(
            "schema",
            "database",
            f"schema version {version}, expected {migrations.SCHEMA_VERSION}",
        )
    for table in check_rows.missing_tables(run.db, _TABLES):
        run.problem("schema", "database", f"table {table} is missing")


def _sqlite_integrity(run: CheckRun) -> None:
    rows = check_rows.integrity_rows(run.db, INTEGRITY_LIMIT)
    problems = _integrity_problems(rows)
    if problems:
        run.problems.extend(problems)
    else:
        run.notes.append("integrity_check: ok")


def _integrity_problems(rows: list[tuple[Any, ...]]) -> list[Problem]:
    """``PRAGMA integrity_check`` rows as problems: none for "ok", at most 20 lines."""
    lines = [
        line
        for row in rows
        for line in str(row[0]).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    if lines == ["ok"]:
        return []
    problems = [Problem("integrity", "database", line) for line in lines[:SHOWN_LINES]]
    if len(lines) > SHOWN_LINES:
        more = f"and {len(lines) - SHOWN_LINES} more (sqlite3 FILE 'PRAGMA integrity_check')"
        problems.append(Problem("integrity", "database", more))
    return problems


def _sqlite_foreign_keys(run: CheckRun) -> None:
    for table, rowid, parent, _ in check_rows.foreign_key_rows(run.db):
        if table not in _CHECKED_REFERENCES:  # those get a clearer message from _orphans
            run.problem("foreign_key", f"{table} row {rowid}", f"refers to a missing {parent} row")


def _postgres_server(run: CheckRun) -> None:
    run.notes.append("connected: " + check_rows.server_version(run.db).split(" on ")[0])


def _orphans(run: CheckRun) -> None:
    """Rows whose model is gone (possible in a SQLite file written without foreign keys)."""
    run.counts["models"] = check_rows.count_models(run.t)
    for table, model_id, count in check_rows.rows_of_missing_models(run.t):
        what = _CHILD_WORDS[table]
        run.problem("orphan", f"model {model_id}", f"{count} {what}(s) of a missing model")
    for model_id, parent_id in check_rows.dangling_parents(run.t):
        run.problem("parent", f"model {model_id}", f"parent model {parent_id} does not exist")


# -- a file the registry cannot open ---------------------------------------------------


def _raw_integrity(path: str) -> list[Problem]:
    """SQLite's own verdict on a file, read with plain sqlite3 (no registry code)."""
    try:
        rows = check_rows.file_integrity(path, INTEGRITY_LIMIT)
    except check_rows.FileUnreadable as exc:
        detail = first_line(exc.error)
        if exc.checking:
            detail = f"integrity_check failed: {detail}"
        return [Problem("integrity", "database", detail)]
    return _integrity_problems(rows)
