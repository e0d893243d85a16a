"""Smoke tests: the real app in a real terminal (tmux, TERM=xterm-256color).

Besides the walk through the demo, these run the app on a registry full of
escape sequences (checking the clipboard buffer, the pane title and the raw
pane bytes), under ``NO_COLOR``, and with a crash planted in it.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"
)


TMUX_CONF = "set -g set-clipboard on\nset -g allow-rename on\n"
"""OSC 52 fills a paste buffer and OSC 2 renames the pane, so a leak is visible."""
SGR = re.compile(r"\x1b\[[0-9;:]*m")


class Tmux:
    """One detached tmux session on a private server socket."""

    def __init__(
        self, command: str, size: tuple[int, int] = (80, 24), conf: Path | None = None
    ) -> None:
        self.socket = f"registry-tui-test-{uuid.uuid4().hex[:8]}"
        self.session = "app"
        options = ["-f", str(conf)] if conf else []
        self._tmux(
            *options, "new-session", "-d", "-s", self.session,
            "-x", str(size[0]), "-y", str(size[1]), f"env TERM=xterm-256color {command}",
        )  # fmt: skip

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )

    def screen(self) -> str:
        """The visible pane as text."""
        return self._tmux("capture-pane", "-p", "-t", self.session).stdout

    def joined(self) -> str:
        """The visible pane as text, lines wrapped by the terminal joined again."""
        return self._tmux("capture-pane", "-p", "-J", "-t", self.session).stdout

    def raw(self) -> str:
        """The visible pane with its escape sequences (``capture-pane -e``)."""
        return self._tmux("capture-pane", "-e", "-p", "-t", self.session).stdout

    def buffers(self) -> str:
        """tmux's paste buffers (OSC 52 writes land here)."""
        return self._tmux("list-buffers").stdout

    def title(self) -> str:
        """The pane title (OSC 2 sets it)."""
        return self._tmux("display-message", "-p", "-t", self.session, "#{pane_title}").stdout

    def send(self, *keys: str) -> None:
        """Type keys (tmux key names such as Escape, Enter, or literal text)."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def alive(self) -> bool:
        """True while the app is still running."""
        return self._tmux("has-session", "-t", self.session).returncode == 0

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        """Wait until ``text`` is on screen; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def kill(self) -> None:
        """End the session and its server."""
        self._tmux("kill-server")


@pytest.fixture
def tmux_app(demo_file: Path, tmp_path: Path) -> Iterator[Tmux]:
    """The app on a copy of the demo registry, running in tmux at 80x24."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_file, db)
    command = f"{shlex.quote(sys.executable)} -m registry_tui tui --db {shlex.quote(str(db))}"
    session = Tmux(command)
    yield session
    session.kill()


def test_app_runs_in_an_80x24_terminal(tmux_app: Tmux) -> None:
    """It starts, lists models, filters as you type, opens help, and q quits (esc does not)."""
    screen = tmux_app.wait_for("models · row 1")
    assert "? Help" in screen and "id" in screen and "name" in screen
    tmux_app.send("/")
    time.sleep(0.3)  # a person's pause: keys sent in the same burst race the focus change
    tmux_app.send("tag:production")
    screen = tmux_app.wait_for("6 models · row 1")
    assert "production" in screen
    tmux_app.send("Enter")
    tmux_app.send("Escape")
    tmux_app.wait_for("models · row 1")
    tmux_app.send("?")
    tmux_app.wait_for("Keys")
    tmux_app.send("Escape")
    tmux_app.send("Escape")
    time.sleep(0.5)
    assert tmux_app.alive()
    tmux_app.send("q")
    deadline = time.monotonic() + 10
    while tmux_app.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux_app.alive()


def app_command(db: Path, *args: str, env: str = "", run: str = "") -> str:
    """A shell command running the app on ``db``, then printing its exit status.

    Textual draws on stderr, so stderr stays on the terminal: after the app ends
    (and leaves the alternate screen) the pane shows what it printed, then the status.
    """
    python = shlex.quote(sys.executable)
    code = run or "import sys; from registry_tui.cli import main; sys.exit(main(sys.argv[1:]))"
    cli = f"{python} -c {shlex.quote(code)} tui --db {shlex.quote(str(db))} {' '.join(args)}"
    return f"sh -c {shlex.quote(f'clear; {env} {cli}; echo exit status $?; sleep 30')}"


def wait_exit(session: Tmux) -> tuple[int, list[str]]:
    """The app's exit status and the non-blank lines it left on the terminal."""
    session.wait_for("exit status", timeout=15)
    screen = session.joined()
    lines = [line for line in screen.splitlines() if line.strip()]
    status = next(line for line in lines if line.startswith("exit status"))
    return int(status.split()[-1]), lines[: lines.index(status)]


