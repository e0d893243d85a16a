"""The command line: every command and flag, output formats, exit codes, safety, speed hygiene.

Most tests call ``main(argv)`` in-process (fast); a few run real processes
where only a process shows the behaviour (imports, closed pipes, ``-m``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from tests.conftest import FixedClock

INJECT = "\x1b]0;pwned\x07\x1b[2J"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def db(db_path: Path, clock: FixedClock) -> Path:
    """A registry: gpt-small 1.0.0 -> 1.1.0 -> medical 1.0.0 chain, a bert, a retired one.

    Ids: 1 gpt-small 1.0.0 (baseline, production), 2 gpt-small 1.1.0 (staging),
    3 gpt-medical 1.0.0 (child of 2), 4 bert-base 1.0.0 (classification),
    5 gpt-small 0.9.0 (retired).
    """
    with ModelRegistry(db_path, clock=clock, actor="tester@host") as registry:
        common: dict[str, Any] = {"verify_checkpoint": False, "task_type": "language_modeling"}
        registry.register_model(
            "gpt-small",
            "1.0.0",
            "ck/a.pt",
            metrics={"val_loss": 0.5, "accuracy": 0.8},
            config={"d_model": 768, "layers": 12},
            tags=["baseline"],
            model_size_mb=256.5,
            **common,
        )
        registry.register_model(
            "gpt-small",
            "1.1.0",
            "ck/b.pt",
            metrics={"val_loss": 0.42, "accuracy": 0.85},
            config={"d_model": 1024, "layers": 12},
            parent_model_id=1,
            **common,
        )
        registry.register_model(
            "gpt-medical",
            "1.0.0",
            "ck/c.pt",
            metrics={"val_loss": 0.45, "accuracy": 0.9},
            parent_model_id=2,
            metadata={"notes": "medical fine-tune"},
            **common,
        )
        registry.register_model(
            "bert-base",
            "1.0.0",
            "ck/d.pt",
            "classification",
            metrics={"f1_score": 0.7},
            verify_checkpoint=False,
        )
        registry.register_model("gpt-small", "0.9.0", "ck/e.pt", **common)
        registry.promote_model(1, "production")
        registry.promote_model(2, "staging")
        registry.retire_model(5)
    return db_path


@pytest.fixture
def run(db: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``registry-tui --db <db> ARGS`` in-process: (exit status, stdout, stderr)."""

    def invoke(*args: str, db_first: bool = True) -> tuple[int, str, str]:
        argv = ["--db", str(db), *args] if db_first else [*args, "--db", str(db)]
        code = main(argv)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def open_db(db: Path) -> ModelRegistry:
    """The test registry, to check what a command did."""
    return ModelRegistry(db)


def one_line_error(err: str) -> None:
    """Errors are exactly one line and never a traceback."""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- register


def test_register_guide_example_prints_new_id(run: Run, tmp_path: Path, db: Path) -> None:
    """The guide's register command works as written and prints only the new id."""
    checkpoint = tmp_path / "epoch_10.pt"
    checkpoint.write_bytes(b"x" * 2048)
    code, out, err = run(
        "register", "--name", "gpt-large", "--version", "1.0.0", "--checkpoint", str(checkpoint),
        "--task-type", "language_modeling", "--metrics", '{"val_loss": 0.38, "perplexity": 1.46}',
        "--config", '{"d_model": 768, "num_layers": 12}', "--tags", "baseline,experimental",
    )  # fmt: skip
    assert (code, out, err) == (0, "6\n", "")
    with open_db(db) as registry:
        record = registry.records.require(6)
        assert record.metrics == {"val_loss": 0.38, "perplexity": 1.46}
        assert set(record.tags) == {"baseline", "experimental"}
        assert registry.get_config(6) == {"d_model": 768, "num_layers": 12}


def test_register_every_extra_flag(run: Run, db: Path) -> None:
    """register's extra flags: parent, run, export formats, sizes, metadata, no verification."""
    code, out, _ = run(
        "register", "--name", "gpt-qa", "--version", "2.0.0", "--checkpoint", "missing/ck.pt",
        "--task-type", "language_modeling", "--parent-id", "3", "--training-run-id", "42",
        "--export-formats", "onnx,torchscript", "--model-size-mb", "12.5",
        "--memory-req-gb", "4", "--metadata", '{"epochs": 10}', "--no-verify-checkpoint",
    )  # fmt: skip
    assert code == 0
    with open_db(db) as registry:
        record = registry.records.require(int(out))
    assert record.parent_model_id == 3 and record.training_run_id == 42
    assert record.export_formats == ("onnx", "torchscript")
    assert (record.model_size_mb, record.memory_req_gb) == (12.5, 4.0)
    assert record.metadata == {"epochs": 10} and record.checkpoint_path == "missing/ck.pt"


