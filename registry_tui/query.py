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

import functools
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from registry_tui.errors import ValidationError
from registry_tui.escapes import decode_value
from registry_tui.records import STATUSES, ModelQuery
from registry_tui.runs.filter import RunFinder, run_condition

NUMERIC_COLUMNS: tuple[str, ...] = (
    "model_size_mb",
    "memory_req_gb",
    "training_run_id",
    "params",
)
SCALED_COLUMNS: dict[str, tuple[str, float]] = {"params_b": ("params", 1e9)}
"""Other units of a numeric column: ``params_b <= 8`` is ``params <= 8e9`` (billions)."""
DATE_COLUMNS: tuple[str, ...] = ("created_at",)
COLUMN_SORTS: tuple[str, ...] = (
    "created_at",
    "name",
    "version",
    "model_id",
    "task_type",
    "status",
    *NUMERIC_COLUMNS,
)
MAX_CONDITIONS = 24
"""Conditions one listing may hold: each metric condition joins a table, and
SQLite refuses a query of more than 64 tables."""
MAX_WORDS = 24
"""Free words one filter may hold (each is one more LIKE over the names)."""
_FIELD = r"[A-Za-z_][A-Za-z0-9_.\-/]*"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_OP = r"<=|>=|!=|==|<|>|="
_CONDITION = re.compile(rf"^\s*({_FIELD})\s*({_OP})\s*({_NUMBER})\s*$")
_DATE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"
_AGE = r"\d+[hdw]"
_DATE_CONDITION = re.compile(rf"^\s*(created_at)\s*({_OP})\s*({_DATE}|{_AGE})\s*$")
_DATE_FIELD = re.compile(r"^\s*created_at\s*[<>=!]")
_AGE_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_HAS_OPERATOR = re.compile(r"[<>=!]")
_JUMP = re.compile(r"^[#:](\d{1,18})$")
_FILTER_KEYS = {"tag": "tag", "task": "task_type", "task_type": "task_type", "status": "status"}


@dataclass(frozen=True, slots=True)
class Condition:
    """``field op value``: a numeric column or a metric against a number, or a date.

    ``created_at`` conditions hold their value as text: an absolute time
    (``2024-10-01 00:00:00``) or, until :func:`resolve_dates` fixes it against
    the registry's clock, an age such as ``7d``.
    """

    field: str
    op: str
    value: float | str

    @property
    def is_column(self) -> bool:
        """True when ``field`` is a column of ``models`` rather than a metric."""
        return self.field in NUMERIC_COLUMNS or self.field in DATE_COLUMNS

    @property
    def is_date(self) -> bool:
        """True for a condition on ``created_at``."""
        return self.field in DATE_COLUMNS

    def __str__(self) -> str:
        value = self.value if isinstance(self.value, str) else f"{self.value:g}"
        return f"{self.field} {self.op} {value}"


@dataclass(frozen=True, slots=True)
class SortKey:
    """A sort key: a column or a metric, ascending or descending."""

    field: str
    descending: bool

    @property
    def is_column(self) -> bool:
        """True when sorting by a column rather than a metric."""
        return self.field in COLUMN_SORTS


Parsed = tuple[tuple[Condition, ...], SortKey | None]
"""A query's ``where`` and ``order_by``, parsed (see :func:`parse_query`)."""


def parse_condition(text: str) -> Condition:
    """Parse ``"val_loss < 0.4"``, ``"created_at > 2024-10-01"`` or ``"created_at > 7d"``.

    Raises:
        ValidationError: saying what is wrong and showing the expected form.
    """
    if not isinstance(text, str):
        raise ValidationError(f"A condition must be a string like 'val_loss < 0.4', not {text!r}")
    if _DATE_FIELD.match(text):
        return _parse_date_condition(text)
    match = _CONDITION.match(text)
    if match is None:
        raise ValidationError(_condition_problem(text))
    field, op, raw = match.groups()
    value = float(raw)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(f"Invalid condition {text!r}: the value must be a finite number")
    if field in SCALED_COLUMNS:
        field, scale = SCALED_COLUMNS[field]
        value *= scale
    return Condition(field, "=" if op == "==" else op, value)


