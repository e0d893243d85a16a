"""The ``~`` of an estimated ``memory_req_gb``: every table and panel marks it, JSON/CSV never."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry, render
from registry_tui.checkpoints.facts import recorded_facts
from registry_tui.cli import main
from registry_tui.query import parse_filter
from registry_tui.render.comparison import comparison_view
from registry_tui.render.plain import detail_text, models_table_text
from tests.test_render import make, plain

ESTIMATED = {"memory_estimate": {"mode": "inference", "rule": "x", "source": "estimated"}}
MEASURED = {"memory_estimate": {"mode": "train-adamw", "source": "measured"}}


@pytest.mark.parametrize(
    ("metadata", "shown"),
    [
        (ESTIMATED, "~14.2 GB"),
        (MEASURED, "14.2 GB"),
        ({}, "14.2 GB"),
        ({"memory_estimate": "estimated"}, "14.2 GB"),
        ({"memory_estimate": {"source": ["estimated"]}}, "14.2 GB"),
    ],
)
def test_format_memory_marks_only_an_estimate(metadata: dict[str, Any], shown: str) -> None:
    """Only metadata saying the registry estimated the value gets the ``~``; measured,
    user-given and malformed estimates show the plain number."""
    assert render.format_memory(14.2, metadata) == shown
    assert render.format_memory(None, ESTIMATED) == "-"


def test_rich_tables_and_panels_mark_the_estimate() -> None:
    """The verbose list table, the ``get`` panel and the app's detail pane write ``~``."""
    estimated = make(1, memory_req_gb=14.2, metadata=ESTIMATED)
    given = make(2, memory_req_gb=4.0, metadata={})
    table = plain(render.models_table([estimated, given], verbose=True))
    assert "~14.2 GB" in table and "~4 GB" not in table and " 4 GB" in table
    assert "~14.2 GB" in plain(render.model_detail_renderable(estimated))
    assert "~14.2 GB" in plain(render.detail_pane_renderable(estimated))
    assert "~4 GB" not in plain(render.model_detail_renderable(given))


def test_plain_text_tables_mark_the_estimate_like_rich() -> None:
    """The piped (rich-free) list table writes the same cells as rich, ``~`` included."""
    records = [make(1, memory_req_gb=14.2, metadata=ESTIMATED), make(2, metadata=MEASURED)]
    text = models_table_text(records, verbose=True, max_width=400)
    assert text is not None
    rich_text = plain(render.models_table(records, verbose=True), width=400)
    assert "~14.2 GB" in text and "~4 GB" not in text
    assert [line.rstrip() for line in text.splitlines()] == [
        line.rstrip() for line in rich_text.splitlines()
    ]
    assert detail_text(make(3, metadata={}), max_width=200) is not None


def test_comparison_grid_has_a_memory_row() -> None:
    """The app's comparison shows each model's memory, the estimate marked."""
    records = [make(1, memory_req_gb=14.2, metadata=ESTIMATED), make(2, memory_req_gb=None)]
    view = comparison_view(records, [], width=120)
    lines = [line for line in plain(view.renderable).splitlines() if "memory" in line]
    assert len(lines) == 1
    assert lines[0].split()[1:] == ["~14.2", "GB", "-"]


def test_json_and_csv_keep_the_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``list --format json`` and ``csv`` give the stored float, with no mark, while the
    table on the same registry marks it."""
    db = tmp_path / "r.db"
    with ModelRegistry(db) as registry:
        registry.register_model(
            "m", "1.0.0", "c.pt", "lm", memory_req_gb=14.2, metadata=ESTIMATED,
            verify_checkpoint=False,
        )  # fmt: skip
    assert main(["--db", str(db), "list", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["memory_req_gb"] == 14.2
    assert main(["--db", str(db), "list", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "14.2" in out and "~" not in out
    assert main(["--db", str(db), "list", "--verbose"]) == 0
    assert "~14.2 GB" in capsys.readouterr().out


def test_facts_and_mark_survive_either_backend(registry: ModelRegistry) -> None:
    """Stored and listed on SQLite or PostgreSQL, the metadata reads back as the same facts
    (large counts stay integers) and the listing's records carry the ``~`` with no extra
    read: the mark comes from the listed record itself."""
    recorded = {
        "format": "gguf", "parameters": 7_241_732_096, "parameters_by_dtype": {"Q4_K": 7},
        "file_bytes": 4_000_000_000, "weights_bytes": 3_999_000_000, "tensor_count": 291,
    }  # fmt: skip
    metadata = {"checkpoint": recorded, **ESTIMATED}
    registry.register_model(
        "m", "1.0.0", "c.gguf", "lm", memory_req_gb=5.5, metadata=metadata,
        verify_checkpoint=False,
    )  # fmt: skip
    (listed,) = registry.records.query(parse_filter("memory_req_gb <= 24"))
    assert recorded_facts(listed.metadata) == recorded
    assert render.format_memory(listed.memory_req_gb, listed.metadata) == "~5.5 GB"
