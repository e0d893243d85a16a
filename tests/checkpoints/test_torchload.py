"""PyTorch checkpoints through torch.load(weights_only=True) when torch is importable.

A faithful fake ``torch`` (injected into sys.modules) covers the choice of path and
the refusal mapping everywhere; where a real torch is installed, real ``torch.save``
output is read on both paths and must give the same facts.
"""

from __future__ import annotations

import collections
import contextlib
import os
import pickle
import random
import sys
import types
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import (
    CheckpointFormatError,
    CheckpointInfo,
    FileSource,
    UnsafeCheckpointError,
    pickles,
    torchload,
)
from registry_tui.checkpoints.pickles import ArrayStub, DtypeStub, TensorStub
from tests.checkpoints.builders import state_dict, write_torch_zip
from tests.checkpoints.test_pytorch import MODEL, _training_checkpoint

# --------------------------------------------------------------------------- a fake torch


class _Dtype:
    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return f"torch.{self.name}"


class _Device:
    def __init__(self, spec: str) -> None:
        self.spec = spec

    def __str__(self) -> str:
        return self.spec


class _Storage:
    """One storage per archive key, as torch.load shares it between views."""

    def __init__(self, cdata: int, nbytes: int) -> None:
        self._cdata, self._nbytes = cdata, nbytes

    def nbytes(self) -> int:
        return self._nbytes


class _Tensor:
    """What torch.load builds of a tensor: dtype, shape, stride, offset and storage."""

    def __init__(self, stub: TensorStub, storage: _Storage) -> None:
        self.dtype = _Dtype(stub.storage.dtype)
        self.shape, self._stride, self._offset = stub.shape, stub.stride, stub.offset
        self._storage, self._itemsize = storage, stub.storage.itemsize

    def element_size(self) -> int:
        return self._itemsize

    def untyped_storage(self) -> _Storage:
        return self._storage

    def storage_offset(self) -> int:
        return self._offset

    def stride(self) -> tuple[int, ...]:
        return self._stride


class FakeTorch(types.ModuleType):
    """``torch`` as the reader uses it: ``load``, ``serialization.safe_globals``,
    ``Tensor``, ``dtype``, ``device``. ``load`` reads the zip's pickle (through the
    allow-list) and builds tensors the way torch does, unless ``failure`` is set."""

    Tensor = _Tensor
    dtype = _Dtype
    device = _Device

    def __init__(self, failure: BaseException | None = None) -> None:
        super().__init__("torch")
        self.__version__ = "2.13.0+cpu"
        self.failure = failure
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self.allowed: list[Any] = []
        self.serialization = types.SimpleNamespace(safe_globals=self._safe_globals)

    @contextlib.contextmanager
    def _safe_globals(self, found: list[Any]) -> Iterator[None]:
        self.allowed = list(found)
        yield

    def load(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((args, kwargs))
        if self.failure is not None:
            raise self.failure
        with zipfile.ZipFile(args[0]) as archive:
            data = archive.read(next(n for n in archive.namelist() if n.endswith("data.pkl")))
        value, _ = pickles.load(data, args[0])
        storages: dict[str, _Storage] = {}

        def built(item: Any) -> Any:
            if isinstance(item, TensorStub):
                key = item.storage.key
                if key not in storages:
                    nbytes = item.storage.numel * item.storage.itemsize
                    storages[key] = _Storage(1000 + len(storages), nbytes)
                return _Tensor(item, storages[key])
            if isinstance(item, collections.OrderedDict):
                return collections.OrderedDict((k, built(v)) for k, v in item.items())
            if isinstance(item, dict):
                return {k: built(v) for k, v in item.items()}
            if isinstance(item, list | tuple):
                return type(item)(built(v) for v in item)
            return item

        return built(value)


@pytest.fixture
def fake_torch(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeTorch]:
    """Installs a :class:`FakeTorch` as ``torch`` (put back afterwards)."""

    def install(failure: BaseException | None = None) -> FakeTorch:
        fake = FakeTorch(failure)
        monkeypatch.setitem(sys.modules, "torch", fake)
        return fake

    return install


def _without_torch(path: Path, monkeypatch: pytest.MonkeyPatch) -> CheckpointInfo:
    """``path`` read as on a machine without torch (``import torch`` fails)."""
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "torch", None)
        assert torchload.importable() is None
        return inspect_checkpoint(path)


