"""``torch.load(weights_only=True)`` for local PyTorch checkpoints, when torch is importable.

The PyTorch reader always runs its own allow-list unpickler first
(:mod:`registry_tui.checkpoints.pickles`), which refuses a file naming anything a
state dict never needs and names every such global. Only a file it accepts reaches
``torch.load``, and then with ``weights_only=True`` (torch's own restricted
unpickler), ``mmap=True`` and ``map_location="cpu"``: storages are mapped, never
read, and nothing is moved to a device. NumPy arrays, dtypes and scalars (a training
checkpoint's ``rng_state`` and metrics) are allowed for that one call, as the
allow-list allows them. Remote sources (read by ranges) and machines without torch
keep the allow-list's result.

:func:`leaf` turns what torch built (tensors, NumPy values) into the stand-ins the
allow-list builds, so both paths give the same
:class:`~registry_tui.checkpoints.record.CheckpointInfo`.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

from registry_tui.checkpoints.errors import CheckpointFormatError, UnsafeCheckpointError
from registry_tui.checkpoints.pickles import (
    NUMPY_SCALARS,
    ArrayStub,
    DtypeStub,
    StorageStub,
    TensorStub,
)
from registry_tui.checkpoints.source import ByteSource, FileSource

Leaf = Callable[[Any], Any]
"""Maps one loaded value to its stand-in (containers are left as they are)."""

MIN_TORCH = (2, 6)
"""The first torch whose ``safe_globals`` takes ``(global, "module.name")`` pairs (needed
for NumPy's two spellings); an older torch is left alone and the allow-list reads."""

_REFUSED = re.compile(r"GLOBAL ([\w.]+)|but got <class '([\w.]+)'>")


def importable() -> ModuleType | None:
    """The ``torch`` module, or None when it is not installed (or will not import)."""
    try:
        import torch
    except Exception:  # a broken install (a missing native library) is no torch
        return None
    version = re.match(r"(\d+)\.(\d+)", str(getattr(torch, "__version__", "")))
    if version is None or (int(version[1]), int(version[2])) < MIN_TORCH:
        return None
    serialization = getattr(torch, "serialization", None)
    if not callable(getattr(torch, "load", None)) or not hasattr(serialization, "safe_globals"):
        return None
    found: ModuleType = torch  # typed whether or not torch's stubs are installed
    return found


def load(source: ByteSource) -> tuple[Any, Leaf] | None:
    """The checkpoint as ``torch.load(weights_only=True)`` reads it, with its :func:`leaf`;
    None for a source that is not a local file, or without torch.

    Raises:
        UnsafeCheckpointError: torch's restricted unpickler refused a global.
        CheckpointFormatError: torch's restricted unpickler refused something else.
        TorchCannotRead: torch failed otherwise (a zip whose entries are compressed
            cannot be memory-mapped); the allow-list's reading stands.
    """
    if not isinstance(source, FileSource):
        return None
    torch = importable()
    if torch is None:
        return None
    try:
        with torch.serialization.safe_globals(numpy_globals()):
            value = torch.load(source.name, weights_only=True, mmap=True, map_location="cpu")
    except pickle.UnpicklingError as exc:
        named = [a or b for a, b in _REFUSED.findall(str(exc))]
        if named:
            raise UnsafeCheckpointError(source.name, list(dict.fromkeys(named))) from None
        raise CheckpointFormatError(
            source.name, "refused by torch.load(weights_only=True)"
        ) from None
    except Exception as exc:  # torch raises many kinds; the allow-list has read the file
        lines = str(exc).strip().splitlines()
        raise TorchCannotRead(lines[0][:200] if lines else type(exc).__name__) from None
    return value, lambda item: leaf(item, torch)


class TorchCannotRead(Exception):
    """``torch.load`` failed on a file the allow-list read (not a refusal)."""

    def warning(self) -> str:
        """The warning the checkpoint's facts carry."""
        return f"torch.load could not read it ({self.args[0]!r}); counted without torch"


def numpy_globals() -> list[Any]:
    """The NumPy globals the allow-list accepts, for ``torch.serialization.safe_globals``:
    array and scalar reconstruction under both module spellings, ``ndarray``, ``dtype``
    and its per-type classes. Empty without NumPy."""
    try:
        import numpy
    except ImportError:
        return []
    core = getattr(numpy, "_core", None) or getattr(numpy, "core", None)
    multiarray = getattr(core, "multiarray", None)
    if multiarray is None:
        return []
    found: list[Any] = [numpy.ndarray, numpy.dtype]
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        found += [(multiarray._reconstruct, f"{module}._reconstruct")]
        found += [(multiarray.scalar, f"{module}.scalar")]
    dtypes = getattr(numpy, "dtypes", None)
    found += [
        kind
        for kind in vars(dtypes).values()
        if isinstance(kind, type) and issubclass(kind, numpy.dtype)
    ] if dtypes is not None else []  # fmt: skip
    return found


def leaf(item: Any, torch: ModuleType) -> Any:
    """``item`` as the allow-list's stand-ins show it: a tensor as a :class:`TensorStub`,
    an array as an :class:`ArrayStub`, a NumPy scalar as a Python number, a torch dtype
    or device as its name; anything else as it is."""
    if isinstance(item, torch.Tensor):
        return _tensor(item)
    if isinstance(item, torch.dtype):
        return str(item).removeprefix("torch.")
    if isinstance(item, torch.device):
        return str(item)
    kind = type(item)
    if kind.__module__ == "numpy.dtypes" or (kind.__module__, kind.__name__) == ("numpy", "dtype"):
        return DtypeStub(_dtype_spec(item))
    if kind.__module__ != "numpy":
        return item
    spec = _dtype_spec(getattr(item, "dtype", None))
    if kind.__name__ == "ndarray":
        stub = ArrayStub()
        stub.shape, stub.dtype = tuple(int(size) for size in item.shape), spec
        return stub
    if hasattr(item, "item") and spec.lstrip("<=|") in NUMPY_SCALARS:
        return item.item()
    return ArrayStub()


def _dtype_spec(dtype: Any) -> str:
    """A NumPy dtype's spelling as its pickle writes it (``u4``, ``f8``)."""
    try:
        return str(dtype.__reduce__()[1][0])
    except (AttributeError, IndexError, TypeError):
        return str(dtype)


def _tensor(tensor: Any) -> TensorStub:
    itemsize = int(tensor.element_size())
    dtype = str(tensor.dtype).removeprefix("torch.")
    try:
        storage = tensor.untyped_storage()
        key, nbytes = f"torch:{storage._cdata}", int(storage.nbytes())
    except (RuntimeError, NotImplementedError, AttributeError):  # no storage (sparse)
        key, nbytes = f"tensor:{id(tensor)}", int(tensor.numel()) * itemsize
    stub = StorageStub(dtype, itemsize, key, nbytes // itemsize if itemsize else 0)
    shape = tuple(int(size) for size in tensor.shape)
    return TensorStub(stub, int(tensor.storage_offset()), shape, tuple(tensor.stride()))
