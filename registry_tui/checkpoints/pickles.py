"""An allow-list unpickler for PyTorch state dicts and training checkpoints.

A pickle is a program: loading one with :mod:`pickle` (or ``torch.load``
without ``weights_only``) can run any code its author chose. This unpickler
never imports or calls anything a pickle names. ``find_class`` maps the few
globals a state dict needs (tensor rebuild functions, typed storages,
``OrderedDict``, ``torch.Size``, NumPy array and scalar reconstruction, plain
containers) to harmless stand-ins that record shapes and dtypes, and
``persistent_load`` returns a storage stand-in without reading the storage's
bytes. Any other global is recorded and given an inert placeholder, and once
the pickle is read the file is refused, naming every such global.
"""

from __future__ import annotations

import _compat_pickle
import collections
import io
import math
import pickle
import struct
from dataclasses import dataclass
from typing import Any

from registry_tui.checkpoints.errors import CheckpointFormatError, UnsafeCheckpointError

STORAGE_DTYPES: dict[str, tuple[str, int]] = {
    "DoubleStorage": ("float64", 8), "FloatStorage": ("float32", 4),
    "HalfStorage": ("float16", 2), "BFloat16Storage": ("bfloat16", 2),
    "LongStorage": ("int64", 8), "IntStorage": ("int32", 4), "ShortStorage": ("int16", 2),
    "CharStorage": ("int8", 1), "ByteStorage": ("uint8", 1), "BoolStorage": ("bool", 1),
    "ComplexFloatStorage": ("complex64", 8), "ComplexDoubleStorage": ("complex128", 16),
    "Float8_e4m3fnStorage": ("float8_e4m3fn", 1), "Float8_e5m2Storage": ("float8_e5m2", 1),
    "UntypedStorage": ("uint8", 1),
}  # fmt: skip
"""Each typed storage class of ``torch`` -> (dtype, bytes per element)."""

TORCH_DTYPES = frozenset(
    {"float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8"}
    | {"bool", "complex64", "complex128", "float8_e4m3fn", "float8_e5m2", "half", "float"}
)

NUMPY_SCALARS = {
    "f8": "<d", "f4": "<f", "f2": "<e", "i8": "<q", "i4": "<i", "i2": "<h", "i1": "<b",
    "u8": "<Q", "u4": "<I", "u2": "<H", "u1": "<B", "b1": "<?",
}  # fmt: skip


@dataclass(frozen=True)
class StorageType:
    """Stand-in for a typed storage class such as ``torch.FloatStorage``."""

    dtype: str
    itemsize: int


@dataclass(frozen=True)
class StorageStub:
    """Stand-in for a storage: its dtype, its key in the archive and its length."""

    dtype: str
    itemsize: int
    key: str
    numel: int


@dataclass(frozen=True)
class TensorStub:
    """Stand-in for a tensor: where it lives in its storage, and its shape."""

    storage: StorageStub
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]

    @property
    def nbytes(self) -> int:
        """The bytes of the tensor's own values."""
        return math.prod(self.shape) * self.storage.itemsize

    @property
    def extent(self) -> int:
        """Elements of the storage the tensor reaches, from its offset."""
        if any(size == 0 for size in self.shape):
            return 0
        return 1 + sum(
            (size - 1) * step for size, step in zip(self.shape, self.stride, strict=False)
        )


class DtypeStub:
    """Stand-in for ``numpy.dtype``: keeps its spelling only."""

    def __init__(self, spec: object = "", *_: object) -> None:
        self.spec = str(spec)

    def __setstate__(self, state: object) -> None:
        """Byte order and flags are not needed."""


class ArrayStub:
    """Stand-in for a NumPy array: shape and dtype, its bytes dropped."""

    def __init__(self, *_: object) -> None:
        self.shape: tuple[int, ...] = ()
        self.dtype = ""

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) >= 3:
            shape, dtype = state[1], state[2]
            self.shape = tuple(shape) if isinstance(shape, tuple | list) else ()
            self.dtype = dtype.spec if isinstance(dtype, DtypeStub) else str(dtype)


class Refused:
    """An inert placeholder for a global outside the allow-list: accepts anything, does nothing."""

    def __init__(self, *_: object, **__: object) -> None:
        pass

    def __setstate__(self, state: object) -> None:
        pass

    def __setitem__(self, key: object, value: object) -> None:
        pass

    def append(self, value: object) -> None:
        pass

    def extend(self, values: object) -> None:
        pass


def _rebuild_tensor(
    storage: StorageStub, offset: int, size: Any, stride: Any, *_: object
) -> TensorStub:
    if not isinstance(storage, StorageStub):
        raise pickle.UnpicklingError("a tensor rebuilt from something that is not a storage")
    return TensorStub(
        storage, int(offset), tuple(int(s) for s in size), tuple(int(s) for s in stride)
    )


def _rebuild_tensor_v3(
    storage: StorageStub, offset: int, size: Any, stride: Any, _grad: object, _hooks: object,
    dtype: object, *_: object,
) -> TensorStub:  # fmt: skip
    return _rebuild_tensor(storage, offset, size, stride)


