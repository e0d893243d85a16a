"""ModelRegistry: the guide's API over the peewee data layer.

Public methods take and return what the guide shows (ids, dicts, pandas
DataFrames). The record methods (``get_record``, ``query_models``, ``page`` ...)
return frozen records for the CLI and the TUI, and never import pandas.

Every write is one transaction that also records its history event: a failed
call leaves nothing behind.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import peewee

from registry_tui import validate
from registry_tui.db import migrations
from registry_tui.db.connect import open_database, parse_target
from registry_tui.db.guard import guard as _guard
from registry_tui.db.guard import storage_error
from registry_tui.db.listing_sql import COUNT_CAP
from registry_tui.db.schema import bind
from registry_tui.db.store import Store
from registry_tui.db.writes import Writer
from registry_tui.errors import (
    ModelNotFoundError,
    StorageError,
    ValidationError,
)
from registry_tui.maintenance import RegistryMaintenance
from registry_tui.records import (
    Count,
    ModelPage,
    ModelQuery,
    ModelRecord,
)
from registry_tui.registration import config_hash_of, new_model
from registry_tui.views import RegistryViews

if TYPE_CHECKING:
    import pandas as pd

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


class ModelRegistry(RegistryViews, RegistryMaintenance):
    """A model registry on SQLite (a path or ``sqlite:///``) or PostgreSQL (a URL).

    Args:
        db: ``models.db``, ``sqlite:///path``, or ``postgresql://user:pass@host:port/name``.
        clock: returns the current time as a naive UTC datetime (tests fix it).
        actor: who the history records as making changes (default ``user@host``).
        read_only: refuse every change, and a missing SQLite file (for browsing).

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
        self._db = open_database(self._target, create=not read_only)
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
            if not self.read_only:
                migrations.before_close(self._db)
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
        return config_hash_of(config)

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
        new = new_model(
            name, version, checkpoint_path, task_type, config_hash, metrics, export_formats,
            model_size_mb, memory_req_gb, training_run_id, parent_model_id, metadata, tags,
            config, verify_checkpoint,
        )  # fmt: skip
        legacy = self._legacy_not_null_hash()
        with self._write():
            return self._writer.insert_model(new, self._now(), legacy)

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

    @_guard
    def count_capped(self, query: ModelQuery, cap: int = COUNT_CAP) -> Count:
        """How many models match ``query``: exact up to ``cap``, else ``Count(cap, exact=False)``.

        Cheap whatever the registry's size (it reads at most ``cap`` matches), so
        faces call it on every keystroke and show ``str(count)`` ("10,000+");
        :meth:`count_models` gives the exact figure, off the critical path.
        """
        _check_query(query)
        return self._store.count_capped(query, cap)

    def page(self, query: ModelQuery, offset: int = 0, limit: int = 100) -> ModelPage:
        """A window of a listing plus the listing's size (exact up to 10,000, see ``exact``)."""
        records = self.query_models(query, offset, limit)
        count = self.count_capped(query)
        return ModelPage(tuple(records), offset, count.value, count.exact)

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


def _check_query(query: ModelQuery) -> None:
    if query.status is not None and query.status not in ("active", "retired"):
        raise ValidationError(f"Unknown status {query.status!r}: use 'active', 'retired' or None")
    if query.tag is not None:
        validate.tag(query.tag)
