"""PyTorch zips: read without running the pickle, weights apart from optimizer state,
training facts, and pickles naming anything else refused (and never executed)."""

from __future__ import annotations

import collections
import io
import os
import pickle
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import CheckpointFormatError, UnsafeCheckpointError
from tests.checkpoints.builders import Storage, Tensor, state_dict, write_torch_zip

MODEL = {
    "encoder.weight": ("FloatStorage", 4, (128, 64)),
    "encoder.bias": ("FloatStorage", 4, (128,)),
    "head.weight": ("HalfStorage", 2, (10, 128)),
}


def test_a_plain_state_dict(tmp_path: Path) -> None:
    """Every tensor of a bare state dict is a weight: shapes, dtypes, bytes, parameters."""
    tensors, storages = state_dict(MODEL)
    info = inspect_checkpoint(write_torch_zip(tmp_path / "m.pt", tensors, storages))
    assert info.format == "pytorch"
    assert info.parameters == 8192 + 128 + 1280
    assert info.parameters_by_dtype == {"float32": 8320, "float16": 1280}
    assert info.weights_bytes == 8320 * 4 + 1280 * 2
    assert info.largest_tensors[0].name == "encoder.weight"
    assert info.largest_tensors[0].shape == (128, 64)
    assert info.optimizer_bytes == 0
    assert "torch._utils._rebuild_tensor_v2" in info.metadata["pickle_globals"]


def _training_checkpoint() -> tuple[dict[str, Any], list[Storage]]:
    """The layout the guide's CheckpointManager writes, with Adam moments."""
    model, storages = state_dict(MODEL)
    moments: dict[int, dict[str, Any]] = {}
    key = len(storages)
    for index, (_name, (kind, itemsize, shape)) in enumerate(MODEL.items()):
        pair, more = state_dict(
            {"exp_avg": (kind, itemsize, shape), "exp_avg_sq": (kind, itemsize, shape)}, key
        )
        key += 2
        storages.extend(more)
        moments[index] = {"step": 100, **pair}
    rng = random.Random(7)
    checkpoint = {
        "model_state_dict": model,
        "optimizer_state_dict": {
            "state": moments,
            "param_groups": [{"lr": 1e-3, "params": [0, 1, 2]}],
        },
        "scheduler_state_dict": {"last_epoch": 4, "_last_lr": [1e-3]},
        "rng_state": {"python": rng.getstate(), "numpy": np.random.RandomState(3).get_state()},
        "metrics": {"val_loss": np.float64(0.25), "accuracy": 0.9, "steps": np.int64(500)},
        "epoch": 4,
        "git_commit": "abc1234",
        "custom_state": {"note": "hello", "tied": model["encoder.weight"]},
    }
    return checkpoint, storages


def test_a_guide_style_training_checkpoint(tmp_path: Path) -> None:
    """Model weights are counted apart from the Adam moments; NumPy rng state and NumPy
    scalar metrics are read by the allow-list; metrics, epoch and git commit reported."""
    checkpoint, storages = _training_checkpoint()
    info = inspect_checkpoint(write_torch_zip(tmp_path / "ckpt.pt", checkpoint, storages))
    assert info.parameters == 9600
    assert info.weights_bytes == 8320 * 4 + 1280 * 2
    assert info.tensor_count == 3
    assert info.optimizer_bytes == 2 * info.weights_bytes
    assert info.optimizer_tensors == 6
    assert info.metrics == {"val_loss": 0.25, "accuracy": 0.9, "steps": 500}
    assert info.epoch == 4
    assert info.git_commit == "abc1234"
    sections = info.metadata["sections"]
    assert sections["model_state_dict"] == "dict, 3 tensors"
    assert sections["epoch"] == 4
    assert "numpy._core.multiarray._reconstruct" in info.metadata["pickle_globals"] or (
        "numpy.core.multiarray._reconstruct" in info.metadata["pickle_globals"]
    )


def test_tied_weights_are_counted_once(tmp_path: Path) -> None:
    """Two names for one view of one storage (tied embeddings) are one tensor."""
    tensors, storages = state_dict({"embed.weight": ("FloatStorage", 4, (100, 8))})
    tensors["lm_head.weight"] = tensors["embed.weight"]
    tensors["lm_head.copy"] = Tensor(storages[0], (100, 8))
    info = inspect_checkpoint(write_torch_zip(tmp_path / "tied.pt", tensors, storages))
    assert info.parameters == 800
    assert info.tensor_count == 1


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return os.system, (f"touch {self.marker}",)


def test_a_malicious_pickle_is_refused_and_never_run(tmp_path: Path) -> None:
    """A pickle calling os.system is refused, naming the global, and the command it
    would run (creating a file) never runs."""
    marker = tmp_path / "pwned"
    tensors, storages = state_dict(MODEL)
    tensors["evil"] = _Evil(marker)  # type: ignore[assignment]
    path = write_torch_zip(tmp_path / "evil.pt", tensors, storages)
    with pytest.raises(UnsafeCheckpointError) as caught:
        inspect_checkpoint(path)
    assert caught.value.globals == (f"{os.system.__module__}.system",)
    assert "posix.system" in str(caught.value) and "\n" not in str(caught.value)
    assert not marker.exists()
    assert isinstance(caught.value, ValueError)


