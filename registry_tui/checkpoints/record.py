"""What inspecting a checkpoint finds: :class:`CheckpointInfo`, and how readers build it.

Readers list the tensors they find (:class:`TensorInfo`) and hand them to
:func:`summarise`, which counts parameters (in total and per dtype), bytes,
and keeps the largest tensors, so every format is counted the same way.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

LARGEST = 10
"""How many of the largest tensors a :class:`CheckpointInfo` keeps."""


@dataclass(frozen=True)
class TensorInfo:
    """One tensor as a header describes it: never its values."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    nbytes: int

    @property
    def elements(self) -> int:
        """How many values the tensor holds (its parameters)."""
        return math.prod(self.shape)

    def to_dict(self) -> dict[str, Any]:
        """``{"name", "dtype", "shape", "bytes"}``."""
        return {
            "name": self.name,
            "dtype": self.dtype,
            "shape": list(self.shape),
            "bytes": self.nbytes,
        }


@dataclass(frozen=True)
class CheckpointInfo:
    """What a checkpoint says about itself, read from its headers.

    ``weights_bytes`` and the parameter counts cover the model's weights only:
    a training checkpoint's optimizer state (Adam moments) is counted apart in
    ``optimizer_bytes`` and ``optimizer_tensors``. ``metrics``, ``epoch`` and
    ``git_commit`` are the checkpoint's own, when it records them.
    """

    path: str
    format: str
    file_bytes: int
    weights_bytes: int = 0
    parameters: int = 0
    parameters_by_dtype: Mapping[str, int] = field(default_factory=dict)
    tensor_count: int = 0
    largest_tensors: tuple[TensorInfo, ...] = ()
    architecture: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    optimizer_bytes: int = 0
    optimizer_tensors: int = 0
    metrics: Mapping[str, Any] | None = None
    epoch: int | None = None
    git_commit: str | None = None
    files: tuple[str, ...] = ()

    def with_warnings(self, *more: str) -> CheckpointInfo:
        """A copy with ``more`` warnings added."""
        return replace(self, warnings=(*self.warnings, *more))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, in the order the CLI's JSON shows them."""
        return {
            "path": self.path,
            "format": self.format,
            "file_bytes": self.file_bytes,
            "weights_bytes": self.weights_bytes,
            "parameters": self.parameters,
            "parameters_by_dtype": dict(self.parameters_by_dtype),
            "tensor_count": self.tensor_count,
            "largest_tensors": [tensor.to_dict() for tensor in self.largest_tensors],
            "architecture": dict(self.architecture),
            "metadata": dict(self.metadata),
            "warnings": list(self.warnings),
            "optimizer_bytes": self.optimizer_bytes,
            "optimizer_tensors": self.optimizer_tensors,
            "metrics": None if self.metrics is None else dict(self.metrics),
            "epoch": self.epoch,
            "git_commit": self.git_commit,
            "files": list(self.files),
        }


@dataclass(frozen=True)
class TensorSummary:
    """Counts over a set of tensors: what :func:`summarise` returns."""

    weights_bytes: int
    parameters: int
    parameters_by_dtype: dict[str, int]
    tensor_count: int
    largest_tensors: tuple[TensorInfo, ...]


def summarise(tensors: Iterable[TensorInfo]) -> TensorSummary:
    """Bytes, parameters (total and per dtype, most first) and the largest tensors."""
    total_bytes = 0
    total = 0
    count = 0
    by_dtype: dict[str, int] = {}
    largest: list[tuple[int, int, TensorInfo]] = []
    for index, tensor in enumerate(tensors):
        elements = tensor.elements
        total_bytes += tensor.nbytes
        total += elements
        count += 1
        by_dtype[tensor.dtype] = by_dtype.get(tensor.dtype, 0) + elements
        entry = (elements, -index, tensor)
        if len(largest) < LARGEST:
            heapq.heappush(largest, entry)
        elif entry > largest[0]:
            heapq.heapreplace(largest, entry)
    ranked = sorted(by_dtype.items(), key=lambda item: (-item[1], item[0]))
    top = tuple(item[2] for item in sorted(largest, reverse=True))
    return TensorSummary(total_bytes, total, dict(ranked), count, top)


def info_from(
    path: str, format: str, file_bytes: int, tensors: Iterable[TensorInfo], **fields: Any
) -> CheckpointInfo:
    """A :class:`CheckpointInfo` counting ``tensors`` as the model's weights."""
    summary = summarise(tensors)
    return CheckpointInfo(
        path=path,
        format=format,
        file_bytes=file_bytes,
        weights_bytes=summary.weights_bytes,
        parameters=summary.parameters,
        parameters_by_dtype=summary.parameters_by_dtype,
        tensor_count=summary.tensor_count,
        largest_tensors=summary.largest_tensors,
        **fields,
    )


def combined(
    path: str, format: str, parts: Iterable[CheckpointInfo], **fields: Any
) -> CheckpointInfo:
    """Several files' findings as one checkpoint: counts summed, the largest tensors
    taken from every part's largest (which hold the largest of all)."""
    parts = list(parts)
    by_dtype: dict[str, int] = {}
    for part in parts:
        for dtype, count in part.parameters_by_dtype.items():
            by_dtype[dtype] = by_dtype.get(dtype, 0) + count
    candidates = [tensor for part in parts for tensor in part.largest_tensors]
    largest = sorted(candidates, key=lambda tensor: -tensor.elements)[:LARGEST]
    return CheckpointInfo(
        path=path,
        format=format,
        file_bytes=sum(part.file_bytes for part in parts),
        weights_bytes=sum(part.weights_bytes for part in parts),
        parameters=sum(part.parameters for part in parts),
        parameters_by_dtype=dict(sorted(by_dtype.items(), key=lambda i: (-i[1], i[0]))),
        tensor_count=sum(part.tensor_count for part in parts),
        largest_tensors=tuple(largest),
        **fields,
    )
