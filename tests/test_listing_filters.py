"""Listings through the core: free words, literal matching, task globs, dates, known metrics.

Every test runs on SQLite and, when configured, on PostgreSQL: the filter language
must mean the same on both backends.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.query import MAX_CONDITIONS, parse_filter
from registry_tui.records import ModelQuery
from tests.conftest import FixedClock


def add(registry: ModelRegistry, name: str, task: str = "language_modeling", **kw: Any) -> int:
    """Register ``name`` 1.0.0 without a checkpoint file."""
    return registry.register_model(name, "1.0.0", "ck.pt", task, verify_checkpoint=False, **kw)


def names(registry: ModelRegistry, text: str) -> list[str]:
    """Names listed by the filter ``text``, sorted."""
    return sorted(r.name for r in registry.records.query(parse_filter(text)))


def test_every_free_word_must_match(registry: ModelRegistry) -> None:
    """``gpt medical`` lists names holding both words, in any order, not only one of them."""
    for name in ("gpt-medical", "medical-gpt", "gpt-small", "bert-medical"):
        add(registry, name)
    assert names(registry, "gpt medical") == ["gpt-medical", "medical-gpt"]
    assert registry.count_models(parse_filter("medical gpt")) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gpt_small", ["gpt_small"]),
        ("gpt%", ["gpt%x"]),
        ("name:gpt_*", ["gpt_small"]),
    ],
)
def test_free_text_is_literal(registry: ModelRegistry, text: str, expected: list[str]) -> None:
    """LIKE wildcards and the escape character in free text match only themselves."""
    for name in ("gpt-small", "gpt_small", "gpt%x", "gptax", "t\\s", "tas"):
        add(registry, name)
    assert names(registry, text) == expected
    query = ModelQuery(text="t\\s")  # the escape character itself (the bar's quoting eats it)
    assert [r.name for r in registry.records.query(query)] == ["t\\s"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("task:Classification", ["b"]),
        ("task:classif*", ["b"]),
        ("task:*_modeling", ["a"]),
        ("task:?lassification", ["b"]),
        ("task:class", []),
    ],
)
def test_task_matches_like_names(registry: ModelRegistry, text: str, expected: list[str]) -> None:
    """``task:`` is case-insensitive and takes globs, as ``name:`` does."""
    add(registry, "a", "language_modeling")
    add(registry, "b", "classification")
    add(registry, "c", "class_x")
    assert names(registry, text) == expected


def test_created_at_conditions_follow_the_registry_clock(
    registry: ModelRegistry, clock: FixedClock
) -> None:
    """Ages count back from the registry's clock; dates compare whole days."""
    add(registry, "old")  # 2026-01-01 12:00
    clock.now += timedelta(days=10)
    add(registry, "new")  # 2026-01-11 12:00
    assert names(registry, "created_at>7d") == ["new"]
    assert names(registry, "created_at < 7d") == ["old"]
    assert names(registry, "created_at>2026-01-01") == ["new"]
    assert names(registry, "created_at>=2026-01-01") == ["new", "old"]
    assert names(registry, "created_at<=2026-01-01") == ["old"]
    assert registry.count_models(parse_filter("created_at>7d")) == 1


def test_unknown_sort_key_lists_what_exists(registry: ModelRegistry) -> None:
    """``sort:-acuracy`` is refused, naming the sort columns and the metrics that exist."""
    add(registry, "a", metrics={"accuracy": 0.9, "val_loss": 0.3})
    with pytest.raises(ValidationError) as info:
        registry.records.query(parse_filter("sort:-acuracy"))
    message = str(info.value)
    assert "Unknown sort key 'acuracy'" in message
    assert "accuracy, val_loss" in message and "created_at" in message
    with pytest.raises(ValidationError, match="Unknown sort key"):
        registry.list_models(order_by="acuracy")


def test_unknown_metric_in_a_condition_lists_the_metrics(registry: ModelRegistry) -> None:
    """A condition on a metric no model has is an error listing the metrics, on every path."""
    add(registry, "a", metrics={"accuracy": 0.9})
    with pytest.raises(ValidationError, match=r"Unknown metric 'acuracy'.*accuracy"):
        registry.count_models(ModelQuery(where=("acuracy > 0.5",)))
    with pytest.raises(ValidationError, match="Unknown metric"):
        registry.list_models(where="acuracy > 0.5")
    assert len(registry.records.query(ModelQuery(where=("accuracy > 0.5",)))) == 1


def test_too_many_conditions_is_a_validation_error(registry: ModelRegistry) -> None:
    """A condition list longer than a query can join is refused before reaching the database."""
    add(registry, "a", metrics={"accuracy": 0.9})
    where = ["accuracy > 0"] * (MAX_CONDITIONS + 1)
    with pytest.raises(ValidationError, match="Too many conditions"):
        registry.list_models(where=where)
    assert len(registry.list_models(where=where[:MAX_CONDITIONS])) == 1


def test_position_of_a_model_in_a_listing(registry: ModelRegistry) -> None:
    """The row of a model follows the listing's filter and order; None when filtered out."""
    ids = [add(registry, f"m{i}", metrics={"accuracy": i / 10}) for i in range(5)]
    newest_first = ModelQuery()
    assert [registry.records.position(newest_first, i) for i in ids] == [4, 3, 2, 1, 0]
    by_accuracy = ModelQuery(order_by="-accuracy", where=("accuracy >= 0.1",))
    assert registry.records.position(by_accuracy, ids[3]) == 1
    assert registry.records.position(by_accuracy, ids[0]) is None
    assert registry.records.position(newest_first, 999) is None
