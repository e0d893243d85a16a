"""The app and training runs: the detail screen's run panel, run: in the filter bar,
the one notice when runs cannot be read, hostile run text shown literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from tests import experimentdb
from tests.conftest import FixedClock
from tests.hostile import HOSTILE, WIDE
from tests.tui.helpers import main_screen, notifications, run, settle, table_ids
from tests.tui.test_detail import body_lines, open_detail


def _registry(tmp_path: Path, experiments: Path | None) -> tuple[ModelRegistry, list[int]]:
    """Models 1 and 2 from run ``baseline`` (id 1), 3 from run ``wider`` (2), 4 from none."""
    db = tmp_path / "models.db"
    registry = ModelRegistry(db, clock=FixedClock(), experiments=experiments)
    ids = []
    for version, run_id in (("1.0.0", 1), ("1.1.0", 1), ("1.2.0", 2), ("2.0.0", None)):
        model_id = registry.register_model(
            "gpt", version, "c.pt", "lm", metrics={"val_loss": 0.5},
            training_run_id=run_id, verify_checkpoint=False,
        )  # fmt: skip
        ids.append(model_id)
    return registry, ids


@pytest.fixture
def exp(tmp_path: Path) -> Path:
    """The sample ExperimentDB: run 1 ``baseline``, run 2 ``wider``."""
    path = tmp_path / "experiments.db"
    experimentdb.sample(path)
    return path


def test_the_detail_screen_shows_the_run(tmp_path: Path, exp: Path) -> None:
    """With experiments, the detail screen shows the run's name, status, notes, and each
    metric's final and best value."""
    registry, ids = _registry(tmp_path, exp)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        text = "\n".join(body_lines(await open_detail(pilot, app, ids[0])))
        assert "Run 1 · baseline" in text and "completed" in text and "lr 3e-4, warmup 500" in text
        row = next(line for line in text.splitlines() if "val/loss" in line)
        assert row.split() == ["val/loss", "1.1", "0.9"]

    run(registry, scenario)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("run:1", [1, 0]), ("run:baseline", [1, 0]), ("run:WIDER", [2]), ("run:9", [])],
)
def test_run_filters_by_id_or_name(
    tmp_path: Path, exp: Path, text: str, expected: list[int]
) -> None:
    """run:ID and run:NAME (looked up in the ExperimentDB) list the run's models."""
    registry, ids = _registry(tmp_path, exp)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        bar.input.focus()
        bar.input.value = text
        await settle(pilot, 0.12)
        assert table_ids(app) == [ids[i] for i in expected]

    run(registry, scenario)


def test_run_names_need_experiments(tmp_path: Path) -> None:
    """Without experiments, run:ID still filters; run:NAME shows one line in the bar."""
    registry, ids = _registry(tmp_path, None)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        bar.input.focus()
        bar.input.value = "run:2"
        await settle(pilot, 0.12)
        assert table_ids(app) == [ids[2]]
        bar.input.value = "run:baseline"
        await settle(pilot, 0.12)
        error = str(bar.query_one("#filter-error").render())
        assert "No run named 'baseline'" in error and "--experiments" in error

    run(registry, scenario)


def test_a_missing_experiments_file_is_one_notice(tmp_path: Path) -> None:
    """A missing ExperimentDB: the app lists and opens models as ever, and says why runs
    are not shown exactly once."""
    registry, ids = _registry(tmp_path, tmp_path / "gone.db")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        assert len(table_ids(app)) == 4
        await open_detail(pilot, app, ids[0])
        await settle(pilot)
        shown = [n for n in notifications(app) if "Runs not shown" in n]
        assert len(shown) == 1 and "No experiment database at" in shown[0]

    run(registry, scenario)


def test_hostile_run_text_is_shown_literally(tmp_path: Path) -> None:
    """A run whose name, status and notes hold markup, escape sequences, bidi controls and
    CJK is drawn as those characters, escaped, on the detail screen."""
    exp = experimentdb.create(tmp_path / "e.db")
    experimentdb.add_run(exp, HOSTILE + WIDE, [("val_loss", 0.5, 1)], notes=HOSTILE, status=HOSTILE)
    registry, ids = _registry(tmp_path, exp)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        text = "".join(body_lines(await open_detail(pilot, app, ids[0])))
        assert "[bold red]x[/]" in text and "\\x1b]52;c;" in text and "\\u202e" in text
        assert not any(c in text for c in "\x1b\x07\u202e")
        assert "模型" in text

    run(registry, scenario, size=(200, 60))
