"""User-supplied strings as rich Text that shows them literally.

Every name, tag, path and metadata value shown by the app goes through
:func:`literal`: rich markup is not interpreted, and control characters and
escape sequences are made visible instead of reaching the terminal.
"""

from __future__ import annotations

from rich.text import Text

from registry_tui.render import safe_text


def literal(value: object, style: str = "") -> Text:
    """``value`` as Text that renders exactly the characters it holds."""
    text = safe_text(value)
    if style:
        text.stylize(style)
    return text


def plain(value: object) -> str:
    """``value`` as a plain one-line string safe for a terminal (no markup parsed)."""
    return literal(value).plain
