"""The command line's runs: ``--experiments`` (and its variable), ``get`` showing the
run, ``runs`` listing runs with their models, a notice (exit 0) when runs cannot be
read, and hostile run text shown literally. On SQLite and PostgreSQL registries."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from tests import experimentdb
from tests.conftest import FixedClock
from tests.hostile import HOSTILE, WIDE


@pytest.fixture
def setup(registry_url: str, clock: FixedClock, tmp_path: Path) -> tuple[str, Path, dict[str, int]]:
    """A registry (models 1 and 2 from run ``baseline``, 3 from run 77 that no ExperimentDB
    holds, 4 from no run) and the sample ExperimentDB."""
    exp = tmp_path / "experiments.db"
    ids = experimentdb.sample(exp)
    with ModelRegistry(registry_url, clock=clock) as registry:
        for version, run in (("1.0.0", ids["baseline"]), ("1.1.0", ids["baseline"]),
                             ("1.2.0", 77), ("2.0.0", None)):  # fmt: skip
            registry.register_model(
                "gpt", version, "c.pt", "lm", metrics={"val_loss": 0.5},
                training_run_id=run, verify_checkpoint=False,
            )  # fmt: skip
    return registry_url, exp, ids


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_get_shows_the_run_beside_training_run_id(
    setup: tuple[str, Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    """get --experiments: the table shows the run's name, status, notes, final and best."""
    url, exp, _ = setup
    code, out, err = _cli(capsys, "--db", url, "get", "--model-id", "1", "--experiments", str(exp))
    assert (code, err) == (0, "")
    assert "Run 1 · baseline" in out and "completed" in out and "lr 3e-4, warmup 500" in out
    row = next(line for line in out.splitlines() if "val/loss" in line)
    assert row.split()[1:5] == ["val/loss", "1.1", "0.9", "│"]


def test_get_json_has_the_run(
    setup: tuple[str, Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    """get --format json: the model's dict with "run" (the run's dict)."""
    url, exp, _ = setup
    code, out, _ = _cli(
        capsys, "--db", url, "--experiments", str(exp), "get", "--model-id", "2", "--format", "json"
    )
    run = json.loads(out)["run"]
    assert code == 0 and run["name"] == "baseline" and run["best_metrics"]["val/loss"] == 0.9


def test_the_environment_variable_names_the_experiments(
    setup: tuple[str, Path, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """$REGISTRY_TUI_EXPERIMENTS stands for --experiments; without either, get shows no run."""
    url, exp, _ = setup
    _, plain, _ = _cli(capsys, "--db", url, "get", "--model-id", "1")
    assert "baseline" not in plain
    monkeypatch.setenv("REGISTRY_TUI_EXPERIMENTS", str(exp))
    _, out, _ = _cli(capsys, "--db", url, "get", "--model-id", "1")
    assert "Run 1 · baseline" in out


def test_runs_lists_runs_with_their_models(
    setup: tuple[str, Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    """runs: each run of the ExperimentDB with the models it produced, and run 77 that
    models name but the ExperimentDB lacks; JSON and CSV say the same."""
    url, exp, ids = setup
    code, out, err = _cli(capsys, "--db", url, "--experiments", str(exp), "runs")
    assert (code, err) == (0, "")
    rows = [line.split()[:2] for line in out.splitlines()[2:]]
    assert rows == [[str(ids["wider"]), "wider"], [str(ids["baseline"]), "baseline"], ["77", "-"]]
    assert "1, 2" in out
    _, text, _ = _cli(capsys, "--db", url, "--experiments", str(exp), "runs", "--format", "json")
    listed = [(r["run_id"], r["model_ids"], r["found"]) for r in json.loads(text)]
    assert listed == [(ids["wider"], [], True), (ids["baseline"], [1, 2], True), (77, [3], False)]
    _, text, _ = _cli(capsys, "--db", url, "--experiments", str(exp), "runs", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(text)))
    assert table[1]["final.val/loss"] == "1.1" and table[1]["best.val/loss"] == "0.9"
    assert table[1]["model_ids"] == "1,2"


@pytest.mark.parametrize("command", [["get", "--model-id", "1"], ["runs"]])
def test_a_missing_experiments_file_is_one_notice_and_exit_0(
    setup: tuple[str, Path, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: list[str],
) -> None:
    """A missing ExperimentDB: the registry's output as usual, one notice line on stderr."""
    url, _, _ = setup
    missing = tmp_path / "gone.db"
    code, out, err = _cli(capsys, "--db", url, "--experiments", str(missing), *command)
    assert code == 0 and out
    assert err.count("\n") == 1 and "No experiment database at" in err and "Traceback" not in err
    assert not missing.exists()


def test_hostile_run_text_is_shown_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run's name, notes, status and metric names full of markup, escape sequences, bidi
    controls and CJK reach neither rich's markup nor the terminal, in get and runs."""
    exp = experimentdb.create(tmp_path / "e.db")
    run = experimentdb.add_run(
        exp, HOSTILE + WIDE, [(HOSTILE + "loss", 0.5, 1)], notes=HOSTILE, status=HOSTILE
    )
    db = tmp_path / "models.db"
    with ModelRegistry(db) as registry:
        registry.register_model("m", "1.0.0", "c.pt", "lm", training_run_id=run,
                                verify_checkpoint=False)  # fmt: skip
    for command in (["get", "--model-id", "1"], ["runs"], ["runs", "--format", "csv"]):
        code, out, _ = _cli(capsys, "--db", str(db), "--experiments", str(exp), *command)
        assert code == 0
        assert not any(c in out for c in "\x1b\x07\x9b\x9d\u202e\u2066"), command
        assert "[bold red]x[/]" in out and "\\x1b]52;c;aGVsbG8=" in out and "\\u202eevil" in out
        assert "模型注册表" in out


def test_card_shows_the_run_and_a_missing_file_is_a_notice(
    setup: tuple[str, Path, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """card --experiments: the card has the run's section; a missing file gives the card
    without it and one notice line on stderr, exit 0."""
    url, exp, _ = setup
    code, out, err = _cli(capsys, "--db", url, "--experiments", str(exp), "card", "--model-id", "1")
    assert (code, err) == (0, "") and "## Training run" in out and "(baseline)" in out
    gone = str(tmp_path / "gone.db")
    code, out, err = _cli(capsys, "--db", url, "--experiments", gone, "card", "--model-id", "1")
    assert code == 0 and "## Training run" not in out and err.count("\n") == 1


def test_app_takes_experiments_before_or_after_the_command() -> None:
    """``app`` is ``tui``; --experiments is global, before or after the command."""
    from registry_tui.cli import parser_for
    from registry_tui.cli.terminal_app import run_tui

    for argv in (["app", "--experiments", "e.db"], ["--experiments", "e.db", "app"]):
        args = parser_for(argv).parse_args(argv)
        assert args.handler is run_tui and args.experiments == "e.db"
