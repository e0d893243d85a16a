"""Numbers for people: metric values shown short, or in full.

:func:`format_value` is the formatter of tables, trees and cells (up to four
significant decimals). :func:`exact_value` is the formatter for places that promise the stored value
exactly (the detail screen, ``get``): the shortest text that reads back as the
same float, in scientific notation when it is very large or very small, so
``0.000012345`` is ``1.2345e-05`` and ``123456789.5`` stays ``123456789.5``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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


_BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")
_COUNT_UNITS = ("", "K", "M", "B", "T")


def _humanised(value: float, units: Sequence[str], space_before_empty: bool) -> str:
    index = 0
    while index < len(units) - 1 and round(value, 3 - len(str(int(value)))) >= 1000:
        value /= 1000
        index += 1
    digits = f"{value:.3g}" if value >= 1 or value == 0 else f"{value:.2g}"
    if "e" in digits:
        digits = f"{value:.0f}"
    unit = units[index]
    return f"{digits} {unit}" if unit or space_before_empty else digits


def human_bytes(count: int) -> str:
    """Bytes in decimal units, three significant digits: ``13.5 GB``, ``512 B``."""
    return _humanised(float(count), _BYTE_UNITS, True)


def human_count(count: int) -> str:
    """A parameter count: ``7.24 B``, ``125 M``, ``4.1 K``, ``12``."""
    return _humanised(float(count), _COUNT_UNITS, False)


def format_params(value: int | None) -> str:
    """A parameter count for people: ``7.24 B (7,241,732,096)``, ``-`` when unknown."""
    if value is None:
        return "-"
    return f"{human_count(value)} ({value:,})" if value >= 1000 else str(value)