def test_register_missing_checkpoint_is_refused(run: Run) -> None:
    """A checkpoint that does not exist: the guide's message, exit status 1."""
    code, out, err = run(
        "register", "--name", "x", "--version", "1.0.0", "--checkpoint", "/nope/ck.pt",
        "--task-type", "t",
    )  # fmt: skip
    assert code == 1 and out == ""
    assert "Checkpoint not found: /nope/ck.pt" in err
    one_line_error(err)


def test_register_duplicate_is_refused(run: Run) -> None:
    """Registering an existing name and version: the guide's message, exit status 1."""
    code, _, err = run(
        "register", "--name", "gpt-small", "--version", "1.0.0", "--checkpoint", "c",
        "--task-type", "t", "--no-verify-checkpoint",
    )  # fmt: skip
    assert code == 1
    assert "Model 'gpt-small' version '1.0.0' already exists" in err
    one_line_error(err)


@pytest.mark.parametrize("flag", ["--metrics", "--config", "--metadata"])
def test_register_invalid_json_names_flag_and_position(run: Run, flag: str) -> None:
    """Bad JSON is a usage error (2) naming the flag, the line, column and character."""
    code, _, err = run(
        "register", "--name", "x", "--version", "1.0.0", "--checkpoint", "c", "--task-type", "t",
        "--no-verify-checkpoint", flag, '{"a": 1,, "b": 2}',
    )  # fmt: skip
    assert code == 2
    assert flag in err and f"argument {flag}: invalid JSON at line 1, column 9 (character 8)" in err
    one_line_error(err)


def test_register_json_must_be_an_object(run: Run) -> None:
    """A JSON list where an object is needed is a usage error naming the flag."""
    code, _, err = run(
        "register", "--name", "x", "--version", "1.0.0", "--checkpoint", "c", "--task-type", "t",
        "--metrics", "[1, 2]",
    )  # fmt: skip
    assert code == 2 and "argument --metrics: must be a JSON object, not a list" in err


def test_register_without_required_flags_is_usage_error(run: Run) -> None:
    """Missing --checkpoint: argparse's message on one line, exit status 2."""
    code, _, err = run("register", "--name", "x", "--version", "1.0.0", "--task-type", "t")
    assert code == 2 and "--checkpoint" in err
    one_line_error(err)


def test_register_invalid_version_is_refused(run: Run) -> None:
    """The core refuses a version that is not semantic: exit status 1 with its message."""
    code, _, err = run(
        "register", "--name", "x", "--version", "v1.0", "--checkpoint", "c", "--task-type", "t",
        "--no-verify-checkpoint",
    )  # fmt: skip
    assert code == 1 and "Invalid version 'v1.0'" in err


# --------------------------------------------------------------------------- list


def test_list_default_shows_active_models_newest_first(run: Run) -> None:
    """Plain list: active models only, with common metrics as columns and a count."""
    code, out, err = run("list")
    assert code == 0 and err == ""
    assert "gpt-medical" in out and "bert-base" in out and "0.9.0" not in out
    assert "val_loss" in out and "4 models" in out
    rows = [line.split()[0] for line in out.splitlines()[2:-1]]
    assert rows == ["4", "3", "2", "1"]


def test_list_filters(run: Run) -> None:
    """--task-type, --tag, --status, --name narrow the listing (JSON to check exactly)."""

    def ids(*args: str) -> list[int]:
        code, out, _ = run("list", "--format", "json", *args)
        return sorted(m["model_id"] for m in json.loads(out)) if code == 0 else []

    assert ids("--task-type", "classification") == [4]
    assert ids("--tag", "production") == [1]
    assert ids("--status", "retired") == [5]
    assert ids("--status", "all") == [1, 2, 3, 4, 5]
    assert ids("--name", "gpt-*") == [1, 2, 3]
    assert ids("--name", "gpt-small") == [1, 2]


def test_list_where_sort_and_limit(run: Run) -> None:
    """--where is repeatable (ANDed), --sort orders (with '-' descending), --limit cuts."""

    def ids(*args: str) -> list[int]:
        _, out, _ = run("list", "--format", "json", *args)
        return [m["model_id"] for m in json.loads(out)]

    assert sorted(ids("--where", "val_loss<0.48")) == [2, 3]
    assert ids("--where", "val_loss<0.48", "--where", "accuracy>0.86") == [3]
    assert ids("--sort", "-accuracy")[:3] == [3, 2, 1]
    assert ids("--sort", "val_loss")[:3] == [2, 3, 1]
    assert ids("--sort", "version", "--name", "gpt-small", "--status", "all") == [5, 1, 2]
    assert len(ids("--limit", "2")) == 2
    assert len(ids("--limit", "0")) == 4


