"""Property tests: what goes in comes back out, and versions sort as semver.org says.

Hypothesis generates metrics, metadata and unicode names and checks the
register/get round trip on SQLite and PostgreSQL; semantic-version ordering
is checked against a reference comparator written here from the
specification (semver.org, section 11), independent of the registry's code.
"""

from __future__ import annotations

import itertools
import re
from functools import cmp_to_key
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry_tui import ModelRegistry, ValidationError, versions

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_counter = itertools.count()

names = st.text(min_size=1, max_size=256).filter(lambda s: s.strip() != "" and "\x00" not in s)
metric_names = st.text(min_size=1, max_size=128).filter(lambda s: s.strip() and "\x00" not in s)
numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(2**63), max_value=2**63),
)
metrics = st.dictionaries(metric_names, numbers, max_size=8)
json_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)  # fmt: skip
json_values = st.recursive(
    json_leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)
metadata = st.dictionaries(st.text(max_size=20), json_values, max_size=6)


@SETTINGS
@given(name=names, values=metrics, extra=metadata)
def test_register_and_get_round_trip(
    registry: ModelRegistry, name: str, values: dict[str, float], extra: dict[str, Any]
) -> None:
    """Any unicode name, finite metrics and JSON metadata come back exactly as registered."""
    version = f"0.0.{next(_counter)}"
    model_id = registry.register_model(
        name, version, "/c.pt", "t", metrics=values, metadata=extra, verify_checkpoint=False
    )
    for found in (registry.get_model(model_id), registry.get_model(name=name, version=version)):
        assert found is not None
        assert found["model_id"] == model_id and found["name"] == name
        assert found["metrics"] == values
        assert [type(v) for v in found["metrics"].values()] == [type(v) for v in values.values()]
        assert found["metadata"] == extra


@SETTINGS
@given(key=metric_names, value=st.floats(allow_nan=False, allow_infinity=False))
def test_metric_conditions_find_what_was_registered(
    registry: ModelRegistry, key: str, value: float
) -> None:
    """A registered metric value is found again by an exact ``=`` condition on it (bound)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-/]*", key):
        key = "m_" + key.encode().hex()[:40]
    model_id = registry.register_model(
        "cond", f"0.0.{next(_counter)}", "/c.pt", "t", metrics={key: value},
        verify_checkpoint=False,
    )  # fmt: skip
    frame = registry.list_models(where=f"{key} = {value!r}", name="cond", limit=None)
    assert model_id in set(frame["model_id"])


# -- semantic versions ---------------------------------------------------------------------

ASCII_DIGITS = "0123456789"
ALNUM = ASCII_DIGITS + "abcXYZ-"
numeric_ids = st.integers(0, 10**9).map(str)
alnum_ids = st.text(alphabet=ALNUM, min_size=1, max_size=6).filter(lambda s: not s.isdigit())
builds = st.lists(st.text(alphabet=ALNUM, min_size=1, max_size=5), max_size=2)


@st.composite
def semvers(draw: st.DrawFn) -> str:
    """Valid semantic versions, pre-release and build parts included, at most 128 chars."""
    core = ".".join(str(draw(st.integers(0, 10**12))) for _ in range(3))
    pre = draw(st.lists(st.one_of(numeric_ids, alnum_ids), max_size=4))
    build = draw(builds)
    text = core + ("-" + ".".join(pre) if pre else "") + ("+" + ".".join(build) if build else "")
    return text if len(text) <= 128 else core


def reference_compare(a: str, b: str) -> int:
    """semver.org section 11, written out step by step; -1, 0 or 1."""

    def split(text: str) -> tuple[list[int], list[str] | None]:
        text = text.split("+", 1)[0]
        core, _, pre = text.partition("-")
        return [int(n) for n in core.split(".")], (pre.split(".") if pre else None)

    (core_a, pre_a), (core_b, pre_b) = split(a), split(b)
    if core_a != core_b:
        return -1 if core_a < core_b else 1
    if pre_a is None or pre_b is None:
        return 0 if pre_a == pre_b else (1 if pre_a is None else -1)
    for x, y in zip(pre_a, pre_b, strict=False):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return -1 if int(x) < int(y) else 1
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1
        return -1 if x < y else 1
    return (len(pre_a) > len(pre_b)) - (len(pre_a) < len(pre_b))


def _sign(n: int) -> int:
    return (n > 0) - (n < 0)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(a=semvers(), b=semvers())
def test_sort_key_orders_as_semver(a: str, b: str) -> None:
    """``versions.sort_key`` orders any two versions as the specification does."""
    key_a, key_b = versions.sort_key(a), versions.sort_key(b)
    assert _sign((key_a > key_b) - (key_a < key_b)) == reference_compare(a, b)


SEMVER_REGEX = re.compile(  # the regular expression published on semver.org, ASCII digits
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
    r"(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
near_versions = st.text(alphabet="0123456789.-+azAZ\n \u0662v", max_size=20)


def _accepted(text: str) -> bool:
    try:
        versions.parse(text)
    except ValidationError:
        return False
    return True


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(text=st.one_of(near_versions, semvers()))
def test_validity_matches_the_published_regex(text: str) -> None:
    """A version is accepted exactly when semver.org's regex matches all of it."""
    expected = SEMVER_REGEX.fullmatch(text) is not None and len(text) <= 128
    assert _accepted(text) == expected
    if not expected:
        with pytest.raises(ValidationError, match="Invalid version"):
            versions.parse(text)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(texts=st.lists(semvers(), min_size=2, max_size=12, unique=True))
def test_listing_by_version_follows_semver(registry: ModelRegistry, texts: list[str]) -> None:
    """``list_models(order_by="version")`` returns the reference order, in the database."""
    name = f"sorted-{next(_counter)}"
    for text in texts:
        registry.register_model(name, text, "/c.pt", "t", verify_checkpoint=False)
    listed = list(registry.list_models(name=name, order_by="version", limit=None)["version"])
    assert sorted(listed) == sorted(texts)
    # Versions differing only in build metadata have equal precedence: either order is right.
    assert all(reference_compare(x, y) <= 0 for x, y in itertools.pairwise(listed))
    assert [reference_compare(x, y) for x, y in itertools.pairwise(listed)] == [
        reference_compare(x, y)
        for x, y in itertools.pairwise(sorted(texts, key=cmp_to_key(reference_compare)))
    ]
