"""Values as a real ``models.db`` holds them, made into what a record promises.

The guide's original module writes whatever it is given (plain ``sqlite3``,
no type checks), so a column may hold text where a number belongs, a BLOB
name, metrics that are not a dict of numbers, ``created_at`` as an integer or
with a UTC offset. :func:`clean_model` turns one ``models`` row into the typed
values of a :class:`~registry_tui.records.ModelRecord` and says, per field,
what it had to set aside (``odd``), so every face can show the value marked
and ``check`` can report it. Nothing here writes; ``check --repair`` does.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from registry_tui.records import RECORD_COLUMNS

if TYPE_CHECKING:
    from registry_tui.records import ColumnKind

ODD_METRICS = "metrics"
TAG_SEPARATOR = "\x1f"
"""Between the tag names that the record projection aggregates into one text."""
_FMT = "%Y-%m-%d %H:%M:%S"
_CANONICAL = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.ASCII)
"""``created_at`` exactly as registry-tui writes it (``_FMT``)."""


def short(value: Any) -> str:
    """A raw value for messages: ``repr`` cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_text(value: Any) -> tuple[str, str | None]:
    """Text columns: BLOBs decoded (bad bytes as ``\\xff``), numbers and NULL as text."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace"), f"stored as a BLOB: {short(value)}"
    if value is None:
        return "", "NULL"
    return str(value), f"stored as {type(value).__name__}: {short(value)}"


def as_optional_text(value: Any) -> tuple[str | None, str | None]:
    """Text that may be missing (``config_hash``): NULL and empty text are None."""
    if value is None:
        return None, None
    text, problem = as_text(value)
    return text or None, problem


def as_id(value: Any) -> tuple[int, str | None]:
    """The model's id: an integer primary key, on every writer."""
    return int(value), None


