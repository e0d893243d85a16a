"""ONNX models: the graph's initializers (names, dtypes, shapes), through the ``onnx``
package (the optional extra ``onnx``), never loading external data files.

Without the package the file's size is reported with a warning saying so.
"""

from __future__ import annotations

import math
from typing import Any

from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.filesystem import LOCAL, Files
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
REMOTE_LIMIT = 64 * 1024 * 1024
"""The largest ONNX file read from an object store (it has no header: it is read whole)."""
TOO_BIG = "an ONNX file in an object store over 64 MB: initializers not read"


def inspect(path: str, file_bytes: int, files: Files = LOCAL) -> CheckpointInfo:
    """One ONNX file; external data files are only checked to exist."""
    try:
        import onnx
    except ImportError:
        return CheckpointInfo(path=path, format="onnx", file_bytes=file_bytes, warnings=(MISSING,))
    local = files.local(path)
    if local is None and file_bytes > REMOTE_LIMIT:
        return CheckpointInfo(path=path, format="onnx", file_bytes=file_bytes, warnings=(TOO_BIG,))
    data = files.read(path) if local is None else b""
    try:
        if local is not None:
            model = onnx.load(local, load_external_data=False)
        else:
            model = onnx.load_model_from_string(data)
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
    folder = files.parent(path)
    missing = sorted(f for f in external if not files.isfile(files.join(folder, f)))
    warnings = tuple(f"external data file {name!r} is missing" for name in missing)
    present = sorted(external - set(missing))
    sizes = sum(files.size(files.join(folder, name)) for name in present)
    return info_from(
        path,
        "onnx",
        file_bytes + sizes,
        found,
        metadata=_metadata(model),
        warnings=warnings,
        files=(path.rsplit("/", 1)[-1], *present),
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
