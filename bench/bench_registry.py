"""Registry API latency on a large SQLite registry, each figure beside its target.

    python bench/bench_registry.py              # 100,000 models (built once, cached)
    python bench/bench_registry.py --models 20000

The registry is built with 5 metrics per model, 20 tags in use and a 50-deep
fine-tune chain, cached under the system temp dir, and copied before timing so
every run measures the same data. Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Figure, latency_figures, progress, report, time_calls

from registry_tui import ModelRegistry

TASKS = [
    "language_modeling",
    "classification",
    "vision_classification",
    "speech_recognition",
    "summarization",
    "object_detection",
]
TAGS = [f"tag-{i:02d}" for i in range(18)] + ["production", "staging"]
BATCH = 2000


class StepClock:
    """A deterministic clock, one second per registration."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def metrics_for(rng: random.Random) -> dict[str, float]:
    loss = rng.uniform(0.1, 2.0)
    return {
        "val_loss": round(loss, 4),
        "train_loss": round(loss * rng.uniform(0.8, 1.0), 4),
        "accuracy": round(rng.uniform(0.5, 0.99), 4),
        "f1_score": round(rng.uniform(0.4, 0.98), 4),
        "inference_time_ms": round(rng.uniform(2, 80), 2),
    }


def build(path: Path, models: int) -> None:
    """Register ``models`` models deterministically (seeded)."""
    rng = random.Random(1234)
    with ModelRegistry(path, clock=StepClock(), actor="bench@host") as registry:
        parent = None
        with progress("building registry", models) as advance:
            for start in range(0, models, BATCH):
                with registry.transaction():
                    for i in range(start, min(models, start + BATCH)):
                        chain = i < 50
                        tags = rng.sample(TAGS[:18], k=rng.choice((0, 0, 1, 2)))
                        model_id = registry.register_model(
                            name="chain" if chain else f"family-{i % 5000}",
                            version=f"1.{i}.0" if chain else f"{i // 5000}.{i % 7}.{i % 11}",
                            checkpoint_path=f"/ckpt/run-{i}/model.pt",
                            task_type=TASKS[i % len(TASKS)],
                            metrics=metrics_for(rng),
                            memory_req_gb=round(rng.uniform(1, 80), 1),
                            parent_model_id=parent if chain else None,
                            tags=tags,
                            verify_checkpoint=False,
                        )
                        if chain:
                            parent = model_id
                advance(min(BATCH, models - start))
        registry.promote_model(models // 2, "production")
        registry.promote_model(models // 3, "staging")


def cached(models: int) -> Path:
    """Path of the cached registry of this size, built when missing."""
    directory = Path(tempfile.gettempdir()) / "registry-tui-bench"
    directory.mkdir(exist_ok=True)
    path = directory / f"registry-{models}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in directory.glob(partial.name + "*"):
            leftover.unlink()
        print(f"building {models:,} models (cached at {path}) ...", file=sys.stderr)
        build(partial, models)
        with ModelRegistry(partial) as registry:
            registry.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(path)
    return path


def measure(path: Path, models: int, runs: int) -> list[Figure]:
    """Time every operation the targets name."""
    figures: list[Figure] = []
    opens = time_calls(lambda i: ModelRegistry(path).close(), runs=30, warmup=3)
    figures.append(Figure("open the registry (median)", sorted(opens)[len(opens) // 2], 50, "ms"))
    registry = ModelRegistry(path, actor="bench@host")
    rng = random.Random(99)
    ids = [rng.randrange(51, models) for _ in range(runs + 50)]
    names = [registry.find_record(model_id=i) for i in ids[:200]]
    pairs = [(r.name, r.version) for r in names if r is not None]
    chain_end = 50

    def register(i: int) -> None:
        registry.register_model(
            f"bench-new-{time.time_ns()}",
            "1.0.0",
            "/ckpt/new.pt",
            "language_modeling",
            metrics=metrics_for(rng),
            tags=["tag-01"],
            verify_checkpoint=False,
        )

    cases = [
        ("register_model", register, 1.0),
        ("get_model by id", lambda i: registry.get_model(model_id=ids[i]), 0.5),
        (
            "get_model by name+version",
            lambda i: registry.get_model(
                name=pairs[i % len(pairs)][0], version=pairs[i % len(pairs)][1]
            ),
            0.5,
        ),
        ("get_model by tag", lambda i: registry.get_model(tag="production"), 0.5),
        ("promote_model (exclusive)", lambda i: registry.promote_model(ids[i], "staging"), 1.0),
        (
            "list_models task_type+status+tag, limit 50",
            lambda i: registry.list_models(
                task_type=TASKS[i % len(TASKS)], tag=TAGS[i % 18], status="active", limit=50
            ),
            5.0,
        ),
        (
            "list_models metric condition ordered by it, limit 50",
            lambda i: registry.list_models(where="val_loss < 0.5", order_by="val_loss", limit=50),
            10.0,
        ),
        ("compare_models of 10", lambda i: registry.compare_models(ids[i : i + 10]), 5.0),
        ("lineage of depth 50", lambda i: registry.get_model_lineage(chain_end), 5.0),
    ]
    with progress("timing", len(cases)) as advance:
        for name, fn, target in cases:
            figures.extend(latency_figures(name, time_calls(fn, runs), target))
            advance(1)
    registry.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000, help="registry size")
    parser.add_argument("--runs", type=int, default=300, help="timed calls per figure")
    args = parser.parse_args()
    source = cached(args.models)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "bench.db"
        shutil.copyfile(source, work)
        figures = measure(work, args.models, args.runs)
    return report(f"registry API on SQLite, {args.models:,} models, {args.runs} runs each", figures)


if __name__ == "__main__":
    raise SystemExit(main())
