"""The main screen's reads run on two long-lived threads (warm connections), side by side."""

from __future__ import annotations

import threading

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.errors import ValidationError
from registry_tui.records import ModelQuery, ModelRecord
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.reads import Readers
from tests.tui.helpers import main_screen, run, settle

Seeded = tuple[ModelRegistry, dict[str, int]]


def test_both_reads_run_at_the_same_time() -> None:
    """``both`` runs its two reads concurrently: each waits for the other at a barrier."""
    readers = Readers()
    barrier = threading.Barrier(2, timeout=5)

    def meet(value: int) -> int:
        barrier.wait()
        return value

    assert readers.both(lambda: meet(1), lambda: meet(2)) == (1, 2)
    readers.close()


def test_an_error_in_either_read_is_raised_after_both_ended() -> None:
    """The error of either read reaches the caller, and no read is left running behind it."""
    readers = Readers()
    ended: list[str] = []

    def slow() -> int:
        barrier.wait()
        ended.append("slow")
        return 1

    def failing() -> int:
        barrier.wait()
        raise ValidationError("bad")

    barrier = threading.Barrier(2, timeout=5)
    with pytest.raises(ValidationError):
        readers.both(failing, slow)
    assert ended == ["slow"]
    barrier = threading.Barrier(2, timeout=5)
    with pytest.raises(ValidationError):
        readers.both(slow, failing)
    readers.close()


def test_listings_pages_and_details_are_read_on_the_two_reader_threads(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the number of listings, every listing and detail read runs on one of the
    same two threads, so their connections (and page caches) stay warm."""
    registry, _ = seeded
    threads: list[str] = []
    read_listing, read_detail = registry.records.query, registry.records.get

    def listing(query: ModelQuery, offset: int = 0, limit: int | None = 100) -> list[ModelRecord]:
        threads.append(threading.current_thread().name)
        return read_listing(query, offset, limit)

    def detail(model_id: int) -> ModelRecord | None:
        threads.append(threading.current_thread().name)
        return read_detail(model_id)

    monkeypatch.setattr(registry.records, "query", listing)
    monkeypatch.setattr(registry.records, "get", detail)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        bar = main_screen(app).filter_bar
        for text in ("g", "gp", "gpt", "", "bert", ""):
            bar.input.value = text
            await settle(pilot, 0.1)

    run(registry, scenario)
    assert len(threads) >= 12
    assert all(name.startswith("registry-read") for name in threads), threads
    assert len(set(threads)) <= 2
