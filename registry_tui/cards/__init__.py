"""Model cards written from what the registry knows: a Hugging Face ``README.md``.

``registry.model_card(model_id)`` gathers the records (:func:`gather`) and
:func:`render_card` writes them: YAML front matter the Hub reads (license,
library, pipeline tag, tags, base model, ``model-index``), then sections on
what the model is, its metrics, lineage, config, exports, checkpoint,
promotion history and the author-written parts. A custom template
(:mod:`.template`) places the same fields (:data:`FIELDS`) differently.

Imports neither rich nor textual nor pandas: the CLI's ``card`` command stays
a light read.
"""

from __future__ import annotations

from registry_tui.cards import facts as hub
from registry_tui.cards import provenance, sections
from registry_tui.cards.facts import PIPELINE_TAGS, CardFacts, gather
from registry_tui.cards.front_matter import front_matter, metadata
from registry_tui.cards.markdown import code_block, inline
from registry_tui.cards.run_section import run_section
from registry_tui.cards.template import (
    DEFAULT_TEMPLATE,
    FIELDS,
    checked_template,
    default_template,
    fill,
)

__all__ = [
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "PIPELINE_TAGS",
    "CardFacts",
    "checked_template",
    "field_values",
    "gather",
    "metadata",
    "preview",
    "render_card",
]


def render_card(facts: CardFacts, template: str | None = None) -> str:
    """The card of ``facts.model``: ``template`` (``string.Template`` text) filled, or
    :data:`DEFAULT_TEMPLATE` (with a "Training run" section when the run is known)."""
    chosen = checked_template(
        default_template(facts.run is not None) if template is None else template
    )
    return fill(chosen, field_values(facts))


def field_values(facts: CardFacts) -> dict[str, str]:
    """Every field of :data:`FIELDS`, as Markdown (user text escaped)."""
    values = _sections(facts)
    values.update(_plain_values(facts))
    missing = set(FIELDS) ^ set(values)
    assert not missing, f"card fields out of step with FIELDS: {sorted(missing)}"
    return values


def _sections(facts: CardFacts) -> dict[str, str]:
    model = facts.model
    return {
        "front_matter": front_matter(facts),
        "title": inline(model.label),
        "summary": sections.summary(facts),
        "metrics": sections.metrics(facts),
        "lineage": sections.lineage(facts),
        "run": run_section(facts.run),
        "config": sections.config(facts),
        "exports": provenance.exports(facts),
        "checkpoint": provenance.checkpoint(facts),
        "promotion_history": provenance.promotion_history(facts),
        "approvals": provenance.approvals(facts),
        **{key: sections.authored(facts, key) for key in sections.AUTHORED},
        "other_metadata": sections.other_metadata(facts),
        "footer": (
            f"*Written by registry-tui from the registry's records on "
            f"{inline(facts.generated_at)} (UTC).*"
        ),
    }


def _plain_values(facts: CardFacts) -> dict[str, str]:
    model = facts.model
    base = hub.base_model(facts)
    parent = facts.ancestors[0].label if facts.ancestors else ""
    plain = {
        "model_id": str(model.model_id),
        "name": model.name,
        "version": model.version,
        "task_type": model.task_type,
        "pipeline_tag": hub.pipeline_tag(model) or "",
        "status": model.status,
        "created_at": model.created_at,
        "checkpoint_path": model.checkpoint_path,
        "config_hash": model.config_hash or "",
        "license": hub.text_of(model.metadata.get("license")) or "",
        "library_name": hub.library_name(model) or "",
        "base_model": base[0] if base else "",
        "base_model_relation": hub.base_model_relation(model, facts.config) if base else "",
        "parent": parent,
        "generated_at": facts.generated_at,
    }
    values = {key: inline(value) for key, value in plain.items()}
    values["tags"] = ", ".join(inline(t) for t in model.tags)
    return values


def preview(card: str) -> str:
    """``card`` as Markdown to show (the app's preview): its front matter as a YAML code
    block, which a Markdown viewer would otherwise run into the first paragraph."""
    if not card.startswith("---\n"):
        return card
    end = card.find("\n---\n", 3)
    if end < 0:
        return card
    return code_block(card[4:end], "yaml") + card[end + 4 :]
