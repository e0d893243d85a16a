"""ModelRegistry: the guide's API over the peewee data layer.

Public methods take and return what the guide shows (ids, dicts, pandas
DataFrames). The record methods (``get_record``, ``query_models``, ``page`` ...)
return frozen records for the CLI and the TUI, and never import pandas.

Every write is one transaction that also records its history event: a failed
call leaves nothing behind.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import peewee

from registry_tui import validate, versions
from registry_tui.db import migrations
from registry_tui.db.connect import Target, open_database, parse_target
from registry_tui.db.schema import bind
from registry_tui.db.store import Store, format_ts, loads
from registry_tui.db.writes import NewModel, Writer
from registry_tui.errors import (
    CheckpointNotFoundError,
    ConfigNotFoundError,
    ModelNotFoundError,
    RegistryError,
    StorageError,
    ValidationError,
)
from registry_tui.records import (
    ConfigChange,
    EventRecord,
    Facets,
    ModelPage,
    ModelQuery,
    ModelRecord,
)

if TYPE_CHECKING:
    import pandas as pd

P_ = ParamSpec("P_")
R = TypeVar("R")
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def default_actor() -> str:
    """``user@host`` of this process."""
    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        user = os.environ.get("USER", "unknown")
    return f"{user}@{socket.gethostname()}"


def storage_error(exc: Exception, target: Target) -> StorageError:
    """Turn a driver error into a one-line :class:`StorageError` without secrets."""
    raw = target.redact(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
    low = raw.lower()
    where = target.display
    if "disk is full" in low or "no space" in low or "disk i/o" in low:
        msg = f"Cannot write to {where}: the disk is full or failing ({raw}); nothing was written"
    elif "locked" in low:
        msg = f"Database {where} is locked by another process; try again ({raw})"
    elif "malformed" in low or "not a database" in low or "corrupt" in low:
        msg = (
            f"Database {where} is corrupt or not a registry database ({raw}); "
            "run registry-tui check"
        )
    elif "readonly" in low or "read-only" in low:
        msg = f"Database {where} is read-only ({raw})"
    elif "unable to open" in low:
        msg = f"Cannot open database {where} ({raw})"
    else:
        msg = f"Database error on {where}: {raw}"
    return StorageError(msg)


def _guard(method: Callable[P_, R]) -> Callable[P_, R]:
    """Report database failures as :class:`StorageError` with the password removed."""

    @functools.wraps(method)
    def wrapper(*args: P_.args, **kwargs: P_.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except RegistryError:
            raise
        except (peewee.DatabaseError, peewee.InterfaceError, OSError) as exc:
            if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
                raise
            self = args[0]
            assert isinstance(self, ModelRegistry)
            raise storage_error(exc, self._target) from None

    return wrapper


class ModelRegistry:
    """A model registry on SQLite (a path or ``sqlite:///``) or PostgreSQL (a URL).

    Args:
        db: ``models.db``, ``sqlite:///path``, or ``postgresql://user:pass@host:port/name``.
        clock: returns the current time as a naive UTC datetime (tests fix it).
        actor: who the history records as making changes (default ``user@host``).
        read_only: refuse every change (for browsing a shared registry).

    Example:
        >>> with ModelRegistry("models.db") as registry:
        ...     registry.list_models(task_type="language_modeling")
    """

    def __init__(
        self,
        db: str | os.PathLike[str] = "models.db",
        *,
        clock: Clock | None = None,
        actor: str | None = None,
        read_only: bool = False,
    ) -> None:
        self._target = parse_target(db)
        self._clock = clock or _utc_now
        self.actor = actor or default_actor()
        self.read_only = read_only
        self._db = open_database(self._target)
        self._tables = bind(self._db)
        self._store = Store(self._db, self._tables)
        self._writer = Writer(self._store, self.actor)
        self._legacy_hash: bool | None = None
        self._open()

    @_guard
    def _open(self) -> None:
        try:
            self._db.connect(reuse_if_open=True)
            migrations.migrate(self._db)
        except BaseException:
            self._db.close()
            raise

    # -- identity -----------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the registry lives, safe to print (no password)."""
        return self._target.display

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._target.backend

    @property
    def database(self) -> peewee.Database:
        """The peewee database (for maintenance code in this package)."""
        return self._db

    def __repr__(self) -> str:
        return f"ModelRegistry({self.location!r})"

    def __enter__(self) -> ModelRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        if not self._db.is_closed():
            self._db.close()

    # -- plumbing -------------------------------------------------------------------
    def _now(self) -> str:
        return self._clock().strftime("%Y-%m-%d %H:%M:%S")

    @contextmanager
    def _write(self) -> Iterator[None]:
        if self.read_only:
            raise StorageError(f"Registry {self.location} is open read-only")
        with self._db.atomic():
            yield

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one transaction (the guide's "batch operations").

        Each call inside still succeeds or fails on its own (a savepoint), and
        everything commits together at the end of the block::

            with registry.transaction():
                for spec in specs:
                    registry.register_model(**spec)
        """
        if self.read_only:
            raise StorageError(f"Registry {self.location} is open read-only")
        try:
            with self._db.atomic():
                yield
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            raise storage_error(exc, self._target) from None

    def _legacy_not_null_hash(self) -> bool:
        """A guide-made SQLite table declares config_hash NOT NULL; store '' there."""
        if self._legacy_hash is None:
            self._legacy_hash = any(
                c.name == "config_hash" and not c.null for c in self._db.get_columns("models")
            )
        return self._legacy_hash

    # -- registration -------------------------------------------------------------------
    @staticmethod
    def compute_config_hash(config: dict[str, Any]) -> str:
        """SHA-256 of ``json.dumps(config, sort_keys=True)``, as the guide computes it."""
        return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()

    @_guard
    def register_model(
        self,
        name: str,
        version: str,
        checkpoint_path: str | os.PathLike[str],
        task_type: str,
        config_hash: str | None = None,
        metrics: dict[str, float] | None = None,
        export_formats: list[str] | None = None,
        model_size_mb: float | None = None,
        memory_req_gb: float | None = None,
        training_run_id: int | None = None,
        parent_model_id: int | None = None,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        config: dict[str, Any] | None = None,
        verify_checkpoint: bool = True,
    ) -> int:
        """Register a model and return its id.

        Raises:
            ValueError: invalid version/metrics/tags/metadata, unknown parent, or
                ``Model 'gpt-small' version '1.0.0' already exists``.
            FileNotFoundError: ``Checkpoint not found: <path>`` (unless
                ``verify_checkpoint=False``).
        """
        new = self._validate_new(
            name, version, checkpoint_path, task_type, config_hash, metrics, export_formats,
            model_size_mb, memory_req_gb, training_run_id, parent_model_id, metadata, tags,
            config, verify_checkpoint,
        )  # fmt: skip
        legacy = self._legacy_not_null_hash()
        with self._write():
            return self._writer.insert_model(new, self._now(), legacy)

    def _validate_new(
        self,
        name: Any, version: Any, checkpoint_path: Any, task_type: Any, config_hash: Any,
        metrics: Any, export_formats: Any, model_size_mb: Any, memory_req_gb: Any,
        training_run_id: Any, parent_model_id: Any, metadata: Any, tags: Any, config: Any,
        verify_checkpoint: bool,
    ) -> NewModel:  # fmt: skip
        validate.name(name)
        version_key = versions.sort_key(version)
        path = validate.text(
            os.fspath(checkpoint_path) if checkpoint_path else "", "checkpoint_path"
        )
        config_json = None if config is None else validate.json_object(config, "config")
        if config is not None:
            computed = self.compute_config_hash(config)
            if config_hash is not None and config_hash != computed:
                raise ValidationError("config_hash does not match the SHA-256 of config")
            config_hash = computed
        if config_hash is not None:
            validate.text(config_hash, "config_hash")
        size = validate.number(model_size_mb, "model_size_mb")
        if verify_checkpoint:
            size = _check_checkpoint(path, size)
        return NewModel(
            name=name,
            version=version,
            version_key=version_key,
            checkpoint_path=path,
            task_type=validate.text(task_type, "task_type"),
            config_hash=config_hash,
            training_run_id=validate.optional_id(training_run_id, "training_run_id"),
            parent_model_id=validate.optional_id(parent_model_id, "parent_model_id"),
            metrics=validate.metrics(metrics),
            export_formats=validate.tags(export_formats, "export format"),
            model_size_mb=size,
            memory_req_gb=validate.number(memory_req_gb, "memory_req_gb"),
            metadata_json=validate.json_object(metadata, "metadata"),
            tags=validate.tags(tags),
            config_json=config_json,
        )

    # -- single models --------------------------------------------------------------------
    @_guard
    def find_record(
        self,
        model_id: int | None = None,
        name: str | None = None,
        version: str | None = None,
        tag: str | None = None,
    ) -> ModelRecord | None:
        """One model by id, by name+version, or by tag; exactly one way per call."""
        ways = [model_id is not None, name is not None or version is not None, tag is not None]
        if sum(ways) != 1 or (ways[1] and (name is None or version is None)):
            raise ValidationError(
                "Give exactly one of: model_id, name and version together, or tag"
            )
        if model_id is not None:
            return self._store.by_id(validate.model_id(model_id))
        if tag is not None:
            return self._store.by_tag(validate.tag(tag))
        assert name is not None and version is not None
        return self._store.by_name_version(str(name), str(version))

    def get_record(self, model_id: int) -> ModelRecord | None:
        """One model (with exports) by id, or ``None``."""
        return self.find_record(model_id=model_id)

    def require_record(self, model_id: int) -> ModelRecord:
        """One model by id; :class:`ModelNotFoundError` when it does not exist."""
        record = self.find_record(model_id=model_id)
        if record is None:
            raise ModelNotFoundError(validate.model_id(model_id))
        return record

    def get_model(
        self,
        model_id: int | None = None,
        name: str | None = None,
        version: str | None = None,
        tag: str | None = None,
    ) -> dict[str, Any] | None:
        """The guide's ``get_model``: a dict of every column plus tags and exports, or None."""
        record = self.find_record(model_id=model_id, name=name, version=version, tag=tag)
        return None if record is None else record.to_dict()

    # -- listings --------------------------------------------------------------------------
    @_guard
    def query_models(
        self, query: ModelQuery, offset: int = 0, limit: int | None = 100
    ) -> list[ModelRecord]:
        """Records matching ``query`` (no exports), from ``offset``, at most ``limit``."""
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValidationError(f"limit must be a non-negative integer or None, not {limit!r}")
        if not isinstance(offset, int) or offset < 0:
            raise ValidationError(f"offset must be a non-negative integer, not {offset!r}")
        _check_query(query)
        return self._store.select_records(query, offset, limit)

    @_guard
    def count_models(self, query: ModelQuery) -> int:
        """How many models match ``query``."""
        _check_query(query)
        return self._store.count(query)

    def page(self, query: ModelQuery, offset: int = 0, limit: int = 100) -> ModelPage:
        """A window of a listing plus the listing's total size."""
        records = self.query_models(query, offset, limit)
        return ModelPage(tuple(records), offset, self.count_models(query))

    def list_models(
        self,
        task_type: str | None = None,
        tag: str | None = None,
        status: str | None = "active",
        name: str | None = None,
        where: str | list[str] | None = None,
        order_by: str | None = None,
        limit: int | None = 100,
    ) -> pd.DataFrame:
        """The guide's ``list_models``: a DataFrame, newest first unless ``order_by``."""
        from registry_tui.frames import models_frame

        if isinstance(where, str):
            where = [where]
        query = ModelQuery(
            task_type=task_type,
            tag=tag,
            status=status,
            name=name,
            where=tuple(where or ()),
            order_by=order_by,
        )
        return models_frame(self.query_models(query, 0, limit))

    # -- tags ------------------------------------------------------------------------------
    @_guard
    def promote_model(self, model_id: int, tag: str, remove_from_others: bool = True) -> None:
        """Give ``tag`` to a model; by default take it from every other model (atomically)."""
        mid, tag = validate.model_id(model_id), validate.tag(tag)
        with self._write():
            self._writer.promote(mid, tag, bool(remove_from_others), self._now())

    @_guard
    def remove_tag(self, model_id: int, tag: str) -> None:
        """Take ``tag`` off a model (:class:`TagNotFoundError` if it does not have it)."""
        mid, tag = validate.model_id(model_id), validate.tag(tag)
        with self._write():
            self._writer.remove_tag(mid, tag, self._now())

    @_guard
    def rollback_tag(self, tag: str) -> int:
        """Give an exclusive tag back to its previous holder (by the history); return its id."""
        tag = validate.tag(tag)
        with self._write():
            return self._writer.rollback(tag, self._now())

    @_guard
    def tag_names(self) -> list[str]:
        """Every tag in use, sorted."""
        t = self._tables.tags
        rows: Any = t.select(t.tag_name).distinct().order_by(t.tag_name).tuples()
        return [str(r[0]) for r in rows]

    @_guard
    def tag_holders(self, tag: str) -> list[ModelRecord]:
        """Models holding ``tag``, most recently tagged first."""
        t = self._tables.tags
        rows: Any = t.select(t.model_id).where(t.tag_name == tag).order_by(t.tag_id.desc()).tuples()
        ids = [int(r[0]) for r in rows]
        found = self._store.many(ids)
        return [found[i] for i in ids if i in found]

    # -- lifecycle ---------------------------------------------------------------------------
    @_guard
    def retire_model(self, model_id: int) -> None:
        """Mark a model retired (kept, hidden from default listings)."""
        mid = validate.model_id(model_id)
        with self._write():
            self._writer.retire(mid, self._now())

    @_guard
    def delete_model(self, model_id: int, force: bool = False) -> None:
        """Delete a model. Tagged models and models with children need ``force=True``."""
        mid = validate.model_id(model_id)
        with self._write():
            self._writer.delete(mid, bool(force), self._now())

    @_guard
    def add_export_format(
        self,
        model_id: int,
        export_format: str,
        export_path: str | os.PathLike[str],
        metadata: dict[str, Any] | None = None,
    ) -> int:
        """Record an export of the model; returns the export id."""
        mid = validate.model_id(model_id)
        fmt = validate.tag(export_format, "export format")
        path = validate.text(os.fspath(export_path) if export_path else "", "export_path")
        meta = validate.json_object(metadata, "metadata")
        with self._write():
            return self._writer.add_export(mid, fmt, path, meta, self._now())

    # -- comparison and lineage ----------------------------------------------------------------
    @_guard
    def compare_records(self, model_ids: Iterable[int]) -> list[ModelRecord]:
        """Records in the order given; :class:`ModelNotFoundError` for an unknown id."""
        if isinstance(model_ids, str | bytes):
            raise ValidationError("model_ids must be a list of ids")
        ids = [validate.model_id(i) for i in model_ids]
        found = self._store.many(ids)
        for model_id in ids:
            if model_id not in found:
                raise ModelNotFoundError(model_id)
        return [found[i] for i in ids]

    def compare_models(
        self, model_ids: Iterable[int], metrics: list[str] | None = None
    ) -> pd.DataFrame:
        """One row per model, in the order given: model_id, name, version, then metrics."""
        from registry_tui.frames import compare_frame

        return compare_frame(self.compare_records(model_ids), metrics)

    @_guard
    def lineage_records(self, model_id: int) -> list[ModelRecord]:
        """The parent chain, root first, the model last."""
        mid = validate.model_id(model_id)
        chain = self._store.ancestors(mid)
        if not chain:
            raise ModelNotFoundError(mid)
        return chain

    @_guard
    def descendant_records(self, model_id: int) -> list[ModelRecord]:
        """Every model fine-tuned from this one, directly or not; parents first."""
        mid = validate.model_id(model_id)
        tree = self._store.descendants(mid)
        if not tree:
            raise ModelNotFoundError(mid)
        return tree[1:]

    def family_records(self, model_id: int) -> list[ModelRecord]:
        """The root ancestor of the model and all of the root's descendants."""
        root = self.lineage_records(model_id)[0]
        return [root, *self.descendant_records(root.model_id)]

    def get_model_lineage(self, model_id: int) -> list[dict[str, Any]]:
        """The guide's lineage: dicts from the oldest ancestor to the model."""
        return [r.to_dict() for r in self.lineage_records(model_id)]

    def get_descendants(self, model_id: int) -> list[dict[str, Any]]:
        """Dicts of every model below this one in the fine-tune tree."""
        return [r.to_dict() for r in self.descendant_records(model_id)]

    # -- configs -------------------------------------------------------------------------------
    @_guard
    def get_config(self, model_id: int) -> dict[str, Any] | None:
        """The full config stored at registration, or ``None`` when none was given."""
        record = self.require_record(model_id)
        if not record.config_hash:
            return None
        c = self._tables.configs
        row = c.select(c.config).where(c.config_hash == record.config_hash).tuples().first()
        return loads(row[0], {}) if row else None

    def config_changes(self, a: int, b: int) -> list[ConfigChange]:
        """Differences between the stored configs of two models, by dotted key."""
        left, right = self.get_config(a), self.get_config(b)
        for model_id, config in ((a, left), (b, right)):
            if config is None:
                raise ConfigNotFoundError(
                    f"No config stored for model {model_id} (register it with config=...)"
                )
        assert left is not None and right is not None
        return _diff(_flatten(left), _flatten(right))

    def diff_configs(self, a: int, b: int) -> list[dict[str, Any]]:
        """Config differences as dicts: ``{key, change, a, b}``."""
        return [c.to_dict() for c in self.config_changes(a, b)]

    # -- history --------------------------------------------------------------------------------
    @_guard
    def events(
        self, model_id: int | None = None, tag: str | None = None, limit: int | None = 100
    ) -> list[EventRecord]:
        """History events, newest first, optionally for one model and/or one tag."""
        e = self._tables.events
        query = e.select(
            e.event_id, e.at, e.event, e.model_id, e.tag, e.previous_model_id, e.actor, e.details
        )
        if model_id is not None:
            mid = validate.model_id(model_id)
            query = query.where((e.model_id == mid) | (e.previous_model_id == mid))
        if tag is not None:
            query = query.where(e.tag == tag)
        query = query.order_by(e.event_id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [
            EventRecord(r[0], format_ts(r[1]), r[2], r[3], r[4], r[5], r[6], loads(r[7], {}))
            for r in self._db.execute(query).fetchall()
        ]

    def history(
        self, model_id: int | None = None, tag: str | None = None, limit: int | None = 100
    ) -> pd.DataFrame:
        """The event log as a DataFrame, newest first."""
        from registry_tui.frames import history_frame

        return history_frame(self.events(model_id, tag, limit))

    @_guard
    def change_token(self) -> int:
        """A number that changes whenever any process commits a change (latest event id)."""
        e = self._tables.events
        row = self._store.run("token", lambda: e.select(peewee.fn.MAX(e.event_id))).fetchone()
        return int(row[0] or 0)

    # -- overviews ------------------------------------------------------------------------------
    @_guard
    def facets(self, status: str | None = "active") -> Facets:
        """Model counts per task type and per tag (for ``status``; None = all)."""
        m, t = self._tables.models, self._tables.tags
        count = peewee.fn.COUNT(m.model_id)
        tasks: Any = m.select(m.task_type, count).group_by(m.task_type).order_by(m.task_type)
        tags: Any = (
            t.select(t.tag_name, peewee.fn.COUNT(t.model_id))
            .join(m, on=(m.model_id == t.model_id))
            .group_by(t.tag_name)
            .order_by(t.tag_name)
        )
        total: Any = m.select(count)
        if status is not None:
            tasks, tags, total = (q.where(m.status == status) for q in (tasks, tags, total))
        task_rows = tuple((str(a), int(b)) for a, b in tasks.tuples())
        tag_rows = tuple((str(a), int(b)) for a, b in tags.tuples())
        return Facets(task_rows, tag_rows, int(total.scalar() or 0))

    @_guard
    def common_metrics(self, limit: int = 3) -> list[str]:
        """The most frequent metric names among the latest 2,000 models."""
        m, mm = self._tables.models, self._tables.metrics
        recent = m.select(m.model_id).order_by(m.model_id.desc()).limit(2000)
        rows: Any = (
            mm.select(mm.metric, peewee.fn.COUNT(mm.model_id).alias("n"))
            .where(mm.model_id.in_(recent))
            .group_by(mm.metric)
            .order_by(peewee.SQL("n").desc(), mm.metric)
            .limit(limit)
            .tuples()
        )
        return [str(r[0]) for r in rows]


def _check_query(query: ModelQuery) -> None:
    if query.status is not None and query.status not in ("active", "retired"):
        raise ValidationError(f"Unknown status {query.status!r}: use 'active', 'retired' or None")
    if query.tag is not None:
        validate.tag(query.tag)


def _check_checkpoint(path: str, size: float | None) -> float | None:
    """Refuse a missing checkpoint (or a directory); fill the size from the file."""
    file = Path(path)
    if not file.exists():
        raise CheckpointNotFoundError(path)
    if file.is_dir():
        raise ValidationError(f"Checkpoint is a directory, not a file: {path}")
    if size is None:
        size = file.stat().st_size / (1024 * 1024)
    return size


def _flatten(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in config.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def _diff(left: dict[str, Any], right: dict[str, Any]) -> list[ConfigChange]:
    changes = []
    for key in sorted(set(left) | set(right)):
        if key not in right:
            changes.append(ConfigChange(key, "removed", left[key], None))
        elif key not in left:
            changes.append(ConfigChange(key, "added", None, right[key]))
        elif left[key] != right[key]:
            changes.append(ConfigChange(key, "changed", left[key], right[key]))
    return changes
