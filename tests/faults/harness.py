"""Helpers of the fault suite: start worker processes together, and audit a registry file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from registry_tui import ModelRegistry
from registry_tui.ops import Problem

WORKER = Path(__file__).with_name("workers.py")
START_TIMEOUT_S = 60.0


def start(command: str, args: dict[str, Any]) -> subprocess.Popen[str]:
    """Start one worker process (it prints ``ready`` when set up)."""
    return subprocess.Popen(
        [sys.executable, str(WORKER), command, json.dumps(args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_ready(proc: subprocess.Popen[str]) -> None:
    """Block until the worker says ``ready``; fail with its stderr if it died first."""
    assert proc.stdout is not None
    # Byte by byte from the pipe itself: a buffered readline could swallow the result
    # line too, and communicate() reads the pipe, not the buffer.
    raw = b""
    while not raw.endswith(b"\n"):
        byte = os.read(proc.stdout.fileno(), 1)
        if not byte:
            break
        raw += byte
    line = raw.decode()
    if line.strip() != "ready":
        _, err = proc.communicate(timeout=START_TIMEOUT_S)
        raise AssertionError(f"worker did not start: {line!r} {err}")


def finish(proc: subprocess.Popen[str], timeout: float = 120.0) -> dict[str, Any]:
    """Wait for a worker; return its JSON result (the last line of its stdout)."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"worker timed out after {timeout} s") from None
    lines = out.strip().splitlines()
    assert proc.returncode == 0 and lines, f"worker failed ({proc.returncode}): {err}"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def run_together(
    command: str, args_list: list[dict[str, Any]], timeout: float = 120.0
) -> list[dict[str, Any]]:
    """Start one worker per args, wait until all are ready, release them at once, collect."""
    procs = [start(command, {**args, "barrier": True}) for args in args_list]
    try:
        for proc in procs:
            wait_ready(proc)
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        return [finish(proc, timeout) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


FILE_PROBLEMS = (
    "checkpoint_missing",
    "checkpoint_unreadable",
    "checkpoint_size",
    "checkpoint_changed",
    "export_missing",
)


def database_problems(registry: ModelRegistry) -> list[Problem]:
    """What ``check`` finds wrong with the database itself (checkpoint files aside)."""
    return [p for p in registry.check().problems if p.kind not in FILE_PROBLEMS]


def sqlite_audit(path: Path, tag: str = "production") -> dict[str, Any]:
    """Everything a crash must not break, read with plain sqlite3 from a registry file.

    Returns the findings; a sound registry gives ``integrity == ["ok"]``, no
    foreign-key violations, no orphans, every model with its register event,
    and ``holders`` / ``last_holder`` for ``tag``.
    """
    conn = sqlite3.connect(path, timeout=30)
    try:
        q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        missing = "NOT IN (SELECT model_id FROM models)"
        return {
            "integrity": [r[0] for r in q("PRAGMA integrity_check")],
            "foreign_keys": q("PRAGMA foreign_key_check"),
            "orphans": {
                table: q(f"SELECT COUNT(*) FROM {table} WHERE model_id {missing}")[0][0]
                for table in ("model_tags", "model_exports", "model_metrics", "checkpoint_hashes")
            },
            "models_without_register_event": q(
                "SELECT model_id FROM models WHERE model_id NOT IN "
                "(SELECT model_id FROM registry_events WHERE event = 'register')"
            ),
            "register_events_of_vanished_models": q(
                "SELECT model_id FROM registry_events e WHERE event = 'register' "
                f"AND model_id {missing} AND NOT EXISTS (SELECT 1 FROM registry_events d "
                "WHERE d.event = 'delete' AND d.model_id = e.model_id)"
            ),
            "models_missing_metric_rows": q(
                "SELECT model_id FROM models WHERE metrics NOT IN ('{}', '') "
                "AND model_id NOT IN (SELECT model_id FROM model_metrics)"
            ),
            "holders": [
                r[0] for r in q(f"SELECT model_id FROM model_tags WHERE tag_name = '{tag}'")
            ],
            "last_holder": q(
                "SELECT model_id FROM registry_events WHERE tag = '" + tag + "' "
                "AND event IN ('promote', 'rollback') ORDER BY event_id DESC LIMIT 1"
            ),
            "models": q("SELECT COUNT(*) FROM models")[0][0],
        }
    finally:
        conn.close()


def assert_sound(audit: dict[str, Any]) -> None:
    """Fail with the findings unless :func:`sqlite_audit` found a sound registry."""
    assert audit["integrity"] == ["ok"], audit
    assert audit["foreign_keys"] == [], audit
    assert set(audit["orphans"].values()) == {0}, audit
    assert audit["models_without_register_event"] == [], audit
    assert audit["register_events_of_vanished_models"] == [], audit
    assert audit["models_missing_metric_rows"] == [], audit
    assert len(audit["holders"]) == 1, audit
    assert audit["last_holder"] == [(audit["holders"][0],)], audit