class _Ranged:
    """A ByteSource that is not a local file (as an object store's ranged reader is)."""

    def __init__(self, path: str) -> None:
        self._file = FileSource(path)
        self.name = path

    def size(self) -> int:
        return self._file.size()

    def read(self, offset: int, length: int) -> bytes:
        return self._file.read(offset, length)


def _training_zip(tmp_path: Path) -> Path:
    checkpoint, storages = _training_checkpoint()
    return write_torch_zip(tmp_path / "ckpt.pt", checkpoint, storages)


# --------------------------------------------------------------------------- the fake


def test_torch_load_is_used_when_torch_is_importable(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With torch importable, a local file is loaded once by torch.load(weights_only=True,
    mmap=True, map_location='cpu'), NumPy's globals allowed for that call, and the facts
    counted from what it built equal the allow-list's."""
    path = _training_zip(tmp_path)
    expected = _without_torch(path, monkeypatch)
    fake = fake_torch()
    info = inspect_checkpoint(path)
    assert fake.calls == [
        ((str(path),), {"weights_only": True, "mmap": True, "map_location": "cpu"})
    ]
    assert np.ndarray in fake.allowed and np.dtype in fake.allowed
    spelled = {item[1] for item in fake.allowed if isinstance(item, tuple)}
    assert {"numpy.core.multiarray._reconstruct", "numpy._core.multiarray.scalar"} <= spelled
    assert info == expected
    assert info.parameters == 9600 and info.optimizer_tensors == 6


def test_tied_weights_are_counted_once_on_the_torch_path(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch]
) -> None:
    """Two names for one view of one storage are one tensor when torch builds them too
    (torch shares the storage; its identity is the key)."""
    tensors, storages = state_dict({"embed.weight": ("FloatStorage", 4, (100, 8))})
    tensors["lm_head.weight"] = tensors["embed.weight"]
    path = write_torch_zip(tmp_path / "tied.pt", tensors, storages)
    fake = fake_torch()
    info = inspect_checkpoint(path)
    assert fake.calls
    assert info.parameters == 800 and info.tensor_count == 1


def test_remote_sources_keep_the_allow_list(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch]
) -> None:
    """A source read by ranges (not a local file) is never handed to torch.load."""
    path = _training_zip(tmp_path)
    fake = fake_torch()
    info = inspect_checkpoint(path, opener=_Ranged)
    assert fake.calls == []
    assert info.parameters == 9600 and info.epoch == 4


def test_an_unsafe_file_never_reaches_torch_load(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch]
) -> None:
    """The allow-list reads the pickle first: a file naming os.system is refused with
    that global, torch.load is never called, and the command never runs."""
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self) -> Any:
            return os.system, (f"touch {marker}",)

    tensors, storages = state_dict(MODEL)
    tensors["evil"] = Evil()  # type: ignore[assignment]
    path = write_torch_zip(tmp_path / "evil.pt", tensors, storages)
    fake = fake_torch()
    with pytest.raises(UnsafeCheckpointError) as caught:
        inspect_checkpoint(path)
    assert caught.value.globals == (f"{os.system.__module__}.system",)
    assert fake.calls == [] and not marker.exists()


TORCH_REFUSAL = (
    "Weights only load failed. This file can still be loaded, \x1b[1mdo those steps only "
    "if you trust the source\x1b[0m.\n\tWeightsUnpickler error: Unsupported global: "
    "GLOBAL builtins.getattr was not an allowed global by default. Please use "
    "`torch.serialization.add_safe_globals([builtins.getattr])`"
)


