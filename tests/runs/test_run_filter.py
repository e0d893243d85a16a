"""``run:`` in the filter language: an id, or a name resolved to one id by a finder."""

from __future__ import annotations

import pytest

from registry_tui.errors import ValidationError
from registry_tui.query import parse_filter


def test_an_id_needs_no_finder() -> None:
    """run:42 is the condition training_run_id=42, beside the other tokens."""
    query = parse_filter("gpt run:42 tag:prod")
    assert query.where == ("training_run_id=42",) and query.tag == "prod" and query.text == "gpt"


def test_a_name_is_resolved_by_the_finder() -> None:
    """run:NAME asks the finder, and filters by the one id it returns."""
    assert parse_filter("run:base", runs=lambda name: [7]).where == ("training_run_id=7",)


@pytest.mark.parametrize(
    ("text", "found", "message"),
    [
        ("run:", [], "needs a run id or name"),
        ("run:base", [], "No run named 'base'"),
        ("run:base", [3, 5], r"Several runs are named 'base' \(3, 5\)"),
        ("run:base", ["9f3a"], "links models through metadata"),
        ("run:99999999999999999999", [], "too large"),
    ],
)
def test_refusals_are_one_line(text: str, found: list[int | str], message: str) -> None:
    """No value, no such run, a shared name, an MLflow run, a huge id: one-line refusals."""
    with pytest.raises(ValidationError, match=message) as caught:
        parse_filter(text, runs=lambda name: found)
    assert "\n" not in str(caught.value)
