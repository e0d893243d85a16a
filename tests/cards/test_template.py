"""Custom card templates: ``string.Template`` text with every documented field, refused
with the field's name and line when it names one that does not exist."""

from __future__ import annotations

import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.cards import DEFAULT_TEMPLATE, FIELDS
from tests.cards.seed import seed


def test_every_field_is_filled(registry: ModelRegistry) -> None:
    """A template naming every field gets each one replaced: no ``$`` field is left over."""
    ids = seed(registry)
    template = "\n".join(f"{name}=<${{{name}}}>" for name in FIELDS)
    card = registry.model_card(ids["tuned"], template=template)
    lines = dict(line.split("=", 1) for line in card.split("\n") if "=<" in line[:40])
    assert "$" not in card.replace("$$", "")
    assert card.startswith("front_matter=<---\nlicense:")
    assert lines["model_id"] == f"<{ids['tuned']}>"
    assert lines["name"] == "<gpt-small-medical>" and lines["version"] == "<1.1.0>"
    assert lines["pipeline_tag"] == "<text-generation>"
    assert lines["base_model"] == "<openai-community/gpt2>"
    assert lines["base_model_relation"] == "<finetune>"
    assert lines["parent"] == "<gpt-small 1.0.0>" and lines["tags"] == "<production, staging>"
    assert lines["generated_at"].startswith("<2026-01-01 ")


def test_the_default_template_uses_only_known_fields() -> None:
    """The card every model gets is itself a template of the documented fields."""
    import re

    named = set(re.findall(r"\$(\w+)", DEFAULT_TEMPLATE))
    assert named <= set(FIELDS) and "front_matter" in named


def test_a_dollar_sign_is_written_doubled(registry: ModelRegistry) -> None:
    """``$$`` is a literal dollar sign; ``${name}`` works inside a word."""
    ids = seed(registry)
    card = registry.model_card(ids["base"], template="cost: $$5 for ${name}s\n")
    assert card == "cost: $5 for gpt-smalls\n"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("# $title\n\n$metrcs\n", r"Unknown card template field '\$metrcs' on line 3 \(fields: "),
        ("${nope}", r"Unknown card template field '\$nope' on line 1"),
        ("price: $5", r"Card template line 1: a '\$' must start a field"),
    ],
)
def test_unknown_fields_are_refused_by_name(
    registry: ModelRegistry, template: str, message: str
) -> None:
    """A misspelt or unknown field, or a stray ``$``, is one ValueError naming it and its
    line; nothing is read for a template that cannot be filled."""
    ids = seed(registry)
    with pytest.raises(ValidationError, match=message) as caught:
        registry.model_card(ids["base"], template=template)
    assert "\n" not in str(caught.value)
    with pytest.raises(ValueError):
        registry.model_card(999, template=template)


def test_a_template_must_be_text(registry: ModelRegistry) -> None:
    """A template that is not a string is refused with what it was."""
    ids = seed(registry)
    with pytest.raises(ValidationError, match="must be text, not bytes"):
        registry.model_card(ids["base"], template=b"$title")  # type: ignore[arg-type]


def test_the_readme_documents_every_field_and_task_type() -> None:
    """The README's Model cards section lists each template field and each task type of the
    pipeline-tag table, so neither list can drift from the code."""
    from pathlib import Path

    from registry_tui.cards import PIPELINE_TAGS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section:cards -->")[1].split("<!-- /section:cards -->")[0]
    for name in FIELDS:
        assert f"| `${name}` |" in section, name
    for task, tag in PIPELINE_TAGS.items():
        assert f"`{task}`" in section and f"`{tag}`" in section, task
    assert "string.Template" in section and "registry-tui card" in section
