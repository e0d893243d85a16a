"""GGUF files (versions 2 and 3): header, key/value metadata and tensor infos, by hand.

No dependency at run time. Quantised tensors are counted from the GGML type
table: bytes from each type's block size and block bytes, parameters from the
element counts. Long arrays (a tokenizer's vocabulary) are summarised as their
type and length, and numeric ones are skipped without being read.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from typing import Any

from registry_tui.checkpoints.cursor import Cursor
from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.record import CheckpointInfo, TensorInfo, info_from
from registry_tui.checkpoints.source import ByteSource

MAGIC = b"GGUF"
VERSIONS = (2, 3)
ALIGNMENT = 32
ARRAY_SHOWN = 16
"""Arrays up to this length are kept in the metadata; longer ones are summarised."""
STRING_LIMIT = 16 * 1024 * 1024
COUNT_LIMIT = 1 << 24
MAX_DIMS = 8

GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 40),
    10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74), 18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
    26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17),
    40: ("NVFP4", 64, 36), 41: ("Q1_0", 128, 18),
}  # fmt: skip
"""GGML tensor type id -> (name, elements per block, bytes per block)."""

_SCALARS: dict[int, tuple[str, str]] = {
    0: ("<B", "uint8"), 1: ("<b", "int8"), 2: ("<H", "uint16"), 3: ("<h", "int16"),
    4: ("<I", "uint32"), 5: ("<i", "int32"), 6: ("<f", "float32"), 7: ("<?", "bool"),
    10: ("<Q", "uint64"), 11: ("<q", "int64"), 12: ("<d", "float64"),
}  # fmt: skip
_STRING, _ARRAY = 8, 9

ARCHITECTURE_KEYS = {
    "context_length": "context_length",
    "block_count": "block_count",
    "embedding_length": "embedding_length",
    "feed_forward_length": "feed_forward_length",
    "attention.head_count": "head_count",
    "attention.head_count_kv": "head_count_kv",
    "attention.key_length": "key_length",
    "vocab_size": "vocab_size",
    "expert_count": "expert_count",
}


def inspect(source: ByteSource) -> CheckpointInfo:
    """One GGUF file."""
    cursor = Cursor(source)
    if cursor.take(4) != MAGIC:
        raise CheckpointFormatError(source.name, "not a GGUF file (no GGUF magic)")
    version = cursor.u32()
    if version not in VERSIONS:
        raise CheckpointFormatError(source.name, f"GGUF version {version} is not supported (2, 3)")
    tensor_count, kv_count = cursor.u64(), cursor.u64()
    _limit(source.name, "tensor count", tensor_count)
    _limit(source.name, "metadata count", kv_count)
    metadata: dict[str, Any] = {}
    for _ in range(kv_count):
        key = _string(cursor)
        metadata[key] = _value(cursor, cursor.u32())
    infos = [_tensor_info(cursor) for _ in range(tensor_count)]
    alignment = metadata.get("general.alignment", ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise CheckpointFormatError(
            source.name, f"general.alignment {alignment!r} is not a power of two"
        )
    data_start = -(-cursor.offset // alignment) * alignment
    found = [_checked(source, info, data_start) for info in infos]
    return info_from(
        source.name,
        "gguf",
        source.size(),
        found,
        architecture=architecture(metadata),
        metadata={"gguf.version": version, **metadata},
    )


def _limit(file: str, what: str, value: int) -> None:
    if value > COUNT_LIMIT:
        raise CheckpointFormatError(file, f"{what} {value} is over the limit of {COUNT_LIMIT}")


def _string(cursor: Cursor) -> str:
    length = cursor.u64()
    if length > STRING_LIMIT:
        raise CheckpointFormatError(
            cursor.source.name, f"a string of {length} bytes at offset {cursor.offset - 8}"
        )
    return cursor.take(length).decode("utf-8", errors="replace")


def _value(cursor: Cursor, kind: int) -> Any:
    if kind in _SCALARS:
        return cursor.unpack(_SCALARS[kind][0])[0]
    if kind == _STRING:
        return _string(cursor)
    if kind == _ARRAY:
        return _array(cursor)
    raise CheckpointFormatError(cursor.source.name, f"unknown metadata value type {kind}")


def _array(cursor: Cursor) -> Any:
    kind, length = cursor.u32(), cursor.u64()
    if length > 1 << 32:
        raise CheckpointFormatError(cursor.source.name, f"an array of {length} items")
    if length <= ARRAY_SHOWN:
        return [_value(cursor, kind) for _ in range(length)]
    if kind in _SCALARS:
        cursor.skip(length * struct.calcsize(_SCALARS[kind][0]))
        name = _SCALARS[kind][1]
    elif kind == _STRING:
        cursor.skip_strings(length, STRING_LIMIT)
        name = "string"
    else:
        for _ in range(length):
            _value(cursor, kind)
        name = "array"
    return {"type": "array", "element_type": name, "length": length}


def _tensor_info(cursor: Cursor) -> tuple[str, tuple[int, ...], int, int]:
    name = _string(cursor)
    dims = cursor.u32()
    if dims > MAX_DIMS:
        raise CheckpointFormatError(cursor.source.name, f"tensor {name!r} has {dims} dimensions")
    shape = tuple(cursor.u64() for _ in range(dims))
    return name, shape, cursor.u32(), cursor.u64()


def _checked(
    source: ByteSource, info: tuple[str, tuple[int, ...], int, int], data_start: int
) -> TensorInfo:
    name, shape, kind, offset = info
    if kind not in GGML_TYPES:
        raise CheckpointFormatError(source.name, f"tensor {name!r} has unknown GGML type {kind}")
    type_name, block, block_bytes = GGML_TYPES[kind]
    elements = math.prod(shape)
    if shape and shape[0] % block:
        raise CheckpointFormatError(
            source.name,
            f"tensor {name!r}: rows of {shape[0]} values do not fill {type_name} blocks of {block}",
        )
    nbytes = elements // block * block_bytes
    end = data_start + offset + nbytes
    if end > source.size():
        raise CheckpointFormatError(
            source.name,
            f"tensor {name!r} ends at byte {end}, past the end of the {source.size()} byte file",
        )
    # GGUF lists dimensions innermost first; show them as PyTorch would.
    return TensorInfo(name, type_name, tuple(reversed(shape)), nbytes)


def architecture(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """``general.architecture`` and the facts recorded under its name."""
    arch = metadata.get("general.architecture")
    facts: dict[str, Any] = {}
    if isinstance(arch, str):
        facts["architecture"] = arch
        for key, fact in ARCHITECTURE_KEYS.items():
            if f"{arch}.{key}" in metadata:
                facts[fact] = metadata[f"{arch}.{key}"]
    for key, fact in (("general.name", "name"), ("general.file_type", "file_type")):
        if key in metadata:
            facts[fact] = metadata[key]
    tokens = metadata.get("tokenizer.ggml.tokens")
    if "vocab_size" not in facts and isinstance(tokens, dict | list):
        facts["vocab_size"] = tokens["length"] if isinstance(tokens, dict) else len(tokens)
    return facts
