"""``load`` refuses every value the API refuses, before writing anything."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.ops import BundleError
from registry_tui.records import ModelQuery


@pytest.fixture
def bundle(tmp_path: Path) -> dict[str, Any]:
    """A small, valid bundle: one model with a tag and an export."""
    with ModelRegistry(tmp_path / "source.db") as registry:
        model = registry.register_model(
            "a", "1.0.0", "a.pt", task_type="lm", verify_checkpoint=False,
            metrics={"loss": 0.5}, tags=["staging"],
        )  # fmt: skip
        registry.add_export_format(model, "onnx", "/a.onnx")
        return registry.dump_bundle()


def _set(table: str, column: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        bundle[table][0][column] = value

    return change


REFUSED = {
    "blank name": (_set("models", "name", "  "), "name is empty"),
    "not semantic": (_set("models", "version", "v1"), "version"),
    "text metric": (_set("models", "metrics", {"loss": "n/a"}), "'loss' must be a number"),
    "bool metric": (_set("models", "metrics", {"loss": True}), "'loss' must be a number"),
    "nested metric": (_set("models", "metrics", {"loss": {"a": 1}}), "must be a number"),
    "negative size": (_set("models", "model_size_mb", -1.0), "model_size_mb must be a finite"),
    "bad format": (_set("models", "export_formats", ["a b"]), "Invalid export format"),
    "bad tag": (_set("model_tags", "tag_name", "has space"), "Invalid tag"),
    "bad export format": (_set("model_exports", "export_format", "x/y"), "export format"),
    "blank task": (_set("models", "task_type", ""), "task_type is empty"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_load_refuses_what_the_api_refuses(
    bundle: dict[str, Any], tmp_path: Path, case: str
) -> None:
    """Each value register_model / promote_model / add_export_format would refuse makes
    load fail naming the row, and the target stays empty."""
    change, message = REFUSED[case]
    broken = copy.deepcopy(bundle)
    change(broken)
    with ModelRegistry(tmp_path / "target.db") as target:
        with pytest.raises(BundleError, match="Bad bundle row") as caught:
            target.load(broken)
        assert message in str(caught.value)
        assert target.count_models(ModelQuery(status=None)) == 0
        assert target.events(limit=None) == []
        target.load(bundle)  # the valid bundle still loads
