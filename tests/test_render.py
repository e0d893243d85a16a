"""render.py: safe text, tables, panels, trees and the JSON/CSV serialisers."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from typing import Any

import pytest
from rich.console import Console, RenderableType
from rich.text import Text

from registry_tui import render
from registry_tui.records import ConfigChange, EventRecord, ExportRecord, ModelRecord
from registry_tui.render import lineage

INJECT = "\x1b]0;pwned\x07\x1b[2J"


def make(model_id: int = 1, **kw: Any) -> ModelRecord:
    """A ModelRecord with plausible defaults (no database needed)."""
    values: dict[str, Any] = {
        "model_id": model_id,
        "name": "gpt-small",
        "version": "1.0.0",
        "checkpoint_path": "checkpoints/epoch_10.pt",
        "task_type": "language_modeling",
        "config_hash": "abc123",
        "training_run_id": 42,
        "parent_model_id": None,
        "created_at": "2026-01-01 12:00:00",
        "metrics": {"val_loss": 0.38, "perplexity": 1.46, "accuracy": 0.92},
        "export_formats": ("onnx",),
        "model_size_mb": 256.5,
        "memory_req_gb": 4.0,
        "metadata": {"notes": "Baseline", "framework": {"name": "pytorch"}},
        "status": "active",
        "tags": ("baseline",),
        "exports": (),
    }
    values.update(kw)
    return ModelRecord(**values)


def plain(renderable: RenderableType, width: int = 200) -> str:
    """Render without colour, as the CLI does when piped."""
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def coloured(renderable: RenderableType) -> str:
    """Render with colour codes, as on a terminal."""
    console = Console(file=io.StringIO(), width=200, color_system="truecolor", force_terminal=True)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


# --------------------------------------------------------------------------- safe text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("bell\x07", "bell\\x07"),
        ("csi\x9b", "csi\\x9b"),
        ("bidi\u202eevil", "bidi\\u202eevil"),
        ("del\x7f", "del\\x7f"),
        ("plain [bold]text[/] é ✓", "plain [bold]text[/] é ✓"),
    ],
)
def test_visible_escapes_control_characters_only(raw: str, shown: str) -> None:
    """visible() turns control, C1 and bidi characters into escapes and leaves the rest."""
    assert render.visible(raw) == shown


def test_safe_text_keeps_markup_literal() -> None:
    """safe_text() returns a Text whose plain text is the markup, so nothing is styled."""
    text = render.safe_text("[bold red]x[/]")
    assert isinstance(text, Text)
    assert text.plain == "[bold red]x[/]"
    assert plain(text).strip() == "[bold red]x[/]"


def test_no_renderable_sends_injected_escapes_to_the_terminal() -> None:
    """Escape sequences in every user field render escaped, even with colour on."""
    record = make(
        name=INJECT,
        version="1.0.0",
        task_type=INJECT,
        tags=("prod",),
        checkpoint_path=INJECT,
        metrics={INJECT: 1.0},
        metadata={INJECT: INJECT, "nested": {"k": INJECT}},
        exports=(ExportRecord(1, 1, "onnx", INJECT, "2026-01-01 12:00:00", {"k": INJECT}),),
    )
    renderables: list[RenderableType] = [
        render.models_table([record], metrics=[INJECT], verbose=True),
        render.model_detail_renderable(record),
        render.comparison_table([record], render.comparison_rows([record])),
        render.lineage_tree([record]),
        render.history_table(
            [EventRecord(1, "2026-01-01", "register", 1, None, None, INJECT, {"k": INJECT})],
            {1: INJECT},
        ),
        render.config_diff_table([ConfigChange(INJECT, "changed", INJECT, 1)], record, record),
    ]
    for renderable in renderables:
        out = coloured(renderable)
        assert "\x07" not in out
        assert "\x1b]" not in out
        assert "\x1b[2J" not in out
        assert "\\x1b]0;pwned\\x07" in out


# --------------------------------------------------------------------------- formatting


def test_formatting_helpers() -> None:
    """Sizes, optional values and compact JSON read naturally."""
    assert render.format_mb(256.5) == "256.5 MB"
    assert render.format_mb(None) == "-"
    assert render.format_gb(4.0) == "4 GB"
    assert render.format_optional(None) == "-"
    assert render.display_json({"a": [1, 2]}) == '{"a": [1, 2]}'
    assert render.display_json({"s": "\x1b"}) == '{"s": "\\u001b"}'


def test_frequent_metrics_ranks_by_how_many_models_have_them() -> None:
    """The most common metric names come first; ties keep first-seen order."""
    records = [
        make(1, metrics={"a": 1.0, "b": 1.0}),
        make(2, metrics={"b": 1.0, "c": 1.0}),
        make(3, metrics={"c": 1.0, "b": 1.0}),
    ]
    assert render.frequent_metrics(records, 2) == ["b", "c"]


# --------------------------------------------------------------------------- tables


def test_models_table_columns_and_rows() -> None:
    """The list table shows id, name, version, task, tags, status, date and chosen metrics."""
    out = plain(render.models_table([make(7)], metrics=["val_loss"], caption="1 model"))
    for expected in ("ID", "Name", "val_loss", "7", "gpt-small", "1.0.0", "baseline", "0.38"):
        assert expected in out
    assert "2026-01-01" in out and "12:00:00" not in out
    assert "1 model" in out


def test_models_table_verbose_adds_fields_and_all_metrics() -> None:
    """--verbose adds parent, run, sizes, checkpoint and every metric."""
    out = plain(render.models_table([make(7, parent_model_id=3)], verbose=True))
    for expected in ("Parent", "Checkpoint", "256.5 MB", "4 GB", "checkpoints/epoch_10.pt"):
        assert expected in out
    assert "perplexity=1.46" in out and "12:00:00" in out


def test_model_detail_shows_every_field_metrics_exports_and_metadata() -> None:
    """The get panel lists every column, the metrics, the exports and nested metadata."""
    export = ExportRecord(3, 1, "onnx", "exports/model.onnx", "2026-01-02 00:00:00", {"opset": 14})
    out = plain(render.model_detail_renderable(make(exports=(export,))))
    for field in render.MODEL_FIELDS:
        if field != "metadata":
            assert field in out
    for expected in ("Metrics", "perplexity", "lower", "higher", "Exports", "exports/model.onnx"):
        assert expected in out
    assert '{"opset": 14}' in out
    assert "framework" in out and "name: pytorch" in out


def test_model_detail_without_optional_parts() -> None:
    """A model with no metrics, exports or metadata still renders its fields."""
    out = plain(render.model_detail_renderable(make(metrics={}, metadata={}, tags=())))
    assert "model_id" in out and "Metrics" not in out and "Metadata" not in out


# --------------------------------------------------------------------------- comparison


def test_comparison_rows_pick_best_by_direction() -> None:
    """Loss-like metrics are best when lowest, others when highest; ties both win."""
    records = [
        make(1, metrics={"val_loss": 0.5, "accuracy": 0.9, "inference_time_ms": 10.0}),
        make(2, metrics={"val_loss": 0.4, "accuracy": 0.9}),
    ]
    rows = {r.metric: r for r in render.comparison_rows(records)}
    assert rows["val_loss"].best == {1} and rows["val_loss"].lower_better
    assert rows["accuracy"].best == {0, 1} and not rows["accuracy"].lower_better
    assert rows["inference_time_ms"].best == {0}
    assert rows["inference_time_ms"].values == (10.0, None)


def test_comparison_overrides_and_metric_selection() -> None:
    """--lower-better/--higher-better flip the direction; metrics= limits and orders rows."""
    records = [
        make(1, metrics={"a": 1.0, "val_loss": 1.0}),
        make(2, metrics={"a": 2.0, "val_loss": 2.0}),
    ]
    rows = render.comparison_rows(records, ["val_loss", "a"], lower=["a"], higher=["val_loss"])
    assert [r.metric for r in rows] == ["val_loss", "a"]
    assert rows[0].best == {1} and rows[1].best == {0}


def test_comparison_table_marks_best_values() -> None:
    """The comparison table has one column per model and marks each metric's best value."""
    records = [make(1, metrics={"val_loss": 0.5}), make(2, name="bert", metrics={"val_loss": 0.4})]
    out = plain(render.comparison_table(records, render.comparison_rows(records)))
    assert "gpt-small 1.0.0 #1" in out and "bert 1.0.0 #2" in out
    assert f"0.4 {render.BEST_MARK}" in out and f"0.5 {render.BEST_MARK}" not in out
    assert "lower" in out


