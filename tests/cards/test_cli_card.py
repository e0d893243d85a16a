"""``registry-tui card``: the card on standard output or written atomically to a file,
one-line errors with no traceback, and a light read (no textual, pandas or rich)."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.cards import FIELDS
from registry_tui.cli import main
from registry_tui.cli.common import Output
from tests.cards.seed import seed
from tests.conftest import FixedClock
from tests.test_cli_startup import IMPORT_CHECK


def _run(*args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    from registry_tui import cli

    code = cli._run(list(args), Output(stdout, stderr))
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A seeded registry file (fixed clock)."""
    path = tmp_path / "models.db"
    with ModelRegistry(path, clock=FixedClock(), actor="tester@host") as registry:
        seed(registry)
    return path


def test_the_card_goes_to_standard_output(db: Path) -> None:
    """``card --model-id N`` prints what ``model_card`` returns, by id, name+version or tag."""
    code, out, err = _run("--db", str(db), "card", "--model-id", "2")
    assert code == 0 and err == ""
    assert out.startswith('---\nlicense: "apache-2.0"\n') and "# gpt-small-medical 1.1.0" in out
    by_name = _run("--db", str(db), "card", "--name", "gpt-small-medical", "--version", "1.1.0")
    by_tag = _run("--db", str(db), "card", "--tag", "production", "--out", "-")
    strip = lambda text: text.rsplit("*Written by", 1)[0]  # noqa: E731  (the clock moves on)
    assert strip(by_name[1]) == strip(out) == strip(by_tag[1])


def test_the_card_command_reads_either_backend(registry_url: str, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL alike, ``card --out`` writes the card ``model_card`` gives."""
    with ModelRegistry(registry_url, clock=FixedClock(), actor="tester@host") as registry:
        ids = seed(registry)
        expected = registry.model_card(ids["tuned"])
    target = tmp_path / "README.md"
    code, _, err = _run(
        "--db", registry_url, "card", "--model-id", str(ids["tuned"]), "--out", str(target)
    )
    assert (code, err) == (0, "")
    written = target.read_text(encoding="utf-8")
    assert written.rsplit("*Written by", 1)[0] == expected.rsplit("*Written by", 1)[0]


def test_out_writes_the_file_atomically(db: Path, tmp_path: Path) -> None:
    """``--out`` replaces the file whole (no temporary file left beside it), keeps an existing
    file's permissions, makes a new one 0644, and says what it wrote."""
    target = tmp_path / "README.md"
    code, out, _ = _run("--db", str(db), "card", "--model-id", "2", "--out", str(target))
    assert code == 0 and f"to {target}" in out and "gpt-small-medical 1.1.0 (model 2)" in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text(encoding="utf-8").startswith("---\nlicense:")
    target.chmod(0o600)
    assert _run("--db", str(db), "card", "--model-id", "1", "--out", str(target))[0] == 0
    assert "# gpt-small 1.0.0" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "models.db"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--model-id", "99"], "registry-tui: error: Model 99 not found"),
        (["--tag", "nope"], "registry-tui: error: No model has tag 'nope'"),
        (["--model-id", "1", "--out", "{tmp}"], "it is a directory"),
        (["--model-id", "1", "--out", "{tmp}/no/such/README.md"], "does not exist"),
        (["--model-id", "1", "--template", "{tmp}/missing.tpl"], "Card template not found"),
        (["--model-id", "1", "--template", "{tmp}"], "it is a directory"),
        (
            ["--model-id", "1", "--template", "{tmp}/bad.tpl"],
            "Unknown card template field '$tilte'",
        ),
        (["--model-id", "1", "--template", "{tmp}/latin1.tpl"], "not UTF-8 text"),
    ],
)
def test_errors_are_one_line(db: Path, tmp_path: Path, extra: list[str], message: str) -> None:
    """Unknown models, unwritable destinations, unreadable or wrong templates: exit 1, one
    line on stderr naming the problem, nothing on stdout and no file written."""
    (tmp_path / "bad.tpl").write_text("# $tilte\n", encoding="utf-8")
    (tmp_path / "latin1.tpl").write_bytes("caf\xe9 $title".encode("latin-1"))
    before = sorted(p.name for p in tmp_path.iterdir())
    args = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    code, out, err = _run("--db", str(db), "card", *args)
    assert (code, out) == (1, "")
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    "extra", [[], ["--model-id", "1", "--tag", "production"], ["--name", "gpt-small"]]
)
def test_identifying_the_model_twice_or_not_at_all_is_bad_usage(db: Path, extra: list[str]) -> None:
    """Exactly one of --model-id, --name with --version, or --tag: else exit 2, one line."""
    code, out, err = _run("--db", str(db), "card", *extra)
    assert code == 2 and out == "" and err.count("\n") == 1


def test_a_template_file_places_the_fields(db: Path, tmp_path: Path) -> None:
    """``--template FILE`` is string.Template text filled with the card's fields."""
    template = tmp_path / "card.tpl"
    template.write_text("# $title\n\nTask: $pipeline_tag, from $base_model\n", encoding="utf-8")
    code, out, _ = _run("--db", str(db), "card", "--model-id", "2", "--template", str(template))
    assert code == 0
    assert out == "# gpt-small-medical 1.1.0\n\nTask: text-generation, from openai-community/gpt2\n"


def test_help_lists_every_template_field() -> None:
    """``card --help`` names each field with ``$`` and says the template is string.Template."""
    done = subprocess.run(
        [sys.executable, "-m", "registry_tui", "card", "--help"],
        capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "80"},
    )  # fmt: skip
    assert "string.Template" in done.stdout
    for name in FIELDS:
        assert f"  ${name} " in done.stdout, name
    assert max(len(line) for line in done.stdout.splitlines()) <= 80


def test_card_is_a_light_read(db: Path) -> None:
    """A card on standard output loads neither textual, pandas, rich nor psycopg2."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    args = ["--db", str(db), "card", "--model-id", "2"]
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK, json.dumps(args)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    report = json.loads(done.stderr.strip().splitlines()[-1])
    modules = {str(m).split(".")[0] for m in report["modules"]}
    assert report["code"] in (0, None) and "# gpt-small-medical" in done.stdout
    assert not {"textual", "pandas", "rich", "psycopg2"} & modules


def test_main_reports_a_missing_registry_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --db that does not exist is refused (never created) with one line."""
    code = main(["--db", str(tmp_path / "none.db"), "card", "--model-id", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "No registry at" in err and err.count("\n") == 1
    assert not (tmp_path / "none.db").exists()
