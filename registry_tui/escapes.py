"""Characters a terminal acts on, and how user text shows them instead.

The one definition of what is unsafe to send to a terminal: C0 and C1 controls
(ESC starts every escape sequence: OSC 52 clipboard writes, OSC 2 titles),
DEL, and the invisible bidirectional overrides and isolates that reorder what
is shown. :func:`visible` replaces each with an escape such as ``\\x1b``; the
renderers build on it (:mod:`registry_tui.render.text`). Imports nothing heavy,
so the filter language can use it too.
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
"""One character a terminal would act on or that reorders text invisibly."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ENCODED = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    return _hex(char)


def _hex(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(value: object) -> str:
    """``str(value)`` with every unsafe character shown as an escape (``\\x1b``, ``\\n``).

    For reading, not for parsing back: a backslash is left as it is.
    """
    return UNSAFE.sub(_escape, str(value))


def encode_value(value: str) -> str:
    """``value`` safe to show and exact to parse back with :func:`decode_value`.

    Unsafe characters become ``\\xNN``/``\\uNNNN``; when the value holds any (or
    text that would decode), its backslashes become ``\\x5c`` too. Other values
    are returned unchanged.
    """
    if not UNSAFE.search(value) and not _decodable(value):
        return value
    return UNSAFE.sub(lambda m: _hex(m.group(0)), value.replace("\\", "\\x5c"))


def decode_value(text: str) -> str:
    """Undo :func:`encode_value`: ``\\xNN``/``\\uNNNN`` naming an unsafe character or a
    backslash become that character; any other text is kept as typed."""
    return _ENCODED.sub(_decoded, text)


def _decoded(match: re.Match[str]) -> str:
    char = chr(int(match.group(1) or match.group(2), 16))
    return char if char == "\\" or UNSAFE.fullmatch(char) else match.group(0)


def _decodable(text: str) -> bool:
    return any(_decoded(m) != m.group(0) for m in _ENCODED.finditer(text))
