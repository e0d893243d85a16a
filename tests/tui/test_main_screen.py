"""The main screen's status line and keys: counts, sorting, jumps, fixed columns, lists."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from registry_tui import ModelRegistry
from registry_tui.db import counts, listing
from registry_tui.errors import CountStopped, StorageError
from registry_tui.records import ModelQuery
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.widgets.sidebar import Sidebar
from tests.tui.helpers import main_screen, notifications, run, settle, status_text, table

Seeded = tuple[ModelRegistry, dict[str, int]]
COUNT = 120


@pytest.fixture
def many(sqlite_registry: ModelRegistry) -> ModelRegistry:
    """120 models, ids 1..120 (the newest first), the oldest (id 1) retired."""
    for i in range(COUNT):
        sqlite_registry.register_model(
            f"model-{i:03d}", "1.0.0", f"ckpt/{i}.pt", "classification",
            metrics={"val_loss": round(1 - i / 1000, 4)}, verify_checkpoint=False,
        )  # fmt: skip
    sqlite_registry.retire_model(1)
    return sqlite_registry


async def submit(pilot: Pilot[None], app: RegistryApp, text: str) -> None:
    """Put ``text`` in the filter bar and press enter."""
    bar = main_screen(app).filter_bar
    bar.input.focus()
    await pilot.pause()
    bar.input.value = text
    await pilot.press("enter")
    await settle(pilot, 0.1)


def test_status_line_counts_what_the_filter_matches(many: ModelRegistry) -> None:
    """The status line counts the whole listing, not the page, also after G; '1 model'."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert status_text(app).startswith(f"{COUNT - 1} models · row 1")
        await pilot.press("G")
        await settle(pilot)
        assert status_text(app).startswith(f"{COUNT - 1} models · row {COUNT - 1}")
        await submit(pilot, app, "model-007")
        assert status_text(app).startswith("1 model · row 1")

    run(many, scenario)


