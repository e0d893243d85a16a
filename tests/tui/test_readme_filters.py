"""Every filter example the README shows parses and runs, on the demo registry.

The examples are read from README.md itself: the ``filter`` code blocks, the code
spans of the filter-language part of the terminal-app section, and the
``--where``/``--sort`` arguments of its command lines. A README that shows a form
the parser refuses (as ``status:retired|all`` once was) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.query import jump_target, parse_filter, tokenize
from registry_tui.records import ModelQuery

README = Path(__file__).resolve().parents[2] / "README.md"
MEANT_TO_FAIL = {"sort:-acuracy"}
"""Examples the README shows as refused."""


def _section(text: str, name: str) -> str:
    start = text.index(f"<!-- section:{name} -->")
    return text[start : text.index(f"<!-- /section:{name} -->", start)]


def _looks_like_filter(span: str) -> bool:
    return bool(re.match(r"^[#:]\d+$|^[a-z_]+:\S|^[a-z_]+\s*[<>=!]", span))


def filter_examples() -> list[str]:
    """Filter-bar examples of the README's terminal-app section."""
    tui = _section(README.read_text(encoding="utf-8"), "tui")
    part = tui[tui.index("**Filter bar**") : tui.index("**Keys**")]
    blocks = re.findall(r"```filter\n(.*?)```", part, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    prose = re.sub(r"```.*?```", "", part, flags=re.S)
    spans = [s.replace("\\|", "|") for s in re.findall(r"`([^`]+)`", prose)]
    return lines + [s for s in spans if _looks_like_filter(s)]


def cli_examples() -> list[tuple[str, str]]:
    """(option, value) of every ``--where``/``--sort`` in the README's command lines."""
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"(--where|--sort)[ =]('[^']*'|\"[^\"]*\"|\S+)", text)
    return [(option, value.strip("'\"")) for option, value in found]


def test_the_readme_has_filter_examples() -> None:
    """The extraction finds the examples (so the tests below are not vacuous)."""
    examples = filter_examples()
    assert len(examples) >= 12
    assert "status:retired|all" in " ".join(examples)
    assert any(option == "--sort" for option, _ in cli_examples())


def _one_run(name: str) -> list[int | str]:
    """A run finder standing in for ``ModelRegistry.find_runs`` (the demo reads no runs):
    every run name names run 42."""
    return [42]


@pytest.mark.parametrize("example", filter_examples())
def test_readme_filter_example_parses_and_runs(demo: ModelRegistry, example: str) -> None:
    """Each filter example parses and lists models from the demo (or is a documented refusal)."""
    if jump_target(example) is not None:
        return  # a jump, not a filter: checked by the app's tests
    if example in MEANT_TO_FAIL:
        with pytest.raises(ValidationError):
            demo.records.query(parse_filter(example))
        return
    assert tokenize(example)
    query = parse_filter(example, runs=_one_run)
    demo.records.query(query, 0, 5)
    demo.count_models(query)


@pytest.mark.parametrize(("option", "value"), cli_examples())
def test_readme_cli_where_and_sort_examples_run(
    demo: ModelRegistry, option: str, value: str
) -> None:
    """Each --where / --sort value of the README runs as the CLI passes it."""
    query = ModelQuery(where=(value,)) if option == "--where" else ModelQuery(order_by=value)
    if value.lstrip("-") in {k.split(":", 1)[1].lstrip("-") for k in MEANT_TO_FAIL}:
        with pytest.raises(ValidationError):
            demo.records.query(query)
        return
    demo.records.query(query, 0, 5)