def test_comparison_table_marks_ties_with_the_grids_rule() -> None:
    """Values tied for best read ``=`` in the CLI's table, as in the app's grid; no star."""
    records = [make(1, metrics={"accuracy": 0.9}), make(2, metrics={"accuracy": 0.9})]
    out = plain(render.comparison_table(records, render.comparison_rows(records)))
    assert out.count("0.9 =") == 2 and render.BEST_MARK not in out


def test_comparison_of_one_model_marks_nothing() -> None:
    """With a single model there is nothing to win."""
    rows = render.comparison_rows([make()])
    assert all(not r.best for r in rows)


def test_comparison_dicts_and_csv() -> None:
    """JSON keeps the API keys with only compared metrics nested, plus which it won."""
    records = [make(1, metrics={"val_loss": 0.5, "x": 1.0}), make(2, metrics={"val_loss": 0.4})]
    rows = render.comparison_rows(records, ["val_loss"])
    dicts = render.comparison_dicts(records, rows)
    assert dicts[0]["metrics"] == {"val_loss": 0.5} and dicts[1]["best"] == ["val_loss"]
    assert dicts[0]["name"] == "gpt-small" and "exports" not in dicts[0]
    parsed = list(csv.DictReader(io.StringIO(render.comparison_csv(records, rows))))
    assert parsed[1]["metrics.val_loss"] == "0.4" and parsed[1]["best"] == "val_loss"


