"""The only place the tests read Textual's private state, and why.

Textual offers no public way to list the toasts an app has shown, nor to read
the composed screen as text (``App.export_screenshot`` gives an SVG, whose text
is split into styled spans). Both helpers below read one private attribute
each; if a Textual upgrade renames one, only this module changes. Nothing else
under ``tests/`` may use a ``_`` name of a Textual object.
"""

from __future__ import annotations

from textual.app import App


def toast_messages(app: App[object]) -> list[str]:
    """Messages of the toasts the app shows now (``App._notifications``)."""
    return [n.message for n in app._notifications]


def screen_lines(app: App[object]) -> list[str]:
    """The current screen as composed, one plain-text line per row (``Screen._compositor``)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