def assert_clean(session: Tmux, title: str, where: str) -> None:
    """No paste buffer, the title unchanged, and nothing but SGR styling in the raw pane."""
    assert session.buffers() == "", f"{where}: OSC 52 reached the terminal"
    assert session.title() == title, f"{where}: the pane was retitled"
    from tests.hostile import unsafe_in

    assert unsafe_in(SGR.sub("", session.raw())) == [], f"{where}: raw escapes on screen"


def test_hostile_registry_never_writes_the_clipboard_or_the_title(tmp_path: Path) -> None:
    """Every screen of the app over the hostile registry: no OSC 52, no OSC 2, no raw bytes."""
    from tests.hostile import build_hostile

    db = tmp_path / "hostile.db"
    build_hostile(db)
    conf = tmp_path / "tmux.conf"
    conf.write_text(TMUX_CONF)
    session = Tmux(app_command(db), size=(120, 36), conf=conf)
    try:
        session.wait_for("2 models · row 1")
        title = session.title()
        assert_clean(session, title, "main")
        steps = [
            ["s"], ["Enter"], ["Escape"], ["C-p"], ["Filter by task"], ["Enter"],
            ["Escape"], ["Enter"], ["Escape"], ["c"], ["Escape"], ["l"], ["Escape"],
            ["?"], ["Escape"], ["p"], ["Down"], ["Down"], ["Down"], ["Escape"],
            ["u"], ["Escape"], ["r"], ["Escape"], ["d"], ["Escape"],
            ["h"], ["Escape"], ["y"], ["Escape"], ["b"], ["Escape"], ["C"], ["Escape"],
        ]  # fmt: skip
        for keys in steps:
            session.send(*keys)
            time.sleep(0.4)
            assert_clean(session, title, " ".join(keys))
        assert session.alive()
    finally:
        session.kill()


def test_no_color_runs_monochrome_and_quits_cleanly(demo_file: Path, tmp_path: Path) -> None:
    """NO_COLOR=1: the screens draw without colour, q quits with status 0 and no stderr."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_file, db)
    session = Tmux(app_command(db, env="NO_COLOR=1"))
    try:
        session.wait_for("models · row 1")
        for key, text in [("Enter", "Model"), ("Escape", "models · row"), ("l", "Lineage")]:
            session.send(key)
            session.wait_for(text)
        session.send("Escape")
        session.send("?")
        session.wait_for("Keys")
        session.send("Escape")
        time.sleep(0.3)
        session.send("q")
        assert wait_exit(session) == (0, [])
    finally:
        session.kill()


def test_a_crash_prints_one_line_and_exits_non_zero(demo_file: Path, tmp_path: Path) -> None:
    """An error inside the running app: the terminal is restored, stderr has one line, status 1."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_file, db)
    run = (
        "import sys\n"
        "from registry_tui.tui.widgets.model_table import ModelTable\n"
        "def boom(self, y): raise KeyError('row data')\n"
        "ModelTable.render_line = boom\n"
        "from registry_tui.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    session = Tmux(app_command(db, run=run))
    try:
        code, printed = wait_exit(session)
        assert code == 1 and len(printed) == 1, printed
        assert "KeyError" in printed[0] and "REGISTRY_TUI_DEBUG" in printed[0]
    finally:
        session.kill()
