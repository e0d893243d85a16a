"""The preferences file: theme (saved from the palette), sidebar, key rebinding, bad files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui import preferences
from registry_tui.tui.app import RegistryApp, make_app
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.promote import PromoteScreen
from registry_tui.tui.widgets.sidebar import Sidebar
from tests.tui.helpers import main_screen, notifications, settle


def run_with(registry: ModelRegistry, config: Path, scenario: object) -> RegistryApp:
    """Run ``scenario`` on the app reading (and saving) the preferences in ``config``."""
    app = make_app(registry, poll_interval=None, config=config)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await scenario(pilot, app)  # type: ignore[operator]

    asyncio.run(main())
    return app


def test_the_path_follows_xdg_config_home(tmp_path: Path) -> None:
    """$XDG_CONFIG_HOME/registry-tui/config.toml, else ~/.config/registry-tui/config.toml."""
    assert preferences.config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == (
        tmp_path / "registry-tui" / "config.toml"
    )
    assert preferences.config_path({}).parts[-3:] == (".config", "registry-tui", "config.toml")


def test_a_theme_chosen_in_the_app_is_saved_and_used_next_time(
    seeded: tuple[ModelRegistry, dict[str, int]], tmp_path: Path
) -> None:
    """Changing the theme writes it to the file (keeping its other lines); the next app
    starts with it."""
    registry, _ = seeded
    config = tmp_path / "registry-tui" / "config.toml"
    config.parent.mkdir()
    config.write_text('# mine\nsidebar = true\n\n[keys]\n"main.promote" = "P"\n')

    async def choose(pilot: Pilot[None], app: RegistryApp) -> None:
        app.theme = "nord"  # what the palette's "Change theme" does
        await pilot.pause()

    run_with(registry, config, choose)
    text = config.read_text()
    assert 'theme = "nord"' in text and "# mine" in text and '"main.promote" = "P"' in text

    async def check(pilot: Pilot[None], app: RegistryApp) -> None:
        assert app.theme == "nord"

    run_with(registry, config, check)


def test_sidebar_false_hides_it_even_when_wide(
    seeded: tuple[ModelRegistry, dict[str, int]], tmp_path: Path
) -> None:
    """sidebar = false: hidden at 120 columns (where it shows by default); s still toggles."""
    registry, _ = seeded
    config = tmp_path / "config.toml"
    config.write_text("sidebar = false\n")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        sidebar = main_screen(app).query_one(Sidebar)
        assert not sidebar.display
        await pilot.press("s")
        assert sidebar.display

    run_with(registry, config, scenario)


def test_keys_move_and_unbind_by_binding_id(
    seeded: tuple[ModelRegistry, dict[str, int]], tmp_path: Path
) -> None:
    """'main.promote' = 'P' moves promote to P; 'main.delete' = '' makes d do nothing."""
    registry, ids = seeded
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"main.promote" = "P"\n"main.delete" = ""\n')

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("p")
        await settle(pilot)
        assert not isinstance(app.screen, PromoteScreen)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, PromoteScreen)

    run_with(registry, config, scenario)
    assert registry.records.get(ids["bert"]) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('theme = "nord"\nsidebar = \n', "line 2"),
        ("sidebar = 3\n", "sidebar must be true or false"),
        ("colour = 1\n", "unknown setting 'colour'"),
        ('[keys]\n"main.delete" = 1\n', "[keys] maps binding ids"),
        ('[keys]\n"main.delete" = "\\u001b]52;c;eA==\\u0007"\n', "control characters"),
    ],
)
def test_a_bad_file_is_one_line_and_the_app_starts_with_defaults(
    seeded: tuple[ModelRegistry, dict[str, int]], tmp_path: Path, text: str, expected: str
) -> None:
    """The error (naming the line for a syntax error) is shown once; the defaults apply,
    and the broken file is never overwritten."""
    registry, _ = seeded
    config = tmp_path / "config.toml"
    config.write_text(text)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        errors = [n for n in notifications(app) if "config.toml" in n]
        assert len(errors) == 1 and expected in errors[0] and "\n" not in errors[0]
        assert app.theme == "textual-dark"
        app.theme = "nord"
        await pilot.pause()

    run_with(registry, config, scenario)
    assert config.read_text() == text


def test_an_unknown_theme_is_reported_and_ignored(
    seeded: tuple[ModelRegistry, dict[str, int]], tmp_path: Path
) -> None:
    """theme = "nope": a message listing the themes, and the default theme."""
    registry, _ = seeded
    config = tmp_path / "config.toml"
    config.write_text('theme = "nope"\n')

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert app.theme == "textual-dark"
        assert any("Unknown theme 'nope'" in n and "nord" in n for n in notifications(app))

    run_with(registry, config, scenario)


def test_every_binding_has_a_unique_id_and_keys_lists_them_all() -> None:
    """Each Binding(...) in the app's source has an id, ids are unique, and binding_ids()
    knows every one (so the preferences can name any key, and a typo is reported)."""
    import re

    import registry_tui.tui as package
    from registry_tui.tui.app import RegistryApp
    from registry_tui.tui.keys import binding_ids

    source = "".join(p.read_text() for p in Path(package.__file__).parent.rglob("*.py"))
    written = re.findall(r"Binding\(.*?id=\"([^\"]+)\"", source, re.S)
    assert len(written) == source.count("Binding(")
    assert len(written) == len(set(written)) == len(binding_ids(RegistryApp))


def test_an_unknown_binding_id_is_reported(
    seeded: tuple[ModelRegistry, dict[str, int]], tmp_path: Path
) -> None:
    """A typo in [keys] names the id instead of being silently ignored."""
    registry, _ = seeded
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"main.delte" = ""\n')

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert any("Unknown key binding id 'main.delte'" in n for n in notifications(app))

    run_with(registry, config, scenario)
