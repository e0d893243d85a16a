"""The layering contract in ``pyproject.toml`` holds (import-linter, in a subprocess).

The data layer, the maintenance operations, the training loop's pieces and the run sources never
import rich or textual, model cards import neither rich nor textual nor pandas,
renderers never import ``db/``, the faces (``cli/``, ``tui/``) never import
``db/`` themselves, ``ops/`` never imports the registry (no cycle), and
``ops/`` never imports a database driver or peewee: its queries live in ``db/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = {
    "The data layer and the maintenance operations never import rich or textual",
    "Model cards are plain text: they import neither rich nor textual nor pandas",
    "The training loop's pieces never import rich or textual",
    "Renderers never read the database",
    "The faces ask the core, never the data layer",
    "Maintenance operations sit below the registry",
    "Maintenance operations leave the queries to the data layer",
}


def _lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    return found


def test_the_layering_contracts_are_declared() -> None:
    """pyproject.toml declares each contract, so none can go missing unnoticed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {c["name"] for c in config["tool"]["importlinter"]["contracts"]}
    assert declared >= CONTRACTS


def test_the_code_keeps_its_layers() -> None:
    """``lint-imports`` finds every contract kept (its report is shown when one breaks)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [_lint_imports(), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout
