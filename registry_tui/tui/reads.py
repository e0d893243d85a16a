"""Two long-lived reader threads for the main screen's listings.

Textual's thread workers each run in a new thread, and a new thread means a new
database connection with an empty page cache: at a million models the first
pages of a listing then come from the operating system, not from SQLite's
cache. The screen's workers hand their reads to these two threads instead (and
wait for them), so every listing runs on a warm connection, and a listing and
its count run side by side on the machine's two cores.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")

READERS = 2


class Readers:
    """Run reads on warm threads: one at a time, or two side by side."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="registry-read")

    def run(self, read: Callable[[], A]) -> A:
        """``read()`` on a reader thread; its result, or its exception raised here."""
        return self._pool.submit(read).result()

    def both(self, first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
        """``first()`` and ``second()`` at the same time; both results (or the first error)."""
        later = self._pool.submit(second)
        try:
            result = self._pool.submit(first).result()
        finally:
            wait([later])  # never leave a read running behind an error
        return result, later.result()

    def close(self) -> None:
        """Let the threads end (reads still queued are dropped)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
