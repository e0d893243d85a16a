"""Card templates: :class:`string.Template` text whose ``$fields`` the card fills.

``string.Template`` (the standard library) rather than Jinja2: a card template
only places ready-made sections, so it needs no loops or conditions, adds no
dependency, and cannot run code. ``$name`` or ``${name}`` is a field, ``$$`` a
literal ``$``. Every value is Markdown with user text already escaped (and
``$front_matter`` the YAML block), so a template never escapes anything itself.
A template naming a field that does not exist is refused with the field's name
and line, before anything is read.
"""

from __future__ import annotations

from string import Template

from registry_tui.errors import ValidationError

FIELDS: dict[str, str] = {
    "front_matter": "the YAML front matter the Hub reads, its --- lines included",
    "title": "the model's name and version",
    "summary": "what the model is: task, registry id, date, status, tags, parent, Hub repos",
    "metrics": "a table of its metrics: exact value, which way is better, evaluation dataset",
    "lineage": "its ancestors' metrics, and each metric's change against each ancestor",
    "run": "the training run it came from: name, status, created, notes, each metric's final "
    "and best value (with experiments=; else a line saying no run is known)",
    "config": "the config hash and the stored training config as JSON",
    "exports": "a table of its exports: format, path, size, date, details",
    "checkpoint": "checkpoint path, size, parameters, memory needed and how, SHA-256",
    "promotion_history": "a table of its tag events: when, what, tag, from which model, who",
    "approvals": "each tag move an approved request applied: tag, when, reviewers, request id",
    "intended_use": 'metadata["card"]["intended_use"], or a marked placeholder',
    "limitations": 'metadata["card"]["limitations"], or a marked placeholder',
    "training_data": 'metadata["card"]["training_data"], or a marked placeholder',
    "other_metadata": "the metadata no other field shows, as JSON",
    "footer": "a line saying the card was written by registry-tui, and when",
    "model_id": "the model's id",
    "name": "its name",
    "version": "its version",
    "task_type": "its task type",
    "pipeline_tag": "the Hub pipeline tag of its task type (empty when unknown)",
    "status": "active or retired",
    "created_at": "when it was registered (UTC)",
    "tags": "its tags, comma-separated",
    "checkpoint_path": "where its weights are",
    "config_hash": "its config hash (empty when none)",
    "license": "metadata license (empty when none)",
    "library_name": "metadata library_name or framework name (empty when none)",
    "base_model": "the Hub model it derives from (empty when none)",
    "base_model_relation": "finetune, quantized, adapter or merge (empty without a base model)",
    "parent": "its parent's name and version (empty for a root model)",
    "generated_at": "when the card was written (UTC)",
}
"""Every template field and what it holds, in the order the docs list them."""

DEFAULT_TEMPLATE = """$front_matter

# $title

$summary

## Metrics

$metrics

## Lineage

$lineage

## Training config

$config

## Exports

$exports

## Checkpoint

$checkpoint

## Promotion history

$promotion_history

## Intended use

$intended_use

## Limitations

$limitations

## Training data

$training_data

## Other recorded metadata

$other_metadata

$footer
"""
"""The card every model gets unless a template is given."""

RUN_SECTION = "## Training run\n\n$run\n\n"
"""Placed before ``## Lineage`` in the default card of a model whose run is known."""


def default_template(with_run: bool) -> str:
    """:data:`DEFAULT_TEMPLATE`, with :data:`RUN_SECTION` when the model's run is known."""
    if not with_run:
        return DEFAULT_TEMPLATE
    return DEFAULT_TEMPLATE.replace("## Lineage\n", RUN_SECTION + "## Lineage\n", 1)


def checked_template(text: object) -> Template:
    """``text`` as a template whose every field exists (:class:`ValidationError` otherwise)."""
    if not isinstance(text, str):
        raise ValidationError(f"A card template must be text, not {type(text).__name__}")
    template = Template(text)
    for match in template.pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        name = match.group("named") or match.group("braced")
        if match.group("invalid") is not None:
            raise ValidationError(
                f"Card template line {line}: a '$' must start a field ($name or ${{name}}) "
                "or be doubled ($$)"
            )
        if name is not None and name not in FIELDS:
            raise ValidationError(
                f"Unknown card template field '${name}' on line {line} "
                f"(fields: {', '.join(FIELDS)})"
            )
    return template


def fill(template: Template, values: dict[str, str]) -> str:
    """The template with every field replaced by its value."""
    return template.substitute(values)
