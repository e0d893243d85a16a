"""User text for the places Textual reads as markup (palette titles and help).

Everything else the app shows goes through :mod:`registry_tui.render.text`
(:func:`~registry_tui.render.text.literal`, :func:`~registry_tui.render.text.visible`),
the one safe-text path of every face.
"""

from __future__ import annotations

from textual.markup import escape

from registry_tui.escapes import visible


def markup(value: object) -> str:
    """``value`` for a place Textual reads as markup (palette titles): shown literally."""
    return escape(visible(value))
