"""Helpers for the terminal app's tests: a small seeded registry and a Pilot runner."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp, make_app
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.widgets.model_table import PAGE, ModelTable
from tests.tui.textual_internals import screen_lines, toast_messages

Scenario = Callable[[Pilot[None], RegistryApp], Awaitable[None]]


def seed(registry: ModelRegistry) -> dict[str, int]:
    """Five models: a three-deep gpt-small family, a classifier, and a retired one.

    gpt-small 1.0.0 (no tags, has a child) -> 1.1.0 (production) -> 1.2.0 (staging);
    bert-base 1.0.0 (classification, baseline); gpt-old 0.9.0 (retired).
    """
    ids: dict[str, int] = {}
    ids["old"] = registry.register_model(
        "gpt-old", "0.9.0", "ckpt/old.pt", "language_modeling",
        metrics={"val_loss": 0.61, "accuracy": 0.7}, verify_checkpoint=False,
    )  # fmt: skip
    ids["base"] = registry.register_model(
        "gpt-small", "1.0.0", "ckpt/base.pt", "language_modeling",
        metrics={"val_loss": 0.5, "accuracy": 0.8},
        config={"d_model": 768, "lr": 0.001}, verify_checkpoint=False,
    )  # fmt: skip
    ids["v11"] = registry.register_model(
        "gpt-small", "1.1.0", "ckpt/v11.pt", "language_modeling",
        metrics={"val_loss": 0.42, "accuracy": 0.85}, parent_model_id=ids["base"],
        config={"d_model": 768, "lr": 0.0005}, tags=["production"], verify_checkpoint=False,
    )  # fmt: skip
    ids["v12"] = registry.register_model(
        "gpt-small", "1.2.0", "ckpt/v12.pt", "language_modeling",
        metrics={"val_loss": 0.4, "accuracy": 0.86}, parent_model_id=ids["v11"],
        config={"d_model": 1024, "lr": 0.0005}, tags=["staging"], verify_checkpoint=False,
    )  # fmt: skip
    ids["bert"] = registry.register_model(
        "bert-base", "1.0.0", "ckpt/bert.pt", "classification",
        metrics={"val_loss": 0.3, "accuracy": 0.91}, tags=["baseline"],
        verify_checkpoint=False,
    )  # fmt: skip
    registry.retire_model(ids["old"])
    return ids


async def settle(pilot: Pilot[Any], delay: float = 0.0) -> None:
    """Wait until every worker finished and the messages they posted were handled."""
    if delay:
        await pilot.pause(delay)
    app = pilot.app
    for _ in range(100):
        # An exclusive worker replaced by a newer one (say, a live refresh arriving
        # mid-load) ends cancelled: expected; the loop waits for its replacement.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return
    raise AssertionError("workers never settled")


def run(
    registry: ModelRegistry,
    scenario: Scenario,
    *,
    size: tuple[int, int] = (120, 36),
    read_only: bool = False,
    poll_interval: float | None = None,
    notifications: bool = False,
) -> RegistryApp:
    """Run ``scenario`` against the app over ``registry`` in a headless terminal.

    ``notifications`` draws toasts on screen (Textual's test runner hides them by default).
    """
    app = make_app(registry, read_only=read_only, poll_interval=poll_interval)

    async def main() -> None:
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await settle(pilot)
            await scenario(pilot, app)

    asyncio.run(main())
    return app


def main_screen(app: RegistryApp) -> MainScreen:
    """The main screen (at the bottom of the stack)."""
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def table(app: RegistryApp) -> ModelTable:
    """The model table of the main screen."""
    return main_screen(app).query_one(ModelTable)


def pages_held(grid: ModelTable) -> int:
    """How many pages of rows the table holds in memory (each starts at a multiple of PAGE)."""
    return sum(grid.record_at(start) is not None for start in range(0, grid.total, PAGE))


def table_ids(app: RegistryApp) -> list[int]:
    """Model ids of the loaded rows, in table order."""
    t = table(app)
    return [r.model_id for i in range(t.total) if (r := t.record_at(i)) is not None]


def status_text(app: RegistryApp) -> str:
    """The main screen's status line as plain text."""
    static = main_screen(app).query_one("#status-line")
    return str(static.render())


def notifications(app: RegistryApp) -> list[str]:
    """Messages of the toasts shown so far."""
    return toast_messages(app)


def screen_text(app: RegistryApp) -> str:
    """What the terminal shows right now, as plain text lines."""
    return "\n".join(screen_lines(app))
