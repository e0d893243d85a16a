"""render/comparison.py: the comparison grid of the terminal app."""

from __future__ import annotations

import re

import pytest

from registry_tui.records import ModelRecord
from registry_tui.render import ComparisonRow, comparison_rows
from registry_tui.render.comparison import (
    LEGEND,
    ComparisonView,
    bar,
    bar_fractions,
    comparison_view,
    metric_cells,
    row_marks,
    row_texts,
    wrap_words,
)
from tests.test_render import make, plain


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ([0.98770, 0.98771], ["0.98770", "0.98771"]),
        ([0.38, 0.42], ["0.38", "0.42"]),
        ([0.3809, 0.4341, None], ["0.38", "0.43", "-"]),
        ([1.0, 1.5], ["1.0", "1.5"]),
        ([0.9877, 0.9877], ["0.99", "0.99"]),
        ([8493, 7976], ["8,493", "7,976"]),
        ([3e-5, 3.5e-5], ["3.0e-05", "3.5e-05"]),
        ([None, None], ["-", "-"]),
    ],
)
def test_row_texts_use_the_fewest_digits_that_tell_values_apart(
    values: list[float | None], shown: list[str]
) -> None:
    """Distinct values never read the same; equal values read the same; no extra digits."""
    assert row_texts(values) == shown


def test_equal_best_values_are_tied_not_starred() -> None:
    """Two models with the same best value get ``=``, neither gets the star."""
    row = ComparisonRow("accuracy", (0.9877, 0.9877, 0.5), frozenset({0, 1}), False)
    assert row_marks(row) == ["=", "=", " "]
    single = ComparisonRow("accuracy", (0.98770, 0.98771), frozenset({1}), False)
    assert row_marks(single) == [" ", "★"]


@pytest.mark.parametrize("lower_better", [True, False])
def test_the_best_value_gets_the_longest_bar_in_either_direction(lower_better: bool) -> None:
    """Lower- and higher-is-better rows both give the best value the full bar."""
    values = [0.2, 0.4, 0.8, None]
    fractions = bar_fractions(values, lower_better)
    best = 0 if lower_better else 2
    present = [f for f in fractions if f is not None]
    assert fractions[best] == 1.0 and max(present) == 1.0
    assert fractions[3] is None
    order = sorted(range(3), key=lambda i: fractions[i] or 0.0)
    assert order == ([2, 1, 0] if lower_better else [0, 1, 2])


def test_bars_of_nearly_equal_values_look_equal() -> None:
    """0.98770 against 0.98771 is not drawn as a short bar against a full one."""
    fractions = bar_fractions([0.98770, 0.98771], False)
    assert bar(fractions[0] or 0, 10) == bar(fractions[1] or 0, 10) == "█" * 10


def test_bars_of_rows_with_negative_values_span_worst_to_best() -> None:
    """Without a positive scale the worst value gets a short bar, the best a full one."""
    assert bar_fractions([-1.0, 1.0], False) == [0.15, 1.0]
    assert bar_fractions([-1.0, 1.0], True) == [1.0, 0.15]
    assert bar_fractions([0.0, 0.0], True) == [1.0, 1.0]


def test_metric_cells_put_the_value_and_mark_over_the_bar() -> None:
    """A cell is two lines: ``0.36 ★`` then a bar as wide as the column."""
    row = ComparisonRow("val_loss", (0.36, 0.72), frozenset({0}), True)
    first, second = (c.plain.split("\n") for c in metric_cells(row, 8))
    assert first == ["0.36 ★", "█" * 8]
    assert second == ["0.72", "████    "]


def test_wrap_words_breaks_after_separators_and_keeps_every_character() -> None:
    """Long names wrap after ``-`` or ``_``; a long piece is cut, nothing is dropped."""
    assert wrap_words("gpt-small-medical-qa", 12) == "gpt-small-\nmedical-qa"
    assert wrap_words("abcdefghijklmnop", 6) == "abcdef\nghijkl\nmnop"
    assert wrap_words("a\x1b]52;c;x\x07", 40) == "a\\x1b]52;c;x\\x07"


def _text(
    view_width: int, records: list[ModelRecord], first: int = 0
) -> tuple[str, ComparisonView]:
    """The grid for ``records`` at ``view_width`` as plain text, and its window."""
    rows = comparison_rows(records)
    view = comparison_view(records, rows, width=view_width, first=first)
    return plain(view.renderable, view_width), view


def test_grid_keeps_full_metric_names_and_headers_with_version_and_id() -> None:
    """``rouge_1`` and ``rouge_l`` are told apart; every header has name, version and id."""
    metrics = {"rouge_1": 0.41, "rouge_l": 0.38, "[red]loss": 0.5}
    records = [make(i, version=f"1.{i}.0", metrics=metrics) for i in (1, 2)]
    text, _ = _text(80, records)
    assert "rouge_1 ↑" in text and "rouge_l ↑" in text
    assert "[red]loss ↓" in text  # markup shown literally
    assert "1.1.0 #1" in text and "1.2.0 #2" in text
    assert text.count("gpt-small") == 2
    assert LEGEND in text


@pytest.mark.parametrize("count", [2, 7, 20])
def test_grid_window_fits_the_width_and_scrolling_reaches_every_model(count: int) -> None:
    """No model is dropped: the windows, scrolled through, cover every model once."""
    records = [make(i, metrics={"val_loss": 0.3 + i / 100}) for i in range(1, count + 1)]
    seen: set[int] = set()
    first = 0
    while True:
        text, view = _text(77, records, first)
        assert max(len(line) for line in text.splitlines()) <= 77
        seen.update(int(m) for m in re.findall(r"#(\d+)", text))
        if view.first + view.shown >= count:
            break
        first = view.first + 1
    assert seen == set(range(1, count + 1))


def test_grid_shows_seven_models_at_once_in_120_columns() -> None:
    """Seven models with short names fit side by side at 120x36 (118 usable cells)."""
    records = [make(i, name=f"model-{i}") for i in range(1, 8)]
    text, view = _text(117, records)
    assert view.shown == 7 and "models 1" not in text


def test_columns_are_wide_enough_not_to_break_words() -> None:
    """``summarization`` and a tag with its comma stay whole; names wrap after ``-`` only."""
    records = [
        make(1, name="t5-small-news-headlines", task_type="summarization",
             tags=("experimental", "staging")),
        make(2, name="t5-small", task_type="summarization", tags=()),
    ]  # fmt: skip
    text, _ = _text(77, records)
    assert text.count("summarization") == 2
    assert "experimental," in text and "staging" in text
    assert "t5-small-" in text and "headlines" in text
