"""YAML written so that every value reads back exactly as it was given.

Every string is emitted double-quoted with JSON's escapes (which YAML reads
the same way), so ``1.10``, ``yes``, ``no``, ``null``, ``~``, ``on``, text
holding ``#``, ``:``, quotes, newlines or leading spaces all stay strings.
Characters a YAML reader refuses, folds or treats as line breaks (C0 and C1
controls, DEL, U+2028/U+2029, a BOM, lone surrogates) and those that reorder
text invisibly (bidirectional overrides) are written as ``\\uXXXX`` escapes.
Floats always carry a decimal point (``1.0e-05``): YAML 1.1 readers, PyYAML
among them, read ``1e-05`` as a string. No YAML library is needed to write.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

_ESCAPED = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufeff\ufffe\uffff\ud800-\udfff]"
)
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_RESERVED_KEYS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML (and JSON) string that reads back exactly."""
    body = json.dumps(text, ensure_ascii=False)
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group(0)):04x}", body)


def scalar(value: Any) -> str:
    """One scalar: a quoted string, an int, a float with a decimal point, a bool or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    return quoted(str(value))


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if e and exponent[0] not in "+-":
        exponent = "+" + exponent
    return f"{mantissa}{e}{exponent}"


def key(name: str) -> str:
    """A mapping key: plain when it cannot be read as anything but that text."""
    if _PLAIN_KEY.match(name) and name.lower() not in _RESERVED_KEYS:
        return name
    return quoted(name)


def dump(data: Mapping[str, Any]) -> str:
    """``data`` (mappings, lists, scalars) as block-style YAML lines, ending with a newline."""
    return "".join(line + "\n" for line in _mapping(data, 0))


def _mapping(data: Mapping[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for name, value in data.items():
        head = f"{pad}{key(str(name))}:"
        if isinstance(value, Mapping) and value:
            lines += [head, *_mapping(value, indent + 2)]
        elif _is_list(value) and value:
            lines += [head, *_sequence(value, indent)]
        else:
            lines.append(f"{head} {_inline(value)}")
    return lines


def _sequence(items: Sequence[Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping) and item:
            inner = _mapping(item, indent + 2)
            lines += [f"{pad}- {inner[0][indent + 2 :]}", *inner[1:]]
        elif _is_list(item) and item:
            inner = _sequence(item, indent + 2)
            lines += [f"{pad}- {inner[0][indent + 2 :]}", *inner[1:]]
        else:
            lines.append(f"{pad}- {_inline(item)}")
    return lines


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if _is_list(value):
        return "[]"
    return scalar(value)


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple)
