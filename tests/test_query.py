"""The query language: conditions, sort keys, globs and the filter bar."""

from __future__ import annotations

import pytest

from registry_tui import ValidationError
from registry_tui.query import (
    Condition,
    describe,
    glob_to_like,
    parse_condition,
    parse_filter,
    parse_sort,
)
from registry_tui.records import ModelQuery


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("val_loss < 0.4", Condition("val_loss", "<", 0.4)),
        ("accuracy>=0.9", Condition("accuracy", ">=", 0.9)),
        ("memory_req_gb <= 24", Condition("memory_req_gb", "<=", 24.0)),
        ("f1 = 1e-3", Condition("f1", "=", 0.001)),
        ("f1 == .5", Condition("f1", "=", 0.5)),
        ("val/loss != -2", Condition("val/loss", "!=", -2.0)),
    ],
)
def test_parse_condition(text: str, expected: Condition) -> None:
    """Conditions parse into field, operator and a float."""
    assert parse_condition(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("val_loss", "no operator"),
        ("val_loss ~ 1", "unknown operator"),
        ("val_loss <> 1", "unknown operator"),
        ("val_loss < 0.4; DROP TABLE models", "single number"),
        ("x' OR 1=1", "expected an operator"),
        ("'x' < 1", "left side"),
        ("val_loss < nan", "single number"),
        ("", "Empty"),
    ],
)
def test_condition_errors_say_what_is_wrong(text: str, problem: str) -> None:
    """Each malformed condition gets a message naming the problem."""
    with pytest.raises(ValidationError, match=problem):
        parse_condition(text)


def test_column_conditions_are_recognised() -> None:
    """Numeric columns are columns, everything else is a metric."""
    assert parse_condition("model_size_mb > 1").is_column
    assert not parse_condition("val_loss > 1").is_column


def test_sort_keys() -> None:
    """'-' means descending; bad keys are refused."""
    key = parse_sort("-accuracy")
    assert key is not None and key.field == "accuracy" and key.descending
    assert parse_sort(None) is None
    with pytest.raises(ValidationError):
        parse_sort("drop table")


def test_glob_to_like_escapes_like_wildcards() -> None:
    """'*' and '?' become LIKE wildcards; literal % and _ are escaped."""
    assert glob_to_like("gpt-*") == "gpt-%"
    assert glob_to_like("a_b?%") == "a\\_b_\\%"


def test_parse_filter_full_language() -> None:
    """Every token kind of the filter bar lands in the query."""
    query = parse_filter(
        "gpt small tag:production task:classification status:all name:gpt-* "
        "val_loss<0.4 accuracy>=0.9 sort:-accuracy"
    )
    assert query == ModelQuery(
        task_type="classification",
        tag="production",
        status=None,
        name="gpt-*",
        text="gpt small",
        where=("val_loss<0.4", "accuracy>=0.9"),
        order_by="-accuracy",
    )
    assert parse_filter(describe(query)) == query


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo:bar", "Unknown filter"),
        ("status:deleted", "Unknown status"),
        ("tag:", "needs a value"),
        ("tag:has/slash", "Invalid tag"),
        ("val_loss<<1", "condition"),
        ("sort:-", "sort key"),
        ('"unbalanced', "quote"),
    ],
)
def test_parse_filter_bad_tokens(text: str, message: str) -> None:
    """A bad token raises a ValidationError naming it."""
    with pytest.raises(ValidationError, match=message):
        parse_filter(text)


def test_parse_filter_defaults() -> None:
    """An empty filter is the default query: active models, newest first."""
    assert parse_filter("") == ModelQuery()
    assert parse_filter("status:retired").status == "retired"
