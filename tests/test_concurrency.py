"""Several real processes writing one registry at once (SQLite file and PostgreSQL)."""

from __future__ import annotations

import itertools
import multiprocessing as mp
from pathlib import Path

import pytest

from registry_tui import ModelRegistry

pytestmark = pytest.mark.slow


def _register_many(url: str, worker: int, count: int) -> int:
    errors = 0
    with ModelRegistry(url) as registry:
        for i in range(count):
            try:
                registry.register_model(
                    f"worker-{worker}",
                    f"1.0.{i}",
                    "c.pt",
                    "language_modeling",
                    metrics={"val_loss": 1.0 / (i + 1)},
                    tags=["experimental"] if i % 10 == 0 else None,
                    verify_checkpoint=False,
                )
            except Exception:
                errors += 1
    return errors


def _promote_round(url: str, model_id: int, rounds: int) -> int:
    with ModelRegistry(url) as registry:
        for _ in range(rounds):
            registry.promote_model(model_id, "production")
            registry.promote_model(model_id + 1 if model_id % 2 else model_id - 1, "production")
    return 0


def _run(target, args_list):  # type: ignore[no-untyped-def]
    ctx = mp.get_context("spawn")
    with ctx.Pool(len(args_list)) as pool:
        return pool.starmap(target, args_list)


def _registrations(url: str, processes: int, each: int) -> None:
    ModelRegistry(url).close()  # schema in place before the race
    errors = _run(_register_many, [(url, w, each) for w in range(processes)])
    assert errors == [0] * processes
    with ModelRegistry(url) as registry:
        frame = registry.list_models(status=None, limit=None)
        assert len(frame) == processes * each
        assert len(registry.history(limit=None).query("event == 'register'")) == processes * each


def _promotions(url: str, processes: int, rounds: int) -> None:
    with ModelRegistry(url) as registry:
        ids = [
            registry.register_model(f"m{i}", "1.0.0", "c.pt", "t", verify_checkpoint=False)
            for i in range(processes)
        ]
    assert ids == list(range(ids[0], ids[0] + processes))
    _run(_promote_round, [(url, model_id, rounds) for model_id in ids])
    with ModelRegistry(url) as registry:
        holders = registry.records.tag_holders("production")
        assert len(holders) == 1
        last = registry.events(tag="production", limit=1)[0]
        assert last.model_id == holders[0].model_id
        promotions = registry.events(tag="production", limit=None)
        # Every change of holder was recorded with the holder it replaced.
        for newer, older in itertools.pairwise(promotions):
            if newer.model_id != older.model_id:
                assert newer.previous_model_id == older.model_id


def test_four_processes_register_800_models_on_sqlite(tmp_path: Path) -> None:
    """4 processes x 200 registrations on one SQLite file: 800 rows, no error."""
    _registrations(str(tmp_path / "models.db"), 4, 200)


def test_eight_processes_promote_one_exclusive_tag_on_sqlite(tmp_path: Path) -> None:
    """8 processes promoting different models to 'production': one holder, history agrees."""
    _promotions(str(tmp_path / "models.db"), 8, 25)


@pytest.mark.postgres
def test_four_processes_register_on_postgres(pg_url: str) -> None:
    """The registration race on PostgreSQL."""
    _registrations(pg_url, 4, 100)


@pytest.mark.postgres
def test_eight_processes_promote_on_postgres(pg_url: str) -> None:
    """The promotion race on PostgreSQL: the advisory lock keeps one holder."""
    _promotions(pg_url, 8, 15)
