"""The read methods of :class:`~registry_tui.registry.ModelRegistry` beyond single models
and listings: what a change would do (plans), comparisons, lineage, configs and the history.
Each asks the record API (``registry.records``) and returns what the guide shows."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from registry_tui.db.guard import guard as _guard
from registry_tui.db.listing_sql import COUNT_CAP
from registry_tui.guide_args import metric_names
from registry_tui.guide_args import model_ids as model_ids_of
from registry_tui.record_api import stored_config
from registry_tui.records import ChangePlan, Count, EventRecord, ModelQuery
from registry_tui.registry_core import RegistryCore

if TYPE_CHECKING:
    import pandas as pd

_log = logging.getLogger("registry_tui")


class ReadMethods(RegistryCore):
    """Plans, comparisons, lineage, configs and the history."""

    # -- what a change would do ---------------------------------------------------------
    def delete_plan(self, model_id: int) -> ChangePlan:
        """:meth:`RecordAPI.delete_plan <registry_tui.record_api.RecordAPI.delete_plan>`,
        kept here under the name the README documents."""
        return self.records.delete_plan(model_id)

    def retire_plan(self, model_id: int) -> ChangePlan:
        """:meth:`RecordAPI.retire_plan <registry_tui.record_api.RecordAPI.retire_plan>`,
        kept here under the name the README documents."""
        return self.records.retire_plan(model_id)

    def untag_plan(self, model_id: int, tag: str) -> ChangePlan:
        """:meth:`RecordAPI.untag_plan <registry_tui.record_api.RecordAPI.untag_plan>`,
        kept here under the name the README documents."""
        return self.records.untag_plan(model_id, tag)

    # -- comparisons, families, configs and the history -----------------------------------
    def compare_models(
        self, model_ids: Iterable[int], metrics: str | Iterable[str] | None = None
    ) -> pd.DataFrame:
        """The guide's comparison: one row per model, in the order given::

            registry.compare_models([base_id, ft_id])                        # every metric
            registry.compare_models([1, 2, 3], metrics=["val_loss", "accuracy"])
            registry.compare_models([1, 2], metrics="val_loss")[["name", "val_loss"]]

        Args:
            model_ids: the models to compare, as a list of ids (a string is
                refused). Ids that name no model are skipped with a warning on
                the ``registry_tui`` logger, as the original module does.
            metrics: the metric columns: a list of names, one name, or ``None``
                (default) for every metric any of the models has. A model
                without a metric gets ``NaN`` there.

        Returns:
            A DataFrame with the columns ``model_id, name, version, task_type,
            created_at, status, model_size_mb, memory_req_gb``, then one float
            column per metric. A metric named like one of those columns (say
            ``version``) is given as ``metrics.version`` so it never overwrites it.
        """
        from registry_tui.frames import compare_frame

        ids, names = model_ids_of(model_ids), metric_names(metrics)
        found = self.records.by_ids(ids)
        for missing in dict.fromkeys(i for i in ids if i not in found):
            _log.warning("compare_models: model %d not found, skipped", missing)
        return compare_frame([found[i] for i in ids if i in found], names)

    def get_model_lineage(self, model_id: int) -> list[dict[str, Any]]:
        """The guide's lineage: dicts from the oldest ancestor to the model."""
        return [r.to_dict() for r in self.records.lineage(model_id)]

    def get_descendants(self, model_id: int) -> list[dict[str, Any]]:
        """Dicts of every model below this one in the fine-tune tree."""
        return [r.to_dict() for r in self.records.descendants(model_id)]

    @_guard
    def get_config(self, model_id: int) -> dict[str, Any] | None:
        """The full config stored at registration, or ``None`` when none was given."""
        return stored_config(self._store, model_id)

    def diff_configs(self, a: int, b: int) -> list[dict[str, Any]]:
        """Config differences as dicts: ``{key, change, a, b}``."""
        return [c.to_dict() for c in self.records.config_changes(a, b)]

    def count_capped(self, query: ModelQuery, cap: int = COUNT_CAP) -> Count:
        """:meth:`RecordAPI.count_capped <registry_tui.record_api.RecordAPI.count_capped>`
        (exact up to ``cap``, else ``Count(cap, exact=False)``), kept here under the name
        the README documents."""
        return self.records.count_capped(query, cap)

    def events(
        self,
        model_id: int | None = None,
        tag: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[EventRecord]:
        """:meth:`RecordAPI.events <registry_tui.record_api.RecordAPI.events>` (history
        events as records, newest first), kept here under the name the README documents."""
        return self.records.events(model_id, tag, limit, offset)

    def history(
        self, model_id: int | None = None, tag: str | None = None, limit: int | None = 100
    ) -> pd.DataFrame:
        """The event log as a DataFrame, newest first."""
        from registry_tui.frames import history_frame

        return history_frame(self.records.events(model_id, tag, limit))
