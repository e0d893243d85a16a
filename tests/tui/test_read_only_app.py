"""The app on a registry nobody may write: it browses, and nothing on disk changes."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.lineage import LineageScreen
from tests.test_read_only import fingerprint, immutable
from tests.tui.helpers import notifications, run, settle, table, table_ids


def test_the_app_browses_an_unwritable_registry_and_changes_nothing(tmp_path: Path) -> None:
    """Main screen, detail, lineage and a refused retire on an immutable folder and file;
    every file's bytes and the folder listing are the same afterwards."""
    folder = tmp_path / "reg"
    folder.mkdir()
    path = folder / "models.db"
    with ModelRegistry(path) as writer:
        base = writer.register_model("gpt", "1.0.0", "a.pt", "lm", verify_checkpoint=False)
        writer.register_model(
            "gpt", "1.1.0", "b.pt", "lm", parent_model_id=base, verify_checkpoint=False
        )
    before = fingerprint(folder)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert table(app).total == 2 and table_ids(app) == [2, 1]
        for key, screen_type in [("enter", DetailScreen), ("l", LineageScreen)]:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("Read-only" in n for n in notifications(app))

    with immutable(folder), immutable(path):
        registry = ModelRegistry(path, read_only=True)
        try:
            run(registry, scenario)
        finally:
            registry.close()
    assert fingerprint(folder) == before


def test_the_read_only_app_leaves_a_writable_folder_as_it_was(tmp_path: Path) -> None:
    """--read-only in a folder the user could write: no -wal/-shm left, no byte changed."""
    path = tmp_path / "models.db"
    with ModelRegistry(path) as writer:
        writer.register_model("gpt", "1.0.0", "a.pt", "lm", verify_checkpoint=False)
    before = fingerprint(tmp_path)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert table(app).total == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)

    registry = ModelRegistry(path, read_only=True)
    try:
        run(registry, scenario, read_only=True)
    finally:
        registry.close()
    assert fingerprint(tmp_path) == before