@pytest.mark.parametrize(
    ("message", "named"),
    [
        (TORCH_REFUSAL, ("builtins.getattr",)),
        (
            "WeightsUnpickler error: Can only build Tensor, Parameter, OrderedDict or types "
            "allowlisted via `add_safe_globals`, but got <class 'numpy.dtypes.UInt32DType'>",
            ("numpy.dtypes.UInt32DType",),
        ),
    ],
    ids=["global", "build"],
)
def test_a_refusal_by_torch_is_an_unsafe_checkpoint(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch], message: str, named: tuple[str, ...]
) -> None:
    """torch's UnpicklingError becomes UnsafeCheckpointError naming the globals torch
    named, in one line, without torch's escape sequences."""
    path = _training_zip(tmp_path)
    fake_torch(pickle.UnpicklingError(message))
    with pytest.raises(UnsafeCheckpointError) as caught:
        inspect_checkpoint(path)
    assert caught.value.globals == named
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)


def test_a_refusal_naming_no_global_is_a_format_error(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch]
) -> None:
    """A weights_only refusal that names no global is still a refusal, in one line."""
    path = _training_zip(tmp_path)
    fake_torch(pickle.UnpicklingError("Weights only load failed.\nUnsupported operand 149"))
    with pytest.raises(
        CheckpointFormatError, match=r"refused by torch\.load\(weights_only=True\)$"
    ):
        inspect_checkpoint(path)


def test_torch_failing_otherwise_leaves_the_allow_list_reading(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch], monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch.load failing for another reason (a compressed zip cannot be memory-mapped)
    is a warning: the facts are the allow-list's."""
    path = _training_zip(tmp_path)
    expected = _without_torch(path, monkeypatch)
    fake_torch(RuntimeError("Trying to resize storage that is not resizable\nmore"))
    info = inspect_checkpoint(path)
    assert info.warnings == (
        "torch.load could not read it ('Trying to resize storage that is not resizable'); "
        "counted without torch",
    )
    assert info == expected.with_warnings(*info.warnings)


@pytest.mark.parametrize("version", ["2.5.1", "1.13.1+cu117", "unknown"])
def test_a_torch_before_2_6_is_not_used(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch], version: str
) -> None:
    """A torch older than 2.6 (whose safe_globals takes no (global, name) pairs), or one
    whose version cannot be read, is left alone: the allow-list reads the file."""
    path = _training_zip(tmp_path)
    fake = fake_torch()
    fake.__version__ = version
    assert inspect_checkpoint(path).parameters == 9600
    assert fake.calls == []


def test_a_torch_without_safe_globals_is_not_used(
    tmp_path: Path, fake_torch: Callable[..., FakeTorch]
) -> None:
    """A torch module lacking serialization.safe_globals is left alone."""
    path = _training_zip(tmp_path)
    fake = fake_torch()
    fake.serialization = types.SimpleNamespace()
    assert inspect_checkpoint(path).parameters == 9600
    assert fake.calls == []


def test_leaf_turns_numpy_values_into_the_allow_lists_stand_ins() -> None:
    """NumPy scalars become Python numbers, arrays and dtypes the stand-ins the allow-list
    builds (dtype spelled as its pickle spells it), torch dtypes and devices their names."""
    fake = FakeTorch()
    assert torchload.leaf(np.float64(0.25), fake) == 0.25
    assert type(torchload.leaf(np.int64(5), fake)) is int
    assert torchload.leaf(np.bool_(True), fake) is True
    array = torchload.leaf(np.zeros((624,), np.uint32), fake)
    assert isinstance(array, ArrayStub) and (array.shape, array.dtype) == ((624,), "u4")
    dtype = torchload.leaf(np.dtype("float64"), fake)
    assert isinstance(dtype, DtypeStub) and dtype.spec == "f8"
    assert torchload.leaf(_Dtype("bfloat16"), fake) == "bfloat16"
    assert torchload.leaf(_Device("cuda:0"), fake) == "cuda:0"
    assert torchload.leaf("text", fake) == "text"


# --------------------------------------------------------------------------- real torch


@pytest.fixture
def torch() -> Any:
    """The real torch, or the test is skipped."""
    return pytest.importorskip("torch", reason="torch is not installed (CI has none)")