def test_list_table_caption_says_when_limited(run: Run) -> None:
    """A limited table says how many of how many are shown."""
    _, out, _ = run("list", "--limit", "2")
    assert "Showing 2 of 4 models" in out


def test_list_verbose_adds_columns(run: Run) -> None:
    """--verbose shows parent, sizes, checkpoint and every metric."""
    _, out, _ = run("list", "--verbose")
    for expected in ("Parent", "Checkpoint", "ck/a.pt", "256.5 MB", "accuracy=0.8"):
        assert expected in out


def test_list_json_has_api_keys_metrics_nested(run: Run, db: Path) -> None:
    """--format json is an array of the API's dicts (metrics nested)."""
    _, out, _ = run("list", "--format", "json")
    data = json.loads(out)
    with open_db(db) as registry:
        expected = registry.get_model(model_id=1)
    assert expected is not None
    expected.pop("exports")
    assert data[-1] == expected
    assert data[-1]["metrics"] == {"val_loss": 0.5, "accuracy": 0.8}


def test_list_csv_parses_back(run: Run) -> None:
    """--format csv has a header row and one row per model; metrics as metrics.<name>."""
    _, out, _ = run("list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["model_id"] for r in rows] == ["4", "3", "2", "1"]
    assert rows[3]["metrics.val_loss"] == "0.5" and rows[0]["metrics.f1_score"] == "0.7"
    assert rows[3]["tags"] == "baseline,production"


def test_list_nothing_matches_exit_1(run: Run) -> None:
    """No match: exit 1, a line on stderr; JSON still prints an empty array."""
    code, out, err = run("list", "--tag", "nope")
    assert code == 1 and out == "" and "No models match" in err
    code, out, _ = run("list", "--tag", "nope", "--format", "json")
    assert code == 1 and json.loads(out) == []


def test_list_bad_condition_and_bad_status(run: Run) -> None:
    """A bad --where is refused by the core (1); a bad --status choice is usage (2)."""
    code, _, err = run("list", "--where", "val_loss<<1")
    assert code == 1 and "val_loss<<1" in err
    one_line_error(err)
    code, _, err = run("list", "--status", "gone")
    assert code == 2 and "--status" in err


def test_where_cannot_inject_sql(run: Run, db: Path) -> None:
    """SQL in --where is a refused condition; the registry is unchanged."""
    code, _, _ = run("list", "--where", "val_loss < 0.4; DROP TABLE models")
    assert code == 1
    with open_db(db) as registry:
        assert registry.records.get(1) is not None


# --------------------------------------------------------------------------- get


@pytest.mark.parametrize(
    "args",
    [["--model-id", "1"], ["--name", "gpt-small", "--version", "1.0.0"], ["--tag", "production"]],
)
def test_get_three_ways(run: Run, args: list[str]) -> None:
    """get by id, by name and version, and by tag shows the same model's panel."""
    code, out, _ = run("get", *args)
    assert code == 0
    for expected in ("gpt-small 1.0.0 #1", "checkpoint_path", "ck/a.pt", "Metrics", "val_loss"):
        assert expected in out


def test_get_json_is_the_api_dict(run: Run, db: Path) -> None:
    """--format json is one object equal to get_model's dict (exports included)."""
    run("export-add", "--model-id", "3", "--format", "onnx", "--path", "e/m.onnx")
    _, out, _ = run("get", "--model-id", "3", "--format", "json")
    with open_db(db) as registry:
        assert json.loads(out) == registry.get_model(model_id=3)
    assert json.loads(out)["exports"][0]["export_path"] == "e/m.onnx"


def test_get_csv_parses_back(run: Run) -> None:
    """--format csv: header and one row, exports as JSON."""
    _, out, _ = run("get", "--model-id", "2", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 and rows[0]["version"] == "1.1.0" and rows[0]["parent_model_id"] == "1"
    assert json.loads(rows[0]["exports"]) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model-id", "99"], "Model 99 not found"),
        (["--name", "gpt-small", "--version", "9.9.9"], "version '9.9.9' not found"),
        (["--tag", "nobody"], "No model has tag 'nobody'"),
    ],
)
def test_get_not_found_exit_1(run: Run, args: list[str], message: str) -> None:
    """A model that is not there: exit 1 and one line saying so."""
    code, out, err = run("get", *args)
    assert code == 1 and out == "" and message in err
    one_line_error(err)


