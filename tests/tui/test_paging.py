"""The table pages from the database instead of loading every row; column layout rules."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.columns import build_columns, fit_columns, rank_metrics, total_width
from registry_tui.tui.widgets.model_table import MAX_PAGES, PAGE
from tests.tui.helpers import pages_held, run, settle, status_text, table

COUNT = 260


@pytest.fixture
def many(sqlite_registry: ModelRegistry) -> ModelRegistry:
    """A registry of 260 models (ids 1..260; the table lists the newest first)."""
    for i in range(COUNT):
        sqlite_registry.register_model(
            f"model-{i:03d}", "1.0.0", f"ckpt/{i}.pt", "classification",
            metrics={"val_loss": round(1 - i / 1000, 4)}, verify_checkpoint=False,
        )  # fmt: skip
    return sqlite_registry


def test_only_the_visible_page_is_loaded_and_the_total_is_counted(many: ModelRegistry) -> None:
    """The first screen holds one page of rows out of 260; the status line says so."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        assert t.total == COUNT
        assert pages_held(t) == 1 and t.loaded_count(0) == PAGE
        assert status_text(app).startswith(f"{COUNT} models · row 1")

    run(many, scenario)


def test_G_jumps_to_the_last_model_and_loads_its_page(many: ModelRegistry) -> None:
    """G shows the oldest model at once (its page is fetched); g goes back to the newest."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        await pilot.press("G")
        await settle(pilot)
        assert t.cursor == COUNT - 1
        assert t.current is not None and t.current.name == "model-000"
        assert f"row {COUNT}" in status_text(app)
        assert status_text(app).startswith(f"{COUNT} models · row {COUNT}")
        await pilot.press("g")
        await settle(pilot)
        assert t.current is not None and t.current.name == f"model-{COUNT - 1:03d}"

    run(many, scenario)


def test_moving_down_fetches_further_pages_and_memory_stays_bounded(many: ModelRegistry) -> None:
    """pagedown walks the whole listing; every row it lands on is loaded; pages are capped."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        seen = set()
        while t.cursor < COUNT - 1:
            await pilot.press("pagedown")
            await settle(pilot)
            assert t.current is not None
            seen.add(t.current.model_id)
        assert len(seen) > 5
        assert pages_held(t) <= MAX_PAGES

    run(many, scenario, size=(80, 24))


def test_cursor_keeps_its_model_when_rows_are_inserted_above(many: ModelRegistry) -> None:
    """Deep in the listing, a new registration (listed first) keeps the cursor on its model."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        t.move_to(175)
        await settle(pilot)
        model = t.current
        assert model is not None
        many.register_model("newest", "1.0.0", "ckpt/n.pt", "x", verify_checkpoint=False)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert t.cursor == 176 and t.current is not None and t.current.model_id == model.model_id

    run(many, scenario)


def test_columns_fit_the_width_and_the_date_scrolls_off_when_narrow() -> None:
    """Flexible columns shrink to their minimum; past that only the date hangs off the right."""
    columns = build_columns(["val_loss", "accuracy"], 6)
    wide = fit_columns(columns, 140)
    assert total_width(wide) == 140
    narrow = fit_columns(columns, 79)
    assert total_width(narrow[:-1]) <= 79 and narrow[-1].key == "created"
    name = next(c for c in narrow if c.key == "name")
    assert name.width >= name.min_width


def test_validation_metrics_come_first() -> None:
    """val_/eval_/test_ metrics lead the metric columns; the rest keep their order."""
    assert rank_metrics(["inference_time_ms", "train_loss", "val_loss"]) == [
        "val_loss",
        "inference_time_ms",
        "train_loss",
    ]
