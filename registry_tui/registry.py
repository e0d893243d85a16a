"""ModelRegistry: the guide's API over the peewee data layer.

Public methods take and return what the guide shows (ids, dicts, pandas
DataFrames). The record methods (``get_record``, ``query_models``, ``page`` ...)
return frozen records for the CLI and the TUI, and never import pandas.

Every write is one transaction that also records its history event: a failed
call leaves nothing behind.
"""

from __future__ import annotations

import getpass
import logging
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import peewee

from registry_tui import validate
from registry_tui.configdiff import config_diff
from registry_tui.db import migrations, plans, policies, reads
from registry_tui.db.connect import (
    ReadOnlySqlite,
    can_write,
    needs_companions,
    open_database,
    parse_target,
    release_companions,
)
from registry_tui.db.guard import guard as _guard
from registry_tui.db.guard import storage_error
from registry_tui.db.listing_sql import COUNT_CAP
from registry_tui.db.live import Liveness
from registry_tui.db.stoppable import stoppable
from registry_tui.db.storage import Clock, Storage
from registry_tui.db.store import Store
from registry_tui.db.writes import Writer
from registry_tui.errors import (
    ConfigNotFoundError,
    ConnectionLostError,
    ModelNotFoundError,
    RegistryError,
    ValidationError,
)
from registry_tui.query import metrics_named, resolve_dates, unknown_metric_error
from registry_tui.records import (
    ChangePlan,
    ConfigChange,
    Count,
    EventRecord,
    Facets,
    ModelPage,
    ModelQuery,
    ModelRecord,
    PromoteResult,
)
from registry_tui.registration_checks import config_hash_of, new_model

if TYPE_CHECKING:
    import pandas as pd

    from registry_tui.db.repair import Repair
    from registry_tui.ops.backup import BackupReport
    from registry_tui.ops.findings import CheckReport
    from registry_tui.ops.load import LoadReport
    from registry_tui.ops.progress import Progress

_log = logging.getLogger("registry_tui")


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def default_actor() -> str:
    """``user@host`` of this process."""
    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        user = os.environ.get("USER", "unknown")
    return f"{user}@{socket.gethostname()}"


