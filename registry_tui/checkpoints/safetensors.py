"""safetensors files: the header only (8-byte little-endian length, then JSON).

Tensor data is never read. Each tensor's byte range is checked against its
dtype and shape and against the end of the file, and a header longer than
:data:`HEADER_LIMIT` or running past the end is refused, so a lying file is
reported instead of believed. A sharded checkpoint (``model.safetensors.index.json``)
is read shard by shard and summed.
"""

from __future__ import annotations

import json
import math
import posixpath
import struct
from collections.abc import Iterator
from typing import Any

from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.filesystem import Files
from registry_tui.checkpoints.record import CheckpointInfo, TensorInfo, info_from
from registry_tui.checkpoints.source import ByteSource

HEADER_LIMIT = 100_000_000
"""The longest header accepted, in bytes (the safetensors library's own limit)."""

INDEX_SUFFIX = ".safetensors.index.json"
INDEX_LIMIT = 50_000_000

ITEM_BITS: dict[str, int] = {
    "F64": 64, "F32": 32, "F16": 16, "BF16": 16,
    "I64": 64, "I32": 32, "I16": 16, "I8": 8,
    "U64": 64, "U32": 32, "U16": 16, "U8": 8, "BOOL": 8,
    "F8_E4M3": 8, "F8_E5M2": 8, "F8_E8M0": 8, "F6_E2M3": 6, "F6_E3M2": 6, "F4": 4,
    "C64": 64,
}  # fmt: skip
"""Bits per element of each safetensors dtype."""


def looks_like(head: bytes, size: int) -> bool:
    """True when the first bytes read as a safetensors header length followed by ``{``."""
    if len(head) < 9:
        return False
    length = struct.unpack("<Q", head[:8])[0]
    return 2 <= length <= min(HEADER_LIMIT, size - 8) and head[8:9] == b"{"


def read_header(source: ByteSource) -> tuple[dict[str, Any], int]:
    """The parsed JSON header and the offset where tensor data starts."""
    size = source.size()
    if size < 8:
        raise CheckpointFormatError(
            source.name, f"{size} bytes is too short for a safetensors file"
        )
    length = struct.unpack("<Q", source.read(0, 8))[0]
    if length > HEADER_LIMIT:
        raise CheckpointFormatError(
            source.name, f"header length {length} is over the {HEADER_LIMIT} byte limit"
        )
    if 8 + length > size:
        raise CheckpointFormatError(
            source.name, f"header length {length} runs past the end of the {size} byte file"
        )
    raw = source.read(8, length)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CheckpointFormatError(source.name, f"header is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise CheckpointFormatError(source.name, "header is not a JSON object")
    return header, 8 + length


def tensors(source: ByteSource) -> tuple[list[TensorInfo], dict[str, Any]]:
    """Every tensor the header lists, checked, and its ``__metadata__``."""
    header, data_start = read_header(source)
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise CheckpointFormatError(source.name, "__metadata__ is not a JSON object")
    data_bytes = source.size() - data_start
    found = [_tensor(source.name, name, entry, data_bytes) for name, entry in header.items()]
    return found, metadata


def _tensor(file: str, name: str, entry: Any, data_bytes: int) -> TensorInfo:
    if not isinstance(entry, dict):
        raise CheckpointFormatError(file, f"tensor {name!r} is not described by an object")
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if not isinstance(dtype, str) or dtype not in ITEM_BITS:
        raise CheckpointFormatError(file, f"tensor {name!r} has an unknown dtype {dtype!r}")
    if not isinstance(shape, list) or not all(_whole(d) for d in shape):
        raise CheckpointFormatError(file, f"tensor {name!r} has a malformed shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_whole(o) for o in offsets)):
        raise CheckpointFormatError(file, f"tensor {name!r} has malformed data_offsets")
    begin, end = offsets
    expected = math.ceil(math.prod(shape) * ITEM_BITS[dtype] / 8)
    if end < begin or end - begin != expected:
        raise CheckpointFormatError(
            file,
            f"tensor {name!r} ({dtype} {shape}) needs {expected} bytes "
            f"but its data_offsets span {end - begin}",
        )
    if end > data_bytes:
        raise CheckpointFormatError(
            file, f"tensor {name!r} ends at byte {end}, past the {data_bytes} bytes of data"
        )
    return TensorInfo(name, dtype, tuple(shape), end - begin)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def inspect(source: ByteSource) -> CheckpointInfo:
    """One safetensors file."""
    found, metadata = tensors(source)
    return info_from(source.name, "safetensors", source.size(), found, metadata=_strings(metadata))


def _strings(metadata: dict[str, Any]) -> dict[str, Any]:
    return {str(key): value for key, value in metadata.items()}


def inspect_index(index_path: str, files: Files) -> CheckpointInfo:
    """A sharded checkpoint: every shard the index names, read and summed."""
    weight_map, metadata = read_index(index_path, files)
    folder = files.parent(index_path)
    shards = sorted(set(weight_map.values()))
    found: list[TensorInfo] = []
    file_bytes = 0
    shard_metadata: dict[str, Any] = {}
    for shard in shards:
        source = files.open(files.join(folder, shard))
        try:
            tensors_here, meta = tensors(source)
            file_bytes += source.size()
        finally:
            _close(source)
        found.extend(tensors_here)
        shard_metadata = shard_metadata or _strings(meta)
    warnings = list(_index_mismatches(weight_map, found))
    total = metadata.get("total_size")
    weights = sum(tensor.nbytes for tensor in found)
    if isinstance(total, int) and total != weights:
        warnings.append(f"the index says total_size {total}, the shards hold {weights} bytes")
    return info_from(
        index_path,
        "safetensors",
        file_bytes,
        found,
        metadata={**shard_metadata, **{f"index.{k}": v for k, v in metadata.items()}},
        warnings=tuple(warnings),
        files=tuple(shards),
    )


def read_index(path: str, files: Files) -> tuple[dict[str, str], dict[str, Any]]:
    """A shard index's ``weight_map`` (tensor -> shard file beside it) and metadata,
    every shard checked to be a plain file name that exists."""
    name = posixpath.basename(path)
    if files.size(path) > INDEX_LIMIT:
        raise CheckpointFormatError(name, f"the index is over the {INDEX_LIMIT} byte limit")
    try:
        index = json.loads(files.read(path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CheckpointFormatError(name, f"the index is not JSON: {exc}") from None
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
        raise CheckpointFormatError(name, "the index has no weight_map of tensor -> shard file")
    for shard in set(weight_map.values()):
        if "/" in shard or shard in ("", ".", ".."):
            raise CheckpointFormatError(
                name, f"shard {shard!r} is not a file name beside the index"
            )
        if not files.isfile(files.join(files.parent(path), shard)):
            raise CheckpointFormatError(name, f"shard {shard!r} named by the index is missing")
    metadata = index.get("metadata")
    return weight_map, metadata if isinstance(metadata, dict) else {}


def _index_mismatches(weight_map: dict[str, str], found: list[TensorInfo]) -> Iterator[str]:
    names = {tensor.name for tensor in found}
    missing = [name for name in weight_map if name not in names]
    extra = [name for name in names if name not in weight_map]
    if missing:
        yield f"{len(missing)} tensors in the index are in no shard (first: {missing[0]!r})"
    if extra:
        first = sorted(extra)[0]
        yield f"{len(extra)} tensors in the shards are not in the index (first: {first!r})"


def _close(source: ByteSource) -> None:
    close = getattr(source, "close", None)
    if callable(close):
        close()
