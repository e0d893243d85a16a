"""``kill -9`` in the middle of writes, 100 times: nothing half-done survives.

Two writer processes at a time register models in bursts (with tags,
metrics, configs and exports), promote models to ``production`` and delete
models; each is killed with SIGKILL at a seeded random moment. After every
ten rounds, and at the end, the file is audited with plain sqlite3.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from tests.faults.harness import (
    assert_sound,
    database_problems,
    sqlite_audit,
    start,
    wait_ready,
)

pytestmark = pytest.mark.slow

KILLS = 100
AT_ONCE = 2
MAX_DELAY_S = 0.08
SEED = 20260101


def test_kill_9_during_writes_leaves_a_sound_registry(tmp_path: Path) -> None:
    """100 SIGKILLs at random moments: integrity ok, no orphans, one production holder."""
    db = tmp_path / "models.db"
    checkpoint = tmp_path / "model.pt"
    checkpoint.write_bytes(b"\x01" * 4096)
    with ModelRegistry(db, actor="setup@test") as registry:
        ids = [
            registry.register_model(f"base-{i}", "1.0.0", str(checkpoint), "language_modeling")
            for i in range(6)
        ]
        registry.promote_model(ids[0], "production")
    common = {"db": str(db), "ids": ids, "checkpoint": str(checkpoint)}
    rng = random.Random(SEED)
    deadline = time.monotonic() + 120
    killed = 0
    for round_number in range(KILLS // AT_ONCE):
        assert time.monotonic() < deadline, f"only {killed} kills in the time allowed"
        victims = [
            start("chaos", {**common, "seed": round_number * AT_ONCE + k}) for k in range(AT_ONCE)
        ]
        for victim in victims:
            wait_ready(victim)
        moments = sorted(rng.uniform(0, MAX_DELAY_S) for _ in victims)
        began = time.monotonic()
        for victim, moment in zip(victims, moments, strict=True):
            time.sleep(max(0.0, moment - (time.monotonic() - began)))
            os.kill(victim.pid, signal.SIGKILL)
        for victim in victims:
            victim.communicate(timeout=30)
            assert victim.returncode == -signal.SIGKILL
            killed += 1
        if round_number % 10 == 9:
            assert_sound(sqlite_audit(db))
    assert killed == KILLS
    audit = sqlite_audit(db)
    assert_sound(audit)
    assert audit["models"] > len(ids)  # the victims did get work done between kills
    with ModelRegistry(db, actor="after@test") as registry:
        assert database_problems(registry) == []
        holder = registry.records.find(tag="production")
        assert holder is not None
        assert registry.events(tag="production", limit=1)[0].model_id == holder.model_id
        new = registry.register_model("after-crash", "1.0.0", str(checkpoint), "t")
        registry.promote_model(new, "production")
        assert [r.model_id for r in registry.records.tag_holders("production")] == [new]
