"""The maintenance commands' plumbing: progress bars only on a terminal, light imports."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from registry_tui import ModelRegistry
from registry_tui.cli.common import Output
from registry_tui.cli.ops import progress_bar


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only() -> None:
    """A terminal on stderr gets a rich progress bar; a pipe gets nothing at all."""
    terminal = Terminal()
    with progress_bar(Output(stdout=io.StringIO(), stderr=terminal)) as update:
        assert update is not None
        update("loading models", 500, 1000)
        update("loading models", 1000, 1000)
    assert "loading models" in terminal.getvalue()
    piped = io.StringIO()
    with progress_bar(Output(stdout=io.StringIO(), stderr=piped)) as update:
        assert update is None
    assert piped.getvalue() == ""


def test_maintenance_commands_import_neither_pandas_nor_textual(db_path: Path) -> None:
    """check, dump and backup run without importing pandas or textual (fast start-up)."""
    with ModelRegistry(db_path) as registry:
        registry.register_model("m", "1.0.0", "s3://b/m.pt", "t", verify_checkpoint=False)
    script = (
        "import sys\n"
        "from registry_tui.cli import main\n"
        f"db = {str(db_path)!r}\n"
        "codes = [main(['--db', db, 'check']), main(['--db', db, 'dump', db + '.json']),\n"
        "         main(['--db', db, 'backup', db + '.copy'])]\n"
        "print(codes, 'pandas' in sys.modules, 'textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[0, 0, 0] False False"
