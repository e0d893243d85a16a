"""Counts as words: ``1 model``, ``48,213 models``.

Every count of models the faces show goes through :func:`count_label`, so a
change in how counts are known (say, capped counts on very large registries,
shown as ``10,000+``) is made in one place.
"""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``noun`` or its plural, agreeing with ``count``."""
    return noun if count == 1 else (plural_form or noun + "s")


def count_label(count: int, noun: str = "model", *, at_least: bool = False) -> str:
    """``1 model``, ``48,213 models``; with ``at_least``, ``10,000+ models``."""
    more = "+" if at_least else ""
    return f"{count:,}{more} {plural(count if not at_least else 2, noun)}"
