"""The query language: metric conditions, sort keys, name globs, the filter bar.

User text never becomes SQL text. A condition such as ``val_loss < 0.4`` is
parsed into a :class:`Condition` (field name, operator from a fixed set, float
value); field names are either one of :data:`NUMERIC_COLUMNS` or a metric name
that is *bound as a parameter* against the indexed ``model_metrics`` table.

The filter bar language, shared by the TUI and anything else that accepts a
one-line filter::

    gpt tag:production task:classification status:retired|all name:gpt-* val_loss<0.4 sort:-accuracy
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace

from registry_tui.errors import ValidationError
from registry_tui.escapes import decode_value
from registry_tui.records import STATUSES, ModelQuery

NUMERIC_COLUMNS: tuple[str, ...] = ("model_size_mb", "memory_req_gb", "training_run_id")
COLUMN_SORTS: tuple[str, ...] = (
    "created_at",
    "name",
    "version",
    "model_id",
    "task_type",
    "status",
    *NUMERIC_COLUMNS,
)
OPERATORS: tuple[str, ...] = ("<=", ">=", "!=", "==", "<", ">", "=")
_FIELD = r"[A-Za-z_][A-Za-z0-9_.\-/]*"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_CONDITION = re.compile(rf"^\s*({_FIELD})\s*(<=|>=|!=|==|<|>|=)\s*({_NUMBER})\s*$")
_HAS_OPERATOR = re.compile(r"[<>=!]")
_FILTER_KEYS = {"tag": "tag", "task": "task_type", "task_type": "task_type", "status": "status"}


@dataclass(frozen=True, slots=True)
class Condition:
    """``field op value``; ``field`` is a numeric column or a metric name."""

    field: str
    op: str
    value: float

    @property
    def is_column(self) -> bool:
        """True when ``field`` is a column of ``models`` rather than a metric."""
        return self.field in NUMERIC_COLUMNS

    def __str__(self) -> str:
        return f"{self.field} {self.op} {self.value:g}"


@dataclass(frozen=True, slots=True)
class SortKey:
    """A sort key: a column or a metric, ascending or descending."""

    field: str
    descending: bool

    @property
    def is_column(self) -> bool:
        """True when sorting by a column rather than a metric."""
        return self.field in COLUMN_SORTS


def parse_condition(text: str) -> Condition:
    """Parse ``"val_loss < 0.4"``.

    Raises:
        ValidationError: saying what is wrong and showing the expected form.
    """
    if not isinstance(text, str):
        raise ValidationError(f"A condition must be a string like 'val_loss < 0.4', not {text!r}")
    match = _CONDITION.match(text)
    if match is None:
        raise ValidationError(_condition_problem(text))
    field, op, raw = match.groups()
    value = float(raw)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(f"Invalid condition {text!r}: the value must be a finite number")
    return Condition(field, "=" if op == "==" else op, value)


def _condition_problem(text: str) -> str:
    shown = text if len(text) <= 80 else text[:77] + "..."
    hint = "expected <metric or column> <op> <number>, e.g. 'val_loss < 0.4'"
    stripped = text.strip()
    if not stripped:
        return "Empty condition: " + hint
    ops = re.findall(r"<=|>=|!=|==|<|>|=|=>|=<|<>|~|!", stripped)
    if not ops:
        return f"Invalid condition {shown!r}: no operator; use one of < <= > >= = !="
    field = re.match(rf"^\s*({_FIELD})\s*", stripped)
    if field is None:
        return f"Invalid condition {shown!r}: the left side must be a metric or column name"
    rest = stripped[field.end() :]
    if not rest or rest[0] not in "<>=!~":
        return (
            f"Invalid condition {shown!r}: expected an operator (< <= > >= = !=) "
            f"after {field.group(1)!r}"
        )
    op = re.match(r"(<=|>=|!=|==|<|>|=)(?![<>=!])", rest)
    if op is None:
        return f"Invalid condition {shown!r}: unknown operator; use one of < <= > >= = !="
    return f"Invalid condition {shown!r}: the right side must be a single number; " + hint


def parse_conditions(where: str | list[str] | tuple[str, ...] | None) -> list[Condition]:
    """Parse a condition string or a list of them (ANDed)."""
    if where is None:
        return []
    if isinstance(where, str):
        where = [where]
    if not isinstance(where, list | tuple):
        raise ValidationError(f"where must be a string or a list of strings, not {where!r}")
    return [parse_condition(w) for w in where]


def parse_sort(text: str | None) -> SortKey | None:
    """Parse a sort key such as ``-accuracy`` or ``version``; ``None`` for the default."""
    if text is None:
        return None
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(f"Invalid sort key {text!r}: use e.g. 'created_at' or '-accuracy'")
    stripped = text.strip()
    descending = stripped.startswith("-")
    field = stripped.lstrip("-+")
    if not re.fullmatch(_FIELD, field):
        raise ValidationError(
            f"Invalid sort key {text!r}: use a column (name, version, created_at, ...) "
            "or a metric name, with '-' for descending"
        )
    return SortKey(field, descending)


def glob_to_like(pattern: str) -> str:
    """Translate a shell glob (``*``, ``?``) to a LIKE pattern escaped with ``\\``."""
    out = []
    for char in pattern:
        if char in "%_\\":
            out.append("\\" + char)
        elif char == "*":
            out.append("%")
        elif char == "?":
            out.append("_")
        else:
            out.append(char)
    return "".join(out)


def is_glob(pattern: str) -> bool:
    """True when ``pattern`` has a wildcard."""
    return "*" in pattern or "?" in pattern


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so ``text`` matches literally."""
    return re.sub(r"([%_\\])", r"\\\1", text)


