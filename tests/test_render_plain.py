"""The plain-text models table is, character for character, what rich prints when piped."""

from __future__ import annotations

import io
import random
import string

import pytest

from registry_tui.cli.common import PIPE_WIDTH_LIMIT, Output
from registry_tui.records import ExportRecord, ModelRecord
from registry_tui.render import models_table
from registry_tui.render.plain import detail_text, frequent_metrics, models_table_text


def _record(i: int, **changes: object) -> ModelRecord:
    fields: dict[str, object] = dict(
        model_id=i,
        name=f"net-{i}",
        version="1.0.0",
        checkpoint_path="/ckpt/model.pt",
        task_type="classification",
        config_hash=None,
        training_run_id=None,
        parent_model_id=None,
        created_at="2026-01-01 00:00:00",
        metrics={"val_loss": 0.5, "accuracy": 0.91},
        export_formats=(),
        model_size_mb=None,
        memory_req_gb=8.0,
        metadata={},
        status="active",
        tags=("production",),
    )
    fields.update(changes)
    return ModelRecord(**fields)  # type: ignore[arg-type]


def _rich_piped(records: list[ModelRecord], metrics: list[str], verbose: bool, caption: str) -> str:
    out = io.StringIO()
    table = models_table(records, metrics=metrics, verbose=verbose, caption=caption)
    Output(stdout=out).emit(table)
    return out.getvalue()


def _random_records(seed: int) -> list[ModelRecord]:
    """Printable-ASCII records of every shape: spaces, brackets, empty and long values."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + " -_[]/.:=,*"

    def word(low: int, high: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))

    records = []
    for _ in range(rng.randint(1, 12)):
        names = rng.sample(["val_loss", "accuracy", "f1", "[b]x", "t t"], 3)
        values = [rng.random(), rng.randint(0, 20_000), 1e6 * rng.random()]
        metrics = {name: rng.choice(values) for name in names}
        records.append(
            _record(
                rng.randint(1, 10 ** rng.randint(1, 7)),
                name=word(0, 30),
                version=word(1, 9),
                task_type=word(0, 12),
                tags=tuple(word(1, 8) for _ in range(rng.randint(0, 3))),
                status=rng.choice(["active", "retired"]),
                metrics=metrics,
                parent_model_id=rng.choice([None, rng.randint(1, 99)]),
                training_run_id=rng.choice([None, rng.randint(1, 99)]),
                model_size_mb=rng.choice([None, 1234.5, 0.25]),
                memory_req_gb=rng.choice([None, 16.0]),
                checkpoint_path=word(1, 40),
            )
        )
    return records


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("verbose", [False, True])
def test_plain_table_matches_rich_piped_output(seed: int, verbose: bool) -> None:
    """For printable-ASCII tables, the plain writer prints exactly what rich prints piped."""
    records = _random_records(seed)
    metrics = [] if verbose else frequent_metrics(records)
    caption = random.Random(seed).choice(["1 model", "Showing 3 of 10,000+ models (--limit N)"])
    text = models_table_text(
        records, metrics=metrics, verbose=verbose, caption=caption, max_width=PIPE_WIDTH_LIMIT
    )
    if text is None:  # only when the caption is wider than the table
        assert len(caption) > len(_rich_piped(records, metrics, verbose, "").splitlines()[1])
        return
    assert text == _rich_piped(records, metrics, verbose, caption)


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "模型"},  # two columns per character on a terminal
        {"tags": ("café",)},
        {"metadata": {}, "odd": {"metrics": "text"}},  # the warning mark is not ASCII
    ],
)
def test_plain_table_declines_what_only_rich_lays_out(changes: dict[str, object]) -> None:
    """Text whose terminal width is not its length is left to rich (None), never misaligned."""
    records = [_record(1), _record(2, **changes)]
    assert (
        models_table_text(records, metrics=["val_loss"], caption="2 models", max_width=2000) is None
    )


def test_plain_table_declines_wide_tables_and_captions() -> None:
    """A table wider than the output, or a caption wider than the table, is left to rich."""
    records = [_record(1, name="n" * 300)]
    assert models_table_text(records, caption="1 model", max_width=200) is None
    narrow = [_record(1, name="a", version="1", task_type="t", tags=(), created_at="2026")]
    assert models_table_text(narrow, caption="x" * 200, max_width=2000) is None
    assert models_table_text(narrow, caption="1 model", max_width=2000) is not None


def _rich_detail(record: ModelRecord) -> str:
    from registry_tui.render import model_detail_renderable

    out = io.StringIO()
    Output(stdout=out).emit(model_detail_renderable(record))
    return out.getvalue()


@pytest.mark.parametrize("seed", range(60))
def test_plain_detail_matches_rich_piped_output(seed: int) -> None:
    """The one-model panel written as plain text is exactly rich's piped panel."""
    rng = random.Random(seed)
    record = _random_records(seed)[0]
    if rng.random() < 0.3:
        record = _record(record.model_id, metrics={}, name=record.name * rng.randint(1, 4))
    if rng.random() < 0.2:
        record = _record(1, name="n" * rng.randint(30, 90), version="1", metrics={"a": 1.0})
    text = detail_text(record, max_width=PIPE_WIDTH_LIMIT)
    assert text is not None
    assert text == _rich_detail(record)


@pytest.mark.parametrize(
    "changes",
    [
        {"metadata": {"k": 1}},
        {"export_formats": ("onnx",), "exports": (ExportRecord(1, 1, "onnx", "/x", "2026", {}),)},
        {"odd": {"model_size_mb": "stored as text"}},
        {"name": "模型"},
    ],
)
def test_plain_detail_leaves_the_rest_to_rich(changes: dict[str, object]) -> None:
    """Exports, metadata, odd values and non-ASCII text are drawn by rich (None here)."""
    assert detail_text(_record(1, **changes), max_width=PIPE_WIDTH_LIMIT) is None


def test_the_parameter_count_is_a_detail_row_in_both_writers() -> None:
    """``get`` shows params short and exact, the plain writer as rich does."""
    record = _record(1, params=7_241_732_096)
    text = detail_text(record, max_width=PIPE_WIDTH_LIMIT)
    assert text is not None and text == _rich_detail(record)
    assert "params           7.24 B (7,241,732,096)" in text
