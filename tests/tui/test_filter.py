"""The filter bar: the filter language, debouncing, enter/esc, and bad tokens."""

from __future__ import annotations

from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from tests.tui.helpers import main_screen, run, settle, status_text, table, table_ids

Seeded = tuple[ModelRegistry, dict[str, int]]


async def type_filter(pilot: Pilot[None], text: str) -> None:
    """Focus the bar with / and type ``text`` key by key, then wait for the debounce."""
    await pilot.press("slash")
    for char in text:
        await pilot.press("space" if char == " " else char)
    await settle(pilot, 0.15)


CASES = [
    ("gpt", ["v12", "v11", "base"]),
    ("bert", ["bert"]),
    ("tag:production", ["v11"]),
    ("task:classification", ["bert"]),
    ("status:retired", ["old"]),
    ("status:all", ["bert", "v12", "v11", "base", "old"]),
    ("name:gpt-*", ["v12", "v11", "base"]),
    ("val_loss<0.45", ["bert", "v12", "v11"]),
    ("gpt accuracy>=0.85", ["v12", "v11"]),
    ("sort:-accuracy", ["bert", "v12", "v11", "base"]),
    ("sort:val_loss task:language_modeling", ["v12", "v11", "base"]),
    ("nothing-matches", []),
    ("gpt small", ["v12", "v11", "base"]),
    ("small bert", []),
    ("gpt_small", []),
    ("val_loss < 0.45", ["bert", "v12", "v11"]),
    ("status:retired|all", ["bert", "v12", "v11", "base", "old"]),
    ("task:CLASS*", ["bert"]),
    ("created_at>7d", ["bert", "v12", "v11", "base"]),
    ("created_at<2026-01-01", []),
]


def test_filter_language_narrows_the_table(seeded: Seeded) -> None:
    """Each token of the filter language narrows or orders the listing as it is typed."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        for text, expected in CASES:
            bar.input.focus()
            bar.input.value = text  # goes through the same debounced path as typing
            await settle(pilot, 0.12)
            assert table_ids(app) == [ids[k] for k in expected], text
            label = "1 model" if len(expected) == 1 else f"{len(expected)} models"
            assert status_text(app).startswith(label), text

    run(registry, scenario)


def test_typed_filter_updates_the_table(seeded: Seeded) -> None:
    """Typing key by key after / filters the table (free text matches names)."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await type_filter(pilot, "gpt tag:staging")
        assert table_ids(app) == [ids["v12"]]

    run(registry, scenario)


def test_retired_models_are_listed_with_status_all(seeded: Seeded) -> None:
    """status:all brings retired models back (drawn dimmed, status 'retired')."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await type_filter(pilot, "status:all")
        t = table(app)
        last = t.record_at(t.total - 1)
        assert last is not None and last.model_id == ids["old"] and last.status == "retired"
        assert "retired" in t.render_line(t.total).text

    run(registry, scenario)


BAD = [
    ("foo:bar", "Unknown filter 'foo:bar'"),
    ("status:gone", "Unknown status 'gone'"),
    ("val_loss<<1", "Invalid condition"),
    ("sort:", "needs a value"),
    ('"unbalanced', "Unbalanced quote"),
]


def test_bad_token_shows_an_error_in_the_bar(seeded: Seeded) -> None:
    """A bad token is reported in the bar, the listing is not re-queried, nothing crashes."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        bar = screen.filter_bar
        for text, message in BAD:
            bar.input.focus()
            generation = screen.generation
            bar.input.value = text
            await settle(pilot, 0.12)
            assert bar.has_class("-error"), text
            assert message in str(bar.query_one("#filter-error").render()), text
            assert screen.generation == generation
            assert table(app).total == 4
        await pilot.press("escape")
        await settle(pilot)
        assert not bar.has_class("-error")
        assert bar.text == ""
        await type_filter(pilot, "tag:")
        assert bar.has_class("-error")
        assert app.is_running

    run(registry, scenario)


def test_unknown_metric_in_sort_or_condition_is_a_filter_error(seeded: Seeded) -> None:
    """A metric no model has is refused in the bar, naming the metrics; the table stays."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        for text, message in [
            ("sort:-acuracy", "Unknown sort key 'acuracy'"),
            ("acuracy<3", "Unknown metric 'acuracy'"),
        ]:
            bar.input.value = text
            await settle(pilot, 0.12)
            error = str(bar.query_one("#filter-error").render())
            assert bar.has_class("-error") and message in error, text
            assert "accuracy, val_loss" in error
            assert table(app).total == 4 and app.is_running

    run(registry, scenario)


def test_enter_keeps_the_filter_and_esc_clears_it(seeded: Seeded) -> None:
    """enter applies the filter and returns to the table; esc in the table clears it."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await type_filter(pilot, "tag:staging")
        await pilot.press("enter")
        await settle(pilot)
        assert table(app).has_focus
        assert table_ids(app) == [ids["v12"]]
        assert main_screen(app).filter_bar.text == "tag:staging"
        await pilot.press("escape")
        await settle(pilot, 0.1)
        assert main_screen(app).filter_bar.text == ""
        assert table(app).total == 4

    run(registry, scenario)


def test_typing_is_debounced_into_one_query(seeded: Seeded) -> None:
    """Keystrokes in quick succession query once, for the final text."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        bar = screen.filter_bar
        bar.input.focus()
        before = screen.generation
        for end in range(1, 5):
            bar.input.value = "bert"[:end]
        await settle(pilot, 0.2)
        assert screen.generation - before == 1
        assert table_ids(app) == [ids["bert"]]

    run(registry, scenario)
