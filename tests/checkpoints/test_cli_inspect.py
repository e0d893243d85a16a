"""``registry-tui inspect``: tables and JSON, hostile strings shown literally, one-line
errors with exit status 1, and no textual or pandas at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from registry_tui.cli import main
from tests.checkpoints.builders import state_dict, write_safetensors, write_torch_zip

HOSTILE = {
    "markup": "[bold red]boom[/] [@click=app.quit]x[/]",
    "osc52": "w\x1b]52;c;aGVsbG8=\x07.weight",
    "title": "\x1b]2;pwned\x07",
    "bidi": "gnp.\u202eexe",
    "csi": "clear\x1b[2J\x1b[H",
    "long": "layers." + "x" * 3000,
}


def _hostile_file(tmp_path: Path) -> Path:
    tensors = {name: ("F32", [index + 1, 4]) for index, name in enumerate(HOSTILE.values())}
    metadata = {key: value for key, value in HOSTILE.items() if key != "long"}
    metadata["\x1b[31mkey"] = "[red]v[/red]"
    return write_safetensors(tmp_path / "hostile.safetensors", tensors, metadata)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["inspect", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _assert_inert(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


def test_piped_table_shows_every_hostile_string_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Piped output: markup kept as characters, escapes and bidi overrides made visible,
    the long name whole on its line (piped tables keep their natural width)."""
    code, out, _ = _run(capsys, str(_hostile_file(tmp_path)))
    assert code == 0
    _assert_inert(out)
    assert "[bold red]boom[/] [@click=app.quit]x[/]" in out
    assert "w\\x1b]52;c;aGVsbG8=\\x07.weight" in out
    assert "gnp.\\u202eexe" in out
    assert "\\x1b[31mkey" in out and "[red]v[/red]" in out
    assert " layers." + "x" * 3000 + "   F32 " in out


def test_rich_table_shows_every_hostile_string_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rich path (as on a terminal) never interprets markup nor passes an escape."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = _run(capsys, str(_hostile_file(tmp_path)))
    assert code == 0
    _assert_inert(out)
    flat = "".join(line.strip() for line in out.splitlines())
    assert "[bold red]boom[/]" in flat and "[@click=app.quit]x[/]" in flat
    assert "\\x1b]2;pwned\\x07" in flat
    assert "x" * 1000 in flat


def test_json_is_exact_and_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON decodes to the exact names and metadata, while the text itself holds nothing
    a terminal would act on."""
    code, out, _ = _run(capsys, str(_hostile_file(tmp_path)), "--format", "json")
    assert code == 0
    _assert_inert(out)
    data: dict[str, Any] = json.loads(out)
    names = {tensor["name"] for tensor in data["largest_tensors"]}
    assert names == set(HOSTILE.values())
    assert data["metadata"]["osc52"] == HOSTILE["osc52"]
    assert data["metadata"]["\x1b[31mkey"] == "[red]v[/red]"
    assert data["format"] == "safetensors" and data["tensor_count"] == len(HOSTILE)


def test_numbers_are_humanised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Parameters as 7.24 B style counts (and exactly), bytes in decimal units."""
    header_path = write_safetensors(tmp_path / "m.safetensors", {"w": ("BF16", [1810433024, 4])})
    _, out, _ = _run(capsys, str(header_path))
    assert "parameters  7.24 B (7,241,732,096)" in out
    assert "weights     14.5 GB" in out


def test_a_training_checkpoint_reports_its_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Optimizer state is shown apart from the weights, with epoch, commit and metrics."""
    model, storages = state_dict({"w": ("FloatStorage", 4, (10, 10))})
    moments, more = state_dict({"exp_avg": ("FloatStorage", 4, (10, 10))}, 1)
    checkpoint = {
        "model_state_dict": model,
        "optimizer_state_dict": {"state": {0: moments}},
        "metrics": {"val_loss": 0.5},
        "epoch": 7,
        "git_commit": "deadbeef",
    }
    path = write_torch_zip(tmp_path / "c.pt", checkpoint, [*storages, *more])
    code, out, _ = _run(capsys, str(path))
    assert code == 0
    assert "optimizer state  400 B in 1 tensors (not counted as weights)" in out
    assert "epoch            7" in out and "git commit       deadbeef" in out
    assert " val_loss   0.5" in out


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return os.system, (f"touch {self.marker}",)


def test_an_unsafe_pickle_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused file: exit 1, one line on stderr naming the global, nothing run."""
    marker = tmp_path / "ran"
    path = write_torch_zip(tmp_path / "evil.pt", {"x": _Evil(marker)})
    code, out, err = _run(capsys, str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "posix.system" in err and "Traceback" not in err
    assert not marker.exists()


@pytest.mark.parametrize("target", ["missing.safetensors", "dir", "bad.safetensors"])
def test_bad_paths_exit_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    """A missing path, a directory without weights, a lying file: one line, exit 1."""
    (tmp_path / "dir").mkdir()
    (tmp_path / "bad.safetensors").write_bytes(b"\xff" * 20)
    code, _, err = _run(capsys, str(tmp_path / target))
    assert code == 1
    assert err.startswith("registry-tui: error: ") and err.count("\n") == 1


def test_inspect_imports_neither_textual_nor_pandas(tmp_path: Path) -> None:
    """A read command: it starts without the app's or the API's heavy imports."""
    path = write_safetensors(tmp_path / "m.safetensors", {"w": ("F32", [4])})
    code = (
        "import sys\nfrom registry_tui.cli import main\n"
        f"assert main(['inspect', {str(path)!r}]) == 0\n"
        "heavy = [m for m in ('textual', 'pandas', 'peewee') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_hostile_gguf_metadata_and_tensor_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GGUF keys, string values, short string arrays and tensor names from the file are
    shown literally in the table, and exactly in JSON."""
    from tests.checkpoints.builders import write_gguf

    path = write_gguf(
        tmp_path / "h.gguf",
        {
            "general.architecture": HOSTILE["osc52"],
            HOSTILE["title"]: HOSTILE["markup"],
            "list": [HOSTILE["bidi"], HOSTILE["csi"]],
        },
        [(HOSTILE["markup"], [32], 0, 128)],
    )
    code, out, _ = _run(capsys, str(path))
    assert code == 0
    _assert_inert(out)
    assert "\\x1b]2;pwned\\x07" in out and "gnp.\\u202eexe, clear\\x1b[2J\\x1b[H" in out
    assert out.count("[bold red]boom[/] [@click=app.quit]x[/]") == 2
    code, out, _ = _run(capsys, str(path), "--format", "json")
    _assert_inert(out)
    data = json.loads(out)
    assert data["architecture"]["architecture"] == HOSTILE["osc52"]
    assert data["metadata"][HOSTILE["title"]] == HOSTILE["markup"]
    assert data["largest_tensors"][0]["name"] == HOSTILE["markup"]
