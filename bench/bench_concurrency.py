"""Several writer processes on one SQLite registry, each figure beside its target.

    python bench/bench_concurrency.py                     # 1, 2, 4, 8 writers
    python bench/bench_concurrency.py --models 4000 --promotions 2000 --writers 8

For each number of writer processes, on a fresh SQLite file: the writers,
released together, share ``--models`` registrations (5 metrics each, some
tagged), then ``--promotions`` exclusive promotions to ``production``; the
figures are the totals per second of wall time. Meanwhile a reader process
polls the way the terminal app does (the production holder, and a filtered
page of 50 models) and the slowest of its reads is reported: readers must
never wait on writers. Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from threading import Barrier, Event
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Figure, progress, report

from registry_tui import ModelRegistry
from registry_tui.records import ModelQuery

REGISTRATIONS_TARGET = 500.0  # per second, all writers together
PROMOTIONS_TARGET = 500.0
READER_TARGET_MS = 50.0
TASKS = ("language_modeling", "classification", "summarization")
MODELS_PER_PROMOTER = 4
TIMEOUT_S = 120.0


def register_worker(db: str, worker: int, count: int, barrier: Barrier) -> tuple[float, float]:
    """Register ``count`` models once the barrier opens; return (start, end) monotonic times."""
    rng = random.Random(worker)
    with ModelRegistry(db, actor=f"bench-{worker}@host") as registry:
        barrier.wait(TIMEOUT_S)
        start = time.monotonic()
        for i in range(count):
            loss = rng.uniform(0.1, 2.0)
            registry.register_model(
                f"writer-{worker}",
                f"1.0.{i}",
                "/checkpoints/model.pt",
                TASKS[i % len(TASKS)],
                metrics={
                    "val_loss": loss,
                    "train_loss": loss * 0.9,
                    "accuracy": rng.random(),
                    "f1_score": rng.random(),
                    "inference_time_ms": rng.uniform(2, 80),
                },
                tags=["candidate"] if i % 10 == 0 else None,
                verify_checkpoint=False,
            )
        return start, time.monotonic()


def promote_worker(db: str, ids: list[int], count: int, barrier: Barrier) -> tuple[float, float]:
    """``count`` exclusive promotions among this worker's own models (each a real change)."""
    rng = random.Random(ids[0])
    with ModelRegistry(db) as registry:
        barrier.wait(TIMEOUT_S)
        start = time.monotonic()
        previous = None
        for _ in range(count):
            choice = rng.choice([i for i in ids if i != previous])
            registry.promote_model(choice, "production")
            previous = choice
        return start, time.monotonic()


def reader_worker(db: str, stop: Event, ready: Barrier) -> tuple[float, int]:
    """Poll like the terminal app until ``stop``; return (worst read in ms, reads)."""
    worst = 0.0
    reads = 0
    query = ModelQuery(task_type="classification", where=("val_loss < 1.0",), order_by="-accuracy")
    with ModelRegistry(db, read_only=True) as registry:
        ready.wait(TIMEOUT_S)
        while not stop.is_set():
            start = time.perf_counter()
            registry.records.find(tag="production")
            registry.records.query(query, limit=50)
            worst = max(worst, time.perf_counter() - start)
            reads += 1
            time.sleep(0.002)
    return worst * 1000, reads


@dataclass
class Round:
    """Figures of one writer count."""

    writers: int
    registrations_per_s: float
    promotions_per_s: float
    reader_worst_ms: float
    reads: int


def _rate(count: int, spans: list[tuple[float, float]]) -> float:
    return count / (max(end for _, end in spans) - min(start for start, _ in spans))


def run_round(folder: Path, writers: int, models: int, promotions: int) -> Round:
    """Registrations then promotions with ``writers`` processes, a reader polling throughout."""
    ctx = mp.get_context("spawn")
    db = str(folder / f"writers-{writers}.db")
    with ModelRegistry(db) as registry:
        holder = registry.register_model("seed", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
        registry.promote_model(holder, "production")
    with ctx.Manager() as manager, ctx.Pool(writers + 1) as pool:
        stop, reader_ready = manager.Event(), manager.Barrier(2)
        reader = pool.apply_async(reader_worker, (db, stop, reader_ready))
        reader_ready.wait(TIMEOUT_S)
        barrier = manager.Barrier(writers)
        each = models // writers
        jobs = [(db, w, each, barrier) for w in range(writers)]
        registered = pool.starmap_async(register_worker, jobs).get(TIMEOUT_S)
        ids = _promotion_models(db, writers)
        barrier = manager.Barrier(writers)
        share = promotions // writers
        jobs_p = [(db, ids[w], share, barrier) for w in range(writers)]
        promoted = pool.starmap_async(promote_worker, jobs_p).get(TIMEOUT_S)
        stop.set()
        worst_ms, reads = reader.get(TIMEOUT_S)
    return Round(
        writers,
        _rate(each * writers, registered),
        _rate(share * writers, promoted),
        worst_ms,
        reads,
    )


def _promotion_models(db: str, writers: int) -> list[list[int]]:
    with ModelRegistry(db) as registry:
        return [
            [
                registry.register_model(
                    f"promo-{w}", f"1.0.{k}", "/c.pt", "t", verify_checkpoint=False
                )
                for k in range(MODELS_PER_PROMOTER)
            ]
            for w in range(writers)
        ]


def figures(rounds: list[Round]) -> list[Figure]:
    """One figure per measurement, each with its target."""
    out: list[Figure] = []
    for r in rounds:
        label = f"{r.writers} writer process{'es' if r.writers > 1 else ''}"
        out.append(Figure(f"registrations/s, {label}", r.registrations_per_s,
                          REGISTRATIONS_TARGET, "/s", higher_is_better=True))  # fmt: skip
        out.append(Figure(f"promotions/s (exclusive), {label}", r.promotions_per_s,
                          PROMOTIONS_TARGET, "/s", higher_is_better=True))  # fmt: skip
        out.append(Figure(f"worst reader wait, {label} ({r.reads} reads)", r.reader_worst_ms,
                          READER_TARGET_MS, "ms"))  # fmt: skip
    return out


def _writer_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("expected writer counts like 1,2,4,8")
    return counts


def main(argv: list[str] | None = None) -> int:
    """Run every round, print the figures, return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=4000, help="registrations per round")
    parser.add_argument("--promotions", type=int, default=4000, help="promotions per round")
    parser.add_argument("--writers", type=_writer_counts, default=[1, 2, 4, 8], help="e.g. 1,2,4,8")
    parser.add_argument("--dir", type=Path, help="where to put the databases (default: temp)")
    args: Any = parser.parse_args(argv)
    rounds = []
    with (
        tempfile.TemporaryDirectory(dir=args.dir) as folder,
        progress("concurrency rounds", len(args.writers)) as advance,
    ):
        for writers in args.writers:
            rounds.append(run_round(Path(folder), writers, args.models, args.promotions))
            advance(1)
    title = (
        f"bench_concurrency: SQLite, {args.models:,} registrations and "
        f"{args.promotions:,} promotions per round"
    )
    return report(title, figures(rounds))


if __name__ == "__main__":
    sys.exit(main())
