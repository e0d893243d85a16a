"""RegistryCore: the guide's API over the peewee data layer.

Its methods take and return what the guide shows (ids, dicts, pandas
DataFrames), plus the additions the README documents. The CLI and the app read
frozen records through ``registry.records`` (:class:`~registry_tui.record_api.RecordAPI`),
which never imports pandas. :class:`~registry_tui.registry.ModelRegistry` is this core
with the methods of each further area (training, model cards ...) mixed in, each in a
module of its own (``registry_tui/registry_*.py``).

Every write is one transaction that also records its history event: a failed
call leaves nothing behind.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from registry_tui import validate
from registry_tui.db import policies
from registry_tui.db.guard import guard as _guard
from registry_tui.db.storage import Clock
from registry_tui.errors import ValidationError
from registry_tui.guide_args import listing_query
from registry_tui.open_registry import OpenRegistry
from registry_tui.record_api import RecordAPI, checked_query
from registry_tui.records import ModelQuery, PromoteResult

if TYPE_CHECKING:
    import pandas as pd


_log = logging.getLogger("registry_tui")


class RegistryCore(OpenRegistry):
    """The core of :class:`~registry_tui.registry.ModelRegistry`: a model registry on
    SQLite (a path or ``sqlite:///``) or PostgreSQL (a URL).

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
        super().__init__(db, clock=clock, actor=actor, read_only=read_only)
        self.records = RecordAPI(self._store, self._storage, self._live)
        """The record API of the faces: models, pages, counts, events, plans as records."""

    # -- registration -------------------------------------------------------------------
    @staticmethod
    def compute_config_hash(config: dict[str, Any]) -> str:
        """SHA-256 of ``json.dumps(config, sort_keys=True)``, as the guide computes it."""
        from registry_tui.registration_checks import config_hash_of

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
        inspect: bool = True,
        memory_mode: str = "inference",
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
            checkpoint_path: where the weights are: a file, or a directory such as a
                ``save_pretrained`` folder. It must exist unless
                ``verify_checkpoint=False``; a FIFO or device is refused.
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
            model_size_mb: the weights' size; when omitted, read from the
                checkpoint's headers (the optimizer state of a training checkpoint
                is not counted), or the file's size when its format is unknown.
            memory_req_gb: memory the model needs; when omitted, estimated from
                the checkpoint in ``memory_mode`` and the rule recorded in
                ``metadata["memory_estimate"]``.
            training_run_id: the id of the run that produced it, for your records.
            parent_model_id: the model this one was fine-tuned from; it must exist.
                Lineage (:meth:`get_model_lineage`) follows these links.
            metadata: any JSON object (nested objects allowed, up to 1 MB).
            tags: tags to give the model at once (``["staging"]``). An exclusive
                tag (``production`` unless marked shared) moves to this model
                from its holder, recorded as a promotion.
            config: the training config, stored so two models' configs can be
                compared (:meth:`diff_configs`).
            verify_checkpoint: check that ``checkpoint_path`` exists (default).
            inspect: read the checkpoint's headers (default; never its weights, never
                running its pickle) to fill ``model_size_mb``, ``memory_req_gb``,
                the parameter count (``params``) and ``metadata["checkpoint"]``.
                A damaged file refuses the registration; ``inspect=False`` stores
                it as it is. Needs ``verify_checkpoint``.
            memory_mode: what an estimated ``memory_req_gb`` is for: ``"inference"``
                (weights, overhead and the KV cache) or ``"train-adamw"`` (full
                fine-tuning with Adam in mixed precision).

        Returns:
            The new model's id. Ids are never reused, not even those of deleted models.

        Raises:
            ValueError: invalid version/metrics/tags/metadata, unknown parent, or
                ``Model 'gpt-small' version '1.0.0' already exists``.
            FileNotFoundError: ``Checkpoint not found: <path>`` (unless
                ``verify_checkpoint=False``).
        """
        from registry_tui.registration_checks import new_model  # writes only: kept off reads

        new = new_model(
            name=name, version=version, checkpoint_path=checkpoint_path, task_type=task_type,
            config_hash=config_hash, metrics=metrics, export_formats=export_formats,
            model_size_mb=model_size_mb, memory_req_gb=memory_req_gb,
            training_run_id=training_run_id, parent_model_id=parent_model_id,
            metadata=metadata, tags=tags, config=config, verify_checkpoint=verify_checkpoint,
            inspect=inspect, memory_mode=memory_mode,
        )  # fmt: skip
        legacy = self._storage.legacy_not_null_hash()
        with self._session.write():
            return self._writer.insert_model(new, self._now(), legacy)

    # -- single models and listings ---------------------------------------------------
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
        record = self.records.find(model_id=model_id, name=name, version=version, tag=tag)
        return None if record is None else record.to_dict()

    @_guard
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
        from registry_tui.frames import columns_frame

        query = listing_query(
            task_type, tag, status, name, where, order_by, metric_name, min_metric_value
        )
        if limit is not None:
            limit = validate.count(limit, "limit")
        checked = checked_query(self._store, self._storage, query)
        return columns_frame(*self._store.select_columns(checked, 0, limit))

    def count_models(
        self,
        query: ModelQuery | None = None,
        *,
        task_type: str | None = None,
        tag: str | None = None,
        status: str | None = "active",
        name: str | None = None,
        where: str | list[str] | None = None,
        metric_name: str | None = None,
        min_metric_value: float | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> int:
        """How many models :meth:`list_models` with the same filters would list, without a limit::

            registry.count_models()                                  # active models
            registry.count_models(tag="production", status=None)
            registry.count_models(name="gpt-*", where=["val_loss < 0.4", "created_at > 7d"])
            registry.count_models(ModelQuery(task_type="classification"))

        Args:
            query: the filters as one :class:`~registry_tui.records.ModelQuery`
                (what the faces build from a filter line), instead of the keywords.
            task_type: only this task type (ignoring case), or a glob (``lang*``).
            tag: only models holding this tag.
            status: ``"active"`` (default), ``"retired"``, or ``None`` for every status.
            name: an exact name or a shell-style glob (``gpt-*``, ``bert-?``).
            where: one condition or a list of them, all of which must hold, in
                :meth:`list_models`'s grammar: ``FIELD OP VALUE`` with a metric or
                ``model_size_mb`` / ``memory_req_gb`` / ``training_run_id`` against
                a number, or ``created_at`` against a date or an age (``7d``), and
                ``OP`` one of ``<  <=  >  >=  =  !=``.
            metric_name: the original module's metric filter, as in :meth:`list_models`.
            min_metric_value: see ``metric_name``.
            stop: asked every few thousand steps of a long count on SQLite; once it
                says True the count gives up with :class:`~registry_tui.errors.CountStopped`.

        Returns:
            The exact number of matching models. For a count that stays cheap on
            any registry size, see ``registry.records.count_capped``.

        Raises:
            ValueError: a condition that does not parse or names a metric no
                model has, an unknown status, or a ``query`` given with keywords.
        """
        keywords = (task_type, tag, name, where, metric_name, min_metric_value)
        if query is None:
            query = listing_query(
                task_type, tag, status, name, where, None, metric_name, min_metric_value
            )
        elif any(k is not None for k in keywords) or status != "active":
            raise ValidationError(
                "Give count_models either a ModelQuery or filter keywords, not both"
            )
        return self.records.count(query, stop)

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
        with self._session.write():
            changed, removed = self._writer.promote(mid, tag, bool(remove_from_others), self._now())
            found = self._store.many([mid, *removed])
        return PromoteResult(
            found[mid], tag, tuple(found[i] for i in removed if i in found), changed
        )

    @_guard
    def remove_tag(self, model_id: int, tag: str) -> None:
        """Take ``tag`` off a model (:class:`TagNotFoundError` if it does not have it)."""
        mid, tag = validate.model_id(model_id), validate.tag(tag)
        with self._session.write():
            self._writer.remove_tag(mid, tag, self._now())

    @_guard
    def rollback_tag(self, tag: str) -> int:
        """Give an exclusive tag back to its previous holder (by the history); return its id."""
        tag = validate.tag(tag)
        with self._session.write():
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
        with self._session.write():
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
        with self._session.write():
            policies.set_policy(self._storage.tables, tag, exclusive, at)
            self._writer.event(at, "tag_policy", None, tag, details={"exclusive": exclusive})

    # -- lifecycle ---------------------------------------------------------------------------
    @_guard
    def retire_model(self, model_id: int, *, reason: str | None = None) -> bool:
        """Mark a model retired (kept, hidden from default listings).

        ``reason`` is kept in the ``retire`` event's details (``{"reason": ...}``),
        so the history says why (a checkpoint whose file a rotation deleted, say).

        Returns:
            False when it was already retired (nothing is written, no event).
        """
        mid = validate.model_id(model_id)
        why = None if reason is None else validate.text(reason, "reason")
        with self._session.write():
            return self._writer.retire(mid, self._now(), why)

    @_guard
    def restore_model(self, model_id: int) -> bool:
        """Make a retired model active again (a ``restore`` event in the history).

        Returns False, writing nothing, when the model is already active.
        """
        mid = validate.model_id(model_id)
        with self._session.write():
            return self._writer.restore(mid, self._now())

    @_guard
    def delete_model(self, model_id: int, force: bool = False) -> None:
        """Delete a model. Tagged models and models with children need ``force=True``;
        a forced delete unlinks the children (they keep their rows, lose their parent)."""
        mid = validate.model_id(model_id)
        with self._session.write():
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
        with self._session.write():
            return self._writer.add_export(mid, fmt, path, meta, self._now())
