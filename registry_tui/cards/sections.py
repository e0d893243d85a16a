"""The card's sections about the model itself: what it is, its metrics, its lineage,
its config, its other metadata and the sections its authors write.

Each function returns Markdown without a heading (the template places the
headings), with every piece of user text passed through :mod:`.markdown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from registry_tui.cards import facts as hub
from registry_tui.cards.facts import CardFacts
from registry_tui.cards.markdown import inline, json_block, prose, table
from registry_tui.metrics import direction_lists, lower_is_better, metric_union, numeric_items
from registry_tui.records import ModelRecord
from registry_tui.render.numbers import exact_value, format_value

AUTHORED = {
    "intended_use": "how the model is meant to be used, by whom, and what it must not be used for",
    "limitations": "known failure modes, biases, and conditions where the model is not reliable",
    "training_data": "the data the model was trained on: sources, size, filtering, licences",
}
"""The author-written sections, from ``metadata["card"][key]``, and what each should say."""

CONSUMED = (
    "card", "checkpoint", "memory_estimate", "huggingface", "base_model",
    "base_model_relation", "license", "library_name", "pipeline_tag", "eval_dataset",
    "metric_datasets", "notes", "description",
)  # fmt: skip
"""Metadata keys the card shows in sections of their own (the rest are listed as such)."""


def ref(model_id: int | None, facts: CardFacts) -> str:
    """A model as the card names it: ``this model``, ``gpt-small 1.0.0 (#3)`` or ``#3``."""
    if model_id is None:
        return "-"
    if model_id == facts.model.model_id:
        return "this model"
    label = facts.labels.get(model_id) or next(
        (r.label for r in facts.lineage if r.model_id == model_id), None
    )
    return f"{inline(label)} (\\#{model_id})" if label else f"\\#{model_id}"


def summary(facts: CardFacts) -> str:
    """What the model is: task, place in the registry, parent, Hub repositories, notes."""
    model = facts.model
    pipeline = hub.pipeline_tag(model)
    task = inline(model.task_type)
    if pipeline and pipeline != model.task_type:
        task += f" ({inline(pipeline)})"
    tags = ", ".join(inline(t) for t in model.tags)
    parts = [
        f"**{inline(model.label)}** is a {task} model: model {model.model_id} of the "
        f"registry, registered on {inline(model.created_at)}, {inline(model.status)}, "
        + (f"tagged {tags}." if tags else "with no tags.")
    ]
    parent = facts.ancestors[0] if facts.ancestors else None
    if parent is not None:
        parts.append(f"It was fine-tuned from {ref(parent.model_id, facts)}.")
    elif model.parent_model_id is not None:
        parts.append(f"Its parent, model {model.parent_model_id}, is no longer in the registry.")
    else:
        parts.append("It has no parent in the registry: it is the root of its lineage.")
    parts += _hub_lines(facts)
    text = " ".join(parts)
    notes = hub.text_of(model.metadata.get("description")) or hub.text_of(
        model.metadata.get("notes")
    )
    return text + ("\n\n" + prose(notes) if notes else "")


def _hub_lines(facts: CardFacts) -> list[str]:
    lines = []
    own = hub.hub_repo(facts.model)
    if own:
        at = f" at revision {inline(own[1])}" if own[1] else ""
        lines.append(f"It is published on the Hugging Face Hub as {inline(own[0])}{at}.")
    base = hub.base_model(facts)
    if base:
        repo, revision, ancestor = base
        at = f" at revision {inline(revision)}" if revision else ""
        via = f", through {ref(ancestor.model_id, facts)}" if ancestor else ""
        relation = hub.base_model_relation(facts.model, facts.config)
        lines.append(f"Its base model on the Hub is {inline(repo)}{at} ({relation}{via}).")
    return lines


def _better_lists(facts: CardFacts) -> tuple[list[str], list[str]]:
    return direction_lists(facts.directions)


def metrics(facts: CardFacts) -> str:
    """The model's metrics, exact, with which way each is better and its dataset."""
    from registry_tui.cards.front_matter import dataset_of

    items = numeric_items(dict(facts.model.metrics))
    if not items:
        return "No metrics recorded."
    lower, higher = _better_lists(facts)
    rows = []
    for name, value in items:
        dataset = dataset_of(facts.model.metadata, name)
        better = "lower" if lower_is_better(name, lower=lower, higher=higher) else "higher"
        shown = inline(dataset["name"]) if dataset else "not recorded"
        rows.append([inline(name), exact_value(value), better, shown])
    return table(["Metric", "Value", "Better", "Evaluation dataset"], rows, right=(1,))


def lineage(facts: CardFacts) -> str:
    """The chain from the root to the model, and how each metric changed against each
    ancestor (better or worse by the metric's direction)."""
    if not facts.ancestors:
        return "No ancestors: this model was not fine-tuned from a registered model."
    names = metric_union(dict(numeric_items(dict(r.metrics))) for r in facts.lineage)
    rows = []
    for depth, record in enumerate(facts.lineage):
        values = dict(numeric_items(dict(record.metrics)))
        rows.append(
            [str(depth), ref(record.model_id, facts), inline(record.created_at)]
            + [exact_value(values[n]) if n in values else "-" for n in names]
        )
    headers = ["Generation", "Model", "Registered", *(inline(n) for n in names)]
    shown = table(headers, rows, right=tuple(range(3, 3 + len(names))))
    changes = [_changes_against(a, facts) for a in facts.ancestors]
    return shown + "\n\nChanges of this model against each ancestor:\n\n" + "\n".join(changes)


def _changes_against(ancestor: ModelRecord, facts: CardFacts) -> str:
    lower, higher = _better_lists(facts)
    mine = dict(numeric_items(dict(facts.model.metrics)))
    theirs = dict(numeric_items(dict(ancestor.metrics)))
    parts = []
    for name, value in mine.items():
        if name not in theirs:
            continue
        delta = value - theirs[name]
        if delta == 0:
            verdict = "same"
        else:
            low = lower_is_better(name, lower=lower, higher=higher)
            verdict = "better" if (delta < 0) == low else "worse"
        change = "±0" if delta == 0 else ("+" if delta > 0 else "") + format_value(delta)
        parts.append(
            f"{inline(name)} {exact_value(theirs[name])} → {exact_value(value)} "
            f"({change}, {verdict})"
        )
    against = ref(ancestor.model_id, facts)
    return f"- against {against}: " + ("; ".join(parts) if parts else "no metric in common")


def config(facts: CardFacts) -> str:
    """The config hash and the stored config as JSON."""
    digest = facts.model.config_hash
    if not digest:
        return "No training config recorded."
    head = f"Config hash (SHA-256 of the config as sorted JSON): {inline(digest)}"
    if facts.config is None:
        return head + "\n\nThe config itself was not stored, only its hash."
    return head + "\n\n" + json_block(dict(facts.config))


def other_metadata(facts: CardFacts) -> str:
    """Metadata the other sections do not show, as JSON."""
    rest = {k: v for k, v in facts.model.metadata.items() if k not in CONSUMED}
    return json_block(rest) if rest else "None recorded."


def authored(facts: CardFacts, key: str) -> str:
    """An author section from ``metadata["card"][key]``, or a marked placeholder."""
    card = facts.model.metadata.get("card")
    text = hub.text_of(card.get(key)) if isinstance(card, Mapping) else None
    if text:
        return prose(text)
    hint = [
        f"> **To be written** (not recorded in the registry): {AUTHORED[key]}. Record it as "
        f'`metadata["card"]["{key}"]` or edit this section.'
    ]
    dataset = hub.text_of(facts.model.metadata.get("dataset"))
    if key == "training_data" and dataset:
        hint.append(f"> The registry records the dataset as: {inline(dataset)}.")
    return "\n>\n".join(hint)


def joined(values: Sequence[Any]) -> str:
    """Values as one escaped, comma-separated line."""
    return ", ".join(inline(v) for v in values)
