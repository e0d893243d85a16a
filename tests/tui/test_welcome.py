"""An empty registry greets with how to fill it, not with a filter message."""

from __future__ import annotations

from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.widgets.welcome import Welcome
from tests.tui.helpers import main_screen, run, screen_text, settle, table


def test_an_empty_registry_shows_how_to_register_and_the_demo(
    sqlite_registry: ModelRegistry,
) -> None:
    """The welcome replaces the table, with the CLI and API one-liners and the demo; the
    first model registered elsewhere replaces it with the table."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await settle(pilot)
        text = screen_text(app)
        assert main_screen(app).query_one(Welcome).display and not table(app).display
        assert "register --name" in text and ".register_model(" in text
        assert "registry-tui demo" in text and "nothing matches" not in text
        sqlite_registry.register_model("m", "1.0.0", "c.pt", "lm", verify_checkpoint=False)
        main_screen(app).post_message(RegistryChanged())
        await settle(pilot)
        assert table(app).display and not main_screen(app).query_one(Welcome).display
        assert table(app).total == 1

    run(sqlite_registry, scenario)


def test_a_filter_matching_nothing_is_not_a_welcome(
    seeded: tuple[ModelRegistry, dict[str, int]],
) -> None:
    """With models in the registry, an empty result keeps the table (and its filter)."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).filter_bar.set_text("no-such-model-anywhere")
        await settle(pilot)
        assert table(app).total == 0 and table(app).display
        assert not main_screen(app).query_one(Welcome).display

    run(registry, scenario)
