"""Frozen records: what the registry hands to every face (API, CLI, TUI).

Database rows never leave ``db/`` and ``registry.py``; these dataclasses do.
The public API turns them into the plain dicts and DataFrames the guide shows
with :meth:`ModelRecord.to_dict` and friends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from registry_tui.query import Condition, Parsed, SortKey

    ColumnKind = Literal[
        "id", "int", "float", "text", "optional_text", "time", "status", "metrics", "object",
        "list", "tags",
    ]  # fmt: skip

STATUSES: tuple[str, ...] = ("active", "retired")


class ModelColumn:
    """One column of a model: a :class:`ModelRecord` field and what each layer must know of it.

    Every list of a model's columns (the store's projection, the listing SQL,
    the ``list_models`` DataFrame, the JSON/CSV forms, the bundle) is derived
    from :data:`RECORD_COLUMNS`, which is read off the record's fields. (A plain
    class: a dataclass would cost the CLI's start-up a millisecond.)

    Attributes:
        name: the record field, and the column of the guide's ``models`` table.
        kind: what it holds, which decides how it is read, typed and written:
            ``id`` (the model's id), ``int`` and ``float`` (numbers that may be
            missing), ``text`` (required text), ``optional_text``, ``time``
            (``created_at``), ``status``, ``metrics`` (a JSON object of numbers),
            ``object`` (any JSON object), ``list`` (a JSON list of names), and
            ``tags`` (read from ``model_tags``: not a column of ``models``).
        frame: its position among the columns of the ``list_models`` DataFrame.
        required: a bundle row must give it (the guide's ``NOT NULL`` columns).
        stored: a column of the ``models`` table (every one but ``tags``).
        plain: what the dict form makes of the value, ``dict`` or ``list``, or
            None to keep it as it is.
    """

    __slots__ = ("frame", "kind", "name", "plain", "required", "stored")

    def __init__(self, name: str, kind: ColumnKind, frame: int, required: bool = False) -> None:
        self.name = name
        self.kind: ColumnKind = kind
        self.frame = frame
        self.required = required
        self.stored = kind != "tags"
        self.plain: type[dict[Any, Any]] | type[list[Any]] | None = (
            dict if kind in ("metrics", "object") else list if kind in ("list", "tags") else None
        )

    def __repr__(self) -> str:
        return f"ModelColumn({self.name!r}, {self.kind!r}, frame={self.frame})"


def _column(kind: ColumnKind, frame: int, *, required: bool = False) -> dict[str, Any]:
    """The facts of a :class:`ModelRecord` field that make it a :class:`ModelColumn`."""
    return {"kind": kind, "frame": frame, "required": required}


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One row of ``model_exports``: a file the model was exported to."""

    export_id: int
    model_id: int
    export_format: str
    export_path: str
    created_at: str
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The guide's dict form."""
        return {
            "export_id": self.export_id,
            "model_id": self.model_id,
            "export_format": self.export_format,
            "export_path": self.export_path,
            "created_at": self.created_at,
            "metadata": dict(self.metadata),
        }


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """A registered model: every column of the guide's ``models`` table, plus tags.

    The fields up to ``tags`` are the model's columns, in the guide's table
    order; each carries its :class:`ModelColumn` facts (see :data:`RECORD_COLUMNS`).

    ``created_at`` is UTC text, ``YYYY-MM-DD HH:MM:SS``, as SQLite's
    ``CURRENT_TIMESTAMP`` writes it (a legacy time with a UTC offset is
    converted). ``exports`` is filled only by single-model reads (``get``), not
    by listings.
    """

    model_id: int = field(metadata=_column("id", 0, required=True))
    name: str = field(metadata=_column("text", 1, required=True))
    version: str = field(metadata=_column("text", 2, required=True))
    checkpoint_path: str = field(metadata=_column("text", 8, required=True))
    task_type: str = field(metadata=_column("text", 3, required=True))
    config_hash: str | None = field(metadata=_column("optional_text", 13))
    training_run_id: int | None = field(metadata=_column("int", 14))
    parent_model_id: int | None = field(metadata=_column("int", 9))
    created_at: str = field(metadata=_column("time", 5))
    metrics: Mapping[str, float] = field(metadata=_column("metrics", 7))
    export_formats: tuple[str, ...] = field(metadata=_column("list", 15))
    model_size_mb: float | None = field(metadata=_column("float", 10))
    memory_req_gb: float | None = field(metadata=_column("float", 11))
    metadata: Mapping[str, Any] = field(metadata=_column("object", 16))
    status: str = field(metadata=_column("status", 4))
    params: int | None = field(default=None, metadata=_column("int", 12))
    """The checkpoint's parameter count, read from its headers when it was registered."""
    tags: tuple[str, ...] = field(default=(), metadata=_column("tags", 6))
    exports: tuple[ExportRecord, ...] = ()
    odd: Mapping[str, str] = field(default_factory=dict)
    """Legacy values that did not fit their field, by field name: what was stored.

    Written by other tools (the guide's original module stores whatever it is
    given); each face shows them marked and ``registry-tui check`` reports them.
    """

    @property
    def label(self) -> str:
        """``name version``, how people refer to a model."""
        return f"{self.name} {self.version}"

    def to_dict(self, *, with_exports: bool = True) -> dict[str, Any]:
        """The guide's dict form: JSON columns decoded, tags and exports added."""
        data: dict[str, Any] = {}
        for name, plain in _DICT_FORM:
            value = getattr(self, name)
            data[name] = value if plain is None else plain(value)
        if with_exports:
            data["exports"] = [e.to_dict() for e in self.exports]
        return data


RECORD_COLUMNS: tuple[ModelColumn, ...] = tuple(
    ModelColumn(f.name, **f.metadata) for f in fields(ModelRecord) if f.metadata
)
"""A model's columns, in the guide's table order, then ``tags``: the one definition
that the store, the listing SQL, the DataFrames, the JSON/CSV forms and bundles follow."""
_DICT_FORM = tuple((c.name, c.plain) for c in RECORD_COLUMNS)


EVENT_FIELDS: tuple[str, ...] = (
    "event_id",
    "at",
    "event",
    "model_id",
    "tag",
    "previous_model_id",
    "actor",
    "details",
)
"""The keys of :meth:`EventRecord.to_dict`, in order: history's columns everywhere."""


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One entry of the history: who changed what, when."""

    event_id: int
    at: str
    event: str
    model_id: int | None
    tag: str | None
    previous_model_id: int | None
    actor: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict, as the ``history`` DataFrame rows."""
        return {
            "event_id": self.event_id,
            "at": self.at,
            "event": self.event,
            "model_id": self.model_id,
            "tag": self.tag,
            "previous_model_id": self.previous_model_id,
            "actor": self.actor,
            "details": dict(self.details),
        }


@dataclass(frozen=True, slots=True)
class ModelQuery:
    """What to list: the filters of ``list_models`` and of the TUI's filter bar.

    ``status=None`` means every status. ``name`` is an exact name or a
    shell-style glob; ``task_type`` a task type ignoring case, or a glob;
    ``text`` holds the filter bar's free words, each of which must appear in
    the name literally (ignoring case). ``where`` holds conditions such as
    ``"val_loss < 0.4"`` or ``"created_at > 7d"``; ``order_by`` a sort key such
    as ``"-accuracy"``.

    ``where`` and ``order_by`` keep the text as given (the filter bar shows it
    back). They are parsed when the query is made (the parse is remembered by
    text) and read as ``conditions`` and ``sort``, which is what listings and
    counts use. Text that does not parse raises
    :class:`~registry_tui.errors.ValidationError` here, before any SQL.
    """

    task_type: str | None = None
    tag: str | None = None
    status: str | None = "active"
    name: str | None = None
    text: str | None = None
    where: tuple[str, ...] = ()
    order_by: str | None = None

    def __post_init__(self) -> None:
        if self.where == () and self.order_by is None:
            return
        where: Any = self.where
        if isinstance(where, str | list):  # one condition as a string, or a list of them
            object.__setattr__(self, "where", (where,) if isinstance(where, str) else tuple(where))
        _parse(self.where, self.order_by)  # refused here: before any SQL

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """``where`` parsed, in order (see :func:`registry_tui.query.parse_condition`)."""
        return _parse(self.where, self.order_by)[0] if self.where else ()

    @property
    def sort(self) -> SortKey | None:
        """``order_by`` parsed; None for the default order (newest first)."""
        return None if self.order_by is None else _parse(self.where, self.order_by)[1]


def _parse(where: tuple[str, ...], order_by: str | None) -> Parsed:
    """:func:`registry_tui.query.parse_query` (which builds on this module, so is
    imported only when a query has conditions or a sort key)."""
    from registry_tui.query import parse_query

    return parse_query(where, order_by)


@dataclass(frozen=True, slots=True)
class Count:
    """How many models a listing has: exact, or at least ``value`` (``exact=False``).

    ``str(count)`` is the figure to show: ``"1,234"`` or ``"10,000+"``.
    """

    value: int
    exact: bool

    def __str__(self) -> str:
        return f"{self.value:,}" if self.exact else f"{self.value:,}+"


@dataclass(frozen=True, slots=True)
class ModelPage:
    """A window of a listing and the size of the whole listing.

    ``total`` is exact when ``exact``; otherwise the listing has more than
    ``total`` models (counts stop at a cap on large registries).
    """

    records: tuple[ModelRecord, ...]
    offset: int
    total: int
    exact: bool = True


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts for the TUI's sidebar: models per task type and per tag (active and retired)."""

    task_types: tuple[tuple[str, int], ...]
    tags: tuple[tuple[str, int], ...]
    total: int


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """One difference between two stored configs; ``key`` is a dotted path."""

    key: str
    change: Literal["added", "removed", "changed"]
    left: Any
    right: Any

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {"key": self.key, "change": self.change, "a": self.left, "b": self.right}


@dataclass(frozen=True, slots=True)
class ChangePlan:
    """What retiring, untagging or deleting one model would do, asked before doing it.

    Both faces word their confirmations from this, so the rules live in one place:
    a tagged model, or one with children, needs ``force`` to be deleted; an
    exclusive tag (``production``, or any tag last given exclusively) whose only
    active holder is this model is left with no active holder.

    Attributes:
        action: ``"delete"``, ``"retire"`` or ``"untag"``.
        model: the model, as it is now.
        tags: the tags it holds (for ``untag``: the one it would lose).
        exclusive_tags: which of ``tags`` are exclusive.
        orphaned_tags: exclusive tags that would have no active holder afterwards.
        children: models tuned from it, which a delete unlinks (they lose their parent).
        needs_force: the delete is refused without ``force``.
        no_op: nothing would change (retiring a model that is already retired).
    """

    action: str
    model: ModelRecord
    tags: tuple[str, ...] = ()
    exclusive_tags: tuple[str, ...] = ()
    orphaned_tags: tuple[str, ...] = ()
    children: tuple[ModelRecord, ...] = ()
    needs_force: bool = False
    no_op: bool = False


@dataclass(frozen=True, slots=True)
class PromoteResult:
    """What :meth:`ModelRegistry.promote_model` did.

    Attributes:
        model: the promoted model.
        tag: the tag it now holds.
        removed_from: the models the tag was taken from (an exclusive promotion).
        changed: False when the model already held the tag alone (nothing written).
    """

    model: ModelRecord
    tag: str
    removed_from: tuple[ModelRecord, ...] = ()
    changed: bool = True
