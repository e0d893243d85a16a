"""The recorded form of an inspected checkpoint, and the comparison ``check`` reports."""

from __future__ import annotations

import json

from registry_tui.checkpoints.facts import changes, recorded
from registry_tui.checkpoints.record import CheckpointInfo, TensorInfo, info_from


def _info(*shapes: tuple[int, ...], dtype: str = "F32") -> CheckpointInfo:
    tensors = [
        TensorInfo(f"t{i}", dtype, shape, 4 * (shape[0] * shape[1]))
        for i, shape in enumerate(shapes)
    ]
    return info_from("m.safetensors", "safetensors", 1000, tensors, architecture={"layers": (2,)})


def test_recorded_holds_the_counts_and_only_the_optional_facts_found() -> None:
    """The always-present facts are there; empty optional ones are left out; it is JSON."""
    facts = recorded(_info((4, 4), (2, 3)))
    assert facts["parameters"] == 22
    assert facts["weights_bytes"] == 88
    assert facts["parameters_by_dtype"] == {"F32": 22}
    assert facts["architecture"] == {"layers": [2]}
    assert "optimizer_bytes" not in facts and "warnings" not in facts and "epoch" not in facts
    assert json.loads(json.dumps(facts)) == facts


def test_changes_names_each_fact_that_moved() -> None:
    """Same file: no changes. Another tensor: parameters, bytes, count and dtypes reported."""
    before = recorded(_info((4, 4)))
    assert changes(before, _info((4, 4))) == []
    found = changes(before, _info((4, 4), (1000, 1)))
    assert found[0] == "weights_bytes 64 -> 4,064"
    assert "parameters 16 -> 1,016" in found
    assert "tensor_count 1 -> 2" in found


def test_changes_ignores_facts_never_recorded() -> None:
    """A registration recorded without parameters is not reported for them."""
    assert changes({"format": "safetensors"}, _info((9, 9))) == []
    assert changes({"format": "gguf"}, _info((9, 9))) == ["format gguf -> safetensors"]
