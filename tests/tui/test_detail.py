"""The detail screen: every value in full, exact metrics, and the main actions on it."""

from __future__ import annotations

import json

import pytest
from textual.geometry import Region
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.copy import CopyScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.promote import PromoteScreen
from registry_tui.tui.screens.untag import UntagScreen
from tests.tui.helpers import main_screen, notifications, run, settle

Seeded = tuple[ModelRegistry, dict[str, int]]

LONG_PATH = "/data/checkpoints/" + "a-rather-long-directory-name/" * 6 + "epoch_10.pt"


async def open_detail(pilot: Pilot[None], app: RegistryApp, model_id: int) -> DetailScreen:
    """Open the detail screen of ``model_id`` as ``enter`` would, and wait for its data."""
    main_screen(app).open_detail(model_id)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, DetailScreen) and screen.record is not None
    return screen


def body_lines(screen: DetailScreen) -> list[str]:
    """Every line of the detail body as drawn at the screen's width, scrolled out or not."""
    body = screen.query_one("#detail-body")
    strips = body.render_lines(Region(0, 0, body.size.width, body.size.height))
    return [strip.text.rstrip() for strip in strips]


def test_long_path_hash_and_exact_metrics_at_80x24(sqlite_registry: ModelRegistry) -> None:
    """At 80x24 the checkpoint path and config hash fold onto more lines instead of being
    cut, and metrics show exactly: 1.2345e-05, 123456789.5, 0.123456789."""
    model_id = sqlite_registry.register_model(
        "gpt-small", "1.0.0", LONG_PATH, "language_modeling",
        metrics={"tiny": 0.000012345, "big": 123456789.5, "val_loss": 0.123456789},
        config={"d_model": 768}, verify_checkpoint=False,
    )  # fmt: skip
    config_hash = sqlite_registry.records.require(model_id).config_hash
    assert config_hash

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_detail(pilot, app, model_id)
        lines = body_lines(screen)
        assert max(len(line) for line in lines) <= 80
        joined = "".join(line.split("  ")[-1].strip() for line in lines)
        assert LONG_PATH in joined and config_hash in joined
        assert "…" not in "\n".join(lines)
        cells = {tuple(line.split()) for line in lines}
        assert ("tiny", "1.2345e-05", "higher") in cells
        assert ("big", "123456789.5", "higher") in cells
        assert ("val_loss", "0.123456789", "lower") in cells

    run(sqlite_registry, scenario, size=(80, 24))


def test_detail_promote_untag_retire_restore_change_the_database(seeded: Seeded) -> None:
    """From the detail screen p, u, r and R are the main screen's actions: each one writes."""
    registry, ids = seeded
    bert = ids["bert"]

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_detail(pilot, app, bert)
        await pilot.press("p")
        assert isinstance(app.screen, PromoteScreen)
        for char in "staging":
            await pilot.press(char)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, 0.05)
        assert "staging" in registry.records.require(bert).tags
        await pilot.press("u")
        assert isinstance(app.screen, UntagScreen)
        await pilot.press("enter")  # the first tag: baseline
        await settle(pilot, 0.05)
        assert registry.records.require(bert).tags == ("staging",)
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, 0.05)
        assert registry.records.require(bert).status == "retired"
        await pilot.press("R")
        await settle(pilot, 0.05)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.record is not None and app.screen.record.status == "active"

    run(registry, scenario)
    assert registry.records.require(bert).status == "active"
    kinds = [e.event for e in registry.events(model_id=bert, limit=4)]
    assert kinds == ["restore", "retire", "untag", "promote"]


def test_detail_delete_removes_the_model(seeded: Seeded) -> None:
    """d, y from the detail screen deletes the model; the screen says it no longer exists."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_detail(pilot, app, ids["v12"])
        await pilot.press("d")
        await pilot.press("y")
        await settle(pilot)
        if isinstance(app.screen, ConfirmScreen):  # a tagged model asks again to force
            await pilot.press("y")
        await settle(pilot, 0.05)
        assert app.screen is screen and screen.record is None
        assert "no longer exists" in str(screen.query_one("#detail-body").render())

    run(registry, scenario)
    assert registry.records.get(ids["v12"]) is None


def test_detail_compare_and_lineage_open_for_this_model(seeded: Seeded) -> None:
    """c compares the model with its parent; l shows its family, and enter on a node
    shows that node's details on the same screen."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_detail(pilot, app, ids["v11"])
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.model_ids == [ids["base"], ids["v11"]]
        await pilot.press("escape")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LineageScreen)
        app.screen.dismiss(ids["v12"])
        await settle(pilot)
        assert app.screen is screen and screen.model_id == ids["v12"]
        assert screen.record is not None and screen.record.version == "1.2.0"

    run(registry, scenario)


