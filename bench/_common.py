"""Shared pieces of the benchmarks: timing, figures with targets, progress bars."""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from registry_tui import versions


@dataclass
class Figure:
    """One measured figure and its target (``<= target`` unless ``higher_is_better``)."""

    name: str
    value: float
    target: float
    unit: str
    higher_is_better: bool = False

    @property
    def passed(self) -> bool:
        if self.higher_is_better:
            return self.value >= self.target
        return self.value <= self.target

    def line(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{self.name:<76} {self.value:>10.3f} {self.unit:<4} "
            f"target {sign} {self.target:<8.3g} {self.unit:<4} {verdict}"
        )


def time_calls(fn: Callable[[int], object], runs: int, warmup: int = 20) -> list[float]:
    """Call ``fn(i)`` ``runs`` times; return each call's duration in milliseconds."""
    for i in range(warmup):
        fn(i)
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(warmup + i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def latency_figures(name: str, samples: list[float], target_ms: float) -> list[Figure]:
    """The median against its target, and p95 against twice the median."""
    mid = median(samples)
    return [
        Figure(f"{name} (median)", mid, target_ms, "ms"),
        Figure(f"{name} (p95 within 2x median)", p95(samples), max(2 * mid, 0.05), "ms"),
    ]


def report(title: str, figures: list[Figure]) -> int:
    """Print every figure beside its target; return the exit status (1 on any miss)."""
    print(title)
    for figure in figures:
        print(figure.line())
    failed = [f for f in figures if not f.passed]
    print(f"{len(figures) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


@contextmanager
def progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on a terminal (stderr); silent when piped."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda n: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def eprint(*args: object) -> None:
    print(*args, file=sys.stderr)


# -- the bench registry ---------------------------------------------------------------------
TASKS = [
    "language_modeling",
    "classification",
    "vision_classification",
    "speech_recognition",
    "summarization",
    "object_detection",
]
TAGS = [f"tag-{i:02d}" for i in range(18)] + ["production", "staging"]
FAMILIES = 5000
CHAIN = 50
CREATED_FROM = datetime(2026, 1, 1)
"""Model N of a bench registry was created N seconds after this."""
CACHE_VERSION = 6  # bump when the data or the schema of the bench registry changes


PARAMS_SQL = "(1 + (model_id * 7919) % 700) * 100000000"
"""Model N's parameter count, 0.1B to 70B spread over the ids, as SQL (see :func:`params_of`)."""


def params_of(model_id: int) -> int:
    """Model N's parameter count: what :data:`PARAMS_SQL` computes."""
    return (1 + (model_id * 7919) % 700) * 100_000_000


def fill_params(db: Any) -> None:
    """Give the models of a bench registry cached before ``params`` existed their counts."""
    if db.execute_sql("SELECT 1 FROM models WHERE params IS NULL LIMIT 1").fetchone():
        eprint("filling params of the cached bench registry ...")
        pg = type(db).__name__.startswith("Postgres")  # psycopg2 reads % as a parameter
        with db.atomic():
            db.execute_sql(
                f"UPDATE models SET params = {PARAMS_SQL.replace('%', '%%') if pg else PARAMS_SQL}"
            )


RUN_SIZE = 25
"""Models per training run: model ``i`` (from 1) comes from run ``(i - 1) // 25 + 1``."""


def run_of(model_id: int) -> int:
    """The training run a bench model comes from."""
    return (model_id - 1) // RUN_SIZE + 1


def fill_runs(db: Any) -> None:
    """Give the models of a bench registry cached before they had runs their run ids."""
    if db.execute_sql("SELECT 1 FROM models WHERE training_run_id IS NULL LIMIT 1").fetchone():
        eprint("filling training_run_id of the cached bench registry ...")
        with db.atomic():
            db.execute_sql(f"UPDATE models SET training_run_id = (model_id - 1) / {RUN_SIZE} + 1")


def metrics_for(rng: random.Random) -> dict[str, float]:
    """Five metrics, as a training run would report them."""
    loss = rng.uniform(0.1, 2.0)
    return {
        "val_loss": round(loss, 4),
        "train_loss": round(loss * rng.uniform(0.8, 1.0), 4),
        "accuracy": round(rng.uniform(0.5, 0.99), 4),
        "f1_score": round(rng.uniform(0.4, 0.98), 4),
        "inference_time_ms": round(rng.uniform(2, 80), 2),
    }


def model_rows(models: int) -> Iterator[tuple[tuple[object, ...], list[str]]]:
    """Seeded rows of ``models`` (in column order of :data:`MODEL_COLUMNS`) and their tags."""
    rng = random.Random(1234)
    start = CREATED_FROM
    for i in range(models):
        chain = i < CHAIN
        model_id = i + 1
        name = "chain" if chain else f"family-{i % FAMILIES}"
        version = f"1.{i}.0" if chain else f"{i // FAMILIES}.{i % 7}.{i % 11}"
        tags = rng.sample(TAGS[:18], k=rng.choice((0, 0, 1, 2)))
        metrics = metrics_for(rng)
        row = (
            model_id,
            name,
            version,
            versions.sort_key(version),
            f"/ckpt/run-{i}/model.pt",
            TASKS[i % len(TASKS)],
            "",
            run_of(model_id),
            model_id - 1 if chain and i else None,
            (start + timedelta(seconds=model_id)).strftime("%Y-%m-%d %H:%M:%S"),
            json.dumps(metrics),
            "[]",
            None,
            round(rng.uniform(1, 80), 1),
            "{}",
            "retired" if i % 10 == 9 else "active",
            params_of(model_id),
        )
        yield row, tags


MODEL_COLUMNS = (
    "model_id, name, version, version_key, checkpoint_path, task_type, config_hash, "
    "training_run_id, parent_model_id, created_at, metrics, export_formats, model_size_mb, "
    "memory_req_gb, metadata, status, params"
)


def build_sqlite(path: Path, models: int) -> None:
    """Build the bench registry in one transaction of bulk inserts.

    The per-row triggers that derive metric rows and the name index are set
    aside during the load and their work done once, set-wise, at the end
    (as a bulk load should); then the triggers are put back.
    """
    from registry_tui import ModelRegistry
    from registry_tui.db import counts, derived

    ModelRegistry(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    conn.execute("BEGIN")
    for name in derived.SQLITE_TRIGGER_NAMES + counts.SQLITE_TRIGGER_NAMES:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    marks = ", ".join("?" * 17)
    with progress("building registry", models) as advance:
        for chunk in _chunks(model_rows(models), 20_000):
            conn.executemany(
                f"INSERT INTO models ({MODEL_COLUMNS}) VALUES ({marks})", [r for r, _ in chunk]
            )
            conn.executemany(
                "INSERT INTO model_tags (model_id, tag_name, created_at) VALUES (?, ?, ?)",
                [(row[0], tag, row[9]) for row, tags in chunk for tag in tags],
            )
            advance(len(chunk))
    for tag, model_id in (("production", models // 2), ("staging", models // 3)):
        conn.execute(
            "INSERT INTO model_tags (model_id, tag_name, created_at) VALUES (?, ?, ?)",
            (model_id, tag, "2026-06-01 00:00:00"),
        )
    conn.execute(
        "INSERT INTO model_metrics (model_id, metric, value) "
        "SELECT m.model_id, j.key, j.value FROM models m, json_each(m.metrics) j"
    )
    for sql in derived.SQLITE_TRIGGERS + derived.SQLITE_NAMES + derived.SQLITE_NAME_INDEX:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()
    with raw_database(path) as db, db.atomic():
        counts.install(db)  # the count triggers back, the counts set-wise
    finish_sqlite(path)


@contextmanager
def raw_database(location: str | Path) -> Iterator[Any]:
    """The registry's peewee database, opened directly after a ``ModelRegistry`` open
    has migrated it: bench set-up bulk-loads and checkpoints below the registry's API."""
    from registry_tui import ModelRegistry
    from registry_tui.db.connect import open_database, parse_target

    ModelRegistry(location).close()
    db = open_database(parse_target(location), create=False)
    db.connect()
    try:
        yield db
    finally:
        db.close()


def finish_sqlite(path: Path) -> None:
    """Planner statistics and a checkpointed WAL, as after any load."""
    from registry_tui.db.migrations import update_statistics

    with raw_database(path) as db:
        update_statistics(db)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _chunks(
    rows: Iterator[tuple[tuple[object, ...], list[str]]], size: int
) -> Iterator[list[tuple[tuple[object, ...], list[str]]]]:
    chunk = []
    for item in rows:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cached_sqlite(models: int) -> Path:
    """Path of the cached bench registry of this size and schema, built once when missing.

    One file per schema version: a file cached by an older schema is never
    changed; a copy of it is migrated (much quicker than building again).
    """
    from registry_tui.db.migrations import SCHEMA_VERSION

    directory = Path(tempfile.gettempdir()) / "registry-tui-bench"
    directory.mkdir(exist_ok=True)
    path = directory / f"registry-v{CACHE_VERSION}-s{SCHEMA_VERSION}-{models}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in directory.glob(partial.name + "*"):
        leftover.unlink()
    older = _older_cache(directory, models, SCHEMA_VERSION)
    if older is not None:
        eprint(f"migrating a copy of {older} (cached at {path}) ...")
        _copy_sqlite(older, partial)
        with raw_database(partial) as db:
            fill_params(db)
            fill_runs(db)
        finish_sqlite(partial)
    else:
        eprint(f"building {models:,} models (cached at {path}) ...")
        build_sqlite(partial, models)
    partial.rename(path)
    return path


def warm_sqlite(path: Path) -> None:
    """Read the file (and its WAL) once, so the OS page cache holds it, as it holds a
    registry in use. Without this the first listing of each value pays disk reads:
    an exact-name listing reads its 50 rows from 50 scattered pages (about 10 ms
    from disk here, about 1 ms from the page cache)."""
    total = 0
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            with part.open("rb") as handle:
                while chunk := handle.read(8 << 20):
                    total += len(chunk)
    eprint(f"read {total / 1e6:,.0f} MB of {path.name} into the OS page cache")


def warm_pg(url: str) -> None:
    """Read every table and index of the registry's schema into the OS page cache
    (``pg_prewarm`` in ``read`` mode); a one-line notice when the extension is missing."""
    with raw_database(url) as db:
        try:
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            row = db.execute_sql(
                "SELECT count(*), coalesce(sum(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')"
            ).fetchone()
        except Exception as exc:  # a bench notice, not an error
            eprint(f"not prewarmed (pg_prewarm unavailable: {str(exc).splitlines()[0]})")
            return
    eprint(
        f"read {int(row[1]) * 8192 / 1e6:,.0f} MB of {int(row[0])} relations into the OS page cache"
    )


def _older_cache(directory: Path, models: int, schema: int) -> Path | None:
    """The newest cached file of the same bench data made by an older schema, if any."""
    for version in range(schema - 1, 5, -1):
        found = directory / f"registry-v{CACHE_VERSION}-s{version}-{models}.db"
        if found.exists():
            return found
    legacy = directory / f"registry-v{CACHE_VERSION}-{models}.db"  # named before schema 7
    return legacy if legacy.exists() else None


def _copy_sqlite(source: Path, dest: Path) -> None:
    """A consistent copy through SQLite's backup API (the source is only read)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def cached_pg(url: str, models: int) -> str:
    """``url`` holding the bench registry of this size (loaded with COPY when it does not)."""
    with raw_database(url) as db:
        row = db.execute_sql(
            "SELECT value FROM registry_meta WHERE key = 'bench_models'"
        ).fetchone()
        if row is None or int(row[0]) != models:
            eprint(f"loading {models:,} models into the bench PostgreSQL database ...")
            build_pg(db, models)
        elif db.execute_sql(
            "SELECT 1 FROM models WHERE params IS NULL OR training_run_id IS NULL LIMIT 1"
        ).fetchone():
            fill_params(db)
            fill_runs(db)
            db.execute_sql("VACUUM ANALYZE models")
    return url


def build_pg(db: Any, models: int) -> None:
    """Replace the registry's models with the bench set: COPY, derived rows set-wise, ANALYZE."""
    import csv
    import io

    from registry_tui.db.migrations import update_statistics

    conn = db.connection()
    with db.atomic(), conn.cursor() as cur:
        cur.execute("TRUNCATE models, model_tags, model_metrics, registry_events CASCADE")
        cur.execute("ALTER TABLE models DISABLE TRIGGER USER")
        with progress("loading PostgreSQL", models) as advance:
            for chunk in _chunks(model_rows(models), 50_000):
                models_csv, tags_csv = io.StringIO(), io.StringIO()
                csv.writer(models_csv).writerows(row for row, _ in chunk)
                csv.writer(tags_csv).writerows(
                    (row[0], tag, row[9]) for row, tags in chunk for tag in tags
                )
                models_csv.seek(0)
                tags_csv.seek(0)
                cur.copy_expert(
                    f"COPY models ({MODEL_COLUMNS}) FROM STDIN (FORMAT csv)", models_csv
                )
                cur.copy_expert(
                    "COPY model_tags (model_id, tag_name, created_at) FROM STDIN (FORMAT csv)",
                    tags_csv,
                )
                advance(len(chunk))
        for tag, model_id in (("production", models // 2), ("staging", models // 3)):
            cur.execute(
                "INSERT INTO model_tags (model_id, tag_name, created_at) VALUES (%s, %s, %s)",
                (model_id, tag, "2026-06-01 00:00:00"),
            )
        cur.execute(
            "INSERT INTO model_metrics (model_id, metric, value) SELECT m.model_id, e.key, "
            "(e.value #>> '{}')::double precision FROM models m, jsonb_each(m.metrics::jsonb) e"
        )
        cur.execute(
            "INSERT INTO model_names (name) SELECT DISTINCT name FROM models ON CONFLICT DO NOTHING"
        )
        cur.execute("ALTER TABLE models ENABLE TRIGGER USER")
        cur.execute("SELECT setval(pg_get_serial_sequence('models', 'model_id'), %s)", (models,))
        cur.execute(
            "INSERT INTO registry_meta (key, value) VALUES ('bench_models', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(models),),
        )
    db.execute_sql("VACUUM ANALYZE models")
    update_statistics(db)
