"""The listing matrix: every listing a user can type, list and count, beside its target.

    python bench/bench_listings.py --models 1000000            # SQLite (built once, cached)
    python bench/bench_listings.py --models 1000000 --db postgresql://u:p@host/db

Each cell times ``list_models``' work for ``limit=50`` (records and their
DataFrame) and the capped count the app shows for the same filter, and prints
the median and p95 beside the target (10 ms on SQLite, 20 ms on PostgreSQL)
with PASS/FAIL, and each p95 against twice its median (at least
:data:`P95_FLOOR_MS`: below that, a p95 measures the scheduler of a shared
machine, not the query). Exit status 1 on any miss. Values vary per call
(tag, name, threshold) so no cell times one cached answer. The registry is
read into the OS page cache first, as a registry in use is (see
``_common.warm_sqlite``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    CREATED_FROM,
    FAMILIES,
    TASKS,
    Figure,
    cached_pg,
    cached_sqlite,
    median,
    p95,
    report,
    warm_pg,
    warm_sqlite,
)
from _common import time_calls as timed

from registry_tui import ModelRegistry
from registry_tui.errors import ValidationError
from registry_tui.query import parse_filter
from registry_tui.records import ModelQuery

Cell = tuple[str, Callable[[int], ModelQuery]]
P95_FLOOR_MS = 0.5


def _tag(i: int) -> str:
    return f"tag-{i % 18:02d}"


def _family(i: int) -> str:
    return f"family-{(i * 37) % FAMILIES}"


def cells(models: int) -> list[Cell]:
    """The matrix of issue-style listings, each a query per call number."""
    q = ModelQuery
    matrix: list[Cell] = [
        ("no filter", lambda i: q()),
        ("status all", lambda i: q(status=None)),
        ("status retired", lambda i: q(status="retired")),
        ("task", lambda i: q(task_type=TASKS[i % len(TASKS)])),
        ("tag", lambda i: q(tag=_tag(i))),
        ("tag + task", lambda i: q(tag=_tag(i), task_type=TASKS[i % len(TASKS)])),
        ("exact name", lambda i: q(name=_family(i))),
        ("exact name, all statuses", lambda i: q(name=_family(i), status=None)),
        ("name glob, prefix (family-17*)", lambda i: q(name=f"family-{10 + i % 90}*")),
        ("name glob, leading * (*mily-17*)", lambda i: q(name=f"*mily-{10 + i % 90}*")),
        ("free text (filter bar)", lambda i: parse_filter(f"ily-{100 + i % 900}")),
        ("one metric condition", lambda i: q(where=(f"val_loss < {0.35 + i % 10 / 100}",))),
        (
            "one metric condition, sorted by it",
            lambda i: q(where=(f"val_loss < {0.35 + i % 10 / 100}",), order_by="val_loss"),
        ),
        (
            "two metric conditions",
            lambda i: q(where=(f"val_loss < {0.4 + i % 10 / 100}", "accuracy > 0.9")),
        ),
        ("rare metric condition", lambda i: q(where=(f"val_loss < {0.10002 + i % 3 / 10**5}",))),
        ("column condition (memory_req_gb <= 24)", lambda i: q(where=("memory_req_gb <= 24",))),
        ("params condition (params_b <= 8)", lambda i: q(where=(f"params_b <= {8 + i % 5}",))),
        ("rare params condition (params_b > 69.5)", lambda i: q(where=("params_b > 69.5",))),
        (
            "params + metric condition",
            lambda i: q(where=("params_b <= 13", f"val_loss < {0.4 + i % 10 / 100}")),
        ),
        ("one run (run:N, the filter bar)", lambda i: parse_filter(f"run:{1 + i * 997 % 4000}")),
        (
            "one run + metric condition",
            lambda i: parse_filter(f"run:{1 + i * 991 % 4000} val_loss<1"),
        ),
        ("sort by params, descending", lambda i: q(order_by="-params_b")),
        ("sort by a column (model_size_mb)", lambda i: q(order_by="model_size_mb")),
        ("sort by a metric, ascending", lambda i: q(order_by="accuracy")),
        ("sort by a metric, descending", lambda i: q(order_by="-accuracy")),
        ("sort by version", lambda i: q(order_by="version")),
        ("sort by version, descending", lambda i: q(order_by="-version")),
        ("sort by name", lambda i: q(order_by="name")),
        (
            "tag + metric condition + sort by another metric",
            lambda i: q(tag=_tag(i), where=("val_loss < 0.8",), order_by="-accuracy"),
        ),
    ]
    created = _created_at_cell(models)
    if created is not None:
        matrix.append(created)
    return matrix


def _created_at_cell(models: int) -> Cell | None:
    """A ``created_at`` condition, when the filter language has one.

    Its bounds fall from a tenth to nine tenths into the registry's span of
    creation times, so every call lists a full page (fixed dates would match
    nothing in a small registry and everything in a large one).
    """
    try:
        parse_filter("created_at>2026-01-05")
    except ValidationError:
        return None

    def bound(i: int) -> str:
        moment = CREATED_FROM + timedelta(seconds=models * (1 + i % 9) // 10)
        return moment.strftime("%Y-%m-%dT%H:%M")

    return ("created_at condition", lambda i: parse_filter(f"created_at>{bound(i)}"))


def measure(
    registry: ModelRegistry, target: float, runs: int, models: int, only: str | None = None
) -> list[Figure]:
    """Time each cell's listing (records and DataFrame, limit 50) and its capped count."""
    from registry_tui.frames import models_frame

    figures: list[Figure] = []
    for name, make in cells(models):
        if only is not None and only not in name:
            continue
        queries = [make(i) for i in range(runs + 5)]

        def listing(i: int, queries: list[ModelQuery] = queries) -> object:
            return models_frame(registry.records.query(queries[i], 0, 50))

        def count(i: int, queries: list[ModelQuery] = queries) -> object:
            return registry.records.count_capped(queries[i])

        for what, fn in (("list", listing), ("count", count)):
            samples = timed(fn, runs, warmup=5)
            mid = median(samples)
            figures.append(Figure(f"{name}: {what} (median)", mid, target, "ms"))
            limit = max(2 * mid, P95_FLOOR_MS)
            figures.append(
                Figure(f"{name}: {what} (p95 within 2x median)", p95(samples), limit, "ms")
            )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000, help="registry size")
    parser.add_argument("--db", help="a postgresql:// URL (loaded once per size); default SQLite")
    parser.add_argument("--runs", type=int, default=25, help="timed calls per figure")
    parser.add_argument(
        "--only", metavar="TEXT", help="time only the cells whose name holds TEXT (e.g. params)"
    )
    args = parser.parse_args()
    if args.db:
        location: str = cached_pg(args.db, args.models)
        warm_pg(location)
        target, backend = 20.0, "PostgreSQL"
    else:
        path = cached_sqlite(args.models)
        warm_sqlite(path)
        location, target, backend = str(path), 10.0, "SQLite"
    with ModelRegistry(location, read_only=True) as registry:
        figures = measure(registry, target, args.runs, args.models, args.only)
    title = f"listing matrix on {backend}, {args.models:,} models, {args.runs} runs each"
    return report(title, figures)


if __name__ == "__main__":
    raise SystemExit(main())
