"""Export bundles: a directory of artifacts registered as one model with its exports,
all or nothing, through the API and the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from registry_tui.training.export_bundle import SCRIPTED, artifact_format
from tests.checkpoints.builders import state_dict, write_torch_zip

CONFIG = {"num_classes": 10, "image_size": 224}
# a TorchScript archive's pickle names the module's own class (__torch__.Model)
SCRIPTED_PICKLE = b"\x80\x02c__torch__\nModel\nq\x00)\x81q\x01."


def write_onnx(path: Path) -> None:
    """A small ONNX model with one 8x4 initializer, its data inside the file."""
    onnx = pytest.importorskip("onnx", reason="onnx is not installed (pip install onnx)")
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.zeros((8, 4), np.float32), "fc.weight")
    node = helper.make_node("MatMul", ["x", "fc.weight"], ["y"])
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        [weight],
    )
    onnx.save_model(helper.make_model(graph, producer_name="tests"), str(path))


def write_bundle(root: Path) -> Path:
    """The guide's bundle: artifacts/ (PyTorch, ONNX, TorchScript), config.json,
    metadata.json, and files that are not artifacts (README, inference script)."""
    artifacts = root / "artifacts"
    artifacts.mkdir(parents=True)
    tensors, storages = state_dict({"fc.weight": ("FloatStorage", 4, (4, 8))})
    write_torch_zip(artifacts / "model.pytorch.pt", {"model_state_dict": tensors}, storages)
    write_onnx(artifacts / "model.onnx")
    write_torch_zip(artifacts / "model.torchscript.pt", None, pickled=SCRIPTED_PICKLE)
    (root / "config.json").write_text(json.dumps(CONFIG))
    metadata = {"exported_at": "2026-01-01", "artifacts": ["model.pytorch.pt", "model.onnx"]}
    (root / "metadata.json").write_text(json.dumps(metadata))
    (root / "README.md").write_text("# model\n")
    (root / "inference.py").write_text("print('hi')\n")
    return root


def test_a_bundle_is_one_model_with_every_export(registry: ModelRegistry, tmp_path: Path) -> None:
    """The PyTorch weights are the checkpoint; each artifact is an export with its format,
    path, size and inspected facts; config.json is the config, metadata.json kept."""
    root = write_bundle(tmp_path / "export")
    model_id = registry.register_bundle(
        root, "production-model", "2.0.0", "vision_classification", metrics={"accuracy": 0.93}
    )
    model = registry.get_model(model_id=model_id)
    assert model is not None
    assert model["checkpoint_path"] == str(root / "artifacts" / "model.pytorch.pt")
    assert model["export_formats"] == ["pytorch", "onnx", "torchscript"]
    assert model["metrics"] == {"accuracy": 0.93}
    assert registry.get_config(model_id) == CONFIG
    assert model["metadata"]["bundle"]["directory"] == str(root)
    assert model["metadata"]["bundle"]["metadata"]["exported_at"] == "2026-01-01"
    exports = {e["export_format"]: e for e in model["exports"]}
    assert set(exports) == {"pytorch", "onnx", "torchscript"}
    onnx = exports["onnx"]
    assert onnx["export_path"] == str(root / "artifacts" / "model.onnx")
    assert onnx["metadata"]["size_bytes"] == (root / "artifacts" / "model.onnx").stat().st_size
    assert onnx["metadata"]["checkpoint"]["parameters"] == 32
    assert exports["pytorch"]["metadata"]["checkpoint"]["parameters"] == 32
    assert exports["torchscript"]["metadata"]["checkpoint"]["warnings"] == [SCRIPTED]


def _refused(registry: ModelRegistry, root: Path, match: str, kind: type[Exception]) -> None:
    with pytest.raises(kind, match=match):
        registry.register_bundle(root, "m", "1.0.0", "cls")
    assert registry.count_models(status=None) == 0 and registry.events(limit=None) == []


def test_an_artifact_the_metadata_lists_but_is_missing_refuses_the_bundle(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """metadata.json lists model.onnx; without it nothing is written and the error names it."""
    root = write_bundle(tmp_path / "export")
    (root / "artifacts" / "model.onnx").unlink()
    _refused(registry, root, "model.onnx", FileNotFoundError)


def test_a_dangling_link_refuses_the_bundle(registry: ModelRegistry, tmp_path: Path) -> None:
    """An artifact that is a link to nothing is missing: refused, named."""
    root = write_bundle(tmp_path / "export")
    (root / "artifacts" / "model.tflite").symlink_to(tmp_path / "gone.tflite")
    _refused(registry, root, "model.tflite", FileNotFoundError)


def test_an_unreadable_artifact_refuses_the_bundle(registry: ModelRegistry, tmp_path: Path) -> None:
    """A truncated ONNX file refuses the whole bundle with a line naming it."""
    root = write_bundle(tmp_path / "export")
    (root / "artifacts" / "model.onnx").write_bytes(b"\xff" * 64)
    _refused(registry, root, r"cannot be read: .*model\.onnx", ValueError)


def test_a_failure_while_writing_the_exports_leaves_nothing(
    registry: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When recording the second export fails, the model and the first export roll back."""
    root = write_bundle(tmp_path / "export")
    original, calls = registry.add_export_format, []

    def failing(*args: Any, **kwargs: Any) -> int:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(registry, "add_export_format", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        registry.register_bundle(root, "m", "1.0.0", "cls")
    assert registry.count_models(status=None) == 0


def test_a_directory_without_artifacts_or_missing_is_refused(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """No artifacts, or no directory at all: one clear error each."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "config.json").write_text("{}")
    _refused(registry, tmp_path / "empty", "holds no model artifacts", ValueError)
    _refused(registry, tmp_path / "nowhere", "nowhere", FileNotFoundError)


def test_onnx_external_data_belongs_to_its_model(registry: ModelRegistry, tmp_path: Path) -> None:
    """An ONNX model's external data file (weights.bin) is not taken for a PyTorch export."""
    onnx = pytest.importorskip("onnx", reason="onnx is not installed (pip install onnx)")
    root = tmp_path / "export"
    root.mkdir()
    write_onnx(root / "model.onnx")
    model = onnx.load(str(root / "model.onnx"))
    onnx.save_model(
        model, str(root / "model.onnx"), save_as_external_data=True, location="weights.bin",
        size_threshold=0,
    )  # fmt: skip
    model_id = registry.register_bundle(root, "m", "1.0.0", "cls")
    assert registry.get_model(model_id=model_id)["export_formats"] == ["onnx"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("model.pytorch.pt", "pytorch"),
        ("model.torchscript.pt", "torchscript"),
        ("MODEL.ONNX", "onnx"),
        ("model.safetensors", "safetensors"),
        ("model.gguf", "gguf"),
        ("inference.py", None),
        ("config.json", None),
    ],
)
def test_artifact_formats_by_name(name: str, fmt: str | None) -> None:
    """An artifact's format is read from its name; other files are not artifacts."""
    assert artifact_format(name) == fmt


def test_the_cli_registers_a_bundle_and_refuses_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """register-bundle prints the new id; a bad bundle is one line on stderr, exit 1."""
    db = tmp_path / "models.db"
    root = write_bundle(tmp_path / "export")
    args = ["--db", str(db), "register-bundle", str(root), "--name", "prod", "--task-type", "cls"]
    assert main([*args, "--version", "2.0.0", "--tags", "staging"]) == 0
    assert capsys.readouterr().out.strip() == "1"
    (root / "artifacts" / "model.onnx").write_bytes(b"\xff" * 64)
    assert main([*args, "--version", "2.1.0"]) == 1
    err = capsys.readouterr().err
    assert "model.onnx" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with ModelRegistry(db) as registry:
        assert registry.count_models() == 1
        assert registry.get_model(model_id=1)["tags"] == ["staging"]  # type: ignore[index]
