"""Checkpoints that describe themselves: what a weights file holds, read from its headers.

    >>> from registry_tui import inspect_checkpoint
    >>> info = inspect_checkpoint("model.safetensors")
    >>> info.parameters, info.weights_bytes, info.parameters_by_dtype

One reader per format (:mod:`.safetensors`, :mod:`.gguf`, :mod:`.pytorch`,
:mod:`.onnx`, :mod:`.directory`), each a pure function over a
:class:`~registry_tui.checkpoints.source.ByteSource` (``size()`` and
``read(offset, length)``), so only a few bytes of a large file are ever read,
and a ranged reader of an object store stands in for the local file:
``s3://``, ``gs://`` and ``hf://`` checkpoints are read through fsspec
(:mod:`.remote`, imported only for such a URI). Nothing here imports rich,
textual, peewee or the data layer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry_tui.checkpoints.dispatch import inspect_checkpoint, inspect_file, inspect_source
    from registry_tui.checkpoints.errors import CheckpointFormatError, UnsafeCheckpointError
    from registry_tui.checkpoints.record import CheckpointInfo, TensorInfo
    from registry_tui.checkpoints.source import ByteSource, FileSource

_HOMES = {
    "inspect_checkpoint": "dispatch",
    "inspect_file": "dispatch",
    "inspect_source": "dispatch",
    "CheckpointFormatError": "errors",
    "UnsafeCheckpointError": "errors",
    "CheckpointInfo": "record",
    "TensorInfo": "record",
    "ByteSource": "source",
    "FileSource": "source",
}
"""Where each public name lives. The readers load on first use, so a face that only
reads what registration recorded (:mod:`.facts`, the CLI's ``list``) stays cheap."""

__all__ = [
    "ByteSource",
    "CheckpointFormatError",
    "CheckpointInfo",
    "FileSource",
    "TensorInfo",
    "UnsafeCheckpointError",
    "inspect_checkpoint",
    "inspect_file",
    "inspect_source",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'registry_tui.checkpoints' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"registry_tui.checkpoints.{home}"), name)
    globals()[name] = value
    return value
