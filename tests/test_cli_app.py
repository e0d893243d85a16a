"""``tui`` and a bare ``registry-tui``: what is opened, refused or created.

The app itself is replaced by a recorder (these tests are about the command line),
and stdout is made to look like a terminal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import common, main
from tests.test_read_only import fingerprint

Opened = list[tuple[ModelRegistry, bool]]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Opened:
    """Registries the app would have run on (with the read_only flag), in an empty cwd."""
    calls: Opened = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REGISTRY_TUI_DB", raising=False)
    monkeypatch.setattr(common.Output, "is_terminal", lambda self: True)

    def fake_run_app(registry: ModelRegistry, read_only: bool = False) -> None:
        calls.append((registry, read_only))

    monkeypatch.setattr("registry_tui.tui.app.run_app", fake_run_app)
    return calls


@pytest.mark.parametrize("argv", [[], ["tui"], ["tui", "--read-only", "--db", "nope.db"]])
def test_a_missing_registry_is_refused_and_nothing_is_created(
    argv: list[str], opened: Opened, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line saying how to create a registry (--create, the demo); exit 1; no file."""
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--create" in err and "registry-tui demo" in err
    assert list(tmp_path.iterdir()) == [] and opened == []


def test_create_makes_the_registry_and_opens_the_app(opened: Opened, tmp_path: Path) -> None:
    """tui --create on a missing path creates it and runs the app on it."""
    assert main(["tui", "--create", "--db", "new.db"]) == 0
    assert (tmp_path / "new.db").exists() and len(opened) == 1


def test_create_and_read_only_exclude_each_other(
    opened: Opened, capsys: pytest.CaptureFixture[str]
) -> None:
    """A usage error (exit 2), nothing opened."""
    assert main(["tui", "--create", "--read-only"]) == 2
    assert "exclude" in capsys.readouterr().err and opened == []


def test_read_only_app_opens_the_registry_read_only(opened: Opened, tmp_path: Path) -> None:
    """The app receives a read-only registry, and the folder is unchanged afterwards."""
    with ModelRegistry(tmp_path / "models.db") as registry:
        registry.register_model("m", "1.0.0", "c.pt", "lm", verify_checkpoint=False)
    before = fingerprint(tmp_path)
    assert main(["tui", "--read-only"]) == 0
    (registry, read_only), *_ = opened
    assert registry.read_only and read_only
    assert fingerprint(tmp_path) == before


def test_a_crash_in_the_app_is_one_line_and_exit_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unexpected error inside the running app: one line on stderr, no row data, exit 1."""
    from textual.app import App

    from registry_tui.tui.app import RegistryApp
    from registry_tui.tui.screens.main import MainScreen

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REGISTRY_TUI_DEBUG", raising=False)
    monkeypatch.setattr(common.Output, "is_terminal", lambda self: True)
    monkeypatch.setattr(RegistryApp, "run", lambda self: App.run(self, headless=True))

    def boom(self: MainScreen) -> None:
        raise AttributeError("row data: secret-checkpoint.pt")

    monkeypatch.setattr(MainScreen, "on_mount", boom)
    with ModelRegistry(tmp_path / "models.db") as registry:
        registry.register_model("m", "1.0.0", "c.pt", "lm", verify_checkpoint=False)
    assert main(["tui"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "AttributeError" in err and "REGISTRY_TUI_DEBUG" in err
    assert "secret-checkpoint" not in err