def test_detail_compare_without_parent_says_so(seeded: Seeded) -> None:
    """c on a model with no parent explains instead of opening an empty comparison."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_detail(pilot, app, ids["bert"])
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert any("has no parent" in n for n in notifications(app))

    run(registry, scenario)


@pytest.mark.parametrize(
    ("downs", "what"),
    [(0, "checkpoint path"), (1, "name:version"), (2, "model id"), (3, "record as JSON")],
)
def test_y_copies_the_chosen_value_exactly(seeded: Seeded, downs: int, what: str) -> None:
    """y offers four things to copy; each puts exactly that text on the clipboard."""
    registry, ids = seeded
    record = registry.records.require(ids["v11"])
    expected = {
        "checkpoint path": "ckpt/v11.pt",
        "name:version": "gpt-small:1.1.0",
        "model id": str(ids["v11"]),
    }

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_detail(pilot, app, ids["v11"])
        await pilot.press("y")
        assert isinstance(app.screen, CopyScreen)
        for _ in range(downs):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        if what == "record as JSON":
            copied = json.loads(app.clipboard)
            assert copied["model_id"] == ids["v11"] and copied["tags"] == ["production"]
            assert copied["metrics"] == record.metrics
        else:
            assert app.clipboard == expected[what]

    run(registry, scenario)


def test_copy_shows_control_characters_escaped_but_copies_them(
    sqlite_registry: ModelRegistry,
) -> None:
    """A name holding an OSC 52 sequence is copied byte for byte; the picker and the toast
    show it as \\x1b text, never as the escape itself."""
    name = "evil\x1b]52;c;aGk=\x07"
    model_id = sqlite_registry.register_model(
        name, "1.0.0", "ckpt/e.pt", "language_modeling", verify_checkpoint=False
    )

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_detail(pilot, app, model_id)
        await pilot.press("y")
        await pilot.pause()
        options = app.screen.query_one("#copy-options")
        drawn = "\n".join(s.text for s in options.render_lines(Region(0, 0, 60, 4)))
        assert "\\x1b" in drawn and "\x1b" not in drawn
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.clipboard == f"{name}:1.0.0"
        assert any("\\x1b" in n and "\x1b" not in n for n in notifications(app))

    run(sqlite_registry, scenario)


def test_detail_actions_are_refused_read_only(seeded: Seeded) -> None:
    """With --read-only, p, r, R and d on the detail screen explain and write nothing."""
    registry, ids = seeded
    before = registry.records.change_token()

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_detail(pilot, app, ids["bert"])
        for key in ("p", "r", "R", "d", "b"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DetailScreen), key
        assert sum("Read-only" in n for n in notifications(app)) >= 5

    run(registry, scenario, read_only=True)
    assert registry.records.change_token() == before


def _better_column(widget_lines: list[str], metric: str) -> str:
    """The "Better" cell of ``metric``'s row in drawn metrics-table lines."""
    row = next(line for line in widget_lines if line.split() and metric in line.split())
    return row.split()[-1]


def test_better_columns_follow_the_registrys_recorded_directions(seeded: Seeded) -> None:
    """A registry that records ``accuracy`` as lower-is-better (its name says higher) has
    both the detail pane and the detail screen say "lower" for it, and a direction
    recorded by another handle while the app runs redraws the pane."""
    registry, ids = seeded
    registry.set_metric_direction("accuracy", True)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        pane = main_screen(app).query_one("#detail-pane #detail-body")
        drawn = [s.text for s in pane.render_lines(Region(0, 0, pane.size.width, 40))]
        assert _better_column(drawn, "accuracy") == "lower"
        assert _better_column(drawn, "val_loss") == "lower"
        registry.set_metric_direction("val_loss", False)
        app.check_changes()
        await settle(pilot)
        drawn = [s.text for s in pane.render_lines(Region(0, 0, pane.size.width, 40))]
        assert _better_column(drawn, "val_loss") == "higher"
        screen = await open_detail(pilot, app, ids["bert"])
        assert _better_column(body_lines(screen), "accuracy") == "lower"

    run(registry, scenario)


def test_an_open_detail_screen_redraws_when_a_direction_is_recorded(seeded: Seeded) -> None:
    """A direction recorded by another handle while the detail screen is open: the next
    poll redraws its "Better" column."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_detail(pilot, app, ids["bert"])
        assert _better_column(body_lines(screen), "accuracy") == "higher"
        registry.set_metric_direction("accuracy", True)
        app.check_changes()
        await settle(pilot)
        assert _better_column(body_lines(screen), "accuracy") == "lower"

    run(registry, scenario)