@pytest.mark.parametrize(
    "args", [[], ["--name", "gpt-small"], ["--model-id", "1", "--tag", "production"]]
)
def test_get_needs_exactly_one_way(run: Run, args: list[str]) -> None:
    """No selector, a name without a version, or two selectors: usage error (2)."""
    code, _, err = run("get", *args)
    assert code == 2
    one_line_error(err)


# --------------------------------------------------------------------------- tags


def test_promote_exclusive_moves_the_tag(run: Run, db: Path) -> None:
    """promote takes the tag from its holder and says so."""
    code, out, _ = run("promote", "--model-id", "2", "--tag", "production")
    assert code == 0
    assert "Promoted model 2 (gpt-small 1.1.0) to production" in out
    assert "removed it from model 1 (gpt-small 1.0.0)" in out
    with open_db(db) as registry:
        assert [r.model_id for r in registry.records.tag_holders("production")] == [2]


def test_promote_keep_others(run: Run, db: Path) -> None:
    """--keep-others leaves the tag on the models that have it."""
    code, out, _ = run("promote", "--model-id", "3", "--tag", "staging", "--keep-others")
    assert code == 0 and "removed" not in out
    with open_db(db) as registry:
        assert sorted(r.model_id for r in registry.records.tag_holders("staging")) == [2, 3]


def test_promote_refusals(run: Run) -> None:
    """A retired or unknown model cannot be promoted (1); a bad tag name is refused (1)."""
    assert run("promote", "--model-id", "5", "--tag", "production")[0] == 1
    assert run("promote", "--model-id", "99", "--tag", "production")[0] == 1
    code, _, err = run("promote", "--model-id", "1", "--tag", "has space")
    assert code == 1 and "Invalid tag" in err


def test_untag(run: Run, db: Path) -> None:
    """untag removes a tag; removing one the model lacks is refused (1)."""
    code, out, _ = run("untag", "--model-id", "2", "--tag", "staging")
    assert code == 0 and "Removed tag staging from model 2" in out
    with open_db(db) as registry:
        assert registry.records.require(2).tags == ()
    code, _, err = run("untag", "--model-id", "2", "--tag", "staging")
    assert code == 1 and "does not have tag 'staging'" in err


def test_rollback(run: Run, db: Path) -> None:
    """rollback gives the tag back to its previous holder; with none it is refused (1)."""
    run("promote", "--model-id", "2", "--tag", "production")
    code, out, _ = run("rollback", "--tag", "production")
    assert code == 0 and "now on model 1 (gpt-small 1.0.0)" in out
    with open_db(db) as registry:
        assert [r.model_id for r in registry.records.tag_holders("production")] == [1]
    code, _, err = run("rollback", "--tag", "staging")
    assert code == 1 and "No previous holder" in err


def test_history(run: Run) -> None:
    """history lists events newest first; --model-id, --tag and --limit narrow it."""
    code, out, _ = run("history")
    assert code == 0 and "retire" in out and "promote" in out and "tester@host" in out
    assert "#5 gpt-small 0.9.0" in out
    _, out, _ = run("history", "--format", "json", "--tag", "production")
    events = json.loads(out)
    assert [e["event"] for e in events] == ["promote"] and events[0]["model_id"] == 1
    _, out, _ = run("history", "--format", "json", "--model-id", "5")
    assert [e["event"] for e in json.loads(out)] == ["retire", "register"]
    _, out, _ = run("history", "--format", "json", "--limit", "2")
    ids = [e["event_id"] for e in json.loads(out)]
    assert len(ids) == 2 and ids[0] > ids[1]
    _, out, _ = run("history", "--format", "csv", "--limit", "3")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3 and rows[0]["event"] == "retire"


def test_history_nothing_matches_exit_1(run: Run) -> None:
    """A tag with no history: exit 1."""
    code, _, err = run("history", "--tag", "never")
    assert code == 1 and "No history" in err


# --------------------------------------------------------------------------- compare


def test_compare_table_marks_best(run: Run) -> None:
    """compare shows models side by side and marks the best value of each metric."""
    code, out, _ = run("compare", "--model-ids", "1,2,3")
    assert code == 0
    assert "gpt-small 1.0.0 #1" in out and "gpt-medical 1.0.0 #3" in out
    assert "0.42 ★" in out and "0.9 ★" in out and "0.5 ★" not in out


def test_get_says_which_way_is_better_by_the_recorded_direction(run: Run, db: Path) -> None:
    """get's metrics table says "lower" for accuracy once the registry records it so
    (its name alone says higher), as the app's detail pane does."""
    _, before, _ = run("get", "--model-id", "1")
    with ModelRegistry(db) as registry:
        registry.set_metric_direction("accuracy", True)
    code, after, _ = run("get", "--model-id", "1")

    def better(out: str) -> str:
        cells = next(ln.replace("│", " ").split() for ln in out.splitlines() if " accuracy " in ln)
        return cells[-1]

    assert code == 0 and better(before) == "higher" and better(after) == "lower"


def test_compare_marks_ties_as_the_app_does(run: Run, db: Path) -> None:
    """Two models tied for the best value are both marked ``=`` and neither is starred,
    by the same rule as the app's comparison grid."""
    with ModelRegistry(db) as registry:
        registry.register_model(
            "gpt-tie", "1.0.0", "ck/t.pt", "lm", metrics={"accuracy": 0.9}, verify_checkpoint=False
        )
    code, out, _ = run("compare", "--model-ids", "3,6", "--metrics", "accuracy")
    assert code == 0
    assert out.count("0.9 =") == 2 and "★" not in out


def test_compare_metrics_and_overrides_in_json(run: Run) -> None:
    """--metrics limits the metrics; --lower-better/--higher-better flip the winner."""
    _, out, _ = run("compare", "--model-ids", "1,2,3", "--metrics", "val_loss", "--format", "json")
    data = json.loads(out)
    assert [d["metrics"] for d in data] == [
        {"val_loss": 0.5},
        {"val_loss": 0.42},
        {"val_loss": 0.45},
    ]
    assert [d["best"] for d in data] == [[], ["val_loss"], []]
    _, out, _ = run(
        "compare", "--model-ids", "1,2,3", "--higher-better", "val_loss",
        "--lower-better", "accuracy", "--format", "json",
    )  # fmt: skip
    assert [d["best"] for d in json.loads(out)] == [["val_loss", "accuracy"], [], []]


def test_compare_csv_parses_back(run: Run) -> None:
    """--format csv: a row per model, metrics as columns, the won metrics in 'best'."""
    _, out, _ = run("compare", "--model-ids", "1,2", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["model_id"] for r in rows] == ["1", "2"]
    assert rows[1]["metrics.val_loss"] == "0.42" and rows[1]["best"] == "val_loss,accuracy"


def test_compare_errors(run: Run) -> None:
    """An unknown id is refused (1); ids that are not numbers are usage errors (2)."""
    code, _, err = run("compare", "--model-ids", "1,99")
    assert code == 1 and "Model 99 not found" in err
    code, _, err = run("compare", "--model-ids", "1,x")
    assert code == 2 and "--model-ids" in err


# --------------------------------------------------------------------------- lineage, config-diff


def test_lineage_tree_root_to_model(run: Run) -> None:
    """lineage prints the chain from the root down to the model with metric changes."""
    code, out, _ = run("lineage", "--model-id", "3")
    assert code == 0
    assert out.index("gpt-small 1.0.0") < out.index("gpt-small 1.1.0") < out.index("gpt-medical")
    assert "val_loss 0.5 → 0.42 (-0.08)" in out and "val_loss 0.42 → 0.45 (+0.03)" in out


def test_lineage_json_csv_and_family(run: Run) -> None:
    """JSON and CSV list the chain root first; --family shows every descendant of the root."""
    _, out, _ = run("lineage", "--model-id", "3", "--format", "json")
    assert [m["model_id"] for m in json.loads(out)] == [1, 2, 3]
    _, out, _ = run("lineage", "--model-id", "2", "--format", "csv")
    assert [r["model_id"] for r in csv.DictReader(io.StringIO(out))] == ["1", "2"]
    _, out, _ = run("lineage", "--model-id", "1", "--family", "--format", "json")
    assert [m["model_id"] for m in json.loads(out)] == [1, 2, 3]
    assert run("lineage", "--model-id", "99")[0] == 1


def test_config_diff(run: Run) -> None:
    """config-diff shows changed keys in a table, JSON and CSV."""
    code, out, _ = run("config-diff", "--model-ids", "1,2")
    assert code == 0 and "d_model" in out and "768" in out and "1024" in out
    _, out, _ = run("config-diff", "--model-ids", "1,2", "--format", "json")
    assert json.loads(out) == [{"key": "d_model", "change": "changed", "a": 768, "b": 1024}]
    _, out, _ = run("config-diff", "--model-ids", "1,2", "--format", "csv")
    assert next(csv.DictReader(io.StringIO(out)))["key"] == "d_model"
    _, out, _ = run("config-diff", "--model-ids", "1,1")
    assert "identical" in out


def test_config_diff_errors(run: Run) -> None:
    """A model without a stored config is refused (1); not two ids is usage (2)."""
    code, _, err = run("config-diff", "--model-ids", "1,3")
    assert code == 1 and "No config stored for model 3" in err
    assert run("config-diff", "--model-ids", "1,2,3")[0] == 2


