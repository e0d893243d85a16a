"""Input validation: every value is checked before a transaction starts.

Each check raises :class:`~registry_tui.errors.ValidationError` with a
one-line message naming the offending value, so nothing half-valid is written.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Iterable, Mapping
from typing import Any

from registry_tui.errors import ValidationError
from registry_tui.metrics import is_finite

MAX_NAME_LENGTH = 256
MAX_TEXT_LENGTH = 4096
MAX_JSON_BYTES = 1_000_000
MAX_JSON_DEPTH = 64
_TAG = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def model_id(value: Any, what: str = "model_id") -> int:
    """Accept any integral (int, numpy.int64 ...) except bool; return a plain int."""
    if isinstance(value, bool):
        raise ValidationError(f"{what} must be an integer, not {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        raise ValidationError(f"{what} must be an integer, not {value!r}") from None
    if not -(2**63) <= number < 2**63:  # what both databases' 64-bit integers hold
        raise ValidationError(f"{what} {_short(number)} is out of range")
    return number


def count(value: Any, what: str) -> int:
    """A limit or an offset: an integer from 0 to 2**63-1 (bool and str refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise ValidationError(
            f"{what} must be an integer from 0 to {2**63 - 1}, not {_short(value)}"
        )
    return value


def optional_id(value: Any, what: str) -> int | None:
    """Like :func:`model_id` but ``None`` passes through."""
    return None if value is None else model_id(value, what)


def name(value: Any, what: str = "name") -> str:
    """A model name: non-blank text of at most 256 characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} must be a non-empty string, not {_short(value)}")
    if len(value) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"{what} is {len(value):,} characters long; the limit is {MAX_NAME_LENGTH}"
        )
    return storable(value, what)


def text(value: Any, what: str) -> str:
    """A required free-text field (task type, paths): non-blank, bounded."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} must be a non-empty string, not {_short(value)}")
    if len(value) > MAX_TEXT_LENGTH:
        raise ValidationError(f"{what} is too long ({len(value):,} characters)")
    return storable(value, what)


def storable(value: str, what: str) -> str:
    """Refuse text that SQLite and PostgreSQL cannot both store as given.

    A NUL character (PostgreSQL refuses it) or a lone surrogate (not encodable
    as UTF-8) would otherwise fail deep in the driver, or differently per backend.
    """
    if "\x00" in value:
        raise ValidationError(f"{what} must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{what} is not valid Unicode text (lone surrogate)") from None
    return value


def tag(value: Any, what: str = "tag") -> str:
    """A tag name: 1-64 letters, digits, '-', '_' or '.'."""
    if not isinstance(value, str) or not _TAG.fullmatch(value):
        raise ValidationError(
            f"Invalid {what} {_short(value)}: use 1-64 letters, digits, '-', '_' or '.'"
        )
    return value


def tags(values: Iterable[Any] | None, what: str = "tag") -> list[str]:
    """Validate a list of tags; duplicates collapse, order kept."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return list(dict.fromkeys(tag(v, what) for v in values))


def number(value: Any, what: str) -> float | None:
    """An optional finite, non-negative float (sizes, memory)."""
    if value is None:
        return None
    if isinstance(value, bool | str | bytes):
        raise ValidationError(f"{what} must be a number, not {_short(value)}")
    if not isinstance(value, int | float):
        try:
            value = float(value)  # numpy and Decimal numbers
        except (TypeError, ValueError):
            raise ValidationError(f"{what} must be a number, not {_short(value)}") from None
    if not is_finite(value) or value < 0:
        raise ValidationError(f"{what} must be a finite number >= 0, not {_short(value)}")
    return float(value)


def finite_number(value: Any, what: str) -> float:
    """A finite int or float (a bool or a string is refused, as for metrics)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{what} must be a number, not {_short(value)}")
    if not is_finite(value):
        raise ValidationError(f"{what} must be a finite number, not {_short(value)}")
    return float(value)


def metric_name(value: Any) -> str:
    """A metric name: 1-128 characters of storable text."""
    if not isinstance(value, str) or not value.strip() or len(value) > 128:
        raise ValidationError(f"Invalid metric name {_short(value)}: use 1-128 characters")
    return storable(value, "metric name")


def metrics(values: Any) -> dict[str, float | int]:
    """A dict of metric names to finite numbers (bool, str, NaN and inf refused)."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ValidationError(f"metrics must be a dict of name -> number, not {_short(values)}")
    out: dict[str, float | int] = {}
    for key, value in values.items():
        metric_name(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            value = _coerce_numeric(key, value)
        if not is_finite(value):
            raise ValidationError(f"Metric {key!r} must be a finite number, not {_short(value)}")
        out[key] = int(value) if isinstance(value, int) else float(value)
    return out


def _coerce_numeric(key: str, value: Any) -> float | int:
    """numpy scalars are numbers; strings and others are not."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        item = value.item()
        if isinstance(item, int | float) and not isinstance(item, bool):
            return item
    raise ValidationError(f"Metric {key!r} must be a number, not {_short(value)}")


def json_object(value: Any, what: str) -> str:
    """Encode a JSON-serialisable dict, refusing deep nesting and values over 1 MB."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{what} must be a dict, not {_short(value)}")
    _check_depth(value, what)
    try:
        encoded = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{what} is not JSON-serialisable: {exc}") from None
    try:
        size = len(encoded.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValidationError(f"{what} is not valid Unicode text (lone surrogate)") from None
    if size > MAX_JSON_BYTES:
        raise ValidationError(
            f"{what} is {size:,} bytes as JSON; the limit is {MAX_JSON_BYTES:,} bytes (1 MB)"
        )
    return encoded


def _check_depth(value: Any, what: str) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValidationError(f"{what} is nested too deeply (limit {MAX_JSON_DEPTH} levels)")
        if isinstance(item, Mapping):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list | tuple):
            stack.extend((v, depth + 1) for v in item)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
