"""The base of the dialogs that are one list to pick from: copy, untag, rollback.

Each such dialog holds one :class:`~textual.widgets.OptionList`; ``j`` and
``k`` move its highlight, as in every list of the app, through the one
``cursor`` action here. Each dialog binds ``j`` to ``cursor(1)`` and ``k`` to
``cursor(-1)`` under its own ids, so a keymap can rebind them per dialog.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen
from textual.widgets import OptionList

PickResult = TypeVar("PickResult")


class PickListScreen(ModalScreen[PickResult]):
    """A dialog whose body is one list to pick from."""

    def action_cursor(self, step: int) -> None:
        """Move the list's highlight by ``step`` (``j`` down, ``k`` up)."""
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()
