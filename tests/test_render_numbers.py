"""Exact metric values and counted nouns (``registry_tui.render.numbers``)."""

from __future__ import annotations

import random
import struct

import pytest

from registry_tui.render import exact_value
from registry_tui.render.counts import count_label


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.000012345, "1.2345e-05"),
        (123456789.5, "123456789.5"),
        (0.123456789, "0.123456789"),
        (0.0001, "0.0001"),
        (1e15, "1e+15"),
        (-3.5e-9, "-3.5e-09"),
        (2.0, "2"),
        (0.0, "0"),
        (48213, "48213"),
        (None, "-"),
        (float("nan"), "-"),
        (float("-inf"), "-inf"),
    ],
)
def test_exact_value_examples(value: float | None, shown: str) -> None:
    """Plain decimals in the usual range, scientific notation below 1e-4 and from 1e15."""
    assert exact_value(value) == shown


def test_exact_value_reads_back_as_the_same_float() -> None:
    """For 5,000 seeded random doubles of every magnitude, the text parses back exactly."""
    rng = random.Random(8)
    for _ in range(5000):
        value = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if value != value or value in (float("inf"), float("-inf")):
            continue
        assert float(exact_value(value)) == value, value


@pytest.mark.parametrize(
    ("count", "shown"), [(0, "0 models"), (1, "1 model"), (2, "2 models"), (48213, "48,213 models")]
)
def test_count_label_agrees_with_the_count(count: int, shown: str) -> None:
    """One model, two models: the noun agrees with the count, thousands separated."""
    assert count_label(count) == shown


def test_a_parameter_count_reads_short_then_exact() -> None:
    """``7.24 B (7,241,732,096)``: the size at a glance, then every digit; ``-`` unknown."""
    from registry_tui.render.numbers import format_params

    assert format_params(7_241_732_096) == "7.24 B (7,241,732,096)"
    assert format_params(124_439_808) == "124 M (124,439,808)"
    assert format_params(512) == "512"
    assert format_params(None) == "-"
