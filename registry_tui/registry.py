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
from registry_tui.db import migrations, plans, policies
from registry_tui.db.connect import (
    ReadOnlySqlite,
    needs_companions,
    open_database,
    parse_target,
    release_companions,
)
from registry_tui.db.guard import guard as _guard
from registry_tui.db.guard import storage_error
from registry_tui.db.listing_sql import COUNT_CAP
from registry_tui.db.live import Liveness
from registry_tui.db.schema import bind
from registry_tui.db.stoppable import stoppable
from registry_tui.db.store import Store
from registry_tui.db.writes import Writer
from registry_tui.errors import (
    ConnectionLostError,
    ModelNotFoundError,
    RegistryError,
    StorageError,
    ValidationError,
)
from registry_tui.maintenance import RegistryMaintenance
from registry_tui.query import metrics_named, resolve_dates, unknown_metric_error
from registry_tui.records import (
    ChangePlan,
    Count,
    ModelPage,
    ModelQuery,
    ModelRecord,
    PromoteResult,
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
        read_only: browse without writing anything: every change is refused, the
            schema is never migrated (a registry that needs it is refused with how to
            upgrade it), a SQLite file is opened ``mode=ro`` and never created.

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
        self._companions_missing = (
            read_only and self._target.path is not None and needs_companions(self._target.path)
        )
        self._db = open_database(self._target, create=not read_only, read_only=read_only)
        self._tables = bind(self._db)
        self._store = Store(self._db, self._tables)
        self._writer = Writer(self._store, self.actor)
        self._legacy_hash: bool | None = None
        self._live = Liveness(self._db, self._target, self._reopened)
        self.upgraded_from: int | None = None
        """The schema version found on open when this open migrated it, else ``None``."""
        self._open()

    @_guard
    def _open(self) -> None:
        try:
            self._db.connect(reuse_if_open=True)
            if self.read_only:
                migrations.require_current(self._db, self.location)
            else:
                self._migrate()
        except BaseException:
            self.close()
            raise
        self._live.opened()

    def _reopened(self) -> None:
        """The SQLite file was replaced under us: bring the new one up to this schema."""
        self._legacy_hash = None
        if not self.read_only:
            self._migrate()

    def _migrate(self) -> None:
        """Bring the schema up to date, remembering the version found if it was older."""
        found = migrations.migrate(self._db)
        if found != migrations.SCHEMA_VERSION:
            self.upgraded_from = found

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
        """Close this thread's connection (others close when their threads end).

        A writable registry first lets SQLite refresh its planner statistics. A
        read-only registry closes every thread's connection, and removes the
        ``-wal``/``-shm`` files its open made SQLite create, when nobody else uses them.
        """
        if isinstance(self._db, ReadOnlySqlite):
            self._db.close_all()
        elif not self._db.is_closed():
            migrations.before_close(self._db)
            self._db.close()
        if self._companions_missing and self._target.path is not None:
            release_companions(self._target.path)

    # -- plumbing -------------------------------------------------------------------
    def _now(self) -> str:
        return self._clock().strftime("%Y-%m-%d %H:%M:%S")

    @contextmanager
    def _write(self) -> Iterator[None]:
        if self.read_only:
            raise StorageError(f"Registry {self.location} is open read-only")
        try:
            with self._db.atomic():
                yield
        except RegistryError:
            raise
        except Exception as exc:
            if not self._live.lost(exc):
                raise
            reason = self._target.redact((str(exc).strip() or repr(exc)).splitlines()[0])
            raise ConnectionLostError(
                f"Lost the connection to {self.location} during the change, which did "
                f"not complete ({reason}); the next call reconnects"
            ) from None

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
        """The guide's ``get_model``: a dict of every column plus tags and exports, or None.

        As in the original module, when several ways are given the first complete
        one wins, in this order: ``model_id``, then ``name`` and ``version``, then ``tag``.
        """
        if model_id is not None:
            name = version = tag = None
        elif name is not None and version is not None:
            tag = None
        record = self.find_record(model_id=model_id, name=name, version=version, tag=tag)
        return None if record is None else record.to_dict()

    # -- listings --------------------------------------------------------------------------
    @_guard
    def query_models(
        self, query: ModelQuery, offset: int = 0, limit: int | None = 100
    ) -> list[ModelRecord]:
        """Records matching ``query`` (no exports), from ``offset``, at most ``limit``."""
        if limit is not None:
            limit = validate.count(limit, "limit")
        offset = validate.count(offset, "offset")
        return self._store.select_records(self._checked(query), offset, limit)

    @_guard
    def count_models(self, query: ModelQuery, stop: Callable[[], bool] | None = None) -> int:
        """How many models match ``query``.

        With ``stop``, a long count on SQLite asks it every few thousand steps and
        gives up with :class:`~registry_tui.errors.CountStopped` once it says True
        (the app abandons the exact count of a listing no longer shown).
        """
        checked = self._checked(query)
        with stoppable(self._db, stop):
            return self._store.count(checked)

    @_guard
    def position_of(self, query: ModelQuery, model_id: int) -> int | None:
        """Row index of a model in the listing of ``query`` (0 first), None when not in it."""
        mid = validate.model_id(model_id)
        return self._store.position(self._checked(query), mid)

    @_guard
    def metric_names(self) -> list[str]:
        """Every metric name some model has, sorted."""
        return self._store.metric_names()

    def _checked(self, query: ModelQuery) -> ModelQuery:
        """``query`` validated (known metrics included), with its dates made absolute."""
        _check_query(query)
        conditions, sort_metric = metrics_named(query)
        wanted = [*conditions, *([sort_metric] if sort_metric else [])]
        if wanted:
            known = self._store.known_metrics(wanted)
            for name in wanted:
                if name not in known:
                    raise unknown_metric_error(
                        name, self._store.metric_names(), in_sort=name == sort_metric
                    )
        return resolve_dates(query, self._clock())

    @_guard
    def count_capped(self, query: ModelQuery, cap: int = COUNT_CAP) -> Count:
        """How many models match ``query``: exact up to ``cap``, else ``Count(cap, exact=False)``.

        Cheap whatever the registry's size (it reads at most ``cap`` matches), so
        faces call it on every keystroke and show ``str(count)`` ("10,000+");
        :meth:`count_models` gives the exact figure, off the critical path.
        """
        return self._store.count_capped(self._checked(query), cap)

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
        metric_name: str | None = None,
        min_metric_value: float | None = None,
    ) -> pd.DataFrame:
        """The guide's ``list_models``: a DataFrame, newest first unless ``order_by``.

        Args:
            task_type: only this task type.
            tag: only models holding this tag.
            status: ``"active"`` (default), ``"retired"``, or ``None`` for every status.
            name: an exact name or a glob (``gpt-*``).
            where: metric conditions, all of which must hold: ``"val_loss < 0.4"``
                or a list of them (``field op number``; ``op`` one of
                ``< <= > >= = !=``; ``field`` a metric or ``model_size_mb``,
                ``memory_req_gb``, ``training_run_id``).
            order_by: a column or metric, ``-`` first for descending: ``"-accuracy"``.
            limit: at most this many rows (``None``: all).
            metric_name: the original module's metric filter: only models with
                this metric, at least ``min_metric_value`` when that is given.
            min_metric_value: see ``metric_name``.
        """
        from registry_tui.frames import models_frame

        conditions = [where] if isinstance(where, str) else list(where or ())
        conditions.extend(_metric_floor(metric_name, min_metric_value))
        query = ModelQuery(
            task_type=task_type,
            tag=tag,
            status=status,
            name=name,
            where=tuple(conditions),
            order_by=order_by,
        )
        return models_frame(self.query_models(query, 0, limit))

    # -- tags ------------------------------------------------------------------------------
    @_guard
    def promote_model(
        self, model_id: int, tag: str, remove_from_others: bool = True
    ) -> PromoteResult:
        """Give ``tag`` to a model; by default take it from every other model (atomically).

        A tag the registry marks exclusive (``production`` unless marked shared,
        see :meth:`set_tag_policy`) is taken from the others whatever
        ``remove_from_others`` says.

        Returns:
            What was done: the model, the tag, and the models the tag was taken from
            (read in the same transaction, so the answer is exactly what changed).
        """
        mid, tag = validate.model_id(model_id), validate.tag(tag)
        with self._write():
            changed, removed = self._writer.promote(mid, tag, bool(remove_from_others), self._now())
            found = self._store.many([mid, *removed])
        return PromoteResult(
            found[mid], tag, tuple(found[i] for i in removed if i in found), changed
        )

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
    def rollback_preview(self, tag: str) -> tuple[int, int | None]:
        """What :meth:`rollback_tag` would do now: ``(next holder id, current holder id)``.

        Writes nothing; raises :class:`TagNotFoundError` as the rollback itself would.
        """
        tag = validate.tag(tag)
        return self._writer.rollback_target(tag)

    # -- what the registry records about metrics and tags ---------------------------------
    @_guard
    def metric_directions(self) -> dict[str, bool]:
        """Metric directions this registry records: name -> True when lower is better.

        Faces pass them to :func:`registry_tui.metrics.lower_is_better` (through
        :func:`registry_tui.metrics.direction_lists`) wherever a "best" is picked.
        """
        return policies.directions(self._tables)

    @_guard
    def set_metric_direction(self, metric: str, lower_is_better: bool | None) -> None:
        """Record that ``metric`` is better when lower (True) or higher (False); None forgets."""
        name = validate.metric_name(metric)
        if lower_is_better is not None and not isinstance(lower_is_better, bool):
            raise ValidationError(
                f"lower_is_better must be True, False or None, not {lower_is_better!r}"
            )
        at = self._now()
        with self._write():
            previous = policies.set_direction(self._tables, name, lower_is_better, at)
            details = {"metric": name, "lower_is_better": lower_is_better, "previous": previous}
            self._writer.event(at, "metric_direction", None, details=details)

    @_guard
    def tag_policies(self) -> dict[str, bool]:
        """Tags with a policy: name -> True when exclusive (``production`` by default)."""
        return policies.policies(self._tables)

    @_guard
    def set_tag_policy(self, tag: str, exclusive: bool) -> None:
        """Mark ``tag`` exclusive (one holder at a time, everywhere) or shared."""
        tag = validate.tag(tag)
        if not isinstance(exclusive, bool):
            raise ValidationError(f"exclusive must be True or False, not {exclusive!r}")
        at = self._now()
        with self._write():
            policies.set_policy(self._tables, tag, exclusive, at)
            self._writer.event(at, "tag_policy", None, tag, details={"exclusive": exclusive})

    # -- lifecycle ---------------------------------------------------------------------------
    @_guard
    def retire_model(self, model_id: int) -> bool:
        """Mark a model retired (kept, hidden from default listings).

        Returns:
            False when it was already retired (nothing is written, no event).
        """
        mid = validate.model_id(model_id)
        with self._write():
            return self._writer.retire(mid, self._now())

    @_guard
    def restore_model(self, model_id: int) -> bool:
        """Make a retired model active again (a ``restore`` event in the history).

        Returns False, writing nothing, when the model is already active.
        """
        mid = validate.model_id(model_id)
        with self._write():
            return self._writer.restore(mid, self._now())

    @_guard
    def delete_model(self, model_id: int, force: bool = False) -> None:
        """Delete a model. Tagged models and models with children need ``force=True``;
        a forced delete unlinks the children (they keep their rows, lose their parent)."""
        mid = validate.model_id(model_id)
        with self._write():
            self._writer.delete(mid, bool(force), self._now())

    @_guard
    def delete_plan(self, model_id: int) -> ChangePlan:
        """What deleting the model would do: its tags, the exclusive ones, the children that
        would lose their parent, and whether ``force`` is needed."""
        return plans.plan(self._store, validate.model_id(model_id), "delete")

    @_guard
    def retire_plan(self, model_id: int) -> ChangePlan:
        """What retiring the model would do (``no_op`` when it is already retired;
        ``orphaned_tags``: exclusive tags it would leave with no active holder)."""
        return plans.plan(self._store, validate.model_id(model_id), "retire")

    @_guard
    def untag_plan(self, model_id: int, tag: str) -> ChangePlan:
        """What taking ``tag`` off the model would do (is it left with no active holder?)."""
        mid, tag = validate.model_id(model_id), validate.tag(tag)
        return plans.plan(self._store, mid, "untag", tag)

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


def _metric_floor(metric_name: Any, min_value: Any) -> list[str]:
    """The original module's ``metric_name``/``min_metric_value`` as a condition."""
    if metric_name is None:
        if min_value is not None:
            raise ValidationError("min_metric_value needs metric_name")
        return []
    if not isinstance(metric_name, str) or not metric_name.strip():
        raise ValidationError(f"metric_name must be a metric name, not {metric_name!r}")
    if min_value is None:
        return [f"{metric_name} > -1e308"]  # every model that has the metric
    floor = validate.finite_number(min_value, "min_metric_value")
    return [f"{metric_name} >= {floor!r}"]


def _check_query(query: ModelQuery) -> None:
    if query.status is not None and query.status not in ("active", "retired"):
        raise ValidationError(f"Unknown status {query.status!r}: use 'active', 'retired' or None")
    if query.tag is not None:
        validate.tag(query.tag)