# --------------------------------------------------------------------------- lineage


def test_lineage_tree_nests_root_to_model_with_deltas() -> None:
    """Each step is indented under its parent and shows metric changes, signed and coloured."""
    chain = [
        make(1, name="base", metrics={"val_loss": 0.5, "accuracy": 0.8}),
        make(2, name="domain", parent_model_id=1, metrics={"val_loss": 0.42, "accuracy": 0.85}),
        make(3, name="task", parent_model_id=2, metrics={"val_loss": 0.45}),
    ]
    out = plain(render.lineage_tree(chain, current_id=3))
    lines = out.splitlines()
    base, domain, task = (
        next(i for i, line in enumerate(lines) if n in line) for n in ("base 1", "domain", "task")
    )
    assert base < domain < task
    indent = [len(lines[i]) - len(lines[i].lstrip(" │└├─")) for i in (base, domain, task)]
    assert indent[0] < indent[1] < indent[2]
    assert "val_loss 0.5 → 0.42 (-0.08)" in out
    assert "accuracy 0.8 → 0.85 (+0.05)" in out
    assert "val_loss 0.42 → 0.45 (+0.03)" in out


def test_delta_text_colours_improvement_and_regression() -> None:
    """A lower loss is green, a lower accuracy red, no change dim."""
    better = render.delta_text("val_loss", 0.5, 0.4, lower_better=True)
    worse = render.delta_text("accuracy", 0.9, 0.8, lower_better=False)
    same = render.delta_text("accuracy", 0.9, 0.9, lower_better=False)
    assert any("green" in str(s.style) for s in better.spans)
    assert any("red" in str(s.style) for s in worse.spans)
    assert "(±0)" in same.plain
    assert render.delta_text("x", None, 1.0, lower_better=False).plain == "x - → 1"


