"""The checks of one registration, before anything is written."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from registry_tui.registration_checks import new_model


def test_new_model_takes_keywords_only() -> None:
    """Every value is named at the call: positional values (two sizes swapped by
    position would type-check) are refused."""
    parameters = inspect.signature(new_model).parameters.values()
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    positional: Any = new_model
    with pytest.raises(TypeError):
        positional("gpt", "1.0.0", "ckpt.pt", "lm")


def test_new_model_is_typed_precisely() -> None:
    """No parameter is typed ``Any``: sizes are floats, ids ints, names text."""
    hints = inspect.get_annotations(new_model, eval_str=True)
    assert Any not in hints.values()
    assert hints["model_size_mb"] == hints["memory_req_gb"] == float | None
    assert hints["training_run_id"] == hints["parent_model_id"] == int | None
    assert hints["name"] is str and hints["verify_checkpoint"] is bool


def test_new_model_reads_each_value_by_its_name(tmp_path: Path) -> None:
    """Each keyword lands in its own field, the checkpoint's size filled from the file."""
    checkpoint = tmp_path / "ckpt.pt"
    checkpoint.write_bytes(b"x" * 1024 * 1024)
    new = new_model(
        name="gpt", version="1.0.0", checkpoint_path=checkpoint, task_type="lm",
        memory_req_gb=4.0, training_run_id=7, parent_model_id=None, tags=["staging"],
    )  # fmt: skip
    assert (new.name, new.version, new.task_type) == ("gpt", "1.0.0", "lm")
    assert (new.model_size_mb, new.memory_req_gb) == (1.0, 4.0)
    assert (new.training_run_id, new.parent_model_id, new.tags) == (7, None, ["staging"])
    assert new.checkpoint_path == str(checkpoint)
