"""Registry API latency on a large SQLite registry, each figure beside its target.

    python bench/bench_registry.py              # 100,000 models (built once, cached)
    python bench/bench_registry.py --models 20000

The registry is built with 5 metrics per model, 20 tags in use and a 50-deep
fine-tune chain, cached under the system temp dir, and copied before timing so
every run measures the same data. Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    TAGS,
    TASKS,
    Figure,
    build_sqlite,
    cached_sqlite,
    latency_figures,
    metrics_for,
    progress,
    report,
    time_calls,
)

from registry_tui import ModelRegistry
from registry_tui.records import ModelQuery


def build(path: Path, models: int) -> None:
    """Build the bench registry at ``path`` (bulk inserts, see ``_common.build_sqlite``)."""
    build_sqlite(path, models)


def cached(models: int) -> Path:
    """Path of the cached registry of this size, built when missing."""
    return cached_sqlite(models)


def _checkpoints(folder: Path) -> list[str]:
    """A 7B-parameter checkpoint as ``save_pretrained`` shards it: four safetensors files
    (sparse: headers and holes), the shard index and a Llama-like ``config.json``."""
    layers, hidden, shards = 32, 4096, 4
    weight_map: dict[str, str] = {}
    for shard in range(shards):
        name = f"model-{shard + 1:05d}-of-{shards:05d}.safetensors"
        header: dict[str, object] = {}
        offset = 0
        for layer in range(shard * layers // shards, (shard + 1) * layers // shards):
            for part, shape in (("q", (hidden, hidden)), ("k", (1024, hidden)),
                                ("v", (1024, hidden)), ("o", (hidden, hidden)),
                                ("up", (14336, hidden)), ("gate", (14336, hidden)),
                                ("down", (hidden, 14336))):  # fmt: skip
                size = shape[0] * shape[1] * 2
                key = f"model.layers.{layer}.{part}.weight"
                header[key] = {"dtype": "BF16", "shape": list(shape),
                               "data_offsets": [offset, offset + size]}  # fmt: skip
                weight_map[key] = name
                offset += size
        raw = json.dumps(header).encode()
        with open(folder / name, "wb") as handle:
            handle.write(struct.pack("<Q", len(raw)) + raw)
            handle.truncate(8 + len(raw) + offset)
    index = {"metadata": {}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    config = {"num_hidden_layers": layers, "hidden_size": hidden, "num_attention_heads": 32,
              "num_key_value_heads": 8, "max_position_embeddings": 8192}  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config))
    return [str(folder)]


def measure(path: Path, models: int, runs: int) -> list[Figure]:
    """Time every operation the targets name."""
    figures: list[Figure] = []
    opens = time_calls(lambda i: ModelRegistry(path).close(), runs=30, warmup=3)
    figures.append(Figure("open the registry (median)", sorted(opens)[len(opens) // 2], 50, "ms"))
    registry = ModelRegistry(path, actor="bench@host")
    rng = random.Random(99)
    candidates = (rng.randrange(51, models) for _ in range(10 * (runs + 50)))
    ids = [i for i in candidates if _active(registry, i)][: runs + 50]  # promotable ones
    names = [registry.records.find(model_id=i) for i in ids[:200]]
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

    checkpoints = _checkpoints(Path(tempfile.mkdtemp(prefix="registry-tui-bench-")))

    def register_inspected(i: int) -> None:
        registry.register_model(
            f"bench-new-{time.time_ns()}",
            "1.0.0",
            checkpoints[i % len(checkpoints)],
            "language_modeling",
            metrics=metrics_for(rng),
        )

    cases = [
        ("register_model", register, 1.0),
        # Inspection's own target is 100 ms for a 10 GB file (bench_inspect.py); a
        # registration that reads four shard headers and config.json stays within 10.
        ("register_model, inspecting a 7B checkpoint (4 shards)", register_inspected, 10.0),
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
        ("compare_models of 10", lambda i: registry.compare_models(ids[i : i + 10]), 2.0),
        ("lineage of depth 50", lambda i: registry.get_model_lineage(chain_end), 5.0),
    ]
    with progress("timing", len(cases)) as advance:
        for name, fn, target in cases:
            figures.extend(latency_figures(name, time_calls(fn, runs), target))
            advance(1)
    figures.append(frame_overhead(registry, runs))
    registry.close()
    return figures


def _active(registry: ModelRegistry, model_id: int) -> bool:
    record = registry.records.find(model_id=model_id)
    return record is not None and record.status == "active"


def frame_overhead(registry: ModelRegistry, runs: int) -> Figure:
    """``list_models(limit=50)`` minus the same query returning records, medians of
    calls taken in turn (so both see the same machine load)."""
    query = ModelQuery(status="active")
    frames: list[float] = []
    records: list[float] = []
    for i in range(runs + 20):
        for samples, call in (
            (frames, lambda: registry.list_models(limit=50)),
            (records, lambda: registry.records.query(query, 0, 50)),
        ):
            start = time.perf_counter()
            call()
            if i >= 20:
                samples.append((time.perf_counter() - start) * 1000)
    overhead = statistics.median(frames) - statistics.median(records)
    return Figure("list_models(limit=50) over records.query: the DataFrame (median)",
                  overhead, 1.0, "ms")  # fmt: skip


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
