"""Whole-process CLI latency on a large SQLite registry, each figure beside its target.

    python bench/bench_cli.py                   # 100,000 models (built once, cached)
    python bench/bench_cli.py --models 20000
    python bench/bench_cli.py --path big.db     # build (when missing) and use this file

Each figure is the median wall time of a fresh ``registry-tui`` process, start to
exit, output piped: what a script or a person at a shell waits for. The
registry is the one ``bench_registry.py`` builds (shared cache), made with the
core API in batched transactions. Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Figure, raw_database, report
from bench_registry import build, cached

TARGET_S = 0.15
WARMUP = 2


def command() -> list[str]:
    """The installed console script beside this Python, else ``python -m registry_tui``."""
    script = Path(sys.executable).with_name("registry-tui")
    if script.exists():
        return [str(script)]
    found = shutil.which("registry-tui")
    return [found] if found else [sys.executable, "-m", "registry_tui"]


def registry_at(path: Path | None, models: int) -> Path:
    """The registry to time: ``path`` (built there when missing) or the shared cache."""
    if path is None:
        return cached(models)
    if not path.exists():
        print(f"building {models:,} models at {path} ...", file=sys.stderr)
        partial = path.with_name(path.name + ".partial")
        build(partial, models)
        with raw_database(partial) as db:
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(path)
    return path


def compile_package() -> None:
    """Write the package's bytecode, as an installed package has it.

    An editable install under ``PYTHONDONTWRITEBYTECODE`` would otherwise
    compile every module from source in every timed process.
    """
    import compileall

    import registry_tui

    compileall.compile_dir(Path(registry_tui.__file__).parent, quiet=1)


def time_process(argv: list[str], runs: int, status: int = 0) -> list[float]:
    """Run ``argv`` ``runs`` times (after a warm-up); each run's wall time in seconds.

    Each run must exit with ``status`` (1 for a lookup that finds nothing).
    """
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "REGISTRY_TUI_DB")}
    samples = []
    for index in range(WARMUP + runs):
        start = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, env=env, check=False)
        elapsed = time.perf_counter() - start
        if result.returncode != status:
            error = result.stderr.decode(errors="replace").strip()
            raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}): {error}")
        if index >= WARMUP:
            samples.append(elapsed)
    return samples


def measure(path: Path, models: int, runs: int) -> tuple[list[Figure], float]:
    """The two targeted figures, and the ``--help`` time (for information)."""
    cli = [*command(), "--db", str(path)]
    rng = random.Random(7)
    commands = [
        ("list --limit 50", ["list", "--limit", "50"]),
        ("list --sort -accuracy --limit 50", ["list", "--sort", "-accuracy", "--limit", "50"]),
        ("list --where 'val_loss<0.4'", ["list", "--where", "val_loss<0.4"]),
    ]
    figures = [
        Figure(f"registry-tui {label} (median, whole process)",
               statistics.median(time_process([*cli, *argv], runs)), TARGET_S, "s")
        for label, argv in commands
    ]  # fmt: skip
    get_times = [
        time_process([*cli, "get", "--model-id", str(rng.randint(1, models))], 1)[0]
        for _ in range(runs)
    ]
    figures.append(
        Figure("registry-tui get --model-id N (median, whole process)",
               statistics.median(get_times), TARGET_S, "s")
    )  # fmt: skip
    missing = time_process([*cli, "get", "--model-id", str(models + 1000)], runs, status=1)
    figures.append(
        Figure("registry-tui get --model-id <missing> (median, whole process, exit 1)",
               statistics.median(missing), TARGET_S, "s")
    )  # fmt: skip
    help_times = time_process([*command(), "--help"], runs)
    return figures, statistics.median(help_times)


def main() -> int:
    """Build or find the registry, time the commands, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000, help="registry size")
    parser.add_argument("--runs", type=int, default=15, help="timed processes per figure")
    parser.add_argument("--path", type=Path, help="registry file to use (built when missing)")
    args = parser.parse_args()
    path = registry_at(args.path, args.models)
    compile_package()
    figures, help_time = measure(path, args.models, args.runs)
    status = report(
        f"registry-tui CLI on SQLite, {args.models:,} models, {args.runs} processes each",
        figures,
    )
    print(f"{'registry-tui --help (median, for information)':<76} {help_time:>10.3f} s")
    driver = importlib.util.find_spec("psycopg2") is not None
    print(f"PostgreSQL driver (psycopg2) installed: {'yes' if driver else 'no'}; load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))  # fmt: skip
    return status


if __name__ == "__main__":
    raise SystemExit(main())
