"""Which models name a training run: the reads behind ``ModelRegistry.runs()``."""

from __future__ import annotations

from typing import Any

from registry_tui.db.store import Store, loads
from registry_tui.runs.info import MLFLOW_RUN_KEY, RunKey, run_key


def run_links(store: Store) -> list[tuple[int, RunKey]]:
    """``(model_id, run key)`` of every model naming a run, by model id."""
    m = store.t.models
    named = m.training_run_id.is_null(False) | m.metadata.contains(f'"{MLFLOW_RUN_KEY}"')
    rows: Any = (
        m.select(m.model_id, m.training_run_id, m.metadata)
        .where(named)
        .order_by(m.model_id)
        .tuples()
    )
    links = []
    for model_id, run_id, metadata in rows:
        key = run_key(_number(run_id), loads(metadata, {}))
        if key is not None:
            links.append((int(model_id), key))
    return links


def _number(value: object) -> int | None:
    try:
        return None if value is None else int(str(value))
    except ValueError:
        return None
