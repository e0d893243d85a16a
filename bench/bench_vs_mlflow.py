"""registry-tui beside MLflow's model registry, in one run, on fresh SQLite files.

    pip install 'registry-tui[bench]'       # MLflow
    python bench/bench_vs_mlflow.py          # 10,000 versions each

Both registries get the same 10,000 versions (200 names x 50 versions, a tag
on every tenth), each through its own public API, in files made for this run.
Then each operation is timed on both, calls alternating, medians compared: registry-tui must be
at least 5x faster on every one. Exit status 1 on any miss.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Figure, eprint, median, progress, report

from registry_tui import ModelRegistry

NAMES = 200
VERSIONS = 50
RATIO = 5.0
Op = Callable[[int], object]


def fill_ours(registry: ModelRegistry) -> None:
    with progress("registry-tui: registering", NAMES * VERSIONS) as advance, registry.transaction():
        for n in range(NAMES):
            for v in range(VERSIONS):
                registry.register_model(
                    name=f"family-{n}",
                    version=f"1.{v}.0",
                    checkpoint_path=f"/ckpt/{n}/{v}.pt",
                    task_type="classification",
                    metrics={"val_loss": 1 / (v + 1)},
                    tags=[f"t{n % 10}"] if v % 10 == 0 else [],
                    verify_checkpoint=False,
                )
            advance(VERSIONS)
    registry.promote_model(1, "production")


def fill_mlflow(client: Any) -> None:
    with progress("MLflow: registering", NAMES * VERSIONS) as advance:
        for n in range(NAMES):
            client.create_registered_model(f"family-{n}")
            for v in range(VERSIONS):
                tags = {f"t{n % 10}": "1"} if v % 10 == 0 else None
                client.create_model_version(f"family-{n}", f"/ckpt/{n}/{v}.pt", tags=tags)
            advance(VERSIONS)
    client.set_registered_model_alias("family-0", "production", "1")


def ours_ops(registry: ModelRegistry) -> dict[str, Op]:
    counter = iter(range(10**9))
    return {
        "register a version": lambda i: registry.register_model(
            name="family-new", version=f"2.{next(counter)}.0", checkpoint_path="/c.pt",
            task_type="classification", verify_checkpoint=False,
        ),
        "get by name + version": lambda i: registry.get_model(
            name=f"family-{i % NAMES}", version=f"1.{i % VERSIONS}.0"
        ),
        "get by alias / tag": lambda i: registry.get_model(tag="production"),
        "move alias / exclusive promote": lambda i: registry.promote_model(
            1 + (i % 50), "production"
        ),
        "search by name, 50": lambda i: registry.list_models(
            name=f"family-{i % NAMES}", limit=50
        ),
        "search by tag, 50": lambda i: registry.list_models(tag=f"t{i % 10}", limit=50),
    }  # fmt: skip


def mlflow_ops(client: Any) -> dict[str, Op]:
    client.create_registered_model("family-new")
    return {
        "register a version": lambda i: client.create_model_version("family-new", "/c.pt"),
        "get by name + version": lambda i: client.get_model_version(
            f"family-{i % NAMES}", str(1 + i % VERSIONS)
        ),
        "get by alias / tag": lambda i: client.get_model_version_by_alias(
            "family-0", "production"
        ),
        "move alias / exclusive promote": lambda i: client.set_registered_model_alias(
            "family-0", "production", str(1 + i % 50)
        ),
        "search by name, 50": lambda i: client.search_model_versions(
            f"name = 'family-{i % NAMES}'", max_results=50
        ),
        "search by tag, 50": lambda i: client.search_model_versions(
            f"tags.t{i % 10} = '1'", max_results=50
        ),
    }  # fmt: skip


def side_by_side(mine: Op, theirs: Op, runs: int, warmup: int = 5) -> tuple[float, float]:
    """Median milliseconds of each operation, their calls taken in turn.

    Alternating the calls (rather than timing one then the other) gives both the
    same share of whatever else the machine is doing, so the ratio holds under load.
    """
    samples: tuple[list[float], list[float]] = ([], [])
    for i in range(warmup):
        mine(i)
        theirs(i)
    for i in range(warmup, warmup + runs):
        for op, kept in ((mine, samples[0]), (theirs, samples[1])):
            start = time.perf_counter()
            op(i)
            kept.append((time.perf_counter() - start) * 1000)
    return median(samples[0]), median(samples[1])


def mlflow_client(directory: Path) -> Any:
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore")
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{directory / 'mlflow.db'}"
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="timed calls per operation")
    args = parser.parse_args()
    try:
        client_factory = mlflow_client
        import mlflow  # noqa: F401
    except ImportError:
        eprint("MLflow is not installed: pip install 'registry-tui[bench]'")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        client = client_factory(directory)
        registry = ModelRegistry(directory / "models.db", actor="bench@host")
        fill_ours(registry)
        fill_mlflow(client)
        ours, theirs = ours_ops(registry), mlflow_ops(client)
        # The objects both fills left (MLflow's ORM sessions, our DataFrames) are
        # frozen out of the collector: otherwise a collection that happens to run
        # in one side's call scans the other side's heap, and the ratios measure
        # who triggered it.
        gc.collect()
        gc.freeze()
        figures: list[Figure] = []
        for name in ours:
            mine, other = side_by_side(ours[name], theirs[name], args.runs)
            print(f"{name:<34} registry-tui {mine:8.3f} ms   MLflow {other:8.3f} ms")
            figures.append(Figure(f"{name}: times faster than MLflow", other / mine, RATIO, "x",
                                  higher_is_better=True))  # fmt: skip
        registry.close()
    title = f"registry-tui vs MLflow, {NAMES * VERSIONS:,} versions each, {args.runs} runs"
    return report(title, figures)


if __name__ == "__main__":
    raise SystemExit(main())
