"""The model card screen: ``m`` on the detail screen previews the card the registry writes,
user text literal, a failure said in one line, the key described in the footer and help."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock, MarkdownFence

from registry_tui import ModelRegistry
from registry_tui.cards import preview
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.card import CardScreen
from registry_tui.tui.screens.detail import DetailScreen
from tests.hostile import build_hostile, unsafe_in
from tests.tui.helpers import main_screen, run, screen_text, seed, settle


async def open_card(pilot: Pilot[None], app: RegistryApp, model_id: int) -> CardScreen:
    """Open the model's detail screen, press ``m``, wait for the card."""
    main_screen(app).open_detail(model_id)
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)
    await pilot.press("m")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CardScreen)
    return screen


def _shown_text(screen: CardScreen) -> str:
    """The text of every block the Markdown widget drew (a code block's: its code)."""
    return "\n".join(
        block.code if isinstance(block, MarkdownFence) else str(block.content)
        for block in screen.query(MarkdownBlock)
    )


def test_m_opens_the_card_the_registry_writes(sqlite_registry: ModelRegistry) -> None:
    """``m`` on the detail screen shows the model's card, title and sections drawn from
    the Markdown that ``model_card`` returns (front matter as a YAML block); esc goes back."""
    ids = seed(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_card(pilot, app, ids["v12"])
        assert screen.card is not None and screen.card.startswith("---\n")
        body = screen.query_one("#card-body", Markdown)
        assert body.source == preview(screen.card)
        shown = _shown_text(screen)
        assert "gpt-small 1.2.0" in shown and "Promotion history" in shown
        assert 'pipeline_tag: "text-generation"' in shown
        assert "Model card · gpt-small 1.2.0" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)

    run(sqlite_registry, scenario)


def test_the_key_is_in_the_footer_and_the_help(sqlite_registry: ModelRegistry) -> None:
    """The detail screen's footer shows ``m Model card`` and its help lists it."""
    ids = seed(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).open_detail(ids["v11"])
        await settle(pilot)
        assert "m Model card" in screen_text(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert "Model card" in screen_text(app)

    run(sqlite_registry, scenario)


def test_hostile_text_shows_literally(tmp_path: Path) -> None:
    """Over the hostile registry the card screen draws markup and escapes as text, and no
    unsafe character reaches the terminal."""
    ids = build_hostile(tmp_path / "hostile.db")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_card(pilot, app, ids["child"])
        shown = _shown_text(screen)
        assert "[bold red]x[/] [@click=app.quit]q" in shown and "\\x1b]52" in shown
        assert unsafe_in(shown) == [] and unsafe_in(screen_text(app)) == []

    with ModelRegistry(tmp_path / "hostile.db", read_only=True) as registry:
        run(registry, scenario, size=(80, 24))


def test_a_model_gone_is_said_in_one_line(sqlite_registry: ModelRegistry) -> None:
    """A card for a model deleted meanwhile says so on the screen instead of crashing."""
    ids = seed(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        sqlite_registry.delete_model(ids["bert"], force=True)
        app.push_screen(CardScreen(sqlite_registry, ids["bert"]))
        await settle(pilot)
        text = screen_text(app)
        assert f"Could not write the card of model {ids['bert']}" in text
        assert "esc back · ctrl+r retry" in text

    run(sqlite_registry, scenario)
