"""ONNX: initializers read without loading external data; without the package, a warning."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import CheckpointFormatError
from registry_tui.checkpoints.onnx import MISSING


def _model(folder: Path) -> Path:
    onnx = pytest.importorskip("onnx", reason="onnx is not installed (pip install onnx)")
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.zeros((32, 16), np.float32), "fc.weight")
    bias = numpy_helper.from_array(np.zeros(32, np.float16), "fc.bias")
    node = helper.make_node("Gemm", ["x", "fc.weight", "fc.bias"], ["y"], transB=1)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32])],
        [weight, bias],
    )
    model = helper.make_model(graph, producer_name="tests")
    path = folder / "model.onnx"
    onnx.save_model(
        model, str(path), save_as_external_data=True, location="weights.bin", size_threshold=0
    )
    return path


def test_initializers_with_external_data(tmp_path: Path) -> None:
    """Names, dtypes, shapes and bytes of the initializers; the external file is sized,
    never loaded."""
    path = _model(tmp_path)
    info = inspect_checkpoint(path)
    assert info.format == "onnx"
    assert info.parameters == 512 + 32
    assert info.parameters_by_dtype == {"FLOAT": 512, "FLOAT16": 32}
    assert info.weights_bytes == 2048 + 64
    assert info.files == ("model.onnx", "weights.bin")
    assert info.file_bytes == path.stat().st_size + (tmp_path / "weights.bin").stat().st_size
    assert info.metadata["producer_name"] == "tests"
    assert info.warnings == ()


def test_a_missing_external_data_file_is_a_warning(tmp_path: Path) -> None:
    """The initializers are still listed when their data file is gone."""
    path = _model(tmp_path)
    (tmp_path / "weights.bin").unlink()
    info = inspect_checkpoint(path)
    assert info.parameters == 544
    assert info.warnings == ("external data file 'weights.bin' is missing",)


def test_a_corrupt_onnx_file_is_refused(tmp_path: Path) -> None:
    """Bytes that are not an ONNX protobuf give one line."""
    pytest.importorskip("onnx", reason="onnx is not installed (pip install onnx)")
    path = tmp_path / "bad.onnx"
    path.write_bytes(b"\xff" * 64)
    with pytest.raises(CheckpointFormatError, match="not a readable ONNX model"):
        inspect_checkpoint(path)


def test_without_the_onnx_package_a_warning_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With onnx not importable the file's size is reported and the warning says why."""
    path = tmp_path / "m.onnx"
    path.write_bytes(b"\x08\x07")
    real_import = builtins.__import__

    def no_onnx(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "onnx" or name.startswith("onnx."):
            raise ImportError("No module named 'onnx'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnx)
    info = inspect_checkpoint(path)
    assert info.format == "onnx"
    assert info.file_bytes == 2
    assert info.warnings == (MISSING,)