def _spied(torch: Any, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    real = torch.load

    def load(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", load)
    return calls


def test_a_real_state_dict_reads_the_same_on_both_paths(
    tmp_path: Path, torch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch.save of a state dict with tied embeddings and an F16 head: torch.load builds
    it, and the facts equal the allow-list's (tied weights once)."""
    embed = torch.nn.Embedding(100, 16)
    head = torch.nn.Linear(16, 100).half()
    model = torch.nn.ModuleDict({"embed": embed, "head": head, "out": torch.nn.Linear(16, 100)})
    model["out"].weight = embed.weight
    path = tmp_path / "model.pt"
    torch.save(model.state_dict(), path)
    calls = _spied(torch, monkeypatch)
    info = inspect_checkpoint(path)
    assert calls == [{"weights_only": True, "mmap": True, "map_location": "cpu"}]
    assert info == _without_torch(path, monkeypatch)
    assert info.parameters_by_dtype == {"float32": 1600 + 100, "float16": 1600 + 100}
    assert info.tensor_count == 4


def test_a_real_training_checkpoint_reads_the_same_on_both_paths(
    tmp_path: Path, torch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full training checkpoint as the guide's CheckpointManager writes it (AdamW state,
    a scheduler, rng_state with NumPy arrays and Python random state, NumPy metrics, a git
    commit): the same facts on both paths, weights apart from the optimizer."""
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
    optimizer = torch.optim.AdamW(model.parameters())
    model(torch.ones(2, 16)).sum().backward()
    optimizer.step()
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1)
    checkpoint = {
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "scheduler_state_dict": scheduler.state_dict(),
        "rng_state": {
            "python": random.Random(7).getstate(),
            "numpy": np.random.RandomState(3).get_state(),
            "torch": torch.get_rng_state(),
        },
        "metrics": {"val_loss": np.float64(0.25), "steps": np.int64(500), "t": torch.tensor(0.5)},
        "epoch": 4,
        "git_commit": "abc1234",
        "custom_state": {"note": "hello", "tied": model.state_dict()["0.weight"]},
    }
    path = tmp_path / "epoch_4.pt"
    torch.save(checkpoint, path)
    calls = _spied(torch, monkeypatch)
    info = inspect_checkpoint(path)
    assert len(calls) == 1
    assert info == _without_torch(path, monkeypatch)
    assert info.warnings == ()
    assert info.parameters == 16 * 32 + 32 + 32 * 4 + 4
    assert info.optimizer_tensors == 3 * 4  # step, exp_avg, exp_avg_sq per parameter
    assert info.optimizer_bytes >= 2 * info.weights_bytes
    assert info.metrics == {"val_loss": 0.25, "steps": 500, "t": "tensor float32 []"}
    assert (info.epoch, info.git_commit) == (4, "abc1234")


def test_a_real_malicious_checkpoint_is_refused_before_torch_load(
    tmp_path: Path, torch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch.save of a state dict carrying an os.system call: refused naming the global,
    torch.load never called, nothing run."""
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self) -> Any:
            return os.system, (f"touch {marker}",)

    path = tmp_path / "evil.pt"
    torch.save({"w": torch.zeros(3), "evil": Evil()}, path)
    calls = _spied(torch, monkeypatch)
    with pytest.raises(UnsafeCheckpointError) as caught:
        inspect_checkpoint(path)
    assert caught.value.globals == (f"{os.system.__module__}.system",)
    assert calls == [] and not marker.exists()


def test_a_real_compressed_zip_is_read_without_torch(
    tmp_path: Path, torch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A torch.save zip recompressed (deflate) cannot be memory-mapped by torch: a warning,
    and the allow-list's facts."""
    saved = tmp_path / "saved.pt"
    torch.save({"w": torch.zeros(100, 10)}, saved)
    path = tmp_path / "deflated.pt"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, source.read(name))
    info = inspect_checkpoint(path)
    assert info.parameters == 1000
    assert len(info.warnings) == 1 and info.warnings[0].startswith("torch.load could not read it")
    assert info == _without_torch(path, monkeypatch).with_warnings(*info.warnings)
