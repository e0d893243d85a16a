"""Sequential reading of a :class:`ByteSource` through a window, for binary headers.

A header is parsed front to back in small pieces; the cursor fetches the bytes
a window (:data:`WINDOW`) at a time, and :meth:`Cursor.skip` jumps over long
runs (a numeric array) without reading them.
"""

from __future__ import annotations

import struct

from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.source import ByteSource

WINDOW = 256 * 1024
_U64 = struct.Struct("<Q")


class Cursor:
    """A position in a source, reading forward."""

    def __init__(self, source: ByteSource, offset: int = 0) -> None:
        self.source = source
        self.offset = offset
        self._size = source.size()
        self._start = 0
        self._window = b""

    def take(self, length: int) -> bytes:
        """The next ``length`` bytes; a one-line error when the file ends first."""
        if self.offset + length > self._size:
            raise CheckpointFormatError(
                self.source.name,
                f"truncated: needs {length} bytes at offset {self.offset}, "
                f"the file has {self._size}",
            )
        inside = self.offset - self._start
        if inside < 0 or inside + length > len(self._window):
            self._start = self.offset
            self._window = self.source.read(self.offset, max(length, WINDOW))
            inside = 0
        self.offset += length
        return self._window[inside : inside + length]

    def skip(self, length: int) -> None:
        """Move past ``length`` bytes without reading them (they must exist)."""
        if self.offset + length > self._size:
            raise CheckpointFormatError(
                self.source.name,
                f"truncated: {length} bytes at offset {self.offset} run past the end",
            )
        self.offset += length

    def skip_strings(self, count: int, limit: int) -> None:
        """Move past ``count`` length-prefixed strings (u64 length, then bytes), reading
        only the windows holding their lengths; a string over ``limit`` bytes is an error."""
        unpack_from = _U64.unpack_from
        remaining = count
        while remaining:
            inside = self.offset - self._start
            if inside < 0 or inside + 8 > len(self._window):
                self.take(8)  # refills the window at the offset (or reports truncation)
                self.offset -= 8
                inside = 0
            window, end, position = self._window, len(self._window), inside
            while remaining and position + 8 <= end:
                length = unpack_from(window, position)[0]
                if length > limit:
                    raise CheckpointFormatError(
                        self.source.name, f"a string of {length} bytes in an array"
                    )
                position += 8 + length
                remaining -= 1
            self.offset = self._start + position
            if self.offset > self._size:
                raise CheckpointFormatError(
                    self.source.name, "truncated: an array of strings runs past the end"
                )

    def unpack(self, fmt: str) -> tuple[object, ...]:
        """``struct.unpack`` of the next bytes (little-endian formats)."""
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self.take(8))[0])
