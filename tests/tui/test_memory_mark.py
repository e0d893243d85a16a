"""The ``~`` of an estimated ``memory_req_gb`` in the app: the model table and the comparison."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.checkpoints import facts
from registry_tui.query import columns_named, parse_filter
from registry_tui.tui.app import RegistryApp
from tests.tui.helpers import main_screen, run, screen_text, settle, table
from tests.tui.test_compare import open_compare

ESTIMATED = {facts.ESTIMATE_KEY: {"mode": "inference", "source": "estimated"}}
MEASURED = {facts.ESTIMATE_KEY: {"mode": "train-adamw", "source": "measured"}}


def three(registry: ModelRegistry) -> list[int]:
    """An estimated (14.2), a measured (22.5) and a user-given (6.5) memory requirement."""
    return [
        registry.register_model(
            f"m-{n}",
            "1.0.0",
            f"ckpt/{n}.pt",
            "lm",
            memory_req_gb=gb,
            metadata=metadata,
            metrics={"val_loss": 0.5},
            verify_checkpoint=False,
        )
        for n, gb, metadata in [
            ("est", 14.2, ESTIMATED),
            ("meas", 22.5, MEASURED),
            ("user", 6.5, {}),
        ]
    ]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("memory_req_gb <= 24", ["memory_req_gb"]),
        ("sort:-model_size_mb memory_req_gb<24 val_loss<1", ["model_size_mb", "memory_req_gb"]),
        ("sort:name val_loss < 1 created_at>7d", []),
    ],
)
def test_columns_named_are_the_numeric_columns_a_filter_uses(text: str, named: list[str]) -> None:
    """The sort's column first, then those of conditions; dates, names and metrics are not."""
    assert columns_named(parse_filter(text)) == named


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_a_memory_filter_shows_the_column_with_estimates_marked(
    sqlite_registry: ModelRegistry, size: tuple[int, int]
) -> None:
    """``memory_req_gb <= 24`` gives the table a memory column: ``~14.2`` for the estimate,
    ``22.5`` and ``6.5`` plain; without the filter the column is not there."""
    three(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await settle(pilot)
        assert "memory_req_" not in screen_text(app).split("\n", 3)[2]
        main_screen(app).filter_bar.set_text("memory_req_gb <= 24 sort:memory_req_gb")
        await settle(pilot, 0.3)
        assert table(app).total == 3
        keys = [column.key for column in table(app).columns]
        assert "c:memory_req_gb" in keys
        rows = [line for line in screen_text(app).splitlines() if " m-" in line]
        # after the status, val_loss, then memory_req_gb (sorted by it)
        cells = [line.split()[line.split().index("active") + 2] for line in rows[:3]]
        assert cells == ["6.5", "~14.2", "22.5"]

    run(sqlite_registry, scenario, size=size)


def test_comparison_marks_the_estimate(sqlite_registry: ModelRegistry) -> None:
    """The comparison's memory row shows ``~14.2 GB`` beside plain measured and given values."""
    ids = three(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await settle(pilot)
        await open_compare(pilot, app, ids)
        line = next(line for line in screen_text(app).splitlines() if "memory" in line)
        assert line.split()[1:] == ["~14.2", "GB", "22.5", "GB", "6.5", "GB"]

    run(sqlite_registry, scenario)


def test_a_params_filter_shows_parameter_counts_short() -> None:
    """``params_b <= 8`` names the params column, whose cells read ``7.24 B``, not 13 digits."""
    from registry_tui.records import ModelRecord
    from registry_tui.tui.columns import build_columns

    assert columns_named(parse_filter("params_b <= 8")) == ["params"]
    column = next(c for c in build_columns([], numeric=["params"]) if c.key == "c:params")
    record = ModelRecord(
        model_id=1, name="m", version="1.0.0", checkpoint_path="c", task_type="lm",
        config_hash=None, training_run_id=None, parent_model_id=None, created_at="2026",
        metrics={}, export_formats=(), model_size_mb=None, memory_req_gb=None, metadata={},
        status="active", params=7_241_732_096,
    )  # fmt: skip
    assert column.cell(record).plain == "7.24 B"
