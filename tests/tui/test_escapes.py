"""No registry text reaches the terminal raw, on any screen, modal, toast or input.

The registry of :mod:`tests.hostile` carries markup, OSC 52 and OSC 2 sequences,
C0/C1 controls and bidi overrides in every free-text field. Every screen is
opened and every visible segment checked for an unsafe character.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.copy import CopyScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.help import HelpScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.model_changes import ModelChangesScreen
from registry_tui.tui.screens.promote import PromoteScreen
from registry_tui.tui.screens.untag import UntagScreen
from registry_tui.tui.widgets.sidebar import Sidebar
from tests.hostile import HOSTILE, TAG, TASK, build_hostile, unsafe_in
from tests.tui.helpers import main_screen, run, screen_text, settle, table


@pytest.fixture
def hostile_registry(tmp_path: Path) -> ModelRegistry:
    """The hostile registry, opened with a hostile actor too."""
    path = tmp_path / "hostile.db"
    build_hostile(path)
    return ModelRegistry(path, actor=HOSTILE)


async def shown(pilot: Pilot[None], app: RegistryApp, what: str) -> str:
    """Settle, then assert nothing unsafe is on screen; the screen text."""
    await settle(pilot)
    await pilot.pause()
    text = screen_text(app)
    assert unsafe_in(text) == [], f"{what}: {unsafe_in(text)}"
    return text


async def typed(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key."""
    for char in text:
        await pilot.press("space" if char == " " else char)


async def main_screens(pilot: Pilot[None], app: RegistryApp) -> None:
    """Main screen, sidebar pick, palette filter, and the detail screen."""
    text = await shown(pilot, app, "main")
    assert "[bold red]x[/]" in text and "\\x1b]52" in text
    main_screen(app).post_message(Sidebar.Picked("task", TASK))
    await shown(pilot, app, "filter from the sidebar")
    value = main_screen(app).filter_bar.text
    assert unsafe_in(value) == [] and table(app).total == 2  # still filters exactly
    main_screen(app).filter_bar.set_text("")
    await settle(pilot)
    await pilot.press("ctrl+p")
    await typed(pilot, "Filter by task")
    await pilot.pause(0.3)
    await shown(pilot, app, "palette")
    await pilot.press("enter")
    await shown(pilot, app, "filter from the palette")
    assert unsafe_in(main_screen(app).filter_bar.text) == [] and table(app).total == 2
    main_screen(app).filter_bar.set_text("")
    await settle(pilot)
    await pilot.press("ctrl+p")
    await typed(pilot, "Filter by tag: st")
    await pilot.pause(0.3)
    await shown(pilot, app, "palette, tags")
    await pilot.press("enter")
    await shown(pilot, app, "tag filter from the palette")
    # Encoded in the bar; the filter language refuses it as a tag name, and says so safely.
    assert "tag:st\\x1b" in main_screen(app).filter_bar.text
    await pilot.press("enter")
    text = await shown(pilot, app, "detail screen")
    assert isinstance(app.screen, DetailScreen)
    assert "[red]acc" in text  # a metric name is not markup
    await pilot.press("escape")


async def other_screens(pilot: Pilot[None], app: RegistryApp) -> str:
    """Compare, lineage, help, promote, untag, retire and delete confirmations, toasts."""
    opened = [("c", CompareScreen), ("l", LineageScreen), ("question_mark", HelpScreen)]
    opened += [("u", UntagScreen), ("r", ConfirmScreen), ("d", ConfirmScreen)]
    for key, screen_type in opened:
        await pilot.press(key)
        await shown(pilot, app, key)
        assert isinstance(app.screen, screen_type), key
        await pilot.press("escape")
        await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(app.screen, PromoteScreen)
    for _ in range(3):  # every tag in use, the hostile one included, into the input
        await pilot.press("down")
        await shown(pilot, app, "promote")
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("y")
    await shown(pilot, app, "copy picker")
    assert isinstance(app.screen, CopyScreen)
    await pilot.press("enter")  # the checkpoint path
    await shown(pilot, app, "copy toast")
    main_screen(app).post_message(ModelChangesScreen.ActionFailed(f"Invalid tag {TAG}"))
    app.notify(HOSTILE, title=HOSTILE)
    return await shown(pilot, app, "toasts")


def test_no_unsafe_character_reaches_any_screen(hostile_registry: ModelRegistry) -> None:
    """Every screen and modal over the hostile registry renders escapes, never raw controls."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await main_screens(pilot, app)
        await settle(pilot)
        text = await other_screens(pilot, app)
        assert "Invalid tag" in text and "Copied checkpoint path" in text  # toasts are drawn

    run(hostile_registry, scenario, notifications=True)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_no_unsafe_character_at_other_sizes(
    hostile_registry: ModelRegistry, size: tuple[int, int]
) -> None:
    """Wrapping, cutting and wide characters at 80x24 and 200x50 expose nothing raw."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await shown(pilot, app, "main")
        await other_screens(pilot, app)

    run(hostile_registry, scenario, size=size, notifications=True)
