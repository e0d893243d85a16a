"""What a read command loads: one command module's parser, no rich when piped, no
PostgreSQL driver for a SQLite file, and the same parsing as the full parser."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import COMMAND_HOMES, COMMAND_MODULES, build_parser, command_named, parser_for

IMPORT_CHECK = """
import json, runpy, sys
sys.argv = ["registry-tui", *json.loads(sys.argv[1])]
try:
    runpy.run_module("registry_tui", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "models.db"
    with ModelRegistry(path, actor="test@host") as registry:
        for i in range(3):
            registry.register_model(
                f"net-{i}", "1.0.0", "/c.pt", "classification",
                metrics={"val_loss": 0.1 * i}, tags=["production"] if i == 0 else [],
                verify_checkpoint=False,
            )  # fmt: skip
    return path


def _modules(db: Path, *args: str) -> tuple[object, list[str]]:
    """Run the CLI in a fresh process, output piped; its exit code and loaded modules."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK, json.dumps(["--db", str(db), *args])],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], [str(m).split(".")[0] for m in report["modules"]]


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--limit", "50"],
        ["list", "--sort", "-val_loss", "--limit", "50"],
        ["list", "--where", "val_loss<0.4"],
        ["get", "--model-id", "1"],
        ["get", "--model-id", "999"],
        ["list", "--format", "json"],
    ],
)
def test_read_commands_on_sqlite_never_import_the_postgres_driver(
    db: Path, args: list[str]
) -> None:
    """list and get on a SQLite file load neither psycopg2 nor textual nor pandas."""
    code, modules = _modules(db, *args)
    assert code in (0, 1, None)
    assert not {"psycopg2", "psycopg", "textual", "pandas"} & set(modules)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--limit", "50"],
        ["list", "--where", "val_loss<0.4"],
        ["get", "--model-id", "1"],
        ["get", "--model-id", "999"],
    ],
)
def test_piped_list_and_get_never_import_rich(db: Path, args: list[str]) -> None:
    """A piped plain listing or model is written without rich; a failed lookup never loads it."""
    code, modules = _modules(db, *args)
    assert code in (0, 1, None)
    assert "rich" not in modules


@pytest.mark.parametrize("args", [["list", "--limit", "50"], ["get", "--model-id", "1"]])
def test_read_commands_never_import_shutil_and_its_compressors(db: Path, args: list[str]) -> None:
    """argparse's own help sizing imports shutil, and with it zlib, bz2 and lzma: the
    CLI's parser is sized without it, so a read command loads none of them."""
    code, modules = _modules(db, *args)
    assert code in (0, None)
    assert not {"shutil", "bz2", "lzma"} & set(modules)


@pytest.mark.parametrize("args", [["list", "--limit", "50"], ["get", "--model-id", "1"]])
def test_read_commands_never_import_the_write_side(db: Path, args: list[str]) -> None:
    """The writer and registration's checks are imported on the first write: a read
    command's start-up pays for neither."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK, json.dumps(["--db", str(db), *args])],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    modules = set(json.loads(done.stderr.strip().splitlines()[-1])["modules"])
    assert "registry_tui.db" in modules
    assert not {"registry_tui.db.writes", "registry_tui.registration_checks"} & modules


@pytest.mark.parametrize(("columns", "width"), [("60", 58), ("200", 198)])
def test_help_is_wrapped_to_the_columns_variable(columns: str, width: int) -> None:
    """Help text is wrapped at ``COLUMNS`` (less two, as argparse does) without shutil."""
    env = {**os.environ, "COLUMNS": columns}
    done = subprocess.run(
        [sys.executable, "-m", "registry_tui", "list", "--help"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert max(len(line) for line in lines) > width - 20


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_is_listed_with_the_module_that_defines_it() -> None:
    """COMMAND_HOMES names, for each command, the one module whose parser defines it."""
    defined = {
        command: module
        for module in COMMAND_MODULES
        for command in _commands(build_parser((module,)))
    }
    assert defined == COMMAND_HOMES
    assert all(importlib.import_module(module) for module in set(COMMAND_HOMES.values()))


@pytest.mark.parametrize("command", sorted(COMMAND_HOMES))
def test_one_module_parser_parses_and_helps_like_the_full_one(command: str) -> None:
    """A command's own parser gives the same help text as the full parser's."""
    full = _commands(build_parser())[command]
    own = _commands(parser_for(["--db", "x.db", command]))[command]
    assert own.format_help() == full.format_help()
    assert len(_commands(parser_for([command]))) < len(_commands(build_parser()))


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["list"], "list"),
        (["--db", "list", "get"], "get"),
        (["--db=x.db", "get", "--model-id", "1"], "get"),
        (["--help", "list"], None),
        ([], None),
        (["--db", "x.db"], None),
    ],
)
def test_command_named_skips_the_db_option(argv: list[str], expected: str | None) -> None:
    """The command is the first word after the global options (``--db`` takes a value)."""
    assert command_named(argv) == expected


def test_unknown_command_still_gets_the_full_parsers_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mistyped command is parsed by the full parser, which lists the choices."""
    from registry_tui.cli import main

    assert main(["lst"]) == 2
    assert "invalid choice: 'lst'" in capsys.readouterr().err


def test_plain_text_only_where_rich_would_print_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """FORCE_COLOR, TTY_COMPATIBLE=1 or a non-UTF-8 stream keep the table with rich."""
    import io

    from registry_tui.cli.common import Output

    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    assert Output(stdout=io.StringIO()).takes_plain_text()
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    assert not Output(stdout=latin).takes_plain_text()
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert not Output(stdout=io.StringIO()).takes_plain_text()
    monkeypatch.delenv("TTY_COMPATIBLE")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not Output(stdout=io.StringIO()).takes_plain_text()


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry with more matching models than a capped count reads (1,200)."""
    path = tmp_path_factory.mktemp("many") / "models.db"
    with ModelRegistry(path, actor="test@host") as registry, registry.transaction():
        for i in range(1_200):
            registry.register_model(
                f"net-{i}", "1.0.0", "/c.pt", "classification",
                metrics={"val_loss": i / 1_200}, verify_checkpoint=False,
            )  # fmt: skip
    return path


def _list(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    from registry_tui.cli import main

    assert main(["--db", str(path), "list", *args]) == 0
    return capsys.readouterr().out.splitlines()[-1]


def test_list_caption_caps_a_large_count(many: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Under a page of a large listing the count is a lower bound, said as such; a
    listing filtered by status alone is counted exactly by the count tables."""
    caption = _list(many, capsys, "--limit", "5", "--where", "created_at>2000-01-01")
    assert caption == "Showing 5 of 1,000+ models (--limit N to see more)"
    caption = _list(many, capsys, "--limit", "5")
    assert caption == "Showing 5 of 1,200 models (--limit N to see more)"


def test_exact_count_counts_every_match(many: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--exact-count puts the exact total under the table instead of the capped one."""
    caption = _list(many, capsys, "--limit", "5", "--exact-count")
    assert caption == "Showing 5 of 1,200 models (--limit N to see more)"
    caption = _list(many, capsys, "--limit", "5", "--where", "val_loss<0.5", "--exact-count")
    assert caption == "Showing 5 of 600 models (--limit N to see more)"
    assert _list(many, capsys, "--limit", "0") == "1,200 models"
