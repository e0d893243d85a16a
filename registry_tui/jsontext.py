"""The one JSON writer of every output: the CLI's ``--format json``, ``check``, ``dump``.

:func:`to_json` writes JSON for programs to read (indented, or one line for a
CSV cell or a dump row). JSON shown to people inside a table cell is
:func:`registry_tui.render.text.display_json`, which is never parsed.

Two promises, kept in one place so no command forgets them:

* parsers accept it: ``NaN`` and ``Infinity`` (which Python's ``json`` writes and
  strict parsers refuse) become ``null``;
* terminals cannot act on it: characters a terminal or an editor would
  interpret (C1 controls, bidirectional overrides such as U+202E, line and
  paragraph separators) are written as ``\\uXXXX`` escapes, which decode to the
  same text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (at any depth) replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def to_json(value: Any, *, one_line: bool = False) -> str:
    """JSON text of ``value``: indented by two spaces, or with ``one_line`` one compact line
    (``{"a":1}``); NaN/Infinity as null, terminal-active characters as ``\\uXXXX``."""
    separators = (",", ":") if one_line else None
    text = json.dumps(
        finite(value),
        indent=None if one_line else 2,
        ensure_ascii=False,
        default=str,
        allow_nan=False,
        separators=separators,
    )
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
