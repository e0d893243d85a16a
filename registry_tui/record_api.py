"""The record API: what the CLI and the app read, as frozen records.

``registry.records`` is a :class:`RecordAPI`. Where the guide's methods on
:class:`~registry_tui.registry.ModelRegistry` return dicts and DataFrames,
these return the records of :mod:`registry_tui.records` (``ModelRecord``,
``ModelPage``, ``Count``, ``Facets``, ``EventRecord``, ``ChangePlan`` ...) and
never import pandas::

    from registry_tui.records import ModelQuery

    query = ModelQuery(task_type="language_modeling", where=("val_loss < 0.4",))
    page = registry.records.page(query, offset=0, limit=50)   # ModelPage
    registry.records.count_capped(query)                      # Count: "10,000+"
    registry.records.get(5)                                   # ModelRecord | None
    registry.records.lineage(5)                               # root first
    registry.records.delete_plan(5)                           # what a delete would do

Every method validates its arguments as the guide's methods do and reports
database failures as one-line :class:`~registry_tui.errors.StorageError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from registry_tui import validate
from registry_tui.configdiff import config_diff
from registry_tui.db import plans, reads
from registry_tui.db.guard import guard as _guard
from registry_tui.db.listing_sql import COUNT_CAP
from registry_tui.db.live import Liveness
from registry_tui.db.stoppable import stoppable
from registry_tui.db.storage import Storage
from registry_tui.db.store import Store
from registry_tui.errors import ConfigNotFoundError, ModelNotFoundError, ValidationError
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
)


class RecordAPI:
    """The faces' reads of one open registry (``registry.records``), returning records.

    Single models: :meth:`get`, :meth:`require`, :meth:`find`, :meth:`by_ids`,
    :meth:`compare`. Listings: :meth:`query`, :meth:`page`, :meth:`count`,
    :meth:`count_capped`, :meth:`position`. Families: :meth:`lineage`,
    :meth:`descendants`, :meth:`family`. Tags and overviews: :meth:`tag_names`,
    :meth:`tag_holders`, :meth:`tag_holder_near`, :meth:`facets`,
    :meth:`common_metrics`. History: :meth:`events`, :meth:`change_token`.
    Configs: :meth:`config_changes`. Plans of a change, worded by both faces:
    :meth:`delete_plan`, :meth:`retire_plan`, :meth:`untag_plan`.
    """

    def __init__(self, store: Store, storage: Storage, live: Liveness) -> None:
        self._store = store
        self._storage = storage
        self._live = live  # read by the guard: reconnect after a lost connection

    def __repr__(self) -> str:
        return f"RecordAPI({self._storage.location!r})"

    # -- single models ----------------------------------------------------------------
    @_guard
    def find(
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

    def get(self, model_id: int) -> ModelRecord | None:
        """One model (with exports) by id, or ``None``."""
        return self.find(model_id=model_id)

    def require(self, model_id: int) -> ModelRecord:
        """One model by id; :class:`ModelNotFoundError` when it does not exist."""
        record = self.find(model_id=model_id)
        if record is None:
            raise ModelNotFoundError(validate.model_id(model_id))
        return record

    @_guard
    def by_ids(self, model_ids: Iterable[int]) -> dict[int, ModelRecord]:
        """Existing models among ``model_ids`` (no exports), in one query per 500 ids."""
        return self._store.many(validate.model_id(i) for i in model_ids)

    @_guard
    def compare(self, model_ids: Iterable[int]) -> list[ModelRecord]:
        """Records in the order given; :class:`ModelNotFoundError` for an unknown id."""
        if isinstance(model_ids, str | bytes):
            raise ValidationError("model_ids must be a list of ids")
        ids = [validate.model_id(i) for i in model_ids]
        found = self._store.many(ids)
        for model_id in ids:
            if model_id not in found:
                raise ModelNotFoundError(model_id)
        return [found[i] for i in ids]

    # -- listings -------------------------------------------------------------------------
    @_guard
    def query(
        self, query: ModelQuery, offset: int = 0, limit: int | None = 100
    ) -> list[ModelRecord]:
        """Records matching ``query`` (no exports), from ``offset``, at most ``limit``."""
        if limit is not None:
            limit = validate.count(limit, "limit")
        offset = validate.count(offset, "offset")
        return self._store.select_records(
            checked_query(self._store, self._storage, query), offset, limit
        )

    def page(self, query: ModelQuery, offset: int = 0, limit: int = 100) -> ModelPage:
        """A window of a listing plus the listing's size (exact up to 10,000, see ``exact``)."""
        records = self.query(query, offset, limit)
        count = self.count_capped(query)
        return ModelPage(tuple(records), offset, count.value, count.exact)

    @_guard
    def count(self, query: ModelQuery, stop: Callable[[], bool] | None = None) -> int:
        """How many models match ``query``, exactly.

        With ``stop``, a long count on SQLite asks it every few thousand steps and
        gives up with :class:`~registry_tui.errors.CountStopped` once it says True
        (the app abandons the exact count of a listing no longer shown).
        """
        checked = checked_query(self._store, self._storage, query)
        with stoppable(self._storage.db, stop):
            return self._store.count(checked)

    @_guard
    def count_capped(self, query: ModelQuery, cap: int = COUNT_CAP) -> Count:
        """How many models match ``query``: exact up to ``cap``, else ``Count(cap, exact=False)``.

        Cheap whatever the registry's size (it reads at most ``cap`` matches), so
        faces call it on every keystroke and show ``str(count)`` ("10,000+");
        :meth:`count` gives the exact figure, off the critical path.
        """
        return self._store.count_capped(checked_query(self._store, self._storage, query), cap)

    @_guard
    def position(self, query: ModelQuery, model_id: int) -> int | None:
        """Row index of a model in the listing of ``query`` (0 first), None when not in it."""
        mid = validate.model_id(model_id)
        return self._store.position(checked_query(self._store, self._storage, query), mid)

    # -- families -------------------------------------------------------------------------
    @_guard
    def lineage(self, model_id: int) -> list[ModelRecord]:
        """The parent chain, root first, the model last."""
        return reads.lineage(self._store, validate.model_id(model_id))

    @_guard
    def descendants(self, model_id: int) -> list[ModelRecord]:
        """Every model fine-tuned from this one, directly or not; parents first."""
        return reads.descendants(self._store, validate.model_id(model_id))

    @_guard
    def family(self, model_id: int) -> list[ModelRecord]:
        """The root ancestor of the model and all of the root's descendants."""
        return reads.family_records(self._store, validate.model_id(model_id))

    # -- tags and overviews ---------------------------------------------------------------
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
    def facets(self, status: str | None = "active") -> Facets:
        """Model counts per task type and per tag (for ``status``; None = all)."""
        return reads.facets(self._store, status)

    @_guard
    def common_metrics(self, limit: int = 3) -> list[str]:
        """The most frequent metric names among the latest 2,000 models."""
        return reads.common_metrics(self._store, limit)

    # -- history ----------------------------------------------------------------------------
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

    @_guard
    def change_token(self) -> int:
        """A number that changes whenever any process commits a change (latest event id)."""
        return reads.change_token(self._store)

    # -- configs ----------------------------------------------------------------------------
    @_guard
    def config_changes(self, a: int, b: int) -> list[ConfigChange]:
        """Differences between the stored configs of two models, by dotted key."""
        left, right = stored_config(self._store, a), stored_config(self._store, b)
        for model_id, config in ((a, left), (b, right)):
            if config is None:
                raise ConfigNotFoundError(
                    f"No config stored for model {model_id} (register it with config=...)"
                )
        assert left is not None and right is not None
        return config_diff(left, right)

    # -- plans of a change --------------------------------------------------------------------
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


def checked_query(store: Store, storage: Storage, query: ModelQuery) -> ModelQuery:
    """``query`` validated (known metrics included), with its dates made absolute."""
    if query.status is not None and query.status not in ("active", "retired"):
        raise ValidationError(f"Unknown status {query.status!r}: use 'active', 'retired' or None")
    if query.tag is not None:
        validate.tag(query.tag)
    conditions, sort_metric = metrics_named(query)
    wanted = [*conditions, *([sort_metric] if sort_metric else [])]
    if wanted:
        known = store.known_metrics(wanted)
        for name in wanted:
            if name not in known:
                raise unknown_metric_error(name, store.metric_names(), in_sort=name == sort_metric)
    return resolve_dates(query, storage.clock())


def stored_config(store: Store, model_id: int) -> dict[str, Any] | None:
    """The full config stored for a model at registration, ``None`` when none was given;
    :class:`ModelNotFoundError` for an unknown id."""
    mid = validate.model_id(model_id)
    record = store.by_id(mid)
    if record is None:
        raise ModelNotFoundError(mid)
    if not record.config_hash:
        return None
    return reads.stored_config(store, record.config_hash)