# --------------------------------------------------------------------------- lifecycle


def test_retire(run: Run, db: Path) -> None:
    """retire marks the model retired; an unknown id is refused (1)."""
    code, out, _ = run("retire", "--model-id", "4")
    assert code == 0 and "Retired model 4 (bert-base 1.0.0)" in out
    with open_db(db) as registry:
        assert registry.records.require(4).status == "retired"
    assert run("retire", "--model-id", "99")[0] == 1


def test_export_add(run: Run, db: Path) -> None:
    """export-add records an export (with metadata) and prints its id."""
    code, out, _ = run(
        "export-add", "--model-id", "1", "--format", "onnx", "--path", "exports/m.onnx",
        "--metadata", '{"opset_version": 14}',
    )  # fmt: skip
    assert code == 0 and out.strip().isdigit()
    with open_db(db) as registry:
        record = registry.records.require(1)
    assert record.exports[0].metadata == {"opset_version": 14}
    assert "onnx" in record.export_formats
    assert run("export-add", "--model-id", "99", "--format", "onnx", "--path", "p")[0] == 1
    code, _, err = run("export-add", "--model-id", "1", "--format", "onnx", "--path", "p",
                       "--metadata", "{")  # fmt: skip
    assert code == 2 and "--metadata" in err


@pytest.mark.parametrize(
    ("answer", "deleted"),
    [("y\n", True), ("yes\n", True), ("n\n", False), ("\n", False), ("", False)],
)
def test_delete_prompt(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch, answer: str, deleted: bool
) -> None:
    """delete asks '[y/N]' on stderr: yes deletes; no, empty or end of input keeps (exit 1)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    code, out, err = run("delete", "--model-id", "4")
    assert "Delete model 4 (bert-base 1.0.0)? [y/N]" in err
    with open_db(db) as registry:
        assert (registry.records.get(4) is None) is deleted
    assert code == (0 if deleted else 1)
    assert ("Deleted model 4" in out) is deleted
    if not deleted:
        assert "not deleted" in err


def test_delete_yes_skips_prompt(run: Run, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--yes deletes without reading standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run("delete", "--model-id", "4", "--yes")
    assert code == 0 and "[y/N]" not in err


def test_delete_tagged_needs_force(run: Run, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tagged model is refused without asking, naming its tags and its child; --force
    --yes deletes it."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    code, _, err = run("delete", "--model-id", "1")
    assert code == 1 and "[y/N]" not in err
    assert "has 2 tag(s) (baseline, production) and has 1 child model. Use --force" in err
    code, _, _ = run("delete", "--model-id", "3", "--force", "--yes")
    assert code == 0
    with open_db(db) as registry:
        assert registry.records.get(3) is None


def test_delete_parent_needs_force(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deleting a model with children is refused unless forced: exit 1, one line."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    code, _, err = run("delete", "--model-id", "2", "--yes")
    assert code == 1
    run("untag", "--model-id", "2", "--tag", "staging")
    code, _, err = run("delete", "--model-id", "2", "--yes")
    assert code == 1 and "has 1 child model. Use --force" in err
    one_line_error(err)


def test_delete_unknown(run: Run) -> None:
    """Deleting an unknown id: exit 1."""
    assert run("delete", "--model-id", "99", "--yes")[0] == 1


# --------------------------------------------------------------------------- --db


def test_db_after_the_command(run: Run) -> None:
    """--db is accepted after the command too."""
    code, out, _ = run("get", "--model-id", "1", "--format", "json", db_first=False)
    assert code == 0 and json.loads(out)["name"] == "gpt-small"


def test_db_from_environment_and_default(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without --db: $REGISTRY_TUI_DB, else ./models.db."""
    monkeypatch.setenv("REGISTRY_TUI_DB", str(db))
    assert main(["get", "--model-id", "1"]) == 0
    monkeypatch.delenv("REGISTRY_TUI_DB")
    monkeypatch.chdir(db.parent)
    assert db.name == "models.db"
    assert main(["get", "--model-id", "1"]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path / "..")
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert "No registry at models.db" in err


