""":func:`inspect_checkpoint`: which reader a path needs, chosen from its first bytes."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

from registry_tui.checkpoints import directory, gguf, onnx, pytorch, safetensors
from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.filesystem import Files, LocalFiles
from registry_tui.checkpoints.record import CheckpointInfo
from registry_tui.checkpoints.source import ByteSource, FileSource
from registry_tui.errors import CheckpointNotFoundError

NOT_RECOGNISED = "format not recognised"
LEGACY_PYTORCH = "a PyTorch file in the legacy (pre-1.6, not zip) format: not read"
REMOTE_SCHEMES = ("s3://", "gs://", "gcs://", "hf://", "memory://")
"""The object stores read through fsspec (``memory://`` is fsspec's in-process store)."""


def is_remote(path: str) -> bool:
    """True for a URI read from an object store (``s3://``, ``gs://``, ``gcs://``,
    ``hf://``, and ``memory://`` for tests)."""
    return path.lower().startswith(REMOTE_SCHEMES)


Opener = Callable[[str], ByteSource]


def inspect_checkpoint(
    path: str | os.PathLike[str], *, opener: Opener = FileSource
) -> CheckpointInfo:
    """What the checkpoint at ``path`` says about itself, from its headers only.

    Reads safetensors (single or sharded through ``*.safetensors.index.json``),
    GGUF, PyTorch zip checkpoints (never running their pickle), ONNX (with the
    ``onnx`` extra) and checkpoint directories. A file of another format gives its
    size and the warning ``format not recognised``.

    Raises:
        CheckpointNotFoundError: nothing is at ``path``.
        CheckpointFormatError: the file is refused (truncated, lying or unsafe), or
            ``path`` is a FIFO, socket or device, or a directory without weights.

    ``opener`` makes the :class:`ByteSource` each local file is read through. A
    ``s3://``, ``gs://`` or ``hf://`` URI (a file, or a prefix holding a checkpoint
    directory) is read with ranged requests through fsspec
    (:mod:`registry_tui.checkpoints.remote`).
    """
    location = os.fspath(path)
    if is_remote(location):
        from registry_tui.checkpoints import remote

        return remote.inspect(location)
    try:
        mode = os.stat(location).st_mode
    except FileNotFoundError:
        raise CheckpointNotFoundError(location) from None
    except OSError as exc:
        raise CheckpointFormatError(location, f"cannot be read: {exc.strerror}") from None
    files = LocalFiles(opener)
    if stat.S_ISDIR(mode):
        return directory.inspect(location, lambda name: inspect_file(name, opener, files), files)
    if not stat.S_ISREG(mode):
        raise CheckpointFormatError(
            location, "not a regular file or a directory (a FIFO, socket or device is never read)"
        )
    return inspect_file(location, opener, files)


def inspect_file(
    path: str, opener: Opener = FileSource, files: Files | None = None
) -> CheckpointInfo:
    """One regular file (or a shard index), its bytes read through ``files``
    (local files through ``opener`` when no ``files`` is given)."""
    files = files if files is not None else LocalFiles(opener)
    if path.endswith(safetensors.INDEX_SUFFIX):
        return safetensors.inspect_index(path, files)
    if path.endswith(".onnx"):
        return onnx.inspect(path, files.size(path), files)
    try:
        source = files.open(path)
    except OSError as exc:
        raise CheckpointFormatError(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        return inspect_source(source)
    finally:
        close = getattr(source, "close", None)
        if callable(close):
            close()


def inspect_source(source: ByteSource) -> CheckpointInfo:
    """One file's bytes, its format told by its first bytes (and its name's suffix)."""
    size = source.size()
    head = source.read(0, 16)
    name = source.name.lower()
    if head[:4] == gguf.MAGIC:
        return gguf.inspect(source)
    if name.endswith(".safetensors") or safetensors.looks_like(head, size):
        return safetensors.inspect(source)
    if head[:4] == b"PK\x03\x04" and (
        name.endswith(directory.PYTORCH_SUFFIXES) or pytorch.is_archive(source)
    ):
        return pytorch.inspect(source)
    unknown = CheckpointInfo(path=source.name, format="unknown", file_bytes=size)
    if head[:1] == b"\x80" and name.endswith(directory.PYTORCH_SUFFIXES):
        return CheckpointInfo(
            path=source.name, format="pytorch-legacy", file_bytes=size, warnings=(LEGACY_PYTORCH,)
        )
    return unknown.with_warnings(NOT_RECOGNISED)
