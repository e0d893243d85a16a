"""Numbers for reading in full: exact metric values and counted nouns.

:func:`exact_value` is the formatter for places that promise the stored value
exactly (the detail screen, ``get``): the shortest text that reads back as the
same float, in scientific notation when it is very large or very small, so
``0.000012345`` is ``1.2345e-05`` and ``123456789.5`` stays ``123456789.5``.
"""

from __future__ import annotations

import math
from decimal import Decimal

SCIENTIFIC_BELOW = 1e-4
"""Magnitudes under this (but not zero) are written in scientific notation."""

SCIENTIFIC_FROM = 1e15
"""Magnitudes from this up are written in scientific notation."""


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