def test_every_refused_global_is_named(tmp_path: Path) -> None:
    """A pickle naming several unsafe globals (builtins.eval, subprocess.Popen) is reported
    with all of them, and nothing is evaluated."""
    marker = tmp_path / "ran"

    class Eval:
        def __reduce__(self) -> Any:
            return eval, (f"open({str(marker)!r}, 'w')",)

    class Popen:
        def __reduce__(self) -> Any:
            import subprocess

            return subprocess.Popen, (["touch", str(marker)],)

    data = pickle.dumps({"a": Eval(), "b": Popen()}, protocol=2)
    path = write_torch_zip(tmp_path / "two.pt", None, pickled=data)
    with pytest.raises(UnsafeCheckpointError) as caught:
        inspect_checkpoint(path)
    assert caught.value.globals == ("builtins.eval", "subprocess.Popen")
    assert not marker.exists()


def test_a_storage_shorter_than_its_header_says_is_refused(tmp_path: Path) -> None:
    """A storage file in the zip holding fewer bytes than the pickle claims is refused."""
    tensors, storages = state_dict(MODEL)
    path = write_torch_zip(tmp_path / "cut.pt", tensors, storages, stored_bytes={"1": 100})
    with pytest.raises(CheckpointFormatError, match="storage '1' holds 100 bytes"):
        inspect_checkpoint(path)


def test_a_tensor_reaching_past_its_storage_is_refused(tmp_path: Path) -> None:
    """A view larger than its storage (a lying pickle) is refused."""
    storage = Storage("FloatStorage", "0", 10, 4)
    path = write_torch_zip(tmp_path / "view.pt", {"w": Tensor(storage, (4, 4))}, [storage])
    with pytest.raises(CheckpointFormatError, match="'w' reaches past the end of its storage"):
        inspect_checkpoint(path)


@pytest.mark.parametrize("content", [b"PK\x03\x04garbage", b""])
def test_a_broken_zip_named_pt_is_refused(tmp_path: Path, content: bytes) -> None:
    """A .pt that is a damaged zip gets one line, not a traceback."""
    path = tmp_path / "broken.pt"
    path.write_bytes(content)
    if not content:
        assert inspect_checkpoint(path).warnings == ("format not recognised",)
        return
    with pytest.raises(CheckpointFormatError, match="not a readable zip"):
        inspect_checkpoint(path)


def test_a_garbled_pickle_is_refused(tmp_path: Path) -> None:
    """A data.pkl that is not a pickle is a one-line format error."""
    path = write_torch_zip(tmp_path / "g.pt", None, pickled=b"\x80\x02not a pickle")
    with pytest.raises(CheckpointFormatError, match="its pickle cannot be read"):
        inspect_checkpoint(path)


def test_real_torch_save_output(tmp_path: Path) -> None:
    """Where torch is importable, the reader agrees with torch on a real torch.save file."""
    torch = pytest.importorskip("torch", reason="torch is not installed (CI has none)")
    model = torch.nn.Linear(16, 4)
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.ones(2, 16)).sum().backward()
    optimizer.step()
    path = tmp_path / "real.pt"
    buffer = io.BytesIO()
    torch.save(
        {"model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
         "epoch": 1, "metrics": collections.OrderedDict(loss=0.5)},
        buffer,
    )  # fmt: skip
    path.write_bytes(buffer.getvalue())
    info = inspect_checkpoint(path)
    assert info.parameters == 16 * 4 + 4
    assert info.parameters_by_dtype == {"float32": 68}
    assert info.optimizer_tensors >= 4
    assert info.epoch == 1 and info.metrics == {"loss": 0.5}


class _Call:
    """Pickles as a call of ``func`` with ``args`` (to write hostile pickles)."""

    def __init__(self, func: Any, *args: Any) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> Any:
        return self.func, self.args


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (_Call(bytearray, 10**13), "bytes made from something other than bytes or text"),
        (_Call(bytes, 10**13), "bytes made from something other than bytes or text"),
        (_Call(list, _Call(range, 10**13)), "names builtins.range"),
    ],
    ids=["bytearray", "bytes", "list-of-range"],
)
def test_allowed_constructors_cannot_exhaust_memory(
    tmp_path: Path, value: _Call, message: str
) -> None:
    """bytes(10**13) and list(range(10**13)) would try to allocate terabytes: refused
    before anything is allocated."""
    data = pickle.dumps({"w": value}, protocol=4)
    path = write_torch_zip(tmp_path / "bomb.pt", None, pickled=data)
    with pytest.raises(CheckpointFormatError, match=message):
        inspect_checkpoint(path)


def test_deep_and_self_referencing_pickles_are_read_without_recursing(tmp_path: Path) -> None:
    """A list nested 200,000 deep and a metrics dict that contains itself are read (no
    RecursionError, no endless walk): nothing there is a tensor."""
    depth = 200_000
    deep = b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."
    info = inspect_checkpoint(write_torch_zip(tmp_path / "deep.pt", None, pickled=deep))
    assert info.parameters == 0 and info.tensor_count == 0
    metrics: dict[str, Any] = {"loss": 0.5}
    metrics["self"] = metrics
    loop: list[Any] = []
    loop.append(loop)
    tensors, storages = state_dict(MODEL)
    checkpoint = {"model_state_dict": tensors, "metrics": metrics, "custom_state": loop}
    info = inspect_checkpoint(write_torch_zip(tmp_path / "loop.pt", checkpoint, storages))
    assert info.parameters == 9600
    assert info.metrics is not None and info.metrics["loss"] == 0.5
