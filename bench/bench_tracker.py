"""What ``tracker.saved`` adds to a training step: figures beside targets.

    python bench/bench_tracker.py [--epochs 300] [--db PATH|URL]

A loop of ``--epochs`` steps saves a small safetensors checkpoint per step (written
before the timing: saving weights is the loop's own cost) into a folder rotated to
the last 5, and calls ``tracker.saved``. Figures, each beside its target (exit 1 on a
miss):

* a registering call (``every=1``, with the rotation followed and the best tag moving)
  adds at most 2 ms, median, its p95 within twice the median;
* a call ``every`` skips, and any call on a process that is not rank 0, adds nothing
  measurable (under 10 µs).
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Figure, latency_figures, median, report

from registry_tui import ModelRegistry

REGISTER_MS = 2.0
"""A registering ``saved`` call: at most 2 ms of a training step."""
SKIP_MS = 0.01
"""A call that registers nothing: under 10 µs, nothing measurable beside a step."""
KEEP_LAST = 5


def write_safetensors(path: Path, layers: int = 2, width: int = 256) -> Path:
    """A valid safetensors file of ``layers`` float32 matrices (its data sparse zeros)."""
    size = width * width * 4
    header = {
        f"layer.{i}.weight": {
            "dtype": "F32", "shape": [width, width], "data_offsets": [i * size, (i + 1) * size]
        }
        for i in range(layers)
    }  # fmt: skip
    raw = json.dumps(header).encode()
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)
        handle.truncate(8 + len(raw) + layers * size)
    return path


def checkpoints(folder: Path, epochs: int) -> list[Path]:
    """One small safetensors checkpoint per epoch."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_safetensors(folder / f"epoch{e:05d}.safetensors") for e in range(epochs)]


def timed_loop(registry: ModelRegistry, folder: Path, paths: list[Path], every: int) -> list[float]:
    """Each ``saved`` call's milliseconds, rotating the folder to the last files as it goes."""
    samples = []
    with registry.track(
        f"bench-every-{every}", "language_modeling", config={"lr": 3e-4}, every=every,
        training_run_id=every, keep_files_of=folder,
    ) as tracker:  # fmt: skip
        for epoch, path in enumerate(paths):
            metrics = {"val_loss": 1.0 / (epoch + 1) + (epoch % 3) * 0.01, "train_loss": 0.5}
            start = time.perf_counter()
            tracker.saved(path, metrics, epoch=epoch)
            samples.append((time.perf_counter() - start) * 1000)
            if epoch >= KEEP_LAST:
                paths[epoch - KEEP_LAST].unlink(missing_ok=True)
    return samples


def skipped(registry: ModelRegistry, path: Path, rank: str | None, calls: int) -> list[float]:
    """Milliseconds of calls that register nothing: skipped by ``every``, or not rank 0."""
    saved_rank = os.environ.pop("RANK", None)
    if rank is not None:
        os.environ["RANK"] = rank
    try:
        tracker = registry.track(f"bench-skip-{rank}", "lm", every=calls + 10)
        metrics = {"val_loss": 0.5}
        if rank is None:
            tracker.saved(path, metrics, epoch=0)  # the first call registers; the rest skip
        samples = []
        for epoch in range(1, calls + 1):
            start = time.perf_counter()
            tracker.saved(path, metrics, epoch=epoch)
            samples.append((time.perf_counter() - start) * 1000)
        return samples
    finally:
        os.environ.pop("RANK", None)
        if saved_rank is not None:
            os.environ["RANK"] = saved_rank


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--db", help="a registry URL (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="registry-tui-bench-tracker-") as tmp:
        root = Path(tmp)
        registry = ModelRegistry(args.db or root / "models.db")
        try:
            paths = checkpoints(root / "run", args.epochs)
            registering = timed_loop(registry, root / "run", paths, every=1)[10:]
            spare = checkpoints(root / "spare", 1)[0]
            every = skipped(registry, spare, None, 5000)
            other_rank = skipped(registry, spare, "1", 5000)
        finally:
            registry.close()
    figures = latency_figures(
        f"saved(), registering ({registry.backend})", registering, REGISTER_MS
    )
    figures += [
        Figure("saved(), skipped by every (median)", median(every), SKIP_MS, "ms"),
        Figure("saved(), on rank 1 (median)", median(other_rank), SKIP_MS, "ms"),
    ]
    return report(
        f"tracker.saved over {args.epochs} epochs, keep-last-{KEEP_LAST} rotation", figures
    )


if __name__ == "__main__":
    raise SystemExit(main())
