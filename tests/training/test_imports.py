"""The training loop's modules stay light: no textual, rich or pandas, no framework."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("textual", "rich", "pandas", "torch", "transformers", "lightning")


@pytest.mark.parametrize(
    "module",
    [
        "registry_tui.training",
        "registry_tui.integrations.hf",
        "registry_tui.integrations.lightning",
    ],
)
def test_importing_imports_nothing_heavy(module: str) -> None:
    """Importing the module (in a fresh interpreter) loads none of the heavy libraries
    (the hooks import their framework only when it is installed, which CI does not)."""
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
