"""Shared pieces of the benchmarks: timing, figures with targets, progress bars."""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


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


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Collect once, then freeze existing objects so collections stay short while timing."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def eprint(*args: object) -> None:
    print(*args, file=sys.stderr)