def as_int(value: Any) -> tuple[int | None, str | None]:
    """Id columns: ints; integral text (``"7"``) read as a number; anything else None."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value, None
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    try:
        return int(text.strip()), f"stored as text: {short(value)}"
    except ValueError:
        return None, f"not an id: {short(value)}"


def as_float(value: Any) -> tuple[float | None, str | None]:
    """Size columns: finite numbers; numeric text read as a number; anything else None."""
    if value is None:
        return None, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return (number, None) if math.isfinite(number) else (None, f"not finite: {value!r}")
    try:
        number = float(value.decode() if isinstance(value, bytes) else value)
    except (TypeError, ValueError, UnicodeDecodeError):
        return None, f"not a number: {short(value)}"
    if not math.isfinite(number):
        return None, f"not finite: {short(value)}"
    return number, f"stored as text: {short(value)}"


def _json(value: Any) -> tuple[Any, str | None]:
    if value is None or value == "":
        return None, None
    if value == "{}":  # what most rows hold: no parser needed
        return {}, None
    if value == "[]":
        return [], None
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    if not isinstance(text, str):
        return None, f"not JSON text: {short(value)}"
    try:
        data, end = _RAW_DECODE(text)  # json.loads without its whitespace scans
        if end == len(text):
            return data, None
    except ValueError:
        pass  # leading whitespace, or not JSON: json.loads decides
    try:
        return json.loads(text), None
    except ValueError:
        return None, f"not valid JSON: {short(value)}"


_RAW_DECODE = json.JSONDecoder().raw_decode
_NUMBER_TYPES = frozenset({int, float})


def as_metrics(value: Any) -> tuple[dict[str, float], str | None]:
    """A metrics column: the finite numbers kept; what else it held described."""
    data, problem = _json(value)
    if data is None:
        return {}, problem
    if not isinstance(data, dict):
        return {}, f"not a dict: {short(data)}"
    if _all_finite_numbers(data.values()):
        return data, None  # JSON keys are text already
    kept: dict[str, float] = {}
    dropped: dict[str, Any] = {}
    for key, item in data.items():
        if isinstance(item, int | float) and not isinstance(item, bool) and _finite(item):
            kept[str(key)] = item
        else:
            dropped[str(key)] = item
    if not dropped:
        return kept, None
    return kept, "not numbers: " + ", ".join(f"{k}={short(v)}" for k, v in dropped.items())


def _all_finite_numbers(values: Any) -> bool:
    """True when every value is an int or float (not a bool) and their sum is finite,
    so each is (a NaN or an infinity makes the sum one). False may be wrong; the
    caller then checks each value."""
    if not set(map(type, values)) <= _NUMBER_TYPES:  # bool is a type of its own
        return False
    try:
        return math.isfinite(sum(values))
    except OverflowError:
        return False


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def as_list(value: Any) -> tuple[tuple[str, ...], str | None]:
    """``export_formats``: a list of names; other items made text, NULL items dropped."""
    data, problem = _json(value)
    if data is None:
        return (), problem
    if not isinstance(data, list):
        return (), f"not a list: {short(data)}"
    names = tuple(
        str(item) if not isinstance(item, str) else item for item in data if item is not None
    )
    odd = any(not isinstance(item, str) for item in data)
    return names, (f"not all names: {short(data)}" if odd else None)


def as_dict(value: Any) -> tuple[dict[str, Any], str | None]:
    """``metadata``: a JSON object, else empty."""
    data, problem = _json(value)
    if data is None:
        return {}, problem
    if not isinstance(data, dict):
        return {}, f"not a dict: {short(data)}"
    return data, None


def as_timestamp(value: Any) -> tuple[str, str | None]:
    """``created_at`` as UTC ``YYYY-MM-DD HH:MM:SS``.

    A datetime or that text passes; ISO text with a UTC offset is converted to
    UTC (the offset kept, not dropped); an integer is read as Unix seconds;
    anything else is shown as it is, marked.
    """
    if value is None:
        return "", "NULL"
    if isinstance(value, str) and _CANONICAL.fullmatch(value) and value[0] != "0":
        try:  # already what this returns (a real date and time, as written here)
            datetime.fromisoformat(value)
            return value, None
        except ValueError:
            pass
    if isinstance(value, datetime):
        return _utc(value).strftime(_FMT), None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            moment = datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return str(value), f"not a time: {short(value)}"
        return moment.strftime(_FMT), f"stored as a number: {short(value)}"
    text, problem = as_text(value)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return text, f"not a time: {short(value)}"
    converted = _utc(moment).strftime(_FMT)
    if moment.tzinfo is not None and moment.utcoffset():
        return converted, problem or f"had a UTC offset: {short(value)}"
    return converted, problem


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def as_status(value: Any) -> tuple[str, str | None]:
    """``status``: ``active``/``retired``; others (``experimental``, NULL) kept, marked."""
    if value in ("active", "retired"):
        return str(value), None
    text, _ = as_text(value)
    return (text or "NULL"), f"not active or retired: {short(value)}"


def as_tags(tag_list: str | None) -> tuple[tuple[str, ...], str | None]:
    """The aggregated tag names, sorted; duplicate rows collapse, reported."""
    if not tag_list:
        return (), None
    names = tag_list.split(TAG_SEPARATOR)
    unique = tuple(sorted(set(names)))
    if len(unique) == len(names):
        return unique, None
    return unique, f"duplicate tag rows: {', '.join(sorted(names))}"


def clean_model(row: Sequence[Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """One row of the record projection -> (record fields, odd values by field).

    The row holds :data:`~registry_tui.records.RECORD_COLUMNS` in order (the
    projection is built from them), so each value is read by its column's kind.
    A value already of the kind's plain type (text in a text column, an
    integer or NULL in an id column) is taken as it is, without its reader:
    that is nearly every value, and a listing reads thousands of them.
    """
    odd: dict[str, str] = {}
    fields: dict[str, Any] = {}
    for name, index, plain, reader in _READERS:
        value = row[index]
        if type(value) in plain:
            fields[name] = value
            continue
        fields[name], problem = reader(value)
        if problem is not None:
            odd[name] = problem
    return fields, odd


def clean_columns(rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    """:func:`clean_model`'s fields of each row, by column (no ``odd``): what a
    DataFrame is built from.

    A column whose values are all already of its kind's plain type is taken
    whole; any other is read value by value, as :func:`clean_model` would.
    """
    columns: dict[str, list[Any]] = {}
    for name, index, plain, reader in _READERS:
        values = [row[index] for row in rows]
        if set(map(type, values)) <= plain:
            columns[name] = values
            continue
        whole = _WHOLE.get(name)
        cleaned = whole(values) if whole is not None else None
        columns[name] = cleaned if cleaned is not None else [reader(v)[0] for v in values]
    return columns


def _statuses(values: list[Any]) -> list[Any] | None:
    return values if set(values) <= _PLAIN_STATUSES else None


def _optional_texts(values: list[Any]) -> list[Any] | None:
    plain = set(map(type, values)) <= {str, _NONE} and "" not in values
    return values if plain else None


def _no_exports(values: list[Any]) -> list[Any] | None:
    return [()] * len(values) if set(values) <= _EMPTY_LISTS else None


def _no_metadata(values: list[Any]) -> list[Any] | None:
    return [{} for _ in values] if set(values) <= _EMPTY_OBJECTS else None


def _no_tags(values: list[Any]) -> list[Any] | None:
    return [()] * len(values) if set(values) <= _NO_TAGS else None


_READER_OF: dict[ColumnKind, Any] = {
    "id": as_id, "int": as_int, "float": as_float, "text": as_text,
    "optional_text": as_optional_text, "time": as_timestamp, "status": as_status,
    "metrics": as_metrics, "object": as_dict, "list": as_list, "tags": as_tags,
}  # fmt: skip
"""How a value of each kind of column is read (see :class:`~registry_tui.records.ModelColumn`)."""
_NONE = type(None)
_PLAIN: dict[ColumnKind, frozenset[type]] = {
    "id": frozenset({int}), "int": frozenset({int, _NONE}), "text": frozenset({str}),
    "float": frozenset({_NONE}),
}  # fmt: skip
"""Types a kind's reader would return unchanged and without a problem (others: read)."""
_PLAIN_STATUSES = frozenset({"active", "retired"})
_EMPTY_LISTS = frozenset({"[]"})
_EMPTY_OBJECTS = frozenset({"{}"})
_NO_TAGS: frozenset[Any] = frozenset({None, ""})
_WHOLE_OF: dict[ColumnKind, Any] = {
    "status": _statuses, "optional_text": _optional_texts, "list": _no_exports,
    "object": _no_metadata, "tags": _no_tags,
}  # fmt: skip
"""A column of a kind read whole when its values are the common plain ones (what the
kind's reader would make of each, without asking it), else None: read value by value."""
_WHOLE: dict[str, Any] = {
    column.name: _WHOLE_OF[column.kind] for column in RECORD_COLUMNS if column.kind in _WHOLE_OF
}
_READERS: tuple[tuple[str, int, frozenset[type], Any], ...] = tuple(
    (column.name, index, _PLAIN.get(column.kind, frozenset()), _READER_OF[column.kind])
    for index, column in enumerate(RECORD_COLUMNS)
)
"""Which reader makes each record field of :func:`clean_model`, from which column."""