class ModelRegistry:
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
        target = parse_target(db)
        self.actor = actor or default_actor()
        self._companions_missing = (
            read_only and target.path is not None and needs_companions(target.path)
        )
        database = open_database(target, create=not read_only, read_only=read_only)
        self._storage = Storage.over(database, target, clock or _utc_now, read_only)
        self._store = Store(database, self._storage.tables)
        self._writer = Writer(self._store, self.actor)
        self._live = Liveness(database, target, self._reopened)
        self.upgraded_from: int | None = None
        """The schema version found on open when this open migrated it, else ``None``."""
        self._open()

    @_guard
    def _open(self) -> None:
        try:
            self._storage.db.connect(reuse_if_open=True)
            if self.read_only:
                migrations.require_current(self._storage.db, self.location)
            else:
                self._migrate()
        except BaseException:
            self.close()
            raise
        self._live.opened()

    def _reopened(self) -> None:
        """The SQLite file was replaced under us: bring the new one up to this schema."""
        self._storage.forget()
        if not self.read_only:
            self._migrate()

    def _migrate(self) -> None:
        """Bring the schema up to date, remembering the version found if it was older."""
        found = migrations.migrate(self._storage.db)
        if found != migrations.SCHEMA_VERSION:
            self.upgraded_from = found

    # -- identity -----------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the registry lives, safe to print (no password)."""
        return self._storage.location

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._storage.backend

    @property
    def read_only(self) -> bool:
        """True when every change is refused (see ``read_only`` above)."""
        return self._storage.read_only

    @property
    def schema_version(self) -> int:
        """The schema version this registry-tui writes (an open registry is at it)."""
        return migrations.SCHEMA_VERSION

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
        db, path = self._storage.db, self._storage.target.path
        if isinstance(db, ReadOnlySqlite):
            db.close_all()
        elif not db.is_closed():
            migrations.before_close(db)
            db.close()
        if self._companions_missing and path is not None:
            release_companions(path)

    # -- plumbing -------------------------------------------------------------------
    def _now(self) -> str:
        return self._storage.now()

    @contextmanager
    def _write(self) -> Iterator[None]:
        try:
            with self._storage.writing():
                yield
        except RegistryError:
            raise
        except Exception as exc:
            if not self._live.lost(exc):
                raise
            reason = self._storage.target.redact((str(exc).strip() or repr(exc)).splitlines()[0])
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
        self._storage.refuse_if_read_only()
        try:
            with self._storage.db.atomic():
                yield
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            raise storage_error(exc, self._storage.target) from None

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

        Everything is checked before anything is written, and the model, its
        metrics, tags, exports and history event are written in one transaction::

            model_id = registry.register_model(
                "gpt-small", "1.1.0", "checkpoints/epoch_10.pt", "language_modeling",
                metrics={"val_loss": 0.42, "accuracy": 0.85},
                config={"d_model": 768, "lr": 3e-4},   # stored; config_hash computed
                parent_model_id=base_id,                # the model it was fine-tuned from
                tags=["staging"],
            )

        Args:
            name: the model's name (``gpt-small``): non-blank, up to 256
                characters, no NUL. Together with ``version`` it is unique.
            version: a semantic version (``1.2.0``, ``2.0.0-rc.1``); listings
                order versions semantically, so ``1.10.0`` comes after ``1.9.0``.
            checkpoint_path: where the weights are. The file must exist unless
                ``verify_checkpoint=False``; a directory, FIFO or device is refused.
            task_type: free text grouping models (``language_modeling``,
                ``classification``); the app's sidebar counts models per task type.
            config_hash: the SHA-256 of the training config, when the config
                itself is not given. With ``config`` it is computed, and a
                different ``config_hash`` beside it is refused.
            metrics: metric name -> finite number (``{"val_loss": 0.42}``).
                Names are what ``where`` and ``order_by`` use later; which way a
                metric is better follows its name unless the registry records it
                (:meth:`set_metric_direction`).
            export_formats: formats the model is exported in (``["onnx"]``); each
                1-64 letters, digits, ``.``, ``_`` or ``-``, as tags are.
            model_size_mb: the checkpoint's size; read from the file when omitted
                and the checkpoint is verified.
            memory_req_gb: memory needed to serve the model.
            training_run_id: the id of the run that produced it, for your records.
            parent_model_id: the model this one was fine-tuned from; it must exist.
                Lineage (:meth:`get_model_lineage`) follows these links.
            metadata: any JSON object (nested objects allowed, up to 1 MB).
            tags: tags to give the model at once (``["staging"]``). An exclusive
                tag (``production`` unless marked shared) moves to this model
                from its holder, recorded as a promotion.
            config: the training config, stored so two models' configs can be
                compared (:meth:`config_changes`).
            verify_checkpoint: check that ``checkpoint_path`` exists (default).

        Returns:
            The new model's id. Ids are never reused, not even those of deleted models.

        Raises:
            ValueError: invalid version/metrics/tags/metadata, unknown parent, or
                ``Model 'gpt-small' version '1.0.0' already exists``.
            FileNotFoundError: ``Checkpoint not found: <path>`` (unless
                ``verify_checkpoint=False``).
        """
        new = new_model(
            name=name, version=version, checkpoint_path=checkpoint_path, task_type=task_type,
            config_hash=config_hash, metrics=metrics, export_formats=export_formats,
            model_size_mb=model_size_mb, memory_req_gb=memory_req_gb,
            training_run_id=training_run_id, parent_model_id=parent_model_id,
            metadata=metadata, tags=tags, config=config, verify_checkpoint=verify_checkpoint,
        )  # fmt: skip
        legacy = self._storage.legacy_not_null_hash()
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
    def _query_fields(self, query: ModelQuery, limit: int | None) -> list[dict[str, Any]]:
        """:meth:`query_models` as the records' fields: what a DataFrame is built from."""
        if limit is not None:
            limit = validate.count(limit, "limit")
        return self._store.select_fields(self._checked(query), 0, limit)

    @_guard
    def count_models(self, query: ModelQuery, stop: Callable[[], bool] | None = None) -> int:
        """How many models match ``query``.

        With ``stop``, a long count on SQLite asks it every few thousand steps and
        gives up with :class:`~registry_tui.errors.CountStopped` once it says True
        (the app abandons the exact count of a listing no longer shown).
        """
        checked = self._checked(query)
        with stoppable(self._storage.db, stop):
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
        return resolve_dates(query, self._storage.clock())

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

        Every filter given must hold; the defaults list the 100 newest active models::

            registry.list_models(task_type="language_modeling", tag="production")
            registry.list_models(name="gpt-*", where="val_loss < 0.4", order_by="-accuracy")
            registry.list_models(where=["accuracy >= 0.8", "created_at > 7d"], limit=None)

        Args:
            task_type: only this task type (ignoring case), or a glob (``lang*``).
            tag: only models holding this tag.
            status: ``"active"`` (default), ``"retired"``, or ``None`` for every status.
            name: an exact name or a shell-style glob (``gpt-*``, ``bert-?``).
            where: one condition or a list of them, all of which must hold. A
                condition is ``FIELD OP VALUE``, spaces optional:

                * ``FIELD`` is a metric name (``val_loss``, ``eval/bleu``) or one of
                  the columns ``model_size_mb``, ``memory_req_gb``, ``training_run_id``;
                  ``VALUE`` is a number (``0.4``, ``-1``, ``1e-3``). A model without
                  the metric never matches.
                * ``created_at OP DATE`` takes a date (``2026-01-31``, optionally with
                  ``12:00`` or ``12:00:05``) or an age (``7d``, ``12h``, ``2w``):
                  ``created_at > 7d`` means "registered in the last 7 days".
                * ``OP`` is one of ``<  <=  >  >=  =  !=`` (``==`` is ``=``).

                A condition that does not parse, or names a metric no model has,
                raises ``ValueError`` saying what is accepted.
            order_by: one sort key: a column (``created_at``, ``name``, ``version``,
                ``model_id``, ``task_type``, ``status``, ``model_size_mb``,
                ``memory_req_gb``, ``training_run_id``) or a metric name, with a
                leading ``-`` for descending (``"-accuracy"``). Versions sort
                semantically; models without the sort metric come last either way.
                ``None`` (default): newest first.
            limit: at most this many rows (``None``: all of them).
            metric_name: the original module's metric filter: only models with
                this metric, at least ``min_metric_value`` when that is given.
            min_metric_value: see ``metric_name``.

        Returns:
            One row per model: ``model_id``, ``name``, ``version``, ``task_type``,
            ``status``, ``created_at``, ``tags`` (a list), ``metrics`` (a dict) and
            the other columns of the model.
        """
        from registry_tui.frames import fields_frame

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
        return fields_frame(self._query_fields(query, limit))

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
        return policies.directions(self._storage.tables)

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
            previous = policies.set_direction(self._storage.tables, name, lower_is_better, at)
            details = {"metric": name, "lower_is_better": lower_is_better, "previous": previous}
            self._writer.event(at, "metric_direction", None, details=details)

    @_guard
    def tag_policies(self) -> dict[str, bool]:
        """Tags with a policy: name -> True when exclusive (``production`` by default)."""
        return policies.policies(self._storage.tables)

    @_guard
    def set_tag_policy(self, tag: str, exclusive: bool) -> None:
        """Mark ``tag`` exclusive (one holder at a time, everywhere) or shared."""
        tag = validate.tag(tag)
        if not isinstance(exclusive, bool):
            raise ValidationError(f"exclusive must be True or False, not {exclusive!r}")
        at = self._now()
        with self._write():
            policies.set_policy(self._storage.tables, tag, exclusive, at)
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

    # -- reads across models and the history (queries in db/reads.py) -------------------------
    @_guard
    def records_by_id(self, model_ids: Iterable[int]) -> dict[int, ModelRecord]:
        """Existing models among ``model_ids`` (no exports), in one query per 500 ids."""
        return self._store.many(validate.model_id(i) for i in model_ids)

    @_guard
    def tag_names(self) -> list[str]:
        """Every tag in use, sorted."""
        return reads.tag_names(self._store)

    @_guard
    def tag_holders(self, tag: str) -> list[ModelRecord]:
        """Models holding ``tag``, most recently tagged first."""
        return reads.tag_holders(self._store, tag)

    @_guard
    def tag_holder_near(self, model_id: int, tag: str = "production") -> ModelRecord | None:
        """The holder of ``tag`` a model is best compared with, or ``None`` when nobody holds it.

        Several models may hold a tag (one per family, say): the holder in the
        model's own fine-tune family wins, then one with the same name, then one
        with the same task type, then the most recently tagged. The model itself
        is returned when it holds the tag.
        """
        tag = validate.tag(tag)
        return reads.holder_near(self._store, validate.model_id(model_id), tag)

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
        self, model_ids: Iterable[int], metrics: str | Iterable[str] | None = None
    ) -> pd.DataFrame:
        """The guide's comparison: one row per model, in the order given.

        Columns: ``model_id, name, version, task_type, created_at, status,
        model_size_mb, memory_req_gb``, then one float column per metric (all the
        models' metrics, or ``metrics``: a list of names, or one name). As in the
        original module, ids that name no model are skipped with a logged
        warning. A metric named like one of those columns (say ``version``) is
        given as ``metrics.version`` so it never overwrites the column.
        """
        from registry_tui.frames import compare_frame

        if isinstance(model_ids, str | bytes):
            raise ValidationError("model_ids must be a list of ids")
        ids = [validate.model_id(i) for i in model_ids]
        names = _metric_names(metrics)
        found = self.records_by_id(ids)
        for missing in dict.fromkeys(i for i in ids if i not in found):
            _log.warning("compare_models: model %d not found, skipped", missing)
        return compare_frame([found[i] for i in ids if i in found], names)

    @_guard
    def lineage_records(self, model_id: int) -> list[ModelRecord]:
        """The parent chain, root first, the model last."""
        return reads.lineage(self._store, validate.model_id(model_id))

    @_guard
    def descendant_records(self, model_id: int) -> list[ModelRecord]:
        """Every model fine-tuned from this one, directly or not; parents first."""
        return reads.descendants(self._store, validate.model_id(model_id))

    @_guard
    def family_records(self, model_id: int) -> list[ModelRecord]:
        """The root ancestor of the model and all of the root's descendants."""
        return reads.family_records(self._store, validate.model_id(model_id))

    def get_model_lineage(self, model_id: int) -> list[dict[str, Any]]:
        """The guide's lineage: dicts from the oldest ancestor to the model."""
        return [r.to_dict() for r in self.lineage_records(model_id)]

    def get_descendants(self, model_id: int) -> list[dict[str, Any]]:
        """Dicts of every model below this one in the fine-tune tree."""
        return [r.to_dict() for r in self.descendant_records(model_id)]

    @_guard
    def get_config(self, model_id: int) -> dict[str, Any] | None:
        """The full config stored at registration, or ``None`` when none was given."""
        record = self.require_record(model_id)
        if not record.config_hash:
            return None
        return reads.stored_config(self._store, record.config_hash)

    def config_changes(self, a: int, b: int) -> list[ConfigChange]:
        """Differences between the stored configs of two models, by dotted key."""
        left, right = self.get_config(a), self.get_config(b)
        for model_id, config in ((a, left), (b, right)):
            if config is None:
                raise ConfigNotFoundError(
                    f"No config stored for model {model_id} (register it with config=...)"
                )
        assert left is not None and right is not None
        return config_diff(left, right)

    def diff_configs(self, a: int, b: int) -> list[dict[str, Any]]:
        """Config differences as dicts: ``{key, change, a, b}``."""
        return [c.to_dict() for c in self.config_changes(a, b)]

    @_guard
    def events(
        self,
        model_id: int | None = None,
        tag: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[EventRecord]:
        """History events, newest first, optionally for one model and/or one tag.

        ``offset`` skips that many of the newest matches (pages of ``limit``).
        """
        mid = None if model_id is None else validate.model_id(model_id)
        count = None if limit is None else validate.count(limit, "limit")
        return reads.events(self._store, mid, tag, count, validate.count(offset, "offset"))

    def history(
        self, model_id: int | None = None, tag: str | None = None, limit: int | None = 100
    ) -> pd.DataFrame:
        """The event log as a DataFrame, newest first."""
        from registry_tui.frames import history_frame

        return history_frame(self.events(model_id, tag, limit))

    @_guard
    def change_token(self) -> int:
        """A number that changes whenever any process commits a change (latest event id)."""
        return reads.change_token(self._store)

    @_guard
    def facets(self, status: str | None = "active") -> Facets:
        """Model counts per task type and per tag (for ``status``; None = all)."""
        return reads.facets(self._store, status)

    @_guard
    def common_metrics(self, limit: int = 3) -> list[str]:
        """The most frequent metric names among the latest 2,000 models."""
        return reads.common_metrics(self._store, limit)

    # -- the registry as a whole (the work is in ops/) ------------------------------------------
    @classmethod
    def check_location(
        cls, db: str | os.PathLike[str], hashes: bool = False, progress: Progress | None = None
    ) -> CheckReport:
        """Open ``db`` and check it; a database that will not open is reported, not raised.

        A SQLite file this process cannot write is checked read-only. For a file
        the registry cannot open (corrupt, not a database, newer schema) the report
        holds the opening error and whatever SQLite's ``integrity_check`` says.
        """
        from registry_tui.ops.check import unopened

        target = parse_target(db)
        path = target.path if target.backend == "sqlite" else None
        unwritable = path is not None and os.path.isfile(path) and not can_write(path)
        try:
            registry = cls(db, read_only=unwritable)
        except RegistryError as exc:
            return unopened(target, exc)
        with registry:
            return registry.check(hashes=hashes, progress=progress)

    def check(self, hashes: bool = False, progress: Progress | None = None) -> CheckReport:
        """Integrity, references and files; ``hashes=True`` also verifies checkpoint SHA-256."""
        from registry_tui.ops.check import check

        return check(self._storage, hashes=hashes, progress=progress)

    @_guard
    def repair(self) -> list[Repair]:
        """Normalise odd legacy values (``check --repair``), all in one transaction, each
        change recorded in the history as a ``repair`` event; returns what changed."""
        from registry_tui.db.repair import repair

        at = self._now()
        with self._write():
            return repair(self._store, self._writer, at)

    def backup(
        self,
        dest: str | os.PathLike[str],
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> Path:
        """A consistent copy of a SQLite registry at ``dest`` (SQLite's online backup API)."""
        return self.backup_report(dest, overwrite, progress).path

    @_guard
    def backup_report(
        self,
        dest: str | os.PathLike[str],
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> BackupReport:
        """:meth:`backup`, returning where the copy went, its size and how many models."""
        from registry_tui.ops.backup import backup

        return backup(self._storage, dest, overwrite=overwrite, progress=progress)

    @_guard
    def dump_bundle(self, progress: Progress | None = None) -> dict[str, Any]:
        """The whole registry as a versioned bundle dict (see :mod:`registry_tui.ops.bundle`)."""
        from registry_tui.ops.bundle import dump_bundle

        return dump_bundle(self._storage, progress)

    def dump(self, path: str | os.PathLike[str], progress: Progress | None = None) -> Path:
        """Write the whole registry to ``path`` as a JSON bundle; returns the path."""
        from registry_tui.ops.bundle import save_bundle

        return save_bundle(self.dump_bundle(progress), path, progress)

    @_guard
    def load(
        self,
        source: str | os.PathLike[str] | dict[str, Any],
        progress: Progress | None = None,
    ) -> LoadReport:
        """Load a bundle (a file or a dict) all or nothing, keeping ids, tags and history."""
        from registry_tui.ops.bundle import read_bundle
        from registry_tui.ops.load import load_bundle

        data = source if isinstance(source, dict) else read_bundle(source)
        return load_bundle(self._storage, data, progress)


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


def _metric_names(metrics: str | Iterable[str] | None) -> list[str] | None:
    """``metrics`` as a list: one name given as a string is one metric, not its letters."""
    if metrics is None:
        return None
    if isinstance(metrics, str):
        return [metrics]
    names = list(metrics)
    for name in names:
        if not isinstance(name, str):
            raise ValidationError(f"metrics must be metric names, not {name!r}")
    return names