def test_lineage_node_delta_follows_the_forced_direction() -> None:
    """A node of the app's lineage tree colours its metric's change by the direction it
    is given: a rise in ``bleu_time`` (lower by its name) is red by default and green
    when the metric is forced higher-is-better; a fall is the opposite."""
    parent = make(1, metrics={"bleu_time": 10.0})
    rose = make(2, parent_model_id=1, metrics={"bleu_time": 12.0})

    def colours(label: Text) -> set[str]:
        return {str(s.style) for s in label.spans if str(s.style) in ("green", "red")}

    node = lineage.node_label
    assert colours(node(rose, parent, "bleu_time", current=False)) == {"red"}
    assert colours(node(rose, parent, "bleu_time", current=False, higher=["bleu_time"])) == {
        "green"
    }
    fell = make(3, parent_model_id=1, metrics={"bleu_time": 8.0})
    assert colours(node(fell, parent, "bleu_time", current=False, higher=["bleu_time"])) == {"red"}


def test_lineage_tree_of_a_family_branches() -> None:
    """A family (root plus descendants) becomes a branching tree."""
    family = [
        make(1),
        make(2, parent_model_id=1),
        make(3, parent_model_id=1),
        make(4, parent_model_id=2),
    ]
    tree = render.lineage_tree(family)
    root = tree.children[0]
    assert len(root.children) == 2 and len(root.children[0].children) == 1


# --------------------------------------------------------------------------- history and configs


def test_history_table_shows_events_with_labels() -> None:
    """Events show who did what to which model; details read as key=value."""
    events = [
        EventRecord(5, "2026-01-01 12:00:05", "promote", 2, "production", 1, "me@host",
                    {"exclusive": True, "removed_from": [1]}),
    ]  # fmt: skip
    out = plain(render.history_table(events, {2: "gpt-small 1.1.0", 1: "gpt-small 1.0.0"}))
    for expected in ("promote", "#2 gpt-small 1.1.0", "#1 gpt-small 1.0.0", "me@host"):
        assert expected in out
    assert "exclusive=true removed_from=[1]" in out


def test_config_diff_table_shows_both_sides() -> None:
    """Each changed key shows the kind of change and both values as JSON."""
    changes = [
        ConfigChange("d_model", "changed", 768, 1024),
        ConfigChange("x.a", "added", None, "y"),
        ConfigChange("dropout", "removed", 0.1, None),
    ]
    out = plain(render.config_diff_table(changes, make(1), make(2, version="1.1.0")))
    assert "d_model" in out and "768" in out and "1024" in out
    assert '"y"' in out and "removed" in out


# --------------------------------------------------------------------------- serialisers


def test_records_json_round_trip_is_lossless() -> None:
    """JSON has the API's keys with metrics nested; control characters survive as escapes."""
    record = make(name="a\x1bb\x9bc")
    text = render.records_json([record])
    assert "\x1b" not in text and "\x9b" not in text
    data = json.loads(text)
    assert data == [record.to_dict(with_exports=False)]
    assert data[0]["metrics"]["val_loss"] == 0.38


def test_records_csv_header_and_metric_columns() -> None:
    """CSV has a header; metrics get metrics.<name> columns; lists and JSON fit one cell."""
    records = [make(1), make(2, metrics={"f1_score": 0.5}, tags=("a", "b"))]
    rows = list(csv.DictReader(io.StringIO(render.records_csv(records))))
    assert rows[0]["model_id"] == "1" and rows[0]["metrics.val_loss"] == "0.38"
    assert rows[1]["metrics.val_loss"] == "" and rows[1]["metrics.f1_score"] == "0.5"
    assert rows[1]["tags"] == "a,b"
    assert json.loads(rows[0]["metadata"]) == {
        "notes": "Baseline",
        "framework": {"name": "pytorch"},
    }
    assert list(rows[0])[: len(render.MODEL_FIELDS)] == list(render.MODEL_FIELDS)


