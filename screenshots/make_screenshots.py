"""Make the README's screenshots of the terminal app from the demo registry.

    python screenshots/make_screenshots.py            # SVG and PNG into screenshots/

Each screen is shot at 80x24 and 120x36 from a fresh demo registry (seed 0,
so the pictures only change when the app does). SVGs come from Textual
(``App.export_screenshot``); PNGs are rendered from them with ``rsvg-convert``
(Debian/Ubuntu: ``apt-get install librsvg2-bin``) and skipped when it is missing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.screen import Screen

from registry_tui import ModelRegistry
from registry_tui.demo import build_demo
from registry_tui.tui.app import make_app
from registry_tui.tui.screens.compare import CompareScreen

HERE = Path(__file__).resolve().parent
SIZES = ((80, 24), (120, 36))
SHOTS: dict[str, tuple[str, ...]] = {
    "main": (),
    "detail": ("enter",),
    "lineage": ("l",),
    "comparison": ("space", "space", "c"),
    "promote": ("p", *"production"),
    "help": ("question_mark",),
    "history": ("h",),
}
SEVEN = [10, 12, 15, 17, 21, 8, 3]
"""Seven models of the demo's gpt-small family (seed 0)."""
OPENED: dict[str, tuple[Callable[[ModelRegistry], Screen[Any]], tuple[int, int]]] = {
    "comparison-7-models": (lambda registry: CompareScreen(registry, SEVEN), (120, 36)),
}
"""Shots of a screen opened directly (not by keys), at one size."""
PNG_CELL_PX = 12


async def shoot(
    registry: ModelRegistry,
    keys: tuple[str, ...],
    size: tuple[int, int],
    opened: Callable[[ModelRegistry], Screen[Any]] | None = None,
) -> str:
    """The SVG of the app after ``keys`` (or with ``opened`` pushed), once every query finished."""
    app = make_app(registry, poll_interval=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if opened is not None:
            app.push_screen(opened(registry))
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        for widget in app.screen.query("Input"):
            widget.cursor_blink = False  # type: ignore[attr-defined]
        await pilot.pause()
        return app.export_screenshot(title="registry-tui")


async def settle(pilot: object) -> None:
    """Wait until no worker runs and their messages are handled."""
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        if not any(w.is_running for w in app.workers):
            return


def to_png(svg: Path, width: int) -> bool:
    """Render ``svg`` next to itself as PNG; False when rsvg-convert is missing."""
    tool = shutil.which("rsvg-convert")
    if tool is None:
        return False
    # rsvg drops leading non-breaking spaces unless told to preserve whitespace.
    text = svg.read_text().replace("<svg ", '<svg xml:space="preserve" ', 1)
    with tempfile.NamedTemporaryFile("w", suffix=".svg", delete=False) as tmp:
        tmp.write(text)
    try:
        png = svg.with_suffix(".png")
        subprocess.run([tool, "-w", str(width), tmp.name, "-o", str(png)], check=True)
    finally:
        os.unlink(tmp.name)
    return True


def save(stem: str, svg_text: str, width: int) -> bool:
    """Write ``screenshots/<stem>.svg`` and its PNG; False when the PNG could not be made."""
    svg = HERE / f"{stem}.svg"
    svg.write_text(svg_text)
    print(svg.relative_to(HERE.parent))
    return to_png(svg, width * PNG_CELL_PX)


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir:
        os.chdir(workdir)  # the status line shows the path as given: keep it short
        build_demo("demo.db", seed=0)
        pngs = True
        for name, keys in SHOTS.items():
            for width, height in SIZES:
                with ModelRegistry("demo.db", actor="demo@registry") as registry:
                    svg_text = asyncio.run(shoot(registry, keys, (width, height)))
                pngs = save(f"{name}-{width}x{height}", svg_text, width) and pngs
        for name, (opened, (width, height)) in OPENED.items():
            with ModelRegistry("demo.db", actor="demo@registry") as registry:
                svg_text = asyncio.run(shoot(registry, (), (width, height), opened))
            pngs = save(f"{name}-{width}x{height}", svg_text, width) and pngs
    if not pngs:
        print(
            "rsvg-convert not found: PNGs not made (apt-get install librsvg2-bin)", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