def test_a_capped_count_shows_at_once_then_the_exact_figure(
    many: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each listing shows a capped count ("50+ models") without waiting for an exact count;
    the exact figure replaces it when a background worker has it; G then reaches the end.
    (The count tables are set aside: they would count this listing exactly at once.)"""
    monkeypatch.setattr(counts, "known_count", lambda lister, query: None)
    capped, exact = many.records.count_capped, many.records.count
    monkeypatch.setattr(many.records, "count_capped", lambda query, cap=50: capped(query, cap=50))
    shown: list[str] = []
    update = MainScreen.update_status

    def recording(screen: MainScreen) -> None:
        update(screen)
        shown.append(str(screen.query_one("#status-line", Static).render()))

    monkeypatch.setattr(MainScreen, "update_status", recording)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        labels = [t.split(" · ")[0] for t in shown]
        assert "50+ models" in labels
        assert labels.index("50+ models") < labels.index(f"{COUNT - 1} models")
        assert status_text(app).startswith(f"{COUNT - 1} models · row 1")
        await pilot.press("G")
        await settle(pilot)
        assert status_text(app).startswith(f"{COUNT - 1} models · row {COUNT - 1}")

    run(many, scenario)
    assert exact(ModelQuery()) == COUNT - 1


def test_the_exact_count_of_a_changed_filter_is_abandoned(
    many: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long exact count is told to stop as soon as the filter changes (it would otherwise
    keep a core busy while the next listings load); the new filter's count still arrives."""
    capped, exact = many.records.count_capped, many.records.count
    monkeypatch.setattr(many.records, "count_capped", lambda query, cap=50: capped(query, cap=50))
    monkeypatch.setattr(listing, "PROBE", 0)
    stopped: list[str | None] = []

    def endless(query: ModelQuery, stop: Callable[[], bool] | None = None) -> int:
        deadline = time.monotonic() + 5
        while query.text == "model-0" and time.monotonic() < deadline:
            if stop is not None and stop():
                stopped.append(query.text)
                raise CountStopped("stopped")
            time.sleep(0.01)
        return exact(query)

    monkeypatch.setattr(many.records, "count", endless)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        bar.input.focus()
        bar.input.value = "model-0"
        await pilot.press("enter")
        await pilot.pause(0.6)  # the exact count has started (and would run for seconds)
        bar.input.value = "model-1"
        await pilot.press("enter")
        await settle(pilot, 0.6)
        assert stopped == ["model-0"]
        assert status_text(app).startswith("20 models")

    run(many, scenario)


def test_an_exact_count_for_an_earlier_filter_is_ignored(
    many: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow exact count that arrives after the filter changed does not overwrite the count."""
    capped, exact = many.records.count_capped, many.records.count
    monkeypatch.setattr(many.records, "count_capped", lambda query, cap=50: capped(query, cap=50))
    monkeypatch.setattr(listing, "PROBE", 0)  # no filter is small enough to count at once

    def slow(query: ModelQuery, stop: Callable[[], bool] | None = None) -> int:
        if query.text == "model-0":
            time.sleep(0.5)
        return exact(query)

    monkeypatch.setattr(many.records, "count", slow)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        bar.input.focus()
        bar.input.value = "model-0"
        await pilot.press("enter")
        await pilot.pause(0.15)
        assert status_text(app).startswith("50+ models")
        await submit(pilot, app, "model-007")
        await settle(pilot, 0.6)
        assert status_text(app).startswith("1 model · row 1")

    run(many, scenario)


def test_refining_with_slash_appends_to_the_filter(seeded: Seeded) -> None:
    """'/' puts the cursor after the filter: typing refines it instead of replacing it."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await submit(pilot, app, "gpt")
        assert table(app).has_focus
        await pilot.press("slash", *" tag:staging")
        await settle(pilot, 0.15)
        bar = main_screen(app).filter_bar
        assert bar.text == "gpt tag:staging"
        assert [r.model_id for r in [table(app).current] if r] == [ids["v12"]]

    run(registry, scenario)


def test_up_and_down_recall_earlier_filters(seeded: Seeded) -> None:
    """In the bar, up steps back through the session's filters and down forward again."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        await submit(pilot, app, "bert")
        await submit(pilot, app, "tag:staging")
        await pilot.press("slash", "up")
        await settle(pilot, 0.15)
        assert bar.text == "bert"
        assert table(app).current is not None and table(app).current.model_id == ids["bert"]
        await pilot.press("up")  # nothing older: stays
        assert bar.text == "bert"
        await pilot.press("down")
        assert bar.text == "tag:staging"
        await pilot.press("down")
        assert bar.text == "tag:staging"  # the draft (what was in the bar before up)

    run(registry, scenario)


def test_the_whole_error_is_readable_at_80_columns(seeded: Seeded) -> None:
    """A long filter error wraps under the bar instead of being cut mid-sentence."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        bar.input.focus()
        bar.input.value = "sort:-acuracy"
        await settle(pilot, 0.15)
        error = bar.query_one("#filter-error")
        lines = [strip.text for strip in error.render_lines(error.region.reset_offset)]
        shown = " ".join(line.strip() for line in lines)
        assert error.size.height >= 2 and error.size.width <= 80
        assert "training_run_id, params) or a metric (accuracy, val_loss)" in shown

    run(registry, scenario, size=(80, 24))


def test_database_errors_go_to_a_notification_not_the_filter_bar(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing database is reported in a notification; the filter bar shows no error."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        def broken(*_: object, **__: object) -> None:
            raise StorageError("The database disk image is malformed")

        monkeypatch.setattr(registry.records, "query", broken)
        await submit(pilot, app, "gpt")
        bar = main_screen(app).filter_bar
        assert not bar.has_class("-error")
        assert any("malformed" in n for n in notifications(app))
        assert app.is_running

    run(registry, scenario)


def test_too_many_conditions_is_a_filter_error(seeded: Seeded) -> None:
    """A condition list too long for the database is refused in the bar, in plain words."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        bar.input.focus()
        bar.input.value = " ".join(["val_loss<1"] * 80)
        await settle(pilot, 0.15)
        assert bar.has_class("-error")
        assert "Too many conditions" in str(bar.query_one("#filter-error").render())
        assert table(app).total == 4

    run(registry, scenario)


def test_o_cycles_the_sort_column_and_O_reverses_it(seeded: Seeded) -> None:
    """'o' sorts by the next column (the bar's sort: token and the header arrow follow)."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        await pilot.press("o")
        await settle(pilot, 0.1)
        assert bar.text == "sort:model_id"
        order = [ids["base"], ids["v11"], ids["v12"], ids["bert"]]
        assert [table(app).record_at(i).model_id for i in range(4)] == order  # type: ignore[union-attr]
        assert "id▲" in table(app).render_line(0).text
        await pilot.press("O")
        await settle(pilot, 0.1)
        assert bar.text == "sort:-model_id"
        assert "id▼" in table(app).render_line(0).text
        await pilot.press("o")
        await settle(pilot, 0.1)
        assert bar.text == "sort:name"
        assert table(app).record_at(0).name == "bert-base"  # type: ignore[union-attr]

    run(registry, scenario)


def test_clicking_a_header_sorts_by_it_and_again_reverses(seeded: Seeded) -> None:
    """A click on the accuracy header sorts by accuracy; a second click reverses."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        x = sum(c.width + 1 for c in t.columns[: [c.key for c in t.columns].index("m:accuracy")])
        await pilot.click(t, offset=(x + 1, 0))
        await settle(pilot, 0.1)
        assert main_screen(app).filter_bar.text == "sort:accuracy"
        assert t.record_at(0).model_id == ids["base"]  # type: ignore[union-attr]
        await pilot.click(t, offset=(x + 1, 0))
        await settle(pilot, 0.1)
        assert main_screen(app).filter_bar.text == "sort:-accuracy"
        assert t.record_at(0).model_id == ids["bert"]  # type: ignore[union-attr]

    run(registry, scenario)


def test_a_metric_in_the_filter_is_shown_as_a_column(seeded: Seeded) -> None:
    """A metric named in sort: or a condition gets a column, with its whole name."""
    registry, _ = seeded
    registry.register_model(
        "rare", "1.0.0", "r.pt", "x", metrics={"perplexity_at_4k": 3.5}, verify_checkpoint=False
    )
    for version in ("1.0.0", "2.0.0"):  # bleu outranks it among the common metrics
        registry.register_model(
            "mt", version, "m.pt", "x", metrics={"bleu": 30.0}, verify_checkpoint=False
        )

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert "m:perplexity_at_4k" not in [c.key for c in table(app).columns]
        await submit(pilot, app, "perplexity_at_4k < 9")
        assert "m:perplexity_at_4k" in [c.key for c in table(app).columns]
        header = table(app).render_line(0).text
        assert "perplexity_at_4k" in header
        assert "3.5" in table(app).render_line(1).text

    run(registry, scenario, size=(160, 40))


def test_id_and_name_stay_visible_when_scrolling_right(seeded: Seeded) -> None:
    """At 80 columns, scrolling right keeps id and name in place while the rest moves."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        before = t.render_line(0).text
        for _ in range(6):
            await pilot.press("right")
        await pilot.pause()
        after = t.render_line(0).text
        assert t.scroll_x > 0
        assert after.split()[:2] == ["id", "name"] == before.split()[:2]
        assert "created" in after and after != before
        assert "gpt-small" in t.render_line(2).text

    run(registry, scenario, size=(80, 24))


def test_jump_to_a_model_by_id_loads_its_page(many: ModelRegistry) -> None:
    """'#7' + enter puts the cursor on model 7, far down the listing; the filter stays."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await submit(pilot, app, "model")
        await submit(pilot, app, "#7")
        t = table(app)
        assert t.current is not None and t.current.model_id == 7
        assert t.cursor == COUNT - 7
        assert main_screen(app).filter_bar.text == "model"
        assert status_text(app).startswith(f"{COUNT - 1} models · row {COUNT - 6}")

    run(many, scenario)


def test_jump_key_and_a_model_outside_the_filter(many: ModelRegistry) -> None:
    """':' starts a jump; a retired model widens the listing to every status; an unknown
    id is a notification."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("colon", "1", "enter")
        await settle(pilot, 0.1)
        t = table(app)
        assert t.current is not None and t.current.model_id == 1
        assert main_screen(app).filter_bar.text == "status:all"
        await pilot.press("number_sign", *"999", "enter")
        await settle(pilot, 0.1)
        assert any("No model with id 999" in n for n in notifications(app))
        assert t.current is not None and t.current.model_id == 1

    run(many, scenario)


def test_j_and_k_move_in_the_sidebar(seeded: Seeded) -> None:
    """The sidebar answers j/k like every list."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        sidebar = main_screen(app).query_one(Sidebar)
        sidebar.focus()
        await pilot.pause()
        await pilot.press("j")
        start = sidebar.highlighted
        assert start is not None
        await pilot.press("j")
        moved = sidebar.highlighted
        assert isinstance(sidebar, OptionList) and moved is not None and moved > start
        await pilot.press("k")
        assert sidebar.highlighted == start

    run(registry, scenario)


def test_space_marks_and_moves_down(seeded: Seeded) -> None:
    """space marks the highlighted model and moves the cursor to the next one."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("space", "space")
        t = table(app)
        assert t.marked == {ids["bert"], ids["v12"]}
        assert t.cursor == 2
        assert "2 marked" in status_text(app)

    run(registry, scenario)


def test_esc_gives_up_a_jump_and_keeps_the_filter(seeded: Seeded) -> None:
    """'#' then esc brings the filter back instead of clearing it."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await submit(pilot, app, "tag:staging")
        await pilot.press("number_sign", "4", "escape")
        await settle(pilot, 0.1)
        assert main_screen(app).filter_bar.text == "tag:staging"
        assert [table(app).record_at(0).model_id] == [ids["v12"]]  # type: ignore[union-attr]

    run(registry, scenario)


def test_typing_a_jump_is_not_a_filter(seeded: Seeded) -> None:
    """While '#12' is typed the listing is not re-queried and no error shows."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        bar = screen.filter_bar
        bar.input.focus()
        bar.input.value = "bogus:1"
        await settle(pilot, 0.15)
        assert bar.has_class("-error")
        generation = screen.generation
        bar.input.value = "#12"
        await settle(pilot, 0.15)
        assert not bar.has_class("-error")
        assert screen.generation == generation and table(app).total == 4

    run(registry, scenario)


def test_the_status_line_counts_only_the_tags_holders(seeded: Seeded) -> None:
    """Filtering on a tag makes the status line count that tag's holders (one here), not
    every model of the registry."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await submit(pilot, app, "tag:staging")
        await settle(pilot, 0.1)
        assert table(app).total == 1 and table(app).record_at(0).model_id == ids["v12"]  # type: ignore[union-attr]
        assert status_text(app).startswith("1 model · row 1")

    run(registry, scenario)