def test_read_command_does_not_create_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Listing a path that does not exist reports it (1) and creates no file."""
    missing = tmp_path / "typo.db"
    assert main(["--db", str(missing), "list"]) == 1
    assert not missing.exists()
    one_line_error(capsys.readouterr().err)


def test_corrupt_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not a database: exit 1 and one line, no traceback."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a sqlite database" * 100)
    assert main(["--db", str(bad), "list"]) == 1
    one_line_error(capsys.readouterr().err)


# --------------------------------------------------------------------------- colour and safety


def test_piped_output_has_no_escape_codes(run: Run) -> None:
    """Tables written to a pipe (not a terminal) carry no escape codes."""
    for args in (["list", "--verbose"], ["get", "--model-id", "1"],
                 ["compare", "--model-ids", "1,2"], ["lineage", "--model-id", "3"],
                 ["history"]):  # fmt: skip
        _, out, _ = run(*args)
        assert "\x1b" not in out, args


def test_no_color_beats_a_terminal(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """FORCE_COLOR colours tables; NO_COLOR removes every escape code even then."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run("list")
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run("list")
    assert "\x1b" not in out and "gpt-small" in out


def test_piped_tables_are_not_cut_to_80_columns(run: Run, db: Path) -> None:
    """A long value is printed whole when piped, not truncated or wrapped."""
    path = "checkpoints/" + "very-long-directory-name/" * 6 + "model.pt"
    run("register", "--name", "long", "--version", "1.0.0", "--checkpoint", path,
        "--task-type", "t", "--no-verify-checkpoint")  # fmt: skip
    _, out, _ = run("list", "--verbose")
    assert path in out
    assert not any(line != line.rstrip() for line in out.splitlines())


@pytest.mark.parametrize("force_color", [False, True])
def test_markup_and_escape_injection_print_literally(
    run: Run, monkeypatch: pytest.MonkeyPatch, force_color: bool
) -> None:
    """A name like '[bold red]x' shows literally; escape sequences never reach the output raw."""
    if force_color:
        monkeypatch.setenv("FORCE_COLOR", "1")
    for name in ("[bold red]x", "evil" + INJECT):
        code, out, _ = run(
            "register", "--name", name, "--version", "1.0.0", "--checkpoint", "c",
            "--task-type", "t", "--no-verify-checkpoint", "--metadata", json.dumps({"n": INJECT}),
            "--metrics", '{"val_loss": 0.5}',
        )  # fmt: skip
        assert code == 0
    literal = (["list"], ["get", "--model-id", "6"], ["compare", "--model-ids", "6,7"], ["history"])
    escaped = (["list"], ["get", "--model-id", "7"], ["lineage", "--model-id", "7"], ["history"])
    machine = (["list", "--format", "csv"], ["list", "--format", "json"])
    for args in (*literal, *escaped, *machine):
        _, out, _ = run(*args)
        assert "\x07" not in out and "\x1b]" not in out and "\x1b[2J" not in out, args
        if args in literal:
            assert "[bold red]x" in out, args
        if args in escaped:
            assert "\\x1b]0;pwned\\x07" in out, args


def test_injection_in_error_messages(run: Run) -> None:
    """User text echoed in an error is escaped too."""
    code, _, err = run("get", "--name", "x" + INJECT, "--version", "1.0.0")
    assert code == 1 and "\x1b" not in err and "\\x1b]0;pwned" in err


def test_json_round_trips_control_characters(run: Run) -> None:
    """JSON output is exact: a name with an escape character parses back identical."""
    name = "a\x1bb"
    run("register", "--name", name, "--version", "1.0.0", "--checkpoint", "c", "--task-type", "t",
        "--no-verify-checkpoint")  # fmt: skip
    _, out, _ = run("get", "--name", name, "--version", "1.0.0", "--format", "json")
    assert "\x1b" not in out and json.loads(out)["name"] == name


# --------------------------------------------------------------------------- top level


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists every command (exit 0); --version prints the version."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("register", "list", "get", "promote", "untag", "rollback", "compare",
                    "lineage", "retire", "delete", "export-add", "history", "config-diff",
                    "demo", "tui"):  # fmt: skip
        assert command in out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("registry-tui ")


def test_no_command_when_piped_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    """With no command and stdout not a terminal, the help is printed (exit 0)."""
    assert main([]) == 0
    assert "usage: registry-tui" in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command: exit 2, one line."""
    assert main(["frobnicate"]) == 2
    one_line_error(capsys.readouterr().err)


def test_tui_needs_a_terminal(run: Run) -> None:
    """tui with stdout not a terminal explains itself (exit 1) instead of hanging."""
    code, _, err = run("tui", "--read-only")
    assert code == 1 and "needs a terminal" in err


def test_keyboard_interrupt_is_quiet(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during a command: exit 130 and one line, no traceback."""
    from registry_tui.cli import browse

    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(browse, "run_list", interrupted)
    code, _, err = run("list")
    assert code == 130 and err == "registry-tui: interrupted\n"


