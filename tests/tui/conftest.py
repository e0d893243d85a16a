"""Fixtures for the terminal app: a seeded SQLite registry and the demo registry."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.demo import build_demo
from tests.tui.helpers import seed


@pytest.fixture
def seeded(sqlite_registry: ModelRegistry) -> tuple[ModelRegistry, dict[str, int]]:
    """The small seeded registry (see ``helpers.seed``) and its model ids by nickname."""
    return sqlite_registry, seed(sqlite_registry)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo registry (seed 0), built once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(str(path), seed=0)
    return path


@pytest.fixture
def demo(
    demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModelRegistry]:
    """A private copy of the demo registry, opened as ``demo.db`` from the working directory.

    The relative path keeps the location shown in the status line the same on every run.
    """
    shutil.copy(demo_file, tmp_path / "demo.db")
    monkeypatch.chdir(tmp_path)
    registry = ModelRegistry("demo.db", actor="tester@host")
    yield registry
    registry.close()
