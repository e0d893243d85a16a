"""Where a checkpoint's files are: a small interface over a folder of files.

A checkpoint directory (``save_pretrained``, a trainer's ``checkpoint-500/``) and
a shard index name files beside each other; the readers reach them through a
:class:`Files`, so the same code reads a local folder (:class:`LocalFiles`) and a
prefix of an object store (:class:`registry_tui.checkpoints.remote.RemoteFiles`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Protocol

from registry_tui.checkpoints.source import ByteSource, FileSource

Opener = Callable[[str], ByteSource]


class Files(Protocol):
    """The few operations a checkpoint reader needs on a folder of files."""

    def names(self, folder: str) -> list[str]:
        """The names of the regular files directly inside ``folder``, sorted."""
        ...

    def join(self, folder: str, name: str) -> str:
        """The path of ``name`` inside ``folder``."""
        ...

    def parent(self, path: str) -> str:
        """The folder holding ``path``."""
        ...

    def isfile(self, path: str) -> bool:
        """True when a regular file is at ``path``."""
        ...

    def size(self, path: str) -> int:
        """The length of the file at ``path``, in bytes."""
        ...

    def read(self, path: str) -> bytes:
        """The whole file at ``path`` (callers check its size first)."""
        ...

    def open(self, path: str) -> ByteSource:
        """A ranged reader of the file at ``path``."""
        ...

    def local(self, path: str) -> str | None:
        """``path`` as a local file name, or None when the file is not local."""
        ...


class LocalFiles:
    """Files on this machine, each read through ``opener`` (a :class:`FileSource`)."""

    def __init__(self, opener: Opener = FileSource) -> None:
        self._opener = opener

    def names(self, folder: str) -> list[str]:
        return sorted(n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n)))

    def join(self, folder: str, name: str) -> str:
        return os.path.join(folder, name)

    def parent(self, path: str) -> str:
        return os.path.dirname(path)

    def isfile(self, path: str) -> bool:
        return os.path.isfile(path)

    def size(self, path: str) -> int:
        return os.path.getsize(path)

    def read(self, path: str) -> bytes:
        with open(path, "rb") as handle:
            return handle.read()

    def open(self, path: str) -> ByteSource:
        return self._opener(path)

    def local(self, path: str) -> str | None:
        return path


LOCAL = LocalFiles()
"""The local filesystem, files read through :class:`FileSource`."""


def read_small(files: Files, path: str, limit: int) -> bytes | None:
    """The file at ``path`` when it exists and is at most ``limit`` bytes, else None."""
    try:
        if not files.isfile(path) or files.size(path) > limit:
            return None
        return files.read(path)
    except OSError:
        return None
