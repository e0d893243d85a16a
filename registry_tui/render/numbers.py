"""Numbers for people: metric values shown short, or in full.

:func:`format_value` is the formatter of tables, trees and cells (up to four
significant decimals). :func:`exact_value` is the formatter for places that promise the stored value
exactly (the detail screen, ``get``): the shortest text that reads back as the
same float, in scientific notation when it is very large or very small, so
``0.000012345`` is ``1.2345e-05`` and ``123456789.5`` stays ``123456789.5``.
"""

from __future__ import annotations

import math
from decimal import Decimal

from registry_tui.checkpoints.facts import memory_is_estimated

SCIENTIFIC_BELOW = 1e-4
"""Magnitudes under this (but not zero) are written in scientific notation."""

SCIENTIFIC_FROM = 1e15
"""Magnitudes from this up are written in scientific notation."""

ESTIMATE_MARK = "~"
"""Before a ``memory_req_gb`` the registry estimated from the checkpoint (``~14.2 GB``)."""


def exact_value(value: float | None) -> str:
    """``value`` exactly: ``float(exact_value(v)) == v`` for every finite float."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < SCIENTIFIC_FROM:
        return str(value)
    number = float(value)
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    magnitude = abs(number)
    if magnitude and not SCIENTIFIC_BELOW <= magnitude < SCIENTIFIC_FROM:
        digits = len(Decimal(repr(number)).normalize().as_tuple().digits)
        return f"{number:.{max(digits - 1, 0)}e}"
    if number.is_integer():
        return str(int(number))
    return repr(number)


def format_value(value: float | None) -> str:
    """A metric value for people: up to 4 significant decimals, ints as ints."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.1f}"
    if magnitude >= 1:
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def format_memory(value: float | None, metadata: object, unit: str = " GB") -> str:
    """A ``memory_req_gb`` for people: ``~14.2 GB`` when the registry estimated it (the
    model's ``metadata`` says so), ``4 GB`` when measured or given, ``-`` when unknown.

    Every table and panel showing the memory requirement writes it with this, so an
    estimate reads as one everywhere; JSON and CSV keep the number. ``unit`` is left
    out where a header already says it.
    """
    if value is None:
        return "-"
    mark = ESTIMATE_MARK if memory_is_estimated(metadata) else ""
    return f"{mark}{format_value(value)}{unit}"
