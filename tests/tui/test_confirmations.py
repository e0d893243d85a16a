"""Every confirmation names every consequence, from the core's plan; each test checks the
database afterwards.

The seeded registry: gpt-small 1.0.0 (base, parent of 1.1.0) -> 1.1.0 (production,
parent of 1.2.0) -> 1.2.0 (staging); bert-base (baseline); gpt-old (retired).
"""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.promote import PromoteScreen
from tests.tui.helpers import main_screen, notifications, run, screen_text, settle
from tests.tui.test_actions import go_to, holders, type_text

Seeded = tuple[ModelRegistry, dict[str, int]]


def dialog_text(app: RegistryApp) -> str:
    """The open dialog's text on one line (wrapping undone)."""
    return " ".join(screen_text(app).split())


def test_deleting_a_tagged_parent_names_tags_and_children_then_forces(seeded: Seeded) -> None:
    """d on the production holder: one Force delete question naming its tag (exclusive, left
    with no holder) and the child that loses its parent; n keeps it, y deletes it and the
    child's parent link is gone."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v11"])
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and app.screen.ready
        text = dialog_text(app)
        assert "Force delete" in text
        assert "Its tags go with it: production (exclusive: production)" in text
        assert "production will have no active holder" in text
        assert f"1 model tuned from it will lose their parent: {ids['v12']}" in text
        await pilot.press("n")
        await settle(pilot)
        assert registry.records.get(ids["v11"]) is not None
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, 0.05)

    run(registry, scenario)
    assert registry.records.get(ids["v11"]) is None
    assert registry.records.require(ids["v12"]).parent_model_id is None


def test_an_untagged_parent_is_offered_the_forced_delete(seeded: Seeded) -> None:
    """The untagged base model with a child: no "Use force=True" dead end; the question
    offers the forced delete, and y deletes it, unlinking its child."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["base"])
        await pilot.press("d")
        await settle(pilot)
        text = dialog_text(app)
        assert "Force delete" in text and "lose their parent" in text
        await pilot.press("y")
        await settle(pilot, 0.05)
        assert not any("force=True" in n for n in notifications(app))

    run(registry, scenario)
    assert registry.records.get(ids["base"]) is None
    assert registry.records.require(ids["v11"]).parent_model_id is None


def test_yes_does_nothing_until_the_consequences_are_shown() -> None:
    """A question opened before its plan arrived has yes disabled and ignores y."""

    class Probe(App[None]):
        answer: object = "unanswered"

        def on_mount(self) -> None:
            screen = ConfirmScreen("Delete model", "Delete?", "Delete", details=None)
            self.push_screen(screen, lambda yes: setattr(self, "answer", yes))

    async def main() -> None:
        app = Probe()
        async with app.run_test() as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ConfirmScreen)
            assert screen.query_one("#yes", Button).disabled
            await pilot.press("y")
            await pilot.pause()
            assert app.answer == "unanswered" and app.screen is screen
            screen.show_plan("Delete model", "Delete?", "Delete", ["This cannot be undone."])
            await pilot.press("y")
            await pilot.pause()
            assert app.answer is True

    asyncio.run(main())


def test_retiring_the_production_holder_warns_it_will_have_no_holder(seeded: Seeded) -> None:
    """r on the production holder: the question warns; y retires (checked in the database)."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v11"])
        await pilot.press("r")
        await settle(pilot)
        assert "production will have no active holder" in dialog_text(app)
        await pilot.press("y")
        await settle(pilot, 0.05)

    run(registry, scenario)
    assert registry.records.require(ids["v11"]).status == "retired"


def test_retiring_a_retired_model_says_so_and_writes_nothing(seeded: Seeded) -> None:
    """r on gpt-old (retired): no question stays open, "already retired", no new event."""
    registry, ids = seeded
    before = registry.records.change_token()

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).apply_filter("status:retired")
        await settle(pilot)
        await go_to(pilot, app, ids["old"])
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("already retired" in n for n in notifications(app))

    run(registry, scenario)
    assert registry.records.change_token() == before


def test_untagging_production_warns_and_asks(seeded: Seeded) -> None:
    """u on the production holder: a question warns that production will have no active
    holder; n keeps the tag, y removes it. A plain tag is removed without a question."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v11"])
        await pilot.press("u", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "production will have no active holder" in dialog_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert holders(registry, "production") == [ids["v11"]]
        await pilot.press("u", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, 0.05)

    run(registry, scenario)
    assert holders(registry, "production") == []


def test_an_exclusive_promote_from_several_models_says_how_many_first(seeded: Seeded) -> None:
    """Two models share "candidate"; promoting a third exclusively previews "takes it from 2
    models" and asks again naming both; y moves the tag to the third alone."""
    registry, ids = seeded
    registry.promote_model(ids["base"], "candidate", remove_from_others=False)
    registry.promote_model(ids["v11"], "candidate", remove_from_others=False)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v12"])
        await pilot.press("p")
        await type_text(pilot, "candidate")
        await settle(pilot)
        assert isinstance(app.screen, PromoteScreen)
        assert "(takes it from 2 models)" in str(app.screen.query_one("#preview").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        text = dialog_text(app)
        assert "Take candidate from 2 models" in text
        assert f"{ids['base']} (gpt-small 1.0.0) loses candidate" in text
        await pilot.press("y")
        await settle(pilot, 0.05)
        assert any("removed it from 2 models" in n for n in notifications(app))

    run(registry, scenario)
    assert holders(registry, "candidate") == [ids["v12"]]
