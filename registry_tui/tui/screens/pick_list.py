"""The base of the dialogs that are one list to pick from: copy, untag, rollback.

Each such dialog holds one :class:`~textual.widgets.OptionList`; ``j`` and
``k`` move its highlight, as in every list of the app, and :func:`pick_keys`
makes their two bindings (ids ``<screen>.next_<noun>`` and
``<screen>.previous_<noun>``, so a keymap can rebind them per dialog).
"""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList

PickResult = TypeVar("PickResult")


def pick_keys(screen: str, noun: str) -> list[Binding]:
    """``j``/``k`` bindings that move a dialog's list: "Next tag", "Previous tag"."""
    return [
        Binding("j", "cursor(1)", f"Next {noun}", show=False, id=f"{screen}.next_{noun}"),
        Binding("k", "cursor(-1)", f"Previous {noun}", show=False, id=f"{screen}.previous_{noun}"),
    ]


class PickListScreen(ModalScreen[PickResult]):
    """A dialog whose body is one list to pick from."""

    def action_cursor(self, step: int) -> None:
        """Move the list's highlight by ``step`` (``j`` down, ``k`` up)."""
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()
