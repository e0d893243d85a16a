"""The terminal app on a large registry, each figure beside its target.

    python bench/bench_tui.py                   # 100,000 models (built once, cached)
    python bench/bench_tui.py --models 20000

The app runs headless under Pilot in a child process (so its memory and start-up
are its own) on the registry ``bench_registry.py`` builds and caches (the core
API, batched transactions, a progress bar on a terminal). Figures:

* first screen: wall time from starting the child process (interpreter, imports,
  opening the registry, mounting) until the first page of the table is painted;
* filter keystroke: from a key press in the filter bar until the table shows the
  new listing (debounce included), for each key of a typed filter;
* end of the listing: ``G`` until the last row is loaded and shown; ``pagedown``
  likewise, page after page ("instant": within 100 ms, below what people notice);
* memory: the child's peak resident set size after all of the above.

Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Figure, median, p95, report
from bench_registry import cached

STARTED = time.perf_counter()
FIRST_PAINT_S = 1.0
KEYSTROKE_MS = 100.0
END_MS = 100.0
PAGE_MS = 100.0
MEMORY_MB = 300.0
TYPED = "family-12 val_loss<0.5"
SIZE = (120, 36)


# --------------------------------------------------------------------------- child


def child(path: str, started: float) -> None:
    """Run the app on ``path``, print PAINTED at first paint, then one JSON line of samples."""
    import asyncio
    import resource

    from registry_tui import ModelRegistry
    from registry_tui.tui.app import make_app
    from registry_tui.tui.screens.main import MainScreen
    from registry_tui.tui.widgets.model_table import ModelTable

    registry = ModelRegistry(path, read_only=True)
    app = make_app(registry)
    samples: dict[str, list[float]] = {"keystroke_ms": [], "page_ms": []}

    async def until(condition: object, limit: float = 10.0) -> None:
        deadline = time.perf_counter() + limit
        while not condition():  # type: ignore[operator]
            if time.perf_counter() > deadline:
                raise TimeoutError("the app did not respond in time")
            await asyncio.sleep(0.002)

    async def painted() -> None:
        done = asyncio.get_running_loop().create_future()
        app.call_after_refresh(lambda: done.done() or done.set_result(None))
        await done

    async def key_to_paint(key: str, ready: object) -> float:
        """Milliseconds from a key reaching the app until ``ready()`` holds and is painted."""
        start = time.perf_counter()
        send_key(app, key)
        await until(ready)
        await painted()
        return (time.perf_counter() - start) * 1000

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            table = screen.query_one(ModelTable)
            await until(lambda: table.total > 0 and table.record_at(0) is not None)
            await painted()
            samples["child_first_paint_s"] = [time.perf_counter() - started]
            print("PAINTED", flush=True)
            await pilot.pause(1.0)  # let the sidebar counts and the first poll finish
            await pilot.press("slash")
            for end in range(1, len(TYPED) + 1):
                reloads = changes_listing(TYPED[: end - 1], TYPED[:end])
                before = screen.generation

                def shown(before: int = before, reloads: bool = reloads) -> bool:
                    if not reloads:  # a bad token (shown in the bar) or a no-op blank
                        return True
                    return screen.generation > before and table.generation == screen.generation

                elapsed = await key_to_paint(TYPED[end - 1], shown)
                if reloads:
                    samples["keystroke_ms"].append(elapsed)
                await pilot.pause(0.1)
            await pilot.press("escape")
            await until(lambda: not screen.filter_bar.text and table.total > 50_000)
            await pilot.pause(0.3)
            last = lambda: table.current is not None and table.cursor == table.total - 1  # noqa: E731
            samples["end_ms"] = [await key_to_paint("G", last)]
            await pilot.press("g")
            await until(lambda: table.cursor == 0 and table.current is not None)
            for _ in range(40):
                cursor = table.cursor

                def moved(cursor: int = cursor) -> bool:
                    return table.cursor > cursor and table.current is not None

                samples["page_ms"].append(await key_to_paint("pagedown", moved))
                await pilot.pause(0.05)
        rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        samples["memory_mb"] = [rss_kb / 1024]

    asyncio.run(main())
    print(json.dumps(samples), flush=True)


def send_key(app: object, key: str) -> None:
    """Deliver one key press to the app as a terminal would, without waiting for it."""
    from textual import events
    from textual.keys import _character_to_key

    name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
    char = key if len(key) == 1 else None
    event = events.Key(name, char)
    event.set_sender(app)  # type: ignore[arg-type]
    app._driver.send_message(event)  # type: ignore[attr-defined]


def changes_listing(before: str, after: str) -> bool:
    """True when typing turned filter ``before`` into a different, valid query."""
    from registry_tui.errors import ValidationError
    from registry_tui.query import parse_filter

    try:
        return parse_filter(after) != parse_filter(before)
    except ValidationError:
        return False


# --------------------------------------------------------------------------- parent


def run_child(path: Path) -> tuple[float, dict[str, list[float]]]:
    """Start the child; return (seconds until it painted, its samples)."""
    argv = [sys.executable, __file__, "--child", str(path)]
    start = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        painted = time.perf_counter() - start
        if first.strip() != "PAINTED":
            raise SystemExit(f"the app did not start: {first!r}")
        samples: dict[str, list[float]] = json.loads(proc.stdout.readline())
        if proc.wait() != 0:
            raise SystemExit("the app failed while measuring")
    return painted, samples


def figures(runs: list[tuple[float, dict[str, list[float]]]]) -> list[Figure]:
    """Figures from several child runs."""
    keys = [v for _, s in runs for v in s["keystroke_ms"]]
    pages = [v for _, s in runs for v in s["page_ms"]]
    return [
        Figure("first screen painted, from process start (median)",
               median([p for p, _ in runs]), FIRST_PAINT_S, "s"),
        Figure("filter keystroke -> table updated (median)", median(keys), KEYSTROKE_MS, "ms"),
        Figure("filter keystroke -> table updated (p95)", p95(keys), KEYSTROKE_MS, "ms"),
        Figure("G: last row of the listing shown (median)",
               median([s["end_ms"][0] for _, s in runs]), END_MS, "ms"),
        Figure("pagedown: next page shown (p95)", p95(pages), PAGE_MS, "ms"),
        Figure("peak memory of the app process (max)",
               max(s["memory_mb"][0] for _, s in runs), MEMORY_MB, "MB"),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000, help="registry size")
    parser.add_argument("--runs", type=int, default=3, help="app starts to measure")
    parser.add_argument("--child", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, STARTED)
        return 0
    path = cached(args.models)
    runs = [run_child(path) for _ in range(args.runs)]
    title = f"registry-tui terminal app, {args.models:,} models, {SIZE[0]}x{SIZE[1]}"
    return report(title, figures(runs))


if __name__ == "__main__":
    sys.exit(main())