def test_records_csv_with_exports_and_visible_controls() -> None:
    """get's CSV carries exports as JSON; control characters in cells are made visible."""
    export = ExportRecord(3, 1, "onnx", "e.onnx", "2026-01-02 00:00:00", {})
    text = render.records_csv([make(name="x\x1b[2J", exports=(export,))], with_exports=True)
    assert "\x1b" not in text
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"] == "x\\x1b[2J"
    assert json.loads(row["exports"])[0]["export_path"] == "e.onnx"


def test_events_and_config_changes_serialise() -> None:
    """History and config diffs have JSON and CSV forms with their own keys."""
    events = [EventRecord(1, "2026-01-01 12:00:00", "register", 1, None, None, "me", {"a": 1})]
    assert json.loads(render.events_json(events))[0]["details"] == {"a": 1}
    row = next(csv.DictReader(io.StringIO(render.events_csv(events))))
    assert row["event"] == "register" and json.loads(row["details"]) == {"a": 1}
    changes = [ConfigChange("k", "changed", 1, 2)]
    row = next(csv.DictReader(io.StringIO(render.config_changes_csv(changes))))
    assert row == {"key": "k", "change": "changed", "a": "1", "b": "2"}


def test_to_json_escapes_terminal_controls_but_parses_back() -> None:
    """C1 controls and bidi overrides, legal raw in JSON, are written as \\u escapes."""
    value = {"s": "\x9b\u202e\x7fé"}
    text = render.to_json(value)
    assert "\x9b" not in text and "\u202e" not in text and "é" in text
    assert json.loads(text) == value


def test_render_imports_neither_textual_nor_pandas() -> None:
    """Importing render (and the records it renders) loads no textual or pandas."""
    code = "import sys, registry_tui.render; print(sorted(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    modules = result.stdout
    assert "'textual" not in modules and "'pandas" not in modules


@pytest.mark.parametrize(
    ("count", "at_least", "label"),
    [(0, False, "0 models"), (1, False, "1 model"), (48213, False, "48,213 models"),
     (10000, True, "10,000+ models"), (1, True, "1+ models")],
)  # fmt: skip
def test_count_label_agrees_in_number(count: int, at_least: bool, label: str) -> None:
    """Counts read as words with the right plural, and a capped count says so."""
    from registry_tui.render.counts import count_label

    assert count_label(count, at_least=at_least) == label


def test_check_table_shows_the_location_and_findings_literally() -> None:
    """check's table is built in render/: a registry path holding markup or an escape
    sequence is shown as typed in the title, and every finding has its row."""
    from registry_tui.ops.findings import Problem
    from registry_tui.render.check import check_table

    problems = [Problem("checkpoint_missing", "model 3 [bold]x", "ck/\x1b[31m.pt is gone")]
    out = plain(check_table("/data/[red]models\x1b.db", problems))
    assert "check: /data/[red]models\\x1b.db" in out
    assert "checkpoint_missing" in out and "model 3 [bold]x" in out
    assert "\\x1b[31m.pt is gone" in out and "\x1b" not in out


def test_config_and_history_sections_say_when_there_is_nothing() -> None:
    """The app's compare and detail sections come from render/: a model without a
    stored config, one with the same config, one that differs; a model with no events."""
    first, same, none, other = make(1), make(2), make(3), make(4, name="[red]bert")
    diffs = [(same, []), (none, None), (other, [ConfigChange("lr", "changed", 0.1, 0.2)])]
    out = plain(render.config_section(first, diffs))
    assert out.startswith("Config differences")
    assert "gpt-small 1.0.0 #1 → gpt-small 1.0.0 #2: same config" in out
    assert "#3: no stored config to compare" in out
    assert "[red]bert 1.0.0 #4" in out and "0.1" in out and "0.2" in out
    assert plain(render.history_section([])).split() == ["History", "no", "events"]


def test_every_user_string_of_the_full_detail_keeps_markup_literal() -> None:
    """Rich markup in an export's format, path or time and in the model's own strings is
    printed as typed by the full detail view, never interpreted (nor swallowed)."""
    tag = "[bold red]x[/]"
    export = ExportRecord(3, 1, f"onnx{tag}", f"exports/{tag}.onnx", f"2026{tag}", {})
    record = make(name=f"gpt{tag}", version="1.0.0", tags=(f"t{tag}",), exports=(export,))
    shown = plain(render.full_detail_renderable(record))
    for text in (f"gpt{tag}", f"t{tag}", f"onnx{tag}", f"exports/{tag}.onnx", f"2026{tag}"):
        assert text in shown, text
