"""Keys that change the registry: each test checks the database afterwards."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Checkbox

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.promote import PromoteScreen
from registry_tui.tui.screens.untag import UntagScreen
from tests.tui.helpers import notifications, run, screen_text, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


async def go_to(pilot: Pilot[None], app: RegistryApp, model_id: int) -> None:
    """Move the cursor onto ``model_id``."""
    t = table(app)
    index = t.index_of(model_id)
    assert index is not None
    t.move_to(index)
    await settle(pilot)
    assert t.current is not None and t.current.model_id == model_id


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key."""
    for char in text:
        await pilot.press(char)


def holders(registry: ModelRegistry, tag: str) -> list[int]:
    """Ids of the models holding ``tag``."""
    return sorted(r.model_id for r in registry.records.tag_holders(tag))


def test_promote_moves_an_exclusive_tag_and_keeps_the_cursor(seeded: Seeded) -> None:
    """p, production, enter: the tag moves from 1.1.0 to 1.2.0; the preview said so first."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v12"])
        await pilot.press("p")
        assert isinstance(app.screen, PromoteScreen)
        await type_text(pilot, "production")
        await settle(pilot)
        preview = str(app.screen.query_one("#preview").render())
        assert preview == "production: gpt-small 1.1.0 -> gpt-small 1.2.0"
        await pilot.press("enter")
        await settle(pilot, 0.05)
        assert isinstance(app.screen, MainScreen)
        assert table(app).current is not None
        assert table(app).current.model_id == ids["v12"]  # type: ignore[union-attr]
        assert "production" in table(app).current.tags  # type: ignore[union-attr]

    run(registry, scenario)
    assert holders(registry, "production") == [ids["v12"]]
    assert registry.events(tag="production", limit=1)[0].event == "promote"


def test_promote_without_exclusive_keeps_other_holders(seeded: Seeded) -> None:
    """Unticking 'exclusive' adds a shared tag without taking it from the current holder."""
    registry, ids = seeded
    registry.set_tag_policy("production", False)  # production is exclusive by default

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["bert"])
        await pilot.press("p")
        await type_text(pilot, "production")
        app.screen.query_one("#exclusive", Checkbox).value = False
        await settle(pilot)
        assert "gpt-small 1.1.0 + bert-base 1.0.0" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, 0.05)

    run(registry, scenario)
    assert holders(registry, "production") == sorted([ids["v11"], ids["bert"]])


def test_promote_dialog_follows_the_registrys_exclusive_tag_policy(seeded: Seeded) -> None:
    """With 'exclusive' unticked, a tag the registry keeps exclusive still previews and
    makes the move: the dialog says so, and the old holder loses the tag."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["bert"])
        await pilot.press("p")
        await type_text(pilot, "production")
        app.screen.query_one("#exclusive", Checkbox).value = False
        await settle(pilot)
        text = screen_text(app)
        assert "gpt-small 1.1.0 -> bert-base 1.0.0" in text
        assert "keeps the tag exclusive" in text
        await pilot.press("enter")
        await settle(pilot, 0.05)

    run(registry, scenario)
    assert holders(registry, "production") == [ids["bert"]]


def test_promote_offers_existing_tags_and_esc_cancels(seeded: Seeded) -> None:
    """The dialog lists the tags in use (down picks one); esc closes it and changes nothing."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromoteScreen)
        assert screen.tags == ["baseline", "production", "staging"]
        await pilot.press("down")
        assert screen.tag == "baseline"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

    run(registry, scenario)
    assert holders(registry, "baseline") == [ids["bert"]]


def test_untag_removes_the_chosen_tag(seeded: Seeded) -> None:
    """u lists the model's tags; enter removes the highlighted one."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v12"])
        await pilot.press("u")
        assert isinstance(app.screen, UntagScreen)
        await pilot.press("enter")
        await settle(pilot, 0.05)

    run(registry, scenario)
    assert holders(registry, "staging") == []


def test_j_and_k_move_in_the_untag_list(seeded: Seeded) -> None:
    """In the untag list j moves down and k up, as in every list: u j k j enter removes
    the second tag and keeps the first."""
    registry, ids = seeded
    registry.promote_model(ids["v12"], "candidate", remove_from_others=False)
    first, second = registry.records.require(ids["v12"]).tags[:2]

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v12"])
        await pilot.press("u")
        assert isinstance(app.screen, UntagScreen)
        await pilot.press("j", "k", "j", "enter")
        await settle(pilot, 0.05)

    run(registry, scenario)
    tags = registry.records.require(ids["v12"]).tags
    assert second not in tags and first in tags


def test_retire_asks_first_with_focus_on_no(seeded: Seeded) -> None:
    """r then enter (focus starts on No) changes nothing; r then y retires the model."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["bert"])
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.focused is not None and app.focused.id == "no"
        await pilot.press("enter")
        await settle(pilot)
        assert registry.records.require(ids["bert"]).status == "active"
        await pilot.press("r", "y")
        await settle(pilot, 0.05)
        assert table(app).total == 3

    run(registry, scenario)
    assert registry.records.require(ids["bert"]).status == "retired"


def test_delete_cancelled_keeps_the_model_and_confirmed_removes_it(seeded: Seeded) -> None:
    """d then n (or esc) keeps an untagged model; d then y deletes it."""
    registry, _ = seeded
    extra = registry.register_model(
        "scratch", "0.1.0", "ckpt/scratch.pt", "classification", verify_checkpoint=False
    )

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, extra)
        await pilot.press("d", "n")
        await settle(pilot)
        await pilot.press("d", "escape")
        await settle(pilot)
        assert registry.records.get(extra) is not None
        await pilot.press("d", "y")
        await settle(pilot, 0.05)
        assert table(app).total == 4

    run(registry, scenario)
    assert registry.records.get(extra) is None


def test_read_only_refuses_every_change(seeded: Seeded) -> None:
    """With read_only, p/u/r/d open nothing, say why, and the database is untouched."""
    registry, ids = seeded
    before = registry.records.change_token()

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v12"])
        for key in ("p", "u", "r", "d"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, MainScreen), key
        shown = notifications(app)
        assert sum("Read-only" in n for n in shown) >= 4
        assert "read-only" in screen_text(app)

    run(registry, scenario, read_only=True)
    assert registry.records.change_token() == before


def test_y_copies_the_checkpoint_path_and_says_so(seeded: Seeded) -> None:
    """y, enter (the first choice) puts the checkpoint path on the clipboard with a toast."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, ids["v11"])
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.clipboard == "ckpt/v11.pt"
        assert "ckpt/v11.pt" in notifications(app)

    run(registry, scenario)


def test_command_palette_runs_actions_and_filters(seeded: Seeded) -> None:
    """ctrl+p offers the screen's commands: 'Retire' opens the confirmation, tag filters filter."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("ctrl+p")
        await type_text(pilot, "Retire")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Filter by tag: staging")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, 0.1)
        t = table(app)
        assert t.total == 1 and t.current is not None and t.current.model_id == ids["v12"]

    run(registry, scenario)