def _parse_date_condition(text: str) -> Condition:
    match = _DATE_CONDITION.match(text)
    hint = "use e.g. created_at>2024-10-01 or created_at>7d (h, d or w ago)"
    if match is None:
        raise ValidationError(f"Invalid date condition {text.strip()!r}: {hint}")
    field, op, raw = match.groups()
    if op in ("=", "==", "!="):
        raise ValidationError(f"Invalid date condition {text.strip()!r}: use < <= > >=; {hint}")
    if re.fullmatch(_AGE, raw) is None:
        try:
            datetime.fromisoformat(raw)
        except ValueError:
            raise ValidationError(f"Invalid date {raw!r} in {text.strip()!r}: {hint}") from None
    return Condition(field, op, raw)


def date_bound(cond: Condition, now: datetime) -> Condition:
    """An absolute form of a ``created_at`` condition.

    An age (``7d``) counts back from ``now``; a bare day is a whole day, so
    ``> 2024-10-01`` means from 2024-10-02 on and ``<= 2024-10-01`` up to its end.
    """
    raw = str(cond.value)
    if re.fullmatch(_AGE, raw):
        when = now - int(raw[:-1]) * _AGE_UNITS[raw[-1]]
        return Condition(cond.field, cond.op, when.strftime("%Y-%m-%d %H:%M:%S"))
    when = datetime.fromisoformat(raw)
    op = cond.op
    if len(raw) == 10 and op in (">", "<="):
        when, op = when + timedelta(days=1), (">=" if op == ">" else "<")
    return Condition(cond.field, op, when.strftime("%Y-%m-%d %H:%M:%S"))


def resolve_dates(query: ModelQuery, now: datetime) -> ModelQuery:
    """``query`` with every ``created_at`` condition made absolute against ``now``."""
    if not any(cond.is_date for cond in query.conditions):
        return query
    where = (
        str(date_bound(cond, now)) if cond.is_date else text
        for cond, text in zip(query.conditions, query.where, strict=True)
    )
    return replace(query, where=tuple(where))


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
    """Parse a condition string or a list of them (ANDed), at most :data:`MAX_CONDITIONS`."""
    if where is None:
        return []
    if isinstance(where, str):
        where = [where]
    if not isinstance(where, list | tuple):
        raise ValidationError(f"where must be a string or a list of strings, not {where!r}")
    if len(where) > MAX_CONDITIONS:
        raise ValidationError(
            f"Too many conditions ({len(where)}): a listing takes at most {MAX_CONDITIONS}"
        )
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
    return SortKey(SCALED_COLUMNS.get(field, (field, 1.0))[0], descending)


def parse_query(where: tuple[str, ...], order_by: str | None) -> Parsed:
    """A :class:`ModelQuery`'s conditions and sort key, parsed (a ValidationError when
    one does not parse); remembered by text, so the listing and the counts of one
    query, or a script's loop over the same conditions, parse them once."""
    texts = isinstance(where, tuple) and all(isinstance(w, str) for w in where)
    if texts and isinstance(order_by, str | None):
        return _parse_query(where, order_by)
    return tuple(parse_conditions(where)), parse_sort(order_by)  # raises: not text


@functools.lru_cache(maxsize=256)
def _parse_query(where: tuple[str, ...], order_by: str | None) -> Parsed:
    return tuple(parse_conditions(where)), parse_sort(order_by)


def metrics_named(query: ModelQuery) -> tuple[list[str], str | None]:
    """Metric names ``query`` uses: those of its conditions, and its sort metric (or None)."""
    conditions = [c.field for c in query.conditions if not c.is_column]
    sort = query.sort
    return list(dict.fromkeys(conditions)), (
        sort.field if sort is not None and not sort.is_column else None
    )


def columns_named(query: ModelQuery) -> list[str]:
    """Numeric columns (``memory_req_gb`` ...) ``query`` sorts by or has conditions on,
    the sort's first: the ones a listing shows beside the metrics."""
    named = [query.sort.field] if query.sort is not None and query.sort.is_column else []
    named += [c.field for c in query.conditions if c.is_column]
    return [name for name in dict.fromkeys(named) if name in NUMERIC_COLUMNS]


