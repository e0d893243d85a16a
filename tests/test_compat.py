"""Code written against the guide and its original module keeps working."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry_tui import DatabaseLockedError, ModelRegistry, StorageError
from registry_tui.db import connect


def test_locked_database_is_caught_as_sqlite3_operational_error(
    db_path: Path, checkpoint: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide's Troubleshooting catches ``sqlite3.OperationalError`` for "database is
    locked": our locked error is that too (and a StorageError), with a one-line message."""
    monkeypatch.setattr(connect, "BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setitem(connect.SQLITE_PRAGMAS, "busy_timeout", 50)
    registry = ModelRegistry(db_path, actor="t@h")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            registry.register_model("m", "1.0.0", checkpoint(), "lm")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert isinstance(caught.value, DatabaseLockedError)
    assert isinstance(caught.value, StorageError)
    assert "is locked by another process" in str(caught.value)
    assert "\n" not in str(caught.value)
    registry.close()


def _three(registry: ModelRegistry) -> list[int]:
    common: dict[str, Any] = {"verify_checkpoint": False, "task_type": "lm"}
    return [
        registry.register_model("a", "1.0.0", "a.pt", metrics={"val_loss": 0.5, "version": 3},
                                model_size_mb=10.0, **common),
        registry.register_model("b", "1.0.0", "b.pt", metrics={"val_loss": 0.3, "model_id": 9},
                                memory_req_gb=2.0, tags=["production"], **common),
        registry.register_model("c", "2.0.0", "c.pt", metrics={"accuracy": 0.9}, **common),
    ]  # fmt: skip


def test_compare_models_has_the_original_columns(registry: ModelRegistry) -> None:
    """compare_models gives the original module's columns beside name, version and the
    metrics, so its docstring example selecting ``model_size_mb`` runs unchanged."""
    a, b, _ = _three(registry)
    frame = registry.compare_models([b, a], metrics=["val_loss"])
    assert list(frame.columns) == [
        "model_id", "name", "version", "task_type", "created_at", "status",
        "model_size_mb", "memory_req_gb", "val_loss",
    ]  # fmt: skip
    assert list(frame["model_id"]) == [b, a]
    assert frame["model_size_mb"].tolist()[1] == 10.0
    assert frame["memory_req_gb"].tolist()[0] == 2.0
    assert frame["status"].tolist() == ["active", "active"]
    assert frame["created_at"].tolist()[0].startswith("2026-01-01")


def test_compare_models_takes_one_metric_name_as_a_string(registry: ModelRegistry) -> None:
    """``metrics="val_loss"`` is one metric, not the columns v, a, l ..."""
    a, b, _ = _three(registry)
    frame = registry.compare_models([a, b], metrics="val_loss")
    assert list(frame.columns)[8:] == ["val_loss"]
    assert frame["val_loss"].tolist() == [0.5, 0.3]


def test_metrics_named_like_columns_never_overwrite_them(registry: ModelRegistry) -> None:
    """Metrics called ``version`` and ``model_id`` become ``metrics.version`` and
    ``metrics.model_id``; the real columns keep the ids and versions."""
    a, b, _ = _three(registry)
    frame = registry.compare_models([a, b])
    assert frame["model_id"].tolist() == [a, b]
    assert frame["version"].tolist() == ["1.0.0", "1.0.0"]
    assert frame["metrics.version"].tolist()[0] == 3.0
    assert frame["metrics.model_id"].tolist()[1] == 9.0


def test_compare_models_skips_unknown_ids_with_a_warning(
    registry: ModelRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    """Unknown ids are skipped with a logged warning, as in the original module."""
    a, b, _ = _three(registry)
    with caplog.at_level(logging.WARNING, logger="registry_tui"):
        frame = registry.compare_models([a, 999, b])
    assert frame["model_id"].tolist() == [a, b]
    assert "model 999 not found" in caplog.text


def test_get_model_gives_model_id_priority(registry: ModelRegistry) -> None:
    """With several ways given, the original's order decides: model_id, then
    name+version, then tag."""
    a, _, c = _three(registry)
    by_id = registry.get_model(model_id=a, name="c", version="2.0.0", tag="production")
    assert by_id is not None and by_id["model_id"] == a
    by_name = registry.get_model(name="c", version="2.0.0", tag="production")
    assert by_name is not None and by_name["model_id"] == c


def test_list_models_metric_filter_of_the_original(registry: ModelRegistry) -> None:
    """``list_models(metric_name=..., min_metric_value=...)`` keeps models whose metric is
    at least the value; ``metric_name`` alone keeps those that have the metric."""
    a, b, _ = _three(registry)
    at_least = registry.list_models(metric_name="val_loss", min_metric_value=0.4)
    assert at_least["model_id"].tolist() == [a]
    having = registry.list_models(metric_name="val_loss")
    assert sorted(having["model_id"].tolist()) == [a, b]
    with pytest.raises(ValueError, match="min_metric_value needs metric_name"):
        registry.list_models(min_metric_value=1)
    with pytest.raises(ValueError, match="must be a number"):
        registry.list_models(metric_name="val_loss", min_metric_value="0.4")
