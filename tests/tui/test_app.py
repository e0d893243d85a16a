"""The app itself: database work that fails unexpectedly."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry, tui
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.history import HistoryScreen
from registry_tui.tui.screens.main import MainScreen
from tests.tui.helpers import notifications, run, settle, table_ids

Seeded = tuple[ModelRegistry, dict[str, int]]


def test_an_unexpected_error_in_a_screens_worker_is_one_line_not_a_crash(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A history load that raises something the registry never raises leaves the app
    running and says, in one notification, which work failed and the kind of error,
    without the error's text (it may quote row data)."""
    registry, _ = seeded

    def boom(*_: Any, **__: Any) -> None:
        raise RuntimeError("row data: secret-checkpoint.pt")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        monkeypatch.setattr(registry.records, "events", boom)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and app.is_running
        shown = [n for n in notifications(app) if "failed unexpectedly" in n]
        assert shown == [
            "Loading the history failed unexpectedly (RuntimeError); ctrl+r tries again"
        ]
        assert not any("secret" in n for n in notifications(app))

    run(registry, scenario)


def test_an_unexpected_error_in_a_main_screen_listing_is_one_line_not_a_crash(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main screen's listing worker raising something unexpected (on ``ctrl+r``)
    leaves the app running with the last listing shown, and names the work in one line."""
    registry, _ = seeded

    def boom(*_: Any, **__: Any) -> None:
        raise RuntimeError("row data: secret-checkpoint.pt")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        shown = table_ids(app)
        monkeypatch.setattr(registry.records, "query", boom)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.is_running and table_ids(app) == shown
        shown_notes = [n for n in notifications(app) if "failed unexpectedly" in n]
        assert shown_notes == [
            "Loading the listing failed unexpectedly (RuntimeError); ctrl+r tries again"
        ]

    run(registry, scenario)


def thread_workers() -> list[tuple[str, ast.Call]]:
    """Every ``@work(thread=True, ...)`` decorator of the app, with its module."""
    found = []
    for path in sorted(Path(tui.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "work":
                keywords = {k.arg: k.value for k in node.keywords}
                thread = keywords.get("thread")
                if isinstance(thread, ast.Constant) and thread.value is True:
                    found.append((path.name, node))
    return found


def test_every_thread_worker_reports_its_failure_instead_of_crashing() -> None:
    """Each thread worker is started with ``exit_on_error=False`` and a description, so an
    unexpected error becomes the one-line notice above rather than a crash."""
    workers = thread_workers()
    assert len(workers) >= 20
    for module, call in workers:
        keywords = {k.arg: k.value for k in call.keywords}
        exit_on_error = keywords.get("exit_on_error")
        description = keywords.get("description")
        assert isinstance(exit_on_error, ast.Constant) and exit_on_error.value is False, module
        assert isinstance(description, ast.Constant) and description.value, module


def test_only_one_test_module_reads_private_names() -> None:
    """The app's tests go through public APIs: a ``_`` attribute of anything but ``self``
    appears only in ``textual_internals.py``, which says why it needs one."""
    here = Path(__file__).parent
    reach_ins = [
        f"{path.name}:{node.lineno} {ast.unparse(node)}"
        for path in sorted(here.glob("*.py"))
        if path.name != "textual_internals.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert reach_ins == []


def test_the_main_screen_is_the_apps_default_screen(seeded: Seeded) -> None:
    """The main screen is the bottom of the stack (no empty screen under it), so leaving
    any other screen comes back to it, and it lists the registry on its own."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert [type(s) for s in app.screen_stack] == [MainScreen]
        assert ids["bert"] in table_ids(app)
        await pilot.press("h")
        await settle(pilot)
        assert len(app.screen_stack) == 2
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen_stack == [app.screen] and isinstance(app.screen, MainScreen)

    run(registry, scenario)
