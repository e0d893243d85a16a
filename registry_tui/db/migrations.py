"""Numbered, idempotent, transactional schema steps.

On open, :func:`migrate` reads ``registry_meta.schema_version`` (0 for a
database made by the guide's code, which has no such table) and applies the
missing steps in one write transaction, so when several processes open the
same file at once the steps run exactly once and nobody fails. A database
whose version is newer than :data:`SCHEMA_VERSION` is refused before anything
is written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

import peewee

from registry_tui import versions
from registry_tui.db import approvals, counts, derived, orphans
from registry_tui.errors import SchemaVersionError
from registry_tui.metrics import numeric_items

SCHEMA_VERSION = 12
log = logging.getLogger("registry_tui")

_SQLITE_GUIDE_TABLES = [
    """CREATE TABLE IF NOT EXISTS models (
        model_id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        checkpoint_path TEXT NOT NULL,
        task_type TEXT NOT NULL,
        config_hash TEXT,
        training_run_id INTEGER,
        parent_model_id INTEGER,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        metrics TEXT,
        export_formats TEXT,
        model_size_mb REAL,
        memory_req_gb REAL,
        metadata TEXT,
        status TEXT DEFAULT 'active',
        UNIQUE(name, version),
        FOREIGN KEY (parent_model_id) REFERENCES models (model_id) ON DELETE SET NULL
    )""",
    """CREATE TABLE IF NOT EXISTS model_tags (
        tag_id INTEGER PRIMARY KEY AUTOINCREMENT,
        model_id INTEGER NOT NULL,
        tag_name TEXT NOT NULL,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        UNIQUE(model_id, tag_name),
        FOREIGN KEY (model_id) REFERENCES models (model_id) ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS model_exports (
        export_id INTEGER PRIMARY KEY AUTOINCREMENT,
        model_id INTEGER NOT NULL,
        export_format TEXT NOT NULL,
        export_path TEXT NOT NULL,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        metadata TEXT,
        FOREIGN KEY (model_id) REFERENCES models (model_id) ON DELETE CASCADE
    )""",
]

_PG_GUIDE_TABLES = [
    """CREATE TABLE IF NOT EXISTS models (
        model_id BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        checkpoint_path TEXT NOT NULL,
        task_type TEXT NOT NULL,
        config_hash TEXT,
        training_run_id BIGINT,
        parent_model_id BIGINT REFERENCES models (model_id) ON DELETE SET NULL,
        created_at TIMESTAMP DEFAULT (now() AT TIME ZONE 'utc'),
        metrics TEXT,
        export_formats TEXT,
        model_size_mb DOUBLE PRECISION,
        memory_req_gb DOUBLE PRECISION,
        metadata TEXT,
        status TEXT DEFAULT 'active',
        UNIQUE (name, version)
    )""",
    """CREATE TABLE IF NOT EXISTS model_tags (
        tag_id BIGSERIAL PRIMARY KEY,
        model_id BIGINT NOT NULL REFERENCES models (model_id) ON DELETE CASCADE,
        tag_name TEXT NOT NULL,
        created_at TIMESTAMP DEFAULT (now() AT TIME ZONE 'utc'),
        UNIQUE (model_id, tag_name)
    )""",
    """CREATE TABLE IF NOT EXISTS model_exports (
        export_id BIGSERIAL PRIMARY KEY,
        model_id BIGINT NOT NULL REFERENCES models (model_id) ON DELETE CASCADE,
        export_format TEXT NOT NULL,
        export_path TEXT NOT NULL,
        created_at TIMESTAMP DEFAULT (now() AT TIME ZONE 'utc'),
        metadata TEXT
    )""",
]

_GUIDE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS idx_models_task_type ON models (task_type)",
    "CREATE INDEX IF NOT EXISTS idx_models_status ON models (status)",
    "CREATE INDEX IF NOT EXISTS idx_models_config_hash ON models (config_hash)",
    "CREATE INDEX IF NOT EXISTS idx_model_tags_tag_name ON model_tags (tag_name)",
]


def _added_tables(pg: bool) -> list[str]:
    serial = "BIGSERIAL PRIMARY KEY" if pg else "INTEGER PRIMARY KEY AUTOINCREMENT"
    bigint = "BIGINT" if pg else "INTEGER"
    real = "DOUBLE PRECISION" if pg else "REAL"
    rowid = "" if pg else " WITHOUT ROWID"
    return [
        """CREATE TABLE IF NOT EXISTS registry_meta (
            key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS model_metrics (
            model_id {bigint} NOT NULL REFERENCES models (model_id) ON DELETE CASCADE,
            metric TEXT NOT NULL,
            value {real} NOT NULL,
            PRIMARY KEY (model_id, metric)){rowid}""",
        """CREATE TABLE IF NOT EXISTS model_configs (
            config_hash TEXT PRIMARY KEY, config TEXT NOT NULL, created_at TIMESTAMP NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS registry_events (
            event_id {serial},
            at TIMESTAMP NOT NULL,
            event TEXT NOT NULL,
            model_id {bigint},
            tag TEXT,
            previous_model_id {bigint},
            actor TEXT NOT NULL,
            details TEXT)""",
        f"""CREATE TABLE IF NOT EXISTS checkpoint_hashes (
            model_id {bigint} PRIMARY KEY REFERENCES models (model_id) ON DELETE CASCADE,
            sha256 TEXT NOT NULL,
            size_bytes {bigint} NOT NULL,
            recorded_at TIMESTAMP NOT NULL)""",
    ]


_ADDED_INDEXES = [
    "CREATE INDEX IF NOT EXISTS idx_models_status_created ON models (status, created_at, model_id)",
    "CREATE INDEX IF NOT EXISTS idx_models_task_status_created "
    "ON models (task_type, status, created_at, model_id)",
    "CREATE INDEX IF NOT EXISTS idx_models_parent ON models (parent_model_id)",
    "CREATE INDEX IF NOT EXISTS idx_models_version_key ON models (version_key, model_id)",
    "CREATE INDEX IF NOT EXISTS idx_models_name ON models (name, version_key)",
    "CREATE INDEX IF NOT EXISTS idx_model_tags_tag_model ON model_tags (tag_name, model_id)",
    "CREATE INDEX IF NOT EXISTS idx_model_exports_model ON model_exports (model_id)",
    "CREATE INDEX IF NOT EXISTS idx_model_metrics_metric_value "
    "ON model_metrics (metric, value, model_id)",
    "CREATE INDEX IF NOT EXISTS idx_events_model ON registry_events (model_id, event_id)",
    "CREATE INDEX IF NOT EXISTS idx_events_tag ON registry_events (tag, event_id)",
]


_LISTING_INDEXES: list[str] = [
    # Metric rows by model (for per-row checks) come from the primary key;
    # metric rows by (metric, value, model_id) drive metric conditions and sorts.
]


def _is_pg(db: peewee.Database) -> bool:
    return isinstance(db, peewee.PostgresqlDatabase)


def _columns(db: peewee.Database, table: str) -> set[str]:
    return {c.name for c in db.get_columns(table)}


def _step_1_guide_tables(db: peewee.Database) -> None:
    """The guide's three tables and four indexes (no-ops on a guide-made database)."""
    for sql in (_PG_GUIDE_TABLES if _is_pg(db) else _SQLITE_GUIDE_TABLES) + _GUIDE_INDEXES:
        db.execute_sql(sql)


def _step_2_registry_tables(db: peewee.Database) -> None:
    """Side tables, ``version_key``, indexes; backfill metrics and version keys."""
    pg = _is_pg(db)
    for sql in _added_tables(pg):
        db.execute_sql(sql)
    if "version_key" not in _columns(db, "models"):
        key_type = 'TEXT COLLATE "C"' if pg else "TEXT"
        db.execute_sql(f"ALTER TABLE models ADD COLUMN version_key {key_type}")
    for sql in _ADDED_INDEXES:
        db.execute_sql(sql)
    _backfill(db)


def _backfill(db: peewee.Database) -> None:
    """Fill ``version_key`` and ``model_metrics`` for rows written by the guide's code."""
    rows = db.execute_sql(
        "SELECT model_id, version, metrics FROM models WHERE version_key IS NULL"
    ).fetchall()
    param = "%s" if _is_pg(db) else "?"
    for model_id, version, metrics_json in rows:
        key = versions.sort_key_or_none(version)
        if key is not None:
            db.execute_sql(
                f"UPDATE models SET version_key = {param} WHERE model_id = {param}",
                (key, model_id),
            )
        for metric, value in numeric_items(_decoded(metrics_json)):
            db.execute_sql(
                f"INSERT INTO model_metrics (model_id, metric, value) VALUES "
                f"({param}, {param}, {param}) ON CONFLICT DO NOTHING",
                (model_id, metric, value),
            )


def _decoded(metrics_json: str | None) -> object:
    try:
        return json.loads(metrics_json) if metrics_json else {}
    except ValueError:
        return {}


def _step_3_created_index(db: peewee.Database) -> None:
    """Index the default order on its own, for listings across every status."""
    db.execute_sql("CREATE INDEX IF NOT EXISTS idx_models_created ON models (created_at, model_id)")


def _step_4_policies(db: peewee.Database) -> None:
    """Recorded metric directions and tag policies (exclusive or shared)."""
    db.execute_sql(
        """CREATE TABLE IF NOT EXISTS metric_directions (
            metric TEXT PRIMARY KEY, lower_is_better BOOLEAN NOT NULL,
            set_at TIMESTAMP NOT NULL)"""
    )
    db.execute_sql(
        """CREATE TABLE IF NOT EXISTS tag_policies (
            tag TEXT PRIMARY KEY, exclusive BOOLEAN NOT NULL, set_at TIMESTAMP NOT NULL)"""
    )


def _step_5_orphans(db: peewee.Database) -> None:
    """Set aside tag and export rows of missing models (see :mod:`registry_tui.db.orphans`)."""
    orphans.create_table(db)
    at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    orphans.set_aside_orphans(db, None, at)


def _step_6_derived_and_listing_indexes(db: peewee.Database) -> None:
    """Triggers that keep derived data current for any writer; listing indexes.

    Rows written meanwhile by code that did not fill ``model_metrics`` or
    ``version_key`` are backfilled first, then triggers take over.
    """
    _backfill(db)
    for sql in _LISTING_INDEXES:
        db.execute_sql(sql)
    trigram = derived.install_pg(db) if _is_pg(db) else derived.install_sqlite(db)
    if not trigram:
        log.warning(
            "Name search without a trigram index (%s): substring and glob searches scan",
            "the role may not create the pg_trgm extension" if _is_pg(db) else "no FTS5 trigram",
        )


NAME_LISTING_INDEX = "idx_models_name_status_created"


def _step_7_name_listing_index(db: peewee.Database) -> None:
    """Covering indexes for listings driven by names, and for metric checks.

    The models of a set of names, of one status, newest first, are read from
    index entries alone: no model row is fetched to filter or sort them. On
    PostgreSQL a metric condition checked on one model reads its value from
    ``(model_id, metric, value)`` without visiting the table (SQLite's
    ``model_metrics`` is itself ordered that way, WITHOUT ROWID).
    """
    db.execute_sql(
        f"CREATE INDEX IF NOT EXISTS {NAME_LISTING_INDEX} "
        "ON models (name, status, created_at, model_id)"
    )
    if _is_pg(db):
        db.execute_sql(
            "CREATE INDEX IF NOT EXISTS idx_model_metrics_model_metric_value "
            "ON model_metrics (model_id, metric, value)"
        )


def _step_8_count_tables(db: peewee.Database) -> None:
    """Trigger-kept model counts per status, task type and tag (see :mod:`.counts`)."""
    counts.install(db)


_NARROWED_TABLES = ("models", "model_tags", "model_exports", "model_metrics", "registry_events")


def _plain_columns(db: peewee.Database, index: peewee.IndexMetadata) -> tuple[str, ...] | None:
    """An index's columns when it is a whole-table B-tree on plain columns, else None."""
    sql = (index.sql or "").upper()
    if " WHERE " in sql or (_is_pg(db) and " USING BTREE " not in sql):
        return None
    columns = tuple(index.columns or ())
    if not columns or any(not c or not c.isidentifier() for c in columns):
        return None
    return columns


def _step_9_drop_covered_indexes(db: peewee.Database) -> None:
    """Drop the indexes that a wider index of the same table already serves.

    An index on ``(status)`` is never needed beside one on ``(status,
    created_at, model_id)``: every lookup it serves, the wider one serves from
    the same first column. Each redundant index was one more B-tree written by
    every registration and tag move. Unique indexes stay (they are
    constraints); so does an index on a guide table without the ``UNIQUE``
    the guide's DDL declares, where no wider index exists.
    """
    for table in _NARROWED_TABLES:
        indexes = [(i, _plain_columns(db, i)) for i in db.get_indexes(table)]
        wide = [cols for _, cols in indexes if cols is not None]
        for index, cols in indexes:
            if cols is None or index.unique:
                continue
            if any(len(other) > len(cols) and other[: len(cols)] == cols for other in wide):
                db.execute_sql(f'DROP INDEX IF EXISTS "{index.name}"')


_STEP_10_INDEXED = ("params", "model_size_mb", "memory_req_gb")
SORT_INDEXED = (*_STEP_10_INDEXED, "training_run_id")
"""Numeric columns with a ``(column, model_id)`` index: sorts read a page from it, and a
condition matching few models (``run:42`` is ``training_run_id=42``) is read from it
(see :mod:`registry_tui.db.listing`)."""


def _step_10_params_column(db: peewee.Database) -> None:
    """``models.params``, the checkpoint's parameter count; indexes for numeric sorts.

    A column rather than a metadata key, so ``params_b <= 8`` is a condition on
    a number like ``memory_req_gb <= 24``. Adding a nullable column rewrites no
    row on either backend; models registered before it have no count. Sorting
    a million models by size, memory or parameters reads one page of an index
    instead of sorting every row.
    """
    if "params" not in _columns(db, "models"):
        db.execute_sql("ALTER TABLE models ADD COLUMN params BIGINT")
    for column in _STEP_10_INDEXED:
        _column_index(db, column)


def _column_index(db: peewee.Database, column: str) -> None:
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS idx_models_{column} ON models ({column}, model_id)")


def _step_11_protected_tags(db: peewee.Database) -> None:
    """Protected tags, promotion requests and their approvals (see :mod:`.approvals`)."""
    approvals.install(db)


def _step_12_run_index(db: peewee.Database) -> None:
    """A ``(training_run_id, model_id)`` index: the models of one run (``run:42`` in the
    filter bar, ``registry-tui runs``) are read from it, not found by reading every model."""
    _column_index(db, "training_run_id")


STEPS: list[Callable[[peewee.Database], None]] = [
    _step_1_guide_tables,
    _step_2_registry_tables,
    _step_3_created_index,
    _step_4_policies,
    _step_5_orphans,
    _step_6_derived_and_listing_indexes,
    _step_7_name_listing_index,
    _step_8_count_tables,
    _step_9_drop_covered_indexes,
    _step_10_params_column,
    _step_11_protected_tags,
    _step_12_run_index,
]
assert len(STEPS) == SCHEMA_VERSION


def read_version(db: peewee.Database) -> int:
    """The schema version stored in the database (0 when it has none)."""
    if not db.table_exists("registry_meta"):
        return 0
    row = db.execute_sql("SELECT value FROM registry_meta WHERE key = 'schema_version'").fetchone()
    if not row:
        return 0
    try:
        return int(str(row[0]).strip())
    except ValueError:
        # Not a number (written by hand or another tool): every step is idempotent,
        # so migrating from 0 rebuilds what is missing and writes a good version.
        return 0


def _check_not_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"This database has schema version {version}, newer than this registry-tui "
            f"understands ({SCHEMA_VERSION}): upgrade registry-tui to open it"
        )


def require_current(db: peewee.Database, where: str) -> None:
    """Refuse, without writing anything, a database this code cannot read as it is.

    Read-only opens call this instead of :func:`migrate`.

    Raises:
        SchemaVersionError: the schema is older (it needs ``registry-tui upgrade``)
            or newer than this code.
    """
    found = read_version(db)
    _check_not_newer(found)
    if found < SCHEMA_VERSION:
        raise SchemaVersionError(
            f"Registry {where} needs an upgrade (schema version {found}, this registry-tui "
            f"uses {SCHEMA_VERSION}) and cannot be changed read-only: run "
            f"'registry-tui --db {where} upgrade', then open it again"
        )


def migrate(db: peewee.Database) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`; return the version found before.

    Cheap when the database is current: one read, no write lock.
    """
    found = read_version(db)
    _check_not_newer(found)
    if not _is_pg(db):
        _use_wal(db)
    if found == SCHEMA_VERSION:
        return found
    with db.atomic():
        if _is_pg(db):
            db.execute_sql("SELECT pg_advisory_xact_lock(727274001)")
        found = read_version(db)  # another process may have migrated meanwhile
        _check_not_newer(found)
        for number in range(found + 1, SCHEMA_VERSION + 1):
            STEPS[number - 1](db)
        _write_version(db)
    update_statistics(db)
    return found


def before_close(db: peewee.Database) -> None:
    """``PRAGMA optimize`` before a writable SQLite connection closes, as SQLite advises.

    It re-analyzes only what the connection's queries showed to be stale;
    never called for a read-only registry, which must write nothing.
    """
    if _is_pg(db):
        return
    # A busy file: the statistics wait for the next close.
    with contextlib.suppress(peewee.DatabaseError):
        db.execute_sql("PRAGMA optimize")


def update_statistics(db: peewee.Database) -> None:
    """Refresh the planner's statistics after a migration or a load (never read-only).

    SQLite samples at most 1,000 rows per index (``analysis_limit``), so this
    stays quick on a million models.
    """
    if _is_pg(db):
        db.execute_sql("ANALYZE models, model_tags, model_metrics")
    else:
        db.execute_sql("PRAGMA analysis_limit=1000")
        db.execute_sql("ANALYZE")


def _use_wal(db: peewee.Database, timeout: float = 30.0) -> None:
    """Put a SQLite file in WAL mode (readers never wait for writers).

    Called only after the version check, since it changes the file: a refused
    database is left exactly as it was. Leaving rollback mode needs an exclusive
    lock, and SQLite reports "database is locked" at once, without waiting, when
    several processes try together; so retry, jittered, up to ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.execute_sql("PRAGMA journal_mode=wal")
            return
        except peewee.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _write_version(db: peewee.Database) -> None:
    param = "%s" if _is_pg(db) else "?"
    db.execute_sql(
        f"INSERT INTO registry_meta (key, value) VALUES ('schema_version', {param}) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(SCHEMA_VERSION),),
    )
