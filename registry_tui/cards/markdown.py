"""User text made safe for a Markdown document: it reads literally and breaks nothing.

Names, paths, tags, metadata and author prose go into the card through these
functions. Control characters, escape sequences and bidirectional overrides
become visible escapes (``\\x1b``, as everywhere else in registry-tui); every
character Markdown could read as structure (emphasis, code, links, HTML,
entities, table pipes, headings, lists, block quotes, thematic breaks, math) is
backslash-escaped, so ``gpt|x`` stays in its table cell and ``<b>`` shows as
typed. JSON goes into fenced blocks whose fence is longer than any run of
backticks inside.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from registry_tui.cards.yaml_text import quoted
from registry_tui.escapes import visible

_INLINE = re.compile(r"([\\`*_{}\[\]<>&|~$#!])")
_LIST_MARKER = re.compile(r"^([-+=])(?=\s|$|\1*\s*$)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_EDGE_SPACES = re.compile(r"^\s+|\s+$")
_BACKTICKS = re.compile(r"`+")


def inline(value: object) -> str:
    """``value`` as one line of Markdown text that renders as exactly what it holds.

    Newlines and other controls are shown as escapes (``\\n``), so the result
    never ends a paragraph, a heading or a table row; whitespace at either end becomes
    entities (Markdown would drop it, and four spaces would start a code block).
    """
    text = _INLINE.sub(r"\\\1", visible(value))
    text = _ORDERED.sub(r"\1\\\2", _LIST_MARKER.sub(r"\\\1", text))
    return _EDGE_SPACES.sub(_spaces, text)


def _spaces(match: re.Match[str]) -> str:
    """Spaces at an edge as entities, which Markdown keeps (a space as a no-break space)."""
    return "".join("&nbsp;" if c == " " else f"&#x{ord(c):x};" for c in match.group(0))


def prose(value: object) -> str:
    """Author text of several lines (intended use, limitations ...): each line kept, made
    literal (:func:`inline`); blank lines separate paragraphs, other line breaks stay
    line breaks."""
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t]*\n", str(value).replace("\r\n", "\n").strip("\n")):
        lines = [inline(line.rstrip()) for line in block.split("\n") if line.strip()]
        if lines:
            paragraphs.append("  \n".join(lines))
    return "\n\n".join(paragraphs)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A GFM table of cells that are already Markdown (pass user text through :func:`inline`).

    ``right`` lists the columns aligned right (numbers).
    """
    rule = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = [_row(headers), _row(rule)]
    lines += [_row([cell or " " for cell in row]) for row in rows]
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def code_block(text: str, language: str = "") -> str:
    """``text`` in a fenced block that no run of backticks inside can close; the
    text must already be free of control characters (see :func:`json_block`)."""
    longest = max((len(m.group(0)) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def json_block(value: Any) -> str:
    """``value`` as indented JSON in a fenced block: valid JSON, exact, with every
    control character and invisible reordering character as a ``\\u`` escape."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str, sort_keys=False)
    strings = re.compile(r'"(?:[^"\\]|\\.)*"')
    safe = strings.sub(lambda m: quoted(json.loads(m.group(0))), text)
    return code_block(safe, "json")
