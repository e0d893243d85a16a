"""The dialogs that are one list to pick from share their j/k keys (``pick_list``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.keys import binding_ids
from registry_tui.tui.screens.copy import CopyScreen
from registry_tui.tui.screens.pick_list import PickListScreen
from registry_tui.tui.screens.rollback import RollbackScreen
from registry_tui.tui.screens.untag import UntagScreen
from tests.tui.helpers import run, settle

Seeded = tuple[ModelRegistry, dict[str, int]]
Opener = Callable[[ModelRegistry, dict[str, int]], Screen[object]]

DIALOGS: dict[str, tuple[Opener, str]] = {
    "copy": (lambda r, ids: CopyScreen(r.records.require(ids["v12"])), "choice"),
    "untag": (lambda r, ids: UntagScreen(r.records.require(ids["v12"])), "tag"),
    "rollback": (lambda r, ids: RollbackScreen(r), "tag"),
}


@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_j_and_k_move_the_highlight_of_every_pick_list(seeded: Seeded, name: str) -> None:
    """In the copy, untag and rollback dialogs, j moves the list's highlight down and k
    back up, through the one shared action, under described per-dialog binding ids."""
    registry, ids = seeded
    registry.promote_model(ids["v12"], "candidate", remove_from_others=False)
    opener, noun = DIALOGS[name]

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = opener(registry, ids)
        assert isinstance(screen, PickListScreen)
        own = {b.id: b for b in type(screen).BINDINGS if isinstance(b, Binding)}
        for key in (f"{name}.next_{noun}", f"{name}.previous_{noun}"):
            assert key in binding_ids() and own[key].description
        app.push_screen(screen)
        await settle(pilot)
        options = screen.query_one(OptionList)
        options.focus()
        options.highlighted = 0
        await pilot.press("j")
        assert options.highlighted == 1
        await pilot.press("k")
        assert options.highlighted == 0

    run(registry, scenario)
