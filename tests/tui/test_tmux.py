"""Smoke test: the real app in a real terminal (tmux, TERM=xterm-256color, 80x24)."""

from __future__ import annotations

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


class Tmux:
    """One detached tmux session on a private server socket."""

    def __init__(self, command: str) -> None:
        self.socket = f"registry-tui-test-{uuid.uuid4().hex[:8]}"
        self.session = "app"
        self._tmux(
            "new-session", "-d", "-s", self.session, "-x", "80", "-y", "24",
            f"env TERM=xterm-256color {command}",
        )  # fmt: skip

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )

    def screen(self) -> str:
        """The visible pane as text."""
        return self._tmux("capture-pane", "-p", "-t", self.session).stdout

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
