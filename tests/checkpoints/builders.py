"""Checkpoint files written by the tests: safetensors and GGUF by hand, PyTorch-format
zips without torch (stand-in globals named as torch names them), and hostile variants."""

from __future__ import annotations

import collections
import contextlib
import json
import math
import pickle
import struct
import sys
import types
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

ST_BYTES = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1, "F64": 8, "I32": 4}


def safetensors_header(
    tensors: Mapping[str, tuple[str, Sequence[int]]], metadata: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], int]:
    """A header for ``tensors`` (name -> dtype, shape) laid out in order; the data length."""
    header: dict[str, Any] = {}
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = math.prod(shape) * ST_BYTES[dtype]
        header[name] = {
            "dtype": dtype,
            "shape": list(shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    return header, offset


def write_safetensors_header(path: Path, header: Mapping[str, Any], data_bytes: int) -> Path:
    """Write ``header`` then ``data_bytes`` of (sparse) zeros."""
    raw = json.dumps(header).encode("utf-8")
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(raw)))
        handle.write(raw)
        handle.truncate(8 + len(raw) + data_bytes)
    return path


def write_safetensors(
    path: Path,
    tensors: Mapping[str, tuple[str, Sequence[int]]],
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """A valid safetensors file of zero-filled tensors."""
    header, data = safetensors_header(tensors, metadata)
    return write_safetensors_header(path, header, data)


# --------------------------------------------------------------------------- GGUF by hand


def _gguf_string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def gguf_value(value: Any) -> bytes:
    """A typed GGUF value: str, bool, int (as int64/uint32 hints), float, list."""
    if isinstance(value, bool):
        return struct.pack("<I?", 7, value)
    if isinstance(value, str):
        return struct.pack("<I", 8) + _gguf_string(value)
    if isinstance(value, int):
        return struct.pack("<Iq", 11, value) if value < 0 else struct.pack("<II", 4, value)
    if isinstance(value, float):
        return struct.pack("<If", 6, value)
    if isinstance(value, list):
        if value and isinstance(value[0], str):
            items = b"".join(_gguf_string(v) for v in value)
            return struct.pack("<IIQ", 9, 8, len(value)) + items
        items = b"".join(struct.pack("<i", v) for v in value)
        return struct.pack("<IIQ", 9, 5, len(value)) + items
    raise TypeError(value)


def write_gguf(
    path: Path,
    metadata: Mapping[str, Any],
    tensors: Sequence[tuple[str, Sequence[int], int, int]],
    *,
    version: int = 3,
    size: int | None = None,
) -> Path:
    """A GGUF file: ``tensors`` are (name, dims innermost first, GGML type, data bytes),
    laid out in order at 32-byte alignment; the file then sized to hold them (or ``size``)."""
    head = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(metadata))
    head += b"".join(_gguf_string(k) + gguf_value(v) for k, v in metadata.items())
    offset = 0
    for name, dims, kind, nbytes in tensors:
        head += _gguf_string(name) + struct.pack("<I", len(dims))
        head += b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", kind, offset)
        offset += -(-nbytes // 32) * 32
    start = -(-len(head) // 32) * 32
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size if size is not None else start + offset)
    return path


# --------------------------------------------------------------------------- PyTorch zips


class Storage:
    """A fake storage: its torch class name, key, element count and bytes per element."""

    def __init__(self, kind: str, key: str, numel: int, itemsize: int) -> None:
        self.kind, self.key, self.numel, self.itemsize = kind, key, numel, itemsize


class Tensor:
    """A fake tensor that pickles as ``torch._utils._rebuild_tensor_v2`` does."""

    def __init__(self, storage: Storage, shape: Sequence[int], offset: int = 0) -> None:
        self.storage, self.shape, self.offset = storage, tuple(shape), offset

    def __reduce__(self) -> Any:
        torch_utils = sys.modules["torch._utils"]
        stride = tuple(math.prod(self.shape[i + 1 :]) for i in range(len(self.shape)))
        size = sys.modules["torch"].Size(self.shape)
        args = (self.storage, self.offset, size, stride, False, collections.OrderedDict())
        return torch_utils._rebuild_tensor_v2, args


@contextlib.contextmanager
def fake_torch() -> Iterator[None]:
    """``torch`` and ``torch._utils`` in sys.modules, holding stand-ins named as torch's
    own, so pickle writes the globals a real torch.save writes. Removed afterwards (a real
    torch, when one is loaded, is put back)."""
    real = {
        name: sys.modules.pop(name) for name in ("torch", "torch._utils") if name in sys.modules
    }
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def rebuild(*args: Any) -> None:  # never called: only its name is pickled
        raise AssertionError

    rebuild.__module__, rebuild.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = rebuild  # type: ignore[attr-defined]

    class Size(tuple):  # type: ignore[type-arg]
        def __reduce__(self) -> Any:
            return Size, (tuple(self),)

    Size.__module__, Size.__qualname__ = "torch", "Size"
    torch.Size = Size  # type: ignore[attr-defined]
    for kind in ("FloatStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "ByteStorage"):
        cls = type(kind, (), {"__module__": "torch"})
        setattr(torch, kind, cls)
    torch._utils = utils  # type: ignore[attr-defined]
    sys.modules["torch"], sys.modules["torch._utils"] = torch, utils
    try:
        yield
    finally:
        del sys.modules["torch"], sys.modules["torch._utils"]
        sys.modules.update(real)


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, Storage):
            return ("storage", getattr(sys.modules["torch"], obj.kind), obj.key, "cpu", obj.numel)
        return None


def write_torch_zip(
    path: Path,
    value: Any,
    storages: Sequence[Storage] = (),
    *,
    stored_bytes: Mapping[str, int] | None = None,
    pickled: bytes | None = None,
) -> Path:
    """A zip laid out as ``torch.save`` lays it out: ``archive/data.pkl`` (protocol 2),
    ``archive/data/<key>`` per storage (zeros, or ``stored_bytes[key]`` of them)."""
    if pickled is None:
        import io

        buffer = io.BytesIO()
        with fake_torch():
            _Pickler(buffer, protocol=2).dump(value)
        pickled = buffer.getvalue()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", pickled)
        archive.writestr("archive/byteorder", "little")
        for storage in storages:
            size = storage.numel * storage.itemsize
            if stored_bytes is not None and storage.key in stored_bytes:
                size = stored_bytes[storage.key]
            archive.writestr(f"archive/data/{storage.key}", b"\0" * size)
        archive.writestr("archive/version", "3\n")
    return path


def state_dict(
    specs: Mapping[str, tuple[str, int, Sequence[int]]], first_key: int = 0
) -> tuple[collections.OrderedDict[str, Tensor], list[Storage]]:
    """Tensors (name -> storage class, itemsize, shape), one storage each."""
    tensors: collections.OrderedDict[str, Tensor] = collections.OrderedDict()
    storages = []
    for index, (name, (kind, itemsize, shape)) in enumerate(specs.items()):
        storage = Storage(kind, str(first_key + index), math.prod(shape), itemsize)
        storages.append(storage)
        tensors[name] = Tensor(storage, shape)
    return tensors, storages
