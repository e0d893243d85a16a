"""The card's YAML front matter: the metadata the Hugging Face Hub reads.

Keys, in order, each only when the registry knows it: ``license``,
``library_name``, ``pipeline_tag``, ``tags`` (always: the model's tags),
``base_model`` and ``base_model_relation``, and ``model-index`` (the metrics
that have an evaluation dataset recorded, grouped by dataset).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry_tui.cards import facts as hub
from registry_tui.cards.facts import CardFacts
from registry_tui.cards.yaml_text import dump
from registry_tui.metrics import numeric_items

DATASET_KEYS = ("config", "split", "revision")
"""Optional keys of an evaluation dataset the ``model-index`` keeps beside type and name."""


def metadata(facts: CardFacts) -> dict[str, Any]:
    """The front matter as a dict (what ``huggingface_hub`` reads back from the card)."""
    model = facts.model
    data: dict[str, Any] = {}
    for name, value in (
        ("license", hub.text_of(model.metadata.get("license"))),
        ("library_name", hub.library_name(model)),
        ("pipeline_tag", hub.pipeline_tag(model)),
    ):
        if value is not None:
            data[name] = value
    data["tags"] = list(model.tags)
    base = hub.base_model(facts)
    if base is not None:
        data["base_model"] = base[0]
        data["base_model_relation"] = hub.base_model_relation(model, facts.config)
    index = model_index(facts)
    if index:
        data["model-index"] = index
    return data


def front_matter(facts: CardFacts) -> str:
    """The front matter block, ``---`` lines included."""
    return "---\n" + dump(metadata(facts)) + "---"


def dataset_of(model_metadata: Mapping[str, Any], metric: str) -> dict[str, str] | None:
    """The evaluation dataset recorded for ``metric``: ``metric_datasets[metric]``, else
    ``eval_dataset``; None when neither is recorded (or it is not a name or an object)."""
    per_metric = model_metadata.get("metric_datasets")
    given = per_metric.get(metric) if isinstance(per_metric, Mapping) else None
    return _dataset(given) or _dataset(model_metadata.get("eval_dataset"))


def _dataset(value: Any) -> dict[str, str] | None:
    if hub.text_of(value):
        return {"type": str(value), "name": str(value)}
    if not isinstance(value, Mapping):
        return None
    kind, name = hub.text_of(value.get("type")), hub.text_of(value.get("name"))
    if not kind and not name:
        return None
    found = {"type": str(kind or name), "name": str(name or kind)}
    found.update((k, str(value[k])) for k in DATASET_KEYS if hub.text_of(value.get(k)))
    return found


def model_index(facts: CardFacts) -> list[dict[str, Any]]:
    """``model-index``: one result per evaluation dataset, with its metrics; empty when no
    metric has a dataset recorded."""
    model = facts.model
    task = hub.pipeline_tag(model) or model.task_type
    results: dict[str, dict[str, Any]] = {}
    for metric, value in numeric_items(dict(model.metrics)):
        dataset = dataset_of(model.metadata, metric)
        if dataset is None:
            continue
        result = results.setdefault(
            json.dumps(dataset, sort_keys=True),
            {"task": {"type": task}, "dataset": dataset, "metrics": []},
        )
        shown = int(value) if isinstance(model.metrics[metric], int) else value
        result["metrics"].append({"name": metric, "type": metric, "value": shown})
    if not results:
        return []
    return [{"name": model.label, "results": list(results.values())}]