def parse_filter(text: str, base: ModelQuery | None = None) -> ModelQuery:
    """Parse the filter-bar language into a :class:`ModelQuery`.

    Tokens: ``tag:X``, ``task:X``, ``status:active|retired|all``, ``name:GLOB``,
    ``sort:[-]KEY``, conditions like ``val_loss<0.4``; other words match names.

    Raises:
        ValidationError: naming the first bad token.
    """
    query = base or ModelQuery()
    try:
        tokens = [decode_value(token) for token in shlex.split(text)]  # see escapes.encode_value
    except ValueError:
        raise ValidationError("Unbalanced quote in filter") from None
    words: list[str] = []
    where: list[str] = []
    for token in tokens:
        key, sep, value = token.partition(":")
        if sep and not _HAS_OPERATOR.search(key):
            query = _apply_key(query, key.lower(), value, token)
        elif _HAS_OPERATOR.search(token):
            parse_condition(token)
            where.append(token)
        else:
            words.append(token)
    return replace(
        query,
        text=" ".join(words) or None,
        where=tuple(query.where) + tuple(where),
    )


def _apply_key(query: ModelQuery, key: str, value: str, token: str) -> ModelQuery:
    if not value:
        raise ValidationError(f"Filter {token!r} needs a value, e.g. {key}:something")
    if key in ("tag", "task", "task_type"):
        if key == "tag":
            from registry_tui import validate

            validate.tag(value)
        if _FILTER_KEYS[key] == "tag":
            return replace(query, tag=value)
        return replace(query, task_type=value)
    if key == "status":
        status = value.lower()
        if status not in (*STATUSES, "all"):
            raise ValidationError(f"Unknown status {value!r}: use active, retired or all")
        return replace(query, status=None if status == "all" else status)
    if key == "name":
        return replace(query, name=value)
    if key == "sort":
        parse_sort(value)
        return replace(query, order_by=value)
    raise ValidationError(
        f"Unknown filter {token!r}: use tag:, task:, status:, name:, sort: "
        "or a condition like val_loss<0.4"
    )


def describe(query: ModelQuery) -> str:
    """The filter-bar text that :func:`parse_filter` turns back into ``query``."""
    parts = []
    if query.text:
        parts.append(query.text)
    if query.tag:
        parts.append(f"tag:{query.tag}")
    if query.task_type:
        parts.append(f"task:{query.task_type}")
    if query.status != "active":
        parts.append(f"status:{query.status or 'all'}")
    if query.name:
        parts.append(f"name:{query.name}")
    parts.extend(w.replace(" ", "") for w in query.where)
    if query.order_by:
        parts.append(f"sort:{query.order_by}")
    return " ".join(parts)