def test_unexpected_error_is_one_line(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug surfaces as one line naming the error (the traceback only on request)."""
    from registry_tui.cli import browse

    def broken(*_: object) -> int:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(browse, "run_list", broken)
    code, _, err = run("list")
    assert code == 1 and "ZeroDivisionError: boom" in err
    one_line_error(err)


def test_demo_command_builds_then_reuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """demo PATH --no-open builds the demo once, then finds it there."""
    path = tmp_path / "demo.db"
    assert main(["demo", str(path), "--no-open"]) == 0
    assert "Built a demo registry of" in capsys.readouterr().err
    assert main(["demo", str(path)]) == 0
    assert "existing demo registry" in capsys.readouterr().err
    assert main(["--db", str(path), "list", "--tag", "production"]) == 0


# --------------------------------------------------------------------------- processes


def _python(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, **kw)


IMPORT_CHECK = """
import json, runpy, sys
sys.argv = ["registry-tui", *json.loads(sys.argv[1])]
try:
    runpy.run_module("registry_tui", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--limit", "50"],
        ["get", "--model-id", "1"],
        ["list", "--format", "json"],
        ["--help"],
    ],
)
def test_read_commands_import_neither_textual_nor_pandas(db: Path, args: list[str]) -> None:
    """`python -m registry_tui list/get/--help` never imports textual or pandas."""
    result = _python("-c", IMPORT_CHECK, json.dumps(["--db", str(db), *args]))
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None)
    heavy = [m for m in report["modules"] if m.split(".")[0] in ("textual", "pandas")]
    assert heavy == []
    assert "registry_tui.cli" in report["modules"]


def test_python_dash_m_runs_the_cli(db: Path) -> None:
    """`python -m registry_tui` is the same command line, exit codes included."""
    result = _python(
        "-m", "registry_tui", "--db", str(db), "get", "--model-id", "1", "--format", "json"
    )
    assert result.returncode == 0 and json.loads(result.stdout)["model_id"] == 1
    result = _python("-m", "registry_tui", "--db", str(db), "get", "--model-id", "42")
    assert result.returncode == 1 and result.stderr.count("\n") == 1


def test_closed_pipe_is_quiet(db: Path) -> None:
    """Output into a pipe closed early (| head) ends without a traceback."""
    with ModelRegistry(db) as registry:
        for i in range(400):
            registry.register_model(
                f"bulk-{i}", "1.0.0", "c", "t", metadata={"pad": "x" * 300}, verify_checkpoint=False
            )
    cmd = [sys.executable, "-m", "registry_tui", "--db", str(db), "list", "--limit", "0",
           "--format", "json"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=30)
    assert "Traceback" not in err and "Exception ignored" not in err
    assert proc.returncode in (0, 1)


@pytest.mark.postgres
def test_postgresql_url(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The same commands work against PostgreSQL given as a --db URL."""
    base = ["--db", pg_url]
    for version in ("1.0.0", "1.1.0"):
        code = main([*base, "register", "--name", "gpt", "--version", version, "--checkpoint",
                     "c", "--task-type", "t", "--metrics", '{"val_loss": 0.4}',
                     "--no-verify-checkpoint"])  # fmt: skip
        assert code == 0
    assert main([*base, "promote", "--model-id", "2", "--tag", "production"]) == 0
    capsys.readouterr()
    assert main(["list", "--format", "json", *base]) == 0
    assert [m["version"] for m in json.loads(capsys.readouterr().out)] == ["1.1.0", "1.0.0"]
    assert main([*base, "get", "--tag", "production", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["model_id"] == 2
    assert main([*base, "compare", "--model-ids", "1,2"]) == 0
    assert capsys.readouterr().out.count("0.4 =") == 2  # tied for best, as in the app


def test_restore_brings_back_a_retired_model(run: Run, db: Path) -> None:
    """restore makes model 5 active with a 'restore' event; a second restore changes nothing."""
    code, out, _ = run("restore", "--model-id", "5")
    assert code == 0 and out == "Restored model 5 (gpt-small 0.9.0): active again\n"
    with open_db(db) as registry:
        assert registry.records.require(5).status == "active"
        token = registry.records.change_token()
        assert registry.events(limit=1)[0].event == "restore"
    code, out, _ = run("restore", "--model-id", "5")
    assert code == 0 and "already active: nothing changed" in out
    with open_db(db) as registry:
        assert registry.records.change_token() == token


def test_restore_of_an_unknown_model_is_one_line_error(run: Run) -> None:
    """restore of a missing id exits 1 with one line on stderr; no id at all is usage (2)."""
    code, _, err = run("restore", "--model-id", "99")
    assert code == 1 and "Model 99 not found" in err
    one_line_error(err)
    assert run("restore")[0] == 2
