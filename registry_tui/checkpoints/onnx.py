"""ONNX models: the graph's initializers (names, dtypes, shapes), through the ``onnx``
package (the optional extra ``onnx``), never loading external data files.

Without the package the file's size is reported with a warning saying so.
"""

from __future__ import annotations

import math
import os
from typing import Any

from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.record import CheckpointInfo, TensorInfo, info_from

MISSING = (
    "the onnx package is not installed (pip install 'registry-tui[onnx]'): initializers not read"
)

ITEM_BITS = {
    "FLOAT": 32, "UINT8": 8, "INT8": 8, "UINT16": 16, "INT16": 16, "INT32": 32, "INT64": 64,
    "BOOL": 8, "FLOAT16": 16, "DOUBLE": 64, "UINT32": 32, "UINT64": 64, "COMPLEX64": 64,
    "COMPLEX128": 128, "BFLOAT16": 16, "FLOAT8E4M3FN": 8, "FLOAT8E4M3FNUZ": 8,
    "FLOAT8E5M2": 8, "FLOAT8E5M2FNUZ": 8, "UINT4": 4, "INT4": 4, "FLOAT4E2M1": 4,
}  # fmt: skip


def inspect(path: str, file_bytes: int) -> CheckpointInfo:
    """One ONNX file; external data files are only checked to exist."""
    try:
        import onnx
    except ImportError:
        return CheckpointInfo(path=path, format="onnx", file_bytes=file_bytes, warnings=(MISSING,))
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as exc:  # the protobuf parser raises several kinds
        raise CheckpointFormatError(path, f"not a readable ONNX model: {exc}") from None
    found: list[TensorInfo] = []
    external: set[str] = set()
    for tensor in model.graph.initializer:
        dtype = onnx.TensorProto.DataType.Name(tensor.data_type)
        shape = tuple(int(d) for d in tensor.dims)
        nbytes = math.ceil(math.prod(shape) * ITEM_BITS.get(dtype, 0) / 8)
        found.append(TensorInfo(tensor.name, dtype, shape, nbytes))
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            external.update(e.value for e in tensor.external_data if e.key == "location")
    folder = os.path.dirname(path)
    missing = sorted(f for f in external if not os.path.isfile(os.path.join(folder, f)))
    warnings = tuple(f"external data file {name!r} is missing" for name in missing)
    present = sorted(external - set(missing))
    sizes = sum(os.path.getsize(os.path.join(folder, name)) for name in present)
    return info_from(
        path,
        "onnx",
        file_bytes + sizes,
        found,
        metadata=_metadata(model),
        warnings=warnings,
        files=(os.path.basename(path), *present),
    )


def _metadata(model: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "ir_version": model.ir_version,
        "producer_name": model.producer_name,
        "producer_version": model.producer_version,
        "opset_import": {op.domain or "ai.onnx": op.version for op in model.opset_import},
    }
    facts.update({f"metadata.{p.key}": p.value for p in model.metadata_props})
    return facts
