"""The app's names for the one safe-text path (:mod:`registry_tui.render.text`).

Every name, tag, path, metric, metadata value and error message the app shows
goes through one of these: rich markup is not interpreted, and control
characters, escape sequences and bidirectional overrides are shown as escapes
(``\\x1b``) instead of reaching the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.markup import escape

from registry_tui.escapes import visible as plain
from registry_tui.render.text import safe_text

__all__ = ["literal", "markup", "plain"]


def literal(value: object, style: str = "") -> Text:
    """``value`` as Text that renders exactly the characters it holds, styled as a span
    (so padding added later, when a cell is aligned, stays unstyled)."""
    text = safe_text(value)
    if style:
        text.stylize(style)
    return text


def markup(value: object) -> str:
    """``value`` for a place Textual reads as markup (palette titles): shown literally."""
    return escape(plain(value))
