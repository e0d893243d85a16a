"""Which reader a path gets, and the one-line errors for paths that cannot be read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import registry_tui
from registry_tui import CheckpointNotFoundError, ValidationError, inspect_checkpoint
from registry_tui.checkpoints import CheckpointFormatError
from tests.checkpoints.builders import write_gguf, write_safetensors


def test_formats_are_told_by_their_first_bytes_not_their_names(tmp_path: Path) -> None:
    """A safetensors or GGUF file with another name is still recognised."""
    st = write_safetensors(tmp_path / "weights.bin.tmp", {"w": ("F32", [4])})
    gg = write_gguf(tmp_path / "model.bin", {"general.architecture": "llama"}, [])
    assert inspect_checkpoint(st).format == "safetensors"
    assert inspect_checkpoint(gg).format == "gguf"


def test_an_unknown_file_gives_its_size_and_a_warning(tmp_path: Path) -> None:
    """Anything else is not an error: its size, and 'format not recognised'."""
    path = tmp_path / "notes.txt"
    path.write_text("hello world")
    info = inspect_checkpoint(path)
    assert (info.format, info.file_bytes, info.warnings) == (
        "unknown",
        11,
        ("format not recognised",),
    )
    assert info.parameters == 0


def test_a_legacy_pytorch_pickle_is_not_read(tmp_path: Path) -> None:
    """A pre-zip PyTorch file (a bare pickle) is never unpickled: a warning says so."""
    path = tmp_path / "old.pt"
    path.write_bytes(b"\x80\x02\x8a\x0alz\xfc\x9cF\xf9 j\xa8P\x19.")
    info = inspect_checkpoint(path)
    assert info.format == "pytorch-legacy"
    assert "legacy" in info.warnings[0]


def test_a_missing_path_is_checkpoint_not_found(tmp_path: Path) -> None:
    """Nothing at the path: the registry's CheckpointNotFoundError (a FileNotFoundError)."""
    with pytest.raises(CheckpointNotFoundError, match="Checkpoint not found"):
        inspect_checkpoint(tmp_path / "nope.safetensors")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    """A FIFO is refused at once (opening it would block until a writer came)."""
    fifo = tmp_path / "pipe.safetensors"
    os.mkfifo(fifo)
    with pytest.raises(ValidationError, match="not a regular file or a directory"):
        inspect_checkpoint(fifo)


def test_a_device_is_refused() -> None:
    """/dev/null and the like are never read as checkpoints."""
    with pytest.raises(CheckpointFormatError, match="not a regular file"):
        inspect_checkpoint("/dev/null")


def test_an_unreadable_file_is_a_one_line_error(tmp_path: Path) -> None:
    """No permission to read: one line, not a traceback."""
    path = write_safetensors(tmp_path / "locked.safetensors", {"w": ("F32", [4])})
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: permissions are not enforced")
    with pytest.raises(CheckpointFormatError, match="cannot be read"):
        inspect_checkpoint(path)


def test_the_package_exports_inspect_checkpoint_lazily() -> None:
    """`import registry_tui` loads no checkpoint reader; the name loads them on first use."""
    code = (
        "import sys, registry_tui\n"
        "assert not any(m.startswith('registry_tui.checkpoints') for m in sys.modules)\n"
        "from registry_tui import inspect_checkpoint\n"
        "assert inspect_checkpoint.__module__ == 'registry_tui.checkpoints.dispatch'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert "inspect_checkpoint" in registry_tui.__all__


def test_the_readers_import_no_rich_textual_peewee_or_data_layer() -> None:
    """Inspecting a checkpoint stays a pure library: rich, textual, peewee and db/ unloaded."""
    code = (
        "import sys, registry_tui.checkpoints as c\n"
        "top, db = ('rich', 'textual', 'peewee', 'pandas'), 'registry_tui.db'\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in top or m.startswith(db)]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
