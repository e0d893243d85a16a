"""Where checkpoint bytes come from: a small interface every format reader reads through.

A reader never opens files itself. It asks a :class:`ByteSource` for its
``size()`` and for ranges of bytes (``read(offset, length)``), so the same
readers work over a local file (:class:`FileSource`) and, later, over a ranged
reader of an object store. Every source counts what it was asked for, which is
how the benchmarks prove a 10 GB file is inspected from a few of its bytes.
"""

from __future__ import annotations

import io
import os
from typing import Protocol


class ByteSource(Protocol):
    """Random access to the bytes of one file, by ranges."""

    name: str
    """The file's name, as messages show it."""

    def size(self) -> int:
        """The file's length in bytes."""
        ...

    def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes from ``offset`` (fewer only at the end of the file)."""
        ...


class FileSource:
    """A local file as a :class:`ByteSource`, counting the bytes and reads it serves."""

    def __init__(self, path: str) -> None:
        self.name = path
        self._file = open(path, "rb")  # noqa: SIM115 -- closed by close()
        self._size = os.fstat(self._file.fileno()).st_size
        self.bytes_read = 0
        self.reads = 0

    def size(self) -> int:
        """The file's length in bytes when it was opened."""
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes from ``offset``."""
        if offset < 0 or length < 0:
            raise ValueError("negative offset or length")
        self._file.seek(offset)
        data = self._file.read(length)
        self.bytes_read += len(data)
        self.reads += 1
        return data

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> FileSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class SourceFile(io.RawIOBase):
    """A read-only, seekable file object over a :class:`ByteSource` (for :mod:`zipfile`)."""

    def __init__(self, source: ByteSource) -> None:
        super().__init__()
        self._source = source
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._position = offset
        elif whence == io.SEEK_CUR:
            self._position += offset
        else:
            self._position = self._source.size() + offset
        if self._position < 0:
            raise OSError("seek before the start of the file")
        return self._position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._source.read(self._position, len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)