def _rebuild_parameter(data: Any, *_: object) -> Any:
    return data


def _rebuild_from_type(func: Any, _new_type: object, args: Any, _state: object) -> Any:
    return func(*args)


def _size(dims: Any = ()) -> tuple[int, ...]:
    return tuple(int(d) for d in dims)


def _device(*args: object) -> str:
    return ":".join(str(a) for a in args)


def _codecs_encode(text: object, encoding: object = "utf-8") -> bytes:
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("_codecs.encode used for something other than bytes")
    return text.encode("latin1")


def _numpy_scalar(dtype: object, data: object = b"") -> Any:
    spec = dtype.spec.lstrip("<=|") if isinstance(dtype, DtypeStub) else ""
    fmt = NUMPY_SCALARS.get(spec)
    if fmt is None or not isinstance(data, bytes) or len(data) != struct.calcsize(fmt):
        return ArrayStub()
    return struct.unpack(fmt, data)[0]


_TORCH_UTILS = {
    "_rebuild_tensor": _rebuild_tensor,
    "_rebuild_tensor_v2": _rebuild_tensor,
    "_rebuild_tensor_v3": _rebuild_tensor_v3,
    "_rebuild_parameter": _rebuild_parameter,
    "_rebuild_parameter_with_state": _rebuild_parameter,
}


def _bytes(data: object = b"", *rest: object) -> bytes:
    """``bytes`` of given bytes or text only: never ``bytes(10**12)``, a memory bomb."""
    if isinstance(data, bytes | bytearray) and not rest:
        return bytes(data)
    if isinstance(data, str) and rest and all(isinstance(r, str) for r in rest):
        return data.encode(*rest)  # type: ignore[arg-type]
    raise pickle.UnpicklingError("bytes made from something other than bytes or text")


def _bytearray(*args: object) -> bytearray:
    return bytearray(_bytes(*args))


_SAFE_BUILTINS: dict[str, Any] = {
    "set": set, "frozenset": frozenset, "tuple": tuple, "list": list, "dict": dict,
    "int": int, "float": float, "complex": complex, "bool": bool, "str": str,
    "bytes": _bytes, "bytearray": _bytearray, "slice": slice,
}  # fmt: skip
"""Plain constructors. No ``range`` (``list(range(10**12))`` would exhaust memory), and
bytes only from bytes or text."""


def allowed(module: str, name: str) -> Any | None:
    """The stand-in for ``module.name``, or None when the allow-list refuses it."""
    if module == "torch._utils":
        return _TORCH_UTILS.get(name)
    if module == "torch._tensor" and name == "_rebuild_from_type_v2":
        return _rebuild_from_type
    if module in ("torch", "torch.storage") and name in STORAGE_DTYPES:
        return StorageType(*STORAGE_DTYPES[name])
    if module == "torch":
        return {"Size": _size, "device": _device}.get(name) or (
            name if name in TORCH_DTYPES else None
        )
    if module == "collections" and name == "OrderedDict":
        return collections.OrderedDict
    if module == "builtins":
        return _SAFE_BUILTINS.get(name)
    if module == "_codecs" and name == "encode":
        return _codecs_encode
    if module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        return {"_reconstruct": ArrayStub, "scalar": _numpy_scalar}.get(name)
    if module == "numpy":
        return {"ndarray": ArrayStub, "dtype": DtypeStub}.get(name)
    return None


def python3_name(module: str, name: str) -> tuple[str, str]:
    """The Python 3 name of a global a protocol 2 pickle spells the Python 2 way
    (``__builtin__.eval`` -> ``builtins.eval``), as :mod:`pickle` itself maps it."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


class AllowListUnpickler(pickle.Unpickler):
    """Reads a state-dict pickle into stand-ins; records every refused global."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.refused: list[str] = []
        self.used: set[str] = set()
        self.storages: dict[str, StorageStub] = {}

    def find_class(self, module: str, name: str) -> Any:
        module, name = python3_name(module, name)
        found = allowed(module, name)
        qualified = f"{module}.{name}"
        if found is None:
            if qualified not in self.refused:
                self.refused.append(qualified)
            return Refused
        self.used.add(qualified)
        return found

    def persistent_load(self, pid: Any) -> StorageStub:
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r:.60}")
        kind, key, numel = pid[1], str(pid[2]), pid[4]
        if not isinstance(kind, StorageType) or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError("a storage of an unknown type")
        stub = self.storages.get(key)
        if stub is None:
            stub = self.storages[key] = StorageStub(kind.dtype, kind.itemsize, key, numel)
        return stub


def load(data: bytes, file: str) -> tuple[Any, AllowListUnpickler]:
    """The pickle's object built from stand-ins; refuses one naming other globals."""
    unpickler = AllowListUnpickler(data)
    try:
        value = unpickler.load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, RecursionError, MemoryError, struct.error) as exc:  # fmt: skip
        if unpickler.refused:
            raise UnsafeCheckpointError(file, unpickler.refused) from None
        raise CheckpointFormatError(file, f"its pickle cannot be read: {exc}") from None
    if unpickler.refused:
        raise UnsafeCheckpointError(file, unpickler.refused)
    return value, unpickler
