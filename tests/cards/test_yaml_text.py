"""The card's YAML writer: every value reads back exactly, with PyYAML (what the Hub's
parser uses) and as JSON where the value is a string."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry_tui.cards.yaml_text import dump, quoted, scalar

yaml = pytest.importorskip("yaml", reason="PyYAML not installed (huggingface_hub brings it)")

TRICKY = [
    "1.10", "1.0", "yes", "no", "Yes", "NO", "on", "off", "y", "n", "null", "Null", "~", "",
    "true", "False", "0x1f", "012", "1e3", ".inf", "-.nan", "2026-01-01", "12:30:00",
    "# not a comment", "a: b", "key: value # c", "'single'", '"double"', "back\\slash",
    "line\nbreak", "\r\n", "  leading spaces", "trailing  ", "\ttab", "- dash", "? q",
    "[flow]", "{map}", "&anchor", "*alias", "!tag", "|", ">", "%", "@", "`", "---", "...",
    "模型注册表🚀", "\x1b]52;c;aGVsbG8=\x07", "\x85next", "\u2028sep\u2029", "\ufeffbom",
    "\u202eevil", "\x7f\x9b", "\x00nul",
]  # fmt: skip


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_strings_stay_strings(text: str) -> None:
    """Strings YAML would read as numbers, booleans, nulls, comments, dates or structure,
    and strings with controls, line separators or bidi overrides, read back as given."""
    assert yaml.safe_load(f"value: {quoted(text)}") == {"value": text}
    assert json.loads(quoted(text)) == text


def test_unsafe_characters_never_appear_raw() -> None:
    """C0/C1 controls, DEL, line separators, BOM and bidi overrides are written as escapes."""
    written = quoted("".join(TRICKY))
    assert all(ch == "\n" or ch.isprintable() or ch in "模型注册表🚀" for ch in written)
    for raw in ("\x1b", "\x85", "\u2028", "\u2029", "\ufeff", "\u202e", "\x7f", "\x00"):
        assert raw not in written


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e-05, "1.0e-05"), (1e20, "1.0e+20"), (0.1, "0.1"), (3.0, "3.0"), (-2.5e-300, "-2.5e-300"),
     (7, "7"), (True, "true"), (None, "null")],
)  # fmt: skip
def test_numbers_read_back_as_numbers(value: Any, text: str) -> None:
    """Floats always have a decimal point (PyYAML reads ``1e-05`` as a string), ints stay ints."""
    assert scalar(value) == text
    assert yaml.safe_load(f"v: {text}") == {"v": value}


_scalars = st.one_of(
    st.text(), st.integers(-(2**63), 2**63), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.dictionaries(st.text(), _values, max_size=6))
def test_any_document_round_trips(data: dict[str, Any]) -> None:
    """Any mapping of text keys to nested lists, mappings and scalars reads back equal."""
    assert yaml.safe_load(dump(data) or "{}") == data
