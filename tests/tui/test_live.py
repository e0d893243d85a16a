"""Live refresh: changes made by another connection show up without a key press."""

from __future__ import annotations

import time

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from tests.tui.helpers import main_screen, run, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


async def wait_for(pilot: Pilot[None], condition: object, timeout: float = 2.0) -> float:
    """Pause until ``condition()`` is true; return how long it took (fails after ``timeout``)."""
    start = time.perf_counter()
    while not condition():  # type: ignore[operator]
        assert time.perf_counter() - start < timeout, "not refreshed in time"
        await pilot.pause(0.05)
    return time.perf_counter() - start


def test_registration_from_another_connection_appears_within_two_seconds(seeded: Seeded) -> None:
    """Another ModelRegistry on the same file registers a model; the table shows it in < 2 s."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        await pilot.press("j", "j")  # v11
        await settle(pilot)
        with ModelRegistry(registry.location) as other:
            other.register_model(
                "trainer-job", "1.0.0", "ckpt/job.pt", "classification", verify_checkpoint=False
            )
        await wait_for(pilot, lambda: t.total == 5)
        await settle(pilot)
        record = t.record_at(0)
        assert record is not None and record.name == "trainer-job"
        assert t.current is not None and t.current.model_id == ids["v11"]  # cursor stayed
        assert t.cursor == 3

    run(registry, scenario, poll_interval=0.2)


def test_promotion_from_another_connection_updates_tags_and_sidebar(seeded: Seeded) -> None:
    """A CLI-style promote elsewhere moves the star in the table and the sidebar counts."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        t = table(app)
        with ModelRegistry(registry.location) as other:
            other.promote_model(ids["bert"], "production")

        def moved() -> bool:
            first = t.record_at(0)
            return first is not None and "production" in first.tags

        await wait_for(pilot, moved)
        await settle(pilot)
        facets = main_screen(app).facets
        assert facets is not None and dict(facets.tags)["production"] == 1

    run(registry, scenario, poll_interval=0.2)


def test_no_reload_while_nothing_changes(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    """Polling reads the change token (it was read again and again) but, as it does not
    move, the listing is not re-queried."""
    registry, _ = seeded
    reads: list[int] = []
    read_token = registry.records.change_token

    def counted() -> int:
        reads.append(1)
        return read_token()

    monkeypatch.setattr(registry.records, "change_token", counted)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        generation = screen.generation
        start = len(reads)
        await wait_for(pilot, lambda: len(reads) >= start + 3, timeout=5)
        await settle(pilot)
        assert screen.generation == generation

    run(registry, scenario, poll_interval=0.1)