def unknown_metric_error(name: str, known: Sequence[str], *, in_sort: bool) -> ValidationError:
    """The error for a metric no model has, listing the metrics (and sort columns) that exist."""
    metrics = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "") or "none yet"
    if in_sort:
        return ValidationError(
            f"Unknown sort key {name!r}: use a column ({', '.join(COLUMN_SORTS)}) "
            f"or a metric ({metrics})"
        )
    return ValidationError(f"Unknown metric {name!r}: the registry has {metrics}")


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


def jump_target(text: str) -> int | None:
    """The model id of a jump (``#123`` or ``:123``), or None when ``text`` is a filter."""
    match = _JUMP.match(text.strip())
    return int(match.group(1)) if match else None


def tokenize(text: str) -> list[str]:
    """Split filter text into tokens, joining conditions written with spaces (``a < 1``)."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        raise ValidationError("Unbalanced quote in filter") from None
    out: list[str] = []
    glue = False
    for token in tokens:
        starts_op = bool(re.match(r"[<>=!]", token))
        if out and (glue or starts_op) and ":" not in out[-1]:
            out[-1] += token
        else:
            out.append(token)
        glue = bool(re.search(r"[<>=!]$", out[-1]))
    return out


def join_tokens(tokens: Sequence[str]) -> str:
    """Filter text from tokens, quoting only those that need it (spaces, quotes)."""
    return " ".join(t if t and re.fullmatch(r"[^\s'\"\\]+", t) else shlex.quote(t) for t in tokens)


def with_token(text: str, key: str, value: str | None) -> str:
    """``text`` with its ``key:`` tokens replaced by ``key:value`` (dropped when None)."""
    keys = ("task:", "task_type:") if key == "task" else (f"{key}:",)
    try:
        tokens = tokenize(text)
    except ValidationError:
        tokens = []
    kept = [t for t in tokens if not t.lower().startswith(keys)]
    if value is not None:
        kept.append(f"{key}:{value}")
    return join_tokens(kept)


def parse_filter(
    text: str, base: ModelQuery | None = None, runs: RunFinder | None = None
) -> ModelQuery:
    """Parse the filter-bar language into a :class:`ModelQuery`.

    Tokens: ``tag:X``, ``task:GLOB``, ``status:active|retired|all``,
    ``name:GLOB``, ``sort:[-]KEY``, ``run:ID`` or ``run:NAME`` (the models whose
    ``training_run_id`` is the run's: a name is looked up with ``runs``, such as
    ``ModelRegistry.find_runs``), conditions like ``val_loss < 0.4`` or
    ``created_at > 7d``; every other word must appear in the name.

    Raises:
        ValidationError: naming the first bad token.
    """
    query = base or ModelQuery()
    words: list[str] = []
    where: list[str] = []
    for token in map(decode_value, tokenize(text)):  # see escapes.encode_value
        key, sep, value = token.partition(":")
        if sep and key.lower() == "run":
            where.append(run_condition(value, runs))
        elif sep and not _HAS_OPERATOR.search(key):
            query = _apply_key(query, key.lower(), value, token)
        elif _HAS_OPERATOR.search(token):
            parse_condition(token)
            where.append(token)
        else:
            words.append(token)
    if len(words) > MAX_WORDS:
        raise ValidationError(f"Too many words ({len(words)}): a filter takes at most {MAX_WORDS}")
    return replace(query, text=" ".join(words) or None, where=(*query.where, *where))


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
        return replace(query, status=_status(value))
    if key == "name":
        return replace(query, name=value)
    if key == "sort":
        return replace(query, order_by=value)  # parsed as the query is made
    raise ValidationError(
        f"Unknown filter {token!r}: use tag:, task:, status:, name:, run:, sort: "
        "or a condition like val_loss<0.4"
    )


def _status(value: str) -> str | None:
    """``active``, ``retired``, or None for every status; ``|`` joins alternatives."""
    wanted: set[str] = set()
    for part in value.lower().split("|"):
        if part not in (*STATUSES, "all"):
            raise ValidationError(
                f"Unknown status {part or value!r}: use active, retired or all "
                "(or alternatives such as active|retired)"
            )
        wanted.update(STATUSES if part == "all" else (part,))
    return wanted.pop() if len(wanted) == 1 else None


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
    parts.extend(shlex.quote(w) for w in query.where)
    if query.order_by:
        parts.append(f"sort:{query.order_by}")
    return " ".join(parts)
