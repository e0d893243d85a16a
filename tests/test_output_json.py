"""JSON output that every parser accepts, from one writer, in every command and in dump."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from registry_tui.cli import main
from registry_tui.jsontext import to_json
from tests.legacy import guide_file, insert_model


def _strict(text: str) -> Any:
    """Parse JSON refusing NaN/Infinity, as JavaScript and most other parsers do."""

    def refuse(constant: str) -> None:
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def nan_file(tmp_path: Path) -> Path:
    """A guide-made file whose metrics hold NaN and Infinity (Python's json writes them),
    and a name holding a right-to-left override."""
    path = tmp_path / "models.db"
    conn = guide_file(path)
    insert_model(conn, "odd\u202ename", "1.0.0", metrics='{"val_loss": NaN, "acc": Infinity}')
    insert_model(conn, "plain", "1.0.0", metrics={"val_loss": 0.5})
    conn.close()
    return path


def test_writer_turns_non_finite_numbers_into_null_and_escapes_overrides() -> None:
    """The one writer: NaN/inf -> null at any depth; U+202E written as an escape."""
    text = to_json({"a": [float("nan"), {"b": float("-inf")}], "s": "x\u202ey"})
    assert _strict(text) == {"a": [None, {"b": None}], "s": "x\u202ey"}
    assert "\u202e" not in text and "\\u202e" in text


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "--format", "json"),
        ("get", "--model-id", "1", "--format", "json"),
        ("compare", "--model-ids", "1,2", "--format", "json"),
        ("lineage", "--model-id", "1", "--format", "json"),
    ],
)
def test_read_commands_never_print_nan(nan_file: Path, argv: tuple[str, ...]) -> None:
    """Every JSON-printing read command gives strict JSON for NaN/Infinity metrics."""
    code, out, err = _run("--db", str(nan_file), *argv)
    assert code == 0, err
    _strict(out)
    assert "\u202e" not in out


def test_check_json_escapes_like_list_json(nan_file: Path, tmp_path: Path) -> None:
    """``check --format json`` goes through the same writer: no raw U+202E, no NaN."""
    conn = guide_file(nan_file)
    conn.execute("UPDATE models SET checkpoint_path = '/missing/\u202efile.pt'")
    conn.close()
    code, out, _ = _run("--db", str(nan_file), "check", "--format", "json")
    assert code == 1
    _strict(out)
    assert "\u202e" not in out and "\\u202e" in out


def test_dump_never_writes_nan(nan_file: Path, tmp_path: Path) -> None:
    """``dump`` of a file whose metrics hold NaN writes a bundle strict parsers read."""
    bundle = tmp_path / "bundle.json"
    code, _, err = _run("--db", str(nan_file), "dump", str(bundle))
    assert code == 0, err
    _strict(bundle.read_text())
