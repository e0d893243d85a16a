"""Semantic versions: validation and precedence order."""

from __future__ import annotations

import random

import pytest

from registry_tui import ValidationError
from registry_tui.versions import parse, sort_key

# semver.org's own precedence example, in order.
SEMVER_ORDER = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.2.0",
    "1.10.0",
    "2.0.0",
    "10.0.0",
    "100.0.0",
]


def test_sort_key_follows_semver_precedence() -> None:
    """Sorting by sort_key gives semver.org's precedence order, from any shuffle."""
    shuffled = SEMVER_ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == SEMVER_ORDER


def test_build_metadata_is_ignored_for_order() -> None:
    """Build metadata does not change precedence."""
    assert sort_key("1.0.0+build.7") == sort_key("1.0.0")


def test_hyphenated_prerelease_identifiers() -> None:
    """'alpha' < 'alpha-x' as identifiers, so 1.0.0-alpha.1 < 1.0.0-alpha-x."""
    assert sort_key("1.0.0-alpha.1") < sort_key("1.0.0-alpha-x")


@pytest.mark.parametrize(
    "text", ["1.0", "v1.0.0", "01.0.0", "1.01.0", "", "1.0.0-01", "1.0.0+", " 1.0.0"]
)
def test_invalid(text: str) -> None:
    """Non-semver strings are rejected with the value named."""
    with pytest.raises(ValidationError, match="Invalid version"):
        parse(text)


def test_parse_round_trip() -> None:
    """parse() keeps every part and str() gives the text back."""
    version = parse("1.2.3-rc.1+build.9")
    assert (version.major, version.minor, version.patch) == (1, 2, 3)
    assert version.prerelease == ("rc", "1") and version.build == ("build", "9")
    assert str(version) == "1.2.3-rc.1+build.9"
