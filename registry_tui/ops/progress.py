"""Progress reporting for long maintenance operations, without importing rich.

Operations take an optional callback ``progress(stage, done, total)``; the
CLI passes one that drives a rich progress bar on a terminal, the Python API
passes none.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: ``stage`` names the step, e.g. ``"models"``."""


def silent(stage: str, done: int, total: int) -> None:
    """A progress callback that reports nothing."""


def or_silent(progress: Progress | None) -> Progress:
    """``progress``, or :func:`silent` when it is ``None``."""
    return progress if progress is not None else silent
