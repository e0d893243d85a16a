"""Approvals from several real processes at once, and a process killed mid-approval,
on a SQLite file and on the PostgreSQL server."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal

import pytest

from registry_tui import ModelRegistry
from tests.governance import workers
from tests.governance.helpers import acting_as, holder, two_models

RACERS = 4


def _setup(url: str, monkeypatch: pytest.MonkeyPatch, approvals: int) -> tuple[int, int, int]:
    with ModelRegistry(url) as registry:
        a, b = two_models(registry)
        with acting_as(monkeypatch, "admin"):
            registry.protect_tag("production", approvals=approvals)
        with acting_as(monkeypatch, "trainer"):
            rid = registry.request_promotion(b, "production", "better")
    return a, b, rid


@pytest.mark.parametrize("needed", [1, 2])
def test_racing_reviewers_move_the_tag_once(
    registry_url: str, monkeypatch: pytest.MonkeyPatch, needed: int
) -> None:
    """Four reviewers approving the same request at the same moment: exactly ``needed``
    approvals are recorded, the tag moves once (one promote event), the others are
    refused because the request is already applied, and the history is consistent."""
    _a, b, rid = _setup(registry_url, monkeypatch, needed)
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(RACERS), ctx.Queue()
    procs = [
        ctx.Process(target=workers.approve, args=(registry_url, f"rev{i}", rid, barrier, results))
        for i in range(RACERS)
    ]
    for p in procs:
        p.start()
    outcomes = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    states = sorted(outcomes.values())
    assert states.count("applied") == 1
    assert states.count("pending") == needed - 1
    refused = [s for s in states if s.startswith("refused")]
    assert len(refused) == RACERS - needed
    assert all(f"Request {rid} is already applied" in s for s in refused)
    with ModelRegistry(registry_url) as registry:
        assert holder(registry) == b
        done = registry.request(rid)
        assert done.state == "applied" and len(done.approvals) == needed
        events = registry.events(tag="production", limit=None)
        moves = [e for e in events if e.event == "promote" and e.details.get("request_id") == rid]
        assert len(moves) == 1
        assert sorted(moves[0].details["approved_by"]) == sorted(a.reviewer for a in done.approvals)
        assert sum(e.event == "approve" for e in events) == needed


def test_a_process_killed_inside_the_approval_leaves_nothing(
    registry_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 of a process stopped inside the approval's transaction, after the tag
    update: the request is still pending with no approval, the tag unmoved, no event of
    the approval; and the next approval goes through."""
    a, b, rid = _setup(registry_url, monkeypatch, 1)
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    child = ctx.Process(target=workers.approve_and_hang, args=(registry_url, "rev", rid, ready))
    child.start()
    assert ready.wait(timeout=120)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=60)
    with ModelRegistry(registry_url) as registry:
        r = registry.request(rid)
        assert r.state == "pending" and r.approvals == ()
        assert holder(registry) == a
        assert registry.events(tag="production", limit=1)[0].event == "request"
        with acting_as(monkeypatch, "rev2"):
            assert registry.approve(rid).state == "applied"
        assert holder(registry) == b
