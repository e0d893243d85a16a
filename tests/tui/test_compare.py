"""The comparison screen (space, c, C): every model shown, honest values and bars, live marks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.render import comparison_rows
from registry_tui.render.comparison import LEGEND
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.widgets.metric_bars import MetricBars
from tests.tui.helpers import main_screen, notifications, run, screen_text, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


def register_many(registry: ModelRegistry, count: int) -> list[int]:
    """``count`` models with two ROUGE metrics and a loss, seeded values (no ties)."""
    ids = []
    for i in range(count):
        metrics = {"rouge_1": 0.40 + i / 1000, "rouge_l": 0.30 + i / 500, "val_loss": 1 - i / 50}
        name, path = f"t5-news-{i:02d}", f"ckpt/{i}.pt"
        ids.append(
            registry.register_model(
                name, "1.0.0", path, "summarization", metrics=metrics, verify_checkpoint=False
            )
        )
    return ids


async def open_compare(pilot: Pilot[None], app: RegistryApp, ids: list[int]) -> CompareScreen:
    """Push the comparison of ``ids`` and wait for it to load."""
    screen = CompareScreen(app.registry, ids)
    app.push_screen(screen)
    await settle(pilot)
    await pilot.pause()
    return screen


def headers_seen(text: str) -> set[int]:
    """Model ids named in column headers (``1.0.0 #12``)."""
    return {int(m) for m in re.findall(r"1\.0\.0 #(\d+)", text)}


def test_space_marks_and_c_compares_the_marked_models(seeded: Seeded) -> None:
    """Marked models appear side by side with the best value starred and config differences."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "space", "space")  # v12 and v11 (space moves down)
        await settle(pilot)
        assert table(app).marked == {ids["v12"], ids["v11"]}
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.model_ids == sorted([ids["v11"], ids["v12"]])
        text = screen_text(app)
        assert f"1.1.0 #{ids['v11']}" in text and f"1.2.0 #{ids['v12']}" in text
        assert "0.40 ★" in text  # v12 has the best val_loss (0.42 against 0.40)
        assert "0.86 ★" in text  # and the best accuracy
        assert LEGEND in text
        assert "Config differences" in text and "d_model" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("escape")  # esc clears the marks
        assert table(app).marked == set()

    run(registry, scenario)


def test_c_without_marks_compares_the_model_with_its_parent(seeded: Seeded) -> None:
    """With nothing marked, c compares the highlighted model with its parent."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "c")  # v12, parent v11
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.model_ids == [ids["v11"], ids["v12"]]
        await pilot.press("escape", "g", "c")  # bert has no parent
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("no parent" in n for n in notifications(app))

    run(registry, scenario)


@pytest.mark.parametrize(("count", "size"), [(2, (80, 24)), (7, (120, 36)), (20, (80, 24))])
def test_no_model_is_dropped(
    sqlite_registry: ModelRegistry, count: int, size: tuple[int, int]
) -> None:
    """2, 7 or 20 models: each header appears, at once or by scrolling right with l."""
    ids = register_many(sqlite_registry, count)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_compare(pilot, app, ids)
        seen = headers_seen(screen_text(app))
        view = screen.query_one(MetricBars).view
        assert view is not None and view.total == count
        if count == 7:
            assert seen == set(ids)  # seven fit side by side at 120x36
        for _ in range(count):
            await pilot.press("l")
            seen |= headers_seen(screen_text(app))
        assert seen == set(ids)
        if count == 20:
            assert "of 20" in screen_text(app) and "models 1–" not in screen_text(app)
            for _ in range(count):
                await pilot.press("h")
            assert ids[0] in headers_seen(screen_text(app))

    run(sqlite_registry, scenario, size=size)


def test_metric_labels_are_whole_in_a_fixed_column(sqlite_registry: ModelRegistry) -> None:
    """rouge_1 and rouge_l keep their full names, also after scrolling the models sideways."""
    ids = register_many(sqlite_registry, 7)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_compare(pilot, app, ids)
        for _ in range(3):
            text = screen_text(app)
            assert "rouge_1 ↑" in text and "rouge_l ↑" in text and "val_loss ↓" in text
            assert "ro…" not in text
            await pilot.press("l")

    run(sqlite_registry, scenario, size=(80, 24))


def test_equal_values_are_tied_and_close_values_told_apart(
    sqlite_registry: ModelRegistry,
) -> None:
    """Equal accuracies are marked = with no star; 0.98770 and 0.98771 read differently."""
    reg = sqlite_registry
    a = reg.register_model("m", "1.0.0", "a.pt", "t", metrics={"accuracy": 0.9877,
                           "f1": 0.98770}, verify_checkpoint=False)  # fmt: skip
    b = reg.register_model("m", "1.1.0", "b.pt", "t", metrics={"accuracy": 0.9877,
                           "f1": 0.98771}, verify_checkpoint=False)  # fmt: skip

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_compare(pilot, app, [a, b])
        lines = screen_text(app).splitlines()
        accuracy = next(line for line in lines if "accuracy ↑" in line)
        assert accuracy.count("0.99 =") == 2 and "★" not in accuracy
        f1 = next(line for line in lines if "f1 ↑" in line)
        assert "0.98770" in f1 and "0.98771 ★" in f1

    run(sqlite_registry, scenario)


def test_bars_are_longest_for_the_best_value_either_way(sqlite_registry: ModelRegistry) -> None:
    """The lower val_loss and the higher accuracy both get the full bar, on screen."""
    reg = sqlite_registry
    a = reg.register_model("m", "1.0.0", "a.pt", "t", metrics={"val_loss": 0.2,
                           "accuracy": 0.5}, verify_checkpoint=False)  # fmt: skip
    b = reg.register_model("m", "1.1.0", "b.pt", "t", metrics={"val_loss": 0.4,
                           "accuracy": 0.9}, verify_checkpoint=False)  # fmt: skip

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_compare(pilot, app, [a, b])
        lines = screen_text(app).splitlines()
        for metric, best in (("val_loss ↓", 0), ("accuracy ↑", 1)):
            bars_line = lines[next(i for i, ln in enumerate(lines) if metric in ln) + 1]
            lengths = [len(b.strip()) for b in re.findall(r"[█▏▎▍▌▋▊▉]+", bars_line)]
            assert len(lengths) == 2 and lengths[best] > lengths[1 - best], metric
        assert LEGEND in screen_text(app)
        rows = comparison_rows(reg.records.compare([a, b]))
        assert [r.lower_better for r in rows] == [True, False]  # the core's directions

    run(sqlite_registry, scenario)


def test_shift_c_compares_with_the_production_holder(seeded: Seeded) -> None:
    """C on a model opens it beside the production model of its family, production first."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "C")  # v12; its family's production model is v11
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.model_ids == [ids["v11"], ids["v12"]]
        assert "vs production" in screen_text(app)
        await pilot.press("escape", "j", "C")  # v11 holds production itself
        await settle(pilot)
        assert "holds production itself" in screen_text(app)
        assert "esc goes back" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

    run(registry, scenario)


def test_shift_c_in_the_comparison_adds_the_production_holder(seeded: Seeded) -> None:
    """In a comparison, C adds the production model as the first column."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_compare(pilot, app, [ids["base"], ids["v12"]])
        await pilot.press("C")
        await settle(pilot)
        assert screen.model_ids == [ids["v11"], ids["base"], ids["v12"]]

    run(registry, scenario)


def test_a_model_deleted_elsewhere_leaves_the_comparison_with_a_notice(
    seeded: Seeded, db_path: Path
) -> None:
    """Deleted by another handle: it drops out of the comparison and out of the marks."""
    registry, ids = seeded
    other = ModelRegistry(str(db_path))

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        table(app).marked.update({ids["base"], ids["v12"], ids["bert"]})
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        other.delete_model(ids["bert"], force=True)
        app.check_changes(force=True)
        await settle(pilot)
        assert screen.model_ids == [ids["base"], ids["v12"]]
        assert any(f"#{ids['bert']} no longer exists" in n for n in notifications(app))
        assert f"#{ids['bert']}" not in screen_text(app)
        assert table(app).marked == {ids["base"], ids["v12"]}
        assert other.records.get(ids["bert"]) is None

    run(registry, scenario)
    other.close()


def test_a_failed_comparison_says_why_and_goes_back(seeded: Seeded, db_path: Path) -> None:
    """With one of two marked models deleted elsewhere: an error and esc back, never loading."""
    registry, ids = seeded
    other = ModelRegistry(str(db_path))

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        table(app).marked.update({ids["base"], ids["bert"]})
        other.delete_model(ids["bert"], force=True)
        await pilot.press("c")
        await settle(pilot)
        text = screen_text(app)
        assert "loading" not in text
        assert f"Model #{ids['bert']} no longer exists" in text and "esc goes back" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        app.check_changes(force=True)
        await settle(pilot)
        assert main_screen(app).table.marked == {ids["base"]}
        assert any("unmarked" in n for n in notifications(app))

    run(registry, scenario)
    other.close()


def test_an_error_quoting_user_text_shows_it_literally(seeded: Seeded) -> None:
    """A refused tag with markup and OSC 52 shows in the error slot as text, never as escapes."""
    registry, ids = seeded
    tag = "[red]st\x1b]52;c;eA==\x07"

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        app.push_screen(CompareScreen(registry, [ids["v12"]], against=tag))
        await settle(pilot)
        text = screen_text(app)
        assert "\x1b" not in text and "\\x1b]52" in text and "[red]st" in text

    run(registry, scenario)
