"""Card test helpers: the Hugging Face parser, skipped with a reason when it is missing."""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.fixture
def hub() -> ModuleType:
    """``huggingface_hub`` (the test extra brings it); the test is skipped without it."""
    return pytest.importorskip(
        "huggingface_hub", reason="huggingface_hub not installed: pip install -e '.[test]'"
    )
