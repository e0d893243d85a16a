"""The query language: conditions, sort keys, globs and the filter bar."""

from __future__ import annotations

import pytest

from registry_tui import ValidationError
from registry_tui.query import (
    MAX_CONDITIONS,
    Condition,
    date_bound,
    describe,
    glob_to_like,
    jump_target,
    parse_condition,
    parse_filter,
    parse_sort,
    tokenize,
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


def test_several_free_words_are_kept_apart() -> None:
    """Free words stay separate words of the query text (each must match on its own)."""
    assert parse_filter("gpt  medical").text == "gpt medical"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("val_loss < 0.4", ("val_loss<0.4",)),
        ("val_loss <0.4", ("val_loss<0.4",)),
        ("val_loss< 0.4 gpt", ("val_loss<0.4",)),
        ("gpt accuracy >= 0.9 sort:-accuracy", ("accuracy>=0.9",)),
        ("created_at > 2024-10-01", ("created_at>2024-10-01",)),
    ],
)
def test_spaces_around_operators_are_accepted(text: str, where: tuple[str, ...]) -> None:
    """A condition written with spaces around its operator is one condition, as in the API."""
    assert parse_filter(text).where == where


def test_tokenize_keeps_keys_apart_from_conditions() -> None:
    """A key token is never glued to a following condition."""
    assert tokenize("sort:-accuracy val_loss < 1") == ["sort:-accuracy", "val_loss<1"]


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("retired|all", None),
        ("active|retired", None),
        ("retired|retired", "retired"),
        ("ACTIVE", "active"),
        ("all", None),
    ],
)
def test_status_alternatives(value: str, status: str | None) -> None:
    """``|`` joins status alternatives; the union decides (both statuses = every model)."""
    assert parse_filter(f"status:{value}").status == status


def test_status_alternative_names_the_bad_part() -> None:
    """A bad alternative is named in the error."""
    with pytest.raises(ValidationError, match="'gone'"):
        parse_filter("status:active|gone")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("created_at>2024-10-01", Condition("created_at", ">", "2024-10-01")),
        ("created_at <= 2024-10-01 12:30", Condition("created_at", "<=", "2024-10-01 12:30")),
        ("created_at>7d", Condition("created_at", ">", "7d")),
        ("created_at<2w", Condition("created_at", "<", "2w")),
    ],
)
def test_date_conditions_parse(text: str, expected: Condition) -> None:
    """created_at takes a date, a date and time, or an age in hours, days or weeks."""
    assert parse_condition(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("created_at>yesterday", "created_at>7d"),
        ("created_at>2024-13-01", "Invalid date"),
        ("created_at=2024-10-01", "use < <= > >="),
        ("created_at>7y", "created_at>7d"),
    ],
)
def test_bad_date_conditions_are_refused(text: str, problem: str) -> None:
    """A bad date condition says what form is expected."""
    with pytest.raises(ValidationError, match=problem):
        parse_condition(text)


def test_metric_named_like_a_date_column_prefix_is_a_metric() -> None:
    """Only the created_at column itself takes dates; created_at_x is a metric."""
    assert parse_condition("created_at_x < 1") == Condition("created_at_x", "<", 1.0)


@pytest.mark.parametrize(
    ("text", "op", "bound"),
    [
        ("created_at>7d", ">", "2026-01-08 12:00:00"),
        ("created_at<36h", "<", "2026-01-14 00:00:00"),
        ("created_at>2024-10-01", ">=", "2024-10-02 00:00:00"),
        ("created_at>=2024-10-01", ">=", "2024-10-01 00:00:00"),
        ("created_at<=2024-10-01", "<", "2024-10-02 00:00:00"),
        ("created_at<2024-10-01T08:00", "<", "2024-10-01 08:00:00"),
    ],
)
def test_date_bounds(text: str, op: str, bound: str) -> None:
    """Ages count back from the clock; a bare day means the whole day."""
    from datetime import datetime

    cond = date_bound(parse_condition(text), datetime(2026, 1, 15, 12, 0, 0))
    assert (cond.op, cond.value) == (op, bound)


def test_too_many_conditions_are_a_filter_error() -> None:
    """More conditions than a listing can join is a clear error, not a database one."""
    text = " ".join(f"m{i}<1" for i in range(MAX_CONDITIONS + 1))
    with pytest.raises(ValidationError, match="Too many conditions"):
        parse_filter(text)
    parse_filter(" ".join(f"m{i}<1" for i in range(MAX_CONDITIONS)))


def test_too_many_words_are_a_filter_error() -> None:
    """More free words than a filter takes is a clear error."""
    with pytest.raises(ValidationError, match="Too many words"):
        parse_filter(" ".join(f"w{i}" for i in range(100)))


@pytest.mark.parametrize(
    ("text", "target"), [("#123", 123), (":7", 7), (" #12 ", 12), ("#x", None), ("gpt", None)]
)
def test_jump_target(text: str, target: int | None) -> None:
    """``#N`` and ``:N`` are jumps to model N, anything else is a filter."""
    assert jump_target(text) == target


def test_with_token_replaces_one_kind_of_token() -> None:
    """Setting a sort or a task replaces that token and keeps every other one as typed."""
    from registry_tui.query import with_token

    assert with_token("gpt val_loss < 0.4 sort:name", "sort", "-accuracy") == (
        "gpt val_loss<0.4 sort:-accuracy"
    )
    assert with_token("task:a tag:b", "task", "two words") == "tag:b 'task:two words'"
    assert with_token("gpt tag:b", "tag", None) == "gpt"
    assert parse_filter(with_token("", "task", "two words")).task_type == "two words"


def test_params_b_is_params_in_billions() -> None:
    """``params_b <= 8`` is the column condition ``params <= 8e9``; sorting by it sorts params."""
    from registry_tui.query import parse_condition, parse_sort

    cond = parse_condition("params_b <= 8")
    assert (cond.field, cond.op, cond.value) == ("params", "<=", 8e9)
    assert cond.is_column
    assert parse_condition("params > 1000").is_column
    sort = parse_sort("-params_b")
    assert sort is not None and (sort.field, sort.descending, sort.is_column) == (
        "params",
        True,
        True,
    )
