"""A private, throw-away PostgreSQL server that a test may stop and start.

Restart tests must never touch the shared server other tests use, so each one
runs its own: ``initdb`` into a temporary folder and ``pg_ctl`` on a free
127.0.0.1 port, trusting local connections. As root the binaries run as the
``postgres`` OS user (``initdb`` refuses root). Without the binaries the test
is skipped, saying why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("REGISTRY_TUI_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PrivateServer:
    """One PostgreSQL cluster in a temporary folder, on its own port."""

    def __init__(self, data: Path, port: int, as_user: list[str]) -> None:
        self.data, self.port, self.as_user = data, port, as_user
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60, cwd="/")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.data / "server.log")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data / "db"), "-l", log,
                  "-o", options, "-w", "start")  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once (``-m fast``: open connections are cut)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data / "db"), "-m", "fast", "-w", "stop")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("private PostgreSQL: running as root without runuser")
    return [runuser, "-u", "postgres", "--"]


@pytest.fixture
def private_pg() -> Iterator[PrivateServer]:
    """A running private PostgreSQL server (stopped and removed afterwards)."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"private PostgreSQL: no initdb/pg_ctl under {PG_BIN}")
    pytest.importorskip("psycopg2")
    as_user = _as_user()
    data = Path(tempfile.mkdtemp(prefix="registry-tui-pg-"))
    if as_user:
        shutil.chown(data, "postgres", "postgres")
    server = PrivateServer(data, _free_port(), as_user)
    try:
        server._run(str(PG_BIN / "initdb"), "-D", str(data / "db"), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--no-sync")  # fmt: skip
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            server.stop()
        shutil.rmtree(data, ignore_errors=True)
