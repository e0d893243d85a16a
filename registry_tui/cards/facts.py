"""What a model card is written from, and the Hub facts read off a model's metadata.

:class:`CardFacts` holds the records the registry already has about one model
(its row, its ancestors, its stored config, the history events naming it, the
checkpoint hash ``check --hashes`` recorded); :func:`gather` reads them through
the record API. The metadata conventions a card reads:

* ``license``, ``library_name`` (else ``framework.name`` or ``framework``),
  ``pipeline_tag`` (else mapped from the task type by :data:`PIPELINE_TAGS`);
* ``huggingface = {"repo_id": ..., "revision": ...}``: the model is on the Hub
  as that repository (on an ancestor, it is the card's ``base_model``);
* ``base_model`` (a repository id) and ``base_model_relation`` (``finetune``,
  ``quantized``, ``adapter`` or ``merge``) given on the model itself;
* ``eval_dataset`` (a name, or ``{"type", "name", "config", "split", "revision"}``)
  and ``metric_datasets = {metric: dataset}`` for ``model-index``;
* ``card = {"intended_use", "limitations", "training_data"}``: author sections;
* ``checkpoint`` (see :mod:`registry_tui.checkpoints.facts`) and
  ``memory_estimate = {"mode", "rule", "dtype", "source", "reference"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from registry_tui.records import EventRecord, ModelRecord
from registry_tui.runs.info import RunInfo

if TYPE_CHECKING:
    from registry_tui.record_api import RecordAPI

EVENT_LIMIT = 1000
"""At most this many of a model's newest history events are read for its card."""

PIPELINE_TAGS: dict[str, str] = {
    "language_modeling": "text-generation",
    "causal_lm": "text-generation",
    "text_generation": "text-generation",
    "masked_language_modeling": "fill-mask",
    "fill_mask": "fill-mask",
    "classification": "text-classification",
    "text_classification": "text-classification",
    "sentiment_analysis": "text-classification",
    "token_classification": "token-classification",
    "ner": "token-classification",
    "question_answering": "question-answering",
    "summarization": "summarization",
    "translation": "translation",
    "text2text_generation": "text2text-generation",
    "feature_extraction": "feature-extraction",
    "embedding": "feature-extraction",
    "sentence_similarity": "sentence-similarity",
    "zero_shot_classification": "zero-shot-classification",
    "vision_classification": "image-classification",
    "image_classification": "image-classification",
    "object_detection": "object-detection",
    "image_segmentation": "image-segmentation",
    "image_to_text": "image-to-text",
    "text_to_image": "text-to-image",
    "speech_recognition": "automatic-speech-recognition",
    "automatic_speech_recognition": "automatic-speech-recognition",
    "audio_classification": "audio-classification",
    "text_to_speech": "text-to-speech",
    "tabular_classification": "tabular-classification",
    "tabular_regression": "tabular-regression",
    "reinforcement_learning": "reinforcement-learning",
}
"""Task type (lower case, ``-`` and spaces read as ``_``) -> the Hub's ``pipeline_tag``.
A task type not listed gets no ``pipeline_tag``."""

RELATIONS = ("finetune", "quantized", "adapter", "merge")
"""The Hub's values of ``base_model_relation``."""


@dataclass(frozen=True, slots=True)
class CardFacts:
    """Everything one model card is written from.

    Attributes:
        model: the model, with its exports.
        lineage: its parent chain, root first, the model last.
        config: the stored training config, None when none was stored.
        events: the history events naming it (as the model or as the previous
            holder of a tag), oldest first.
        labels: ``name version`` of the other models those events name.
        directions: the registry's recorded metric directions (True: lower is better).
        recorded_hash: ``(sha256, size_bytes, recorded_at)`` of the checkpoint,
            when ``registry-tui check --hashes`` recorded it.
        generated_at: when the card is written (the registry's clock).
        run: the training run it came from, when the registry knows where runs
            live and holds that run (``ModelRegistry.run_of``).
    """

    model: ModelRecord
    lineage: tuple[ModelRecord, ...]
    config: Mapping[str, Any] | None
    events: tuple[EventRecord, ...]
    labels: Mapping[int, str] = field(default_factory=dict)
    directions: Mapping[str, bool] = field(default_factory=dict)
    recorded_hash: tuple[str, int, str] | None = None
    generated_at: str = ""
    run: RunInfo | None = None

    @property
    def ancestors(self) -> tuple[ModelRecord, ...]:
        """The models above this one, nearest (the parent) first."""
        return tuple(reversed(self.lineage[:-1]))


def gather(
    records: RecordAPI,
    model_id: int,
    *,
    config: Mapping[str, Any] | None,
    directions: Mapping[str, bool],
    recorded_hash: tuple[str, int, str] | None,
    generated_at: str,
    run: RunInfo | None = None,
) -> CardFacts:
    """Read the records a card needs through ``records``
    (:class:`~registry_tui.errors.ModelNotFoundError` for an unknown id)."""
    model = records.require(model_id)
    lineage = records.lineage(model_id)
    events = records.events(model_id=model_id, limit=EVENT_LIMIT)
    named = {i for e in events for i in _named_ids(e)} - {model_id}
    found = records.by_ids(sorted(named))
    return CardFacts(
        model=model,
        lineage=(*lineage[:-1], model),
        config=config,
        events=tuple(reversed(events)),
        labels={i: r.label for i, r in found.items()},
        directions=dict(directions),
        recorded_hash=recorded_hash,
        generated_at=generated_at,
        run=run,
    )


def _named_ids(event: EventRecord) -> list[int]:
    ids = [i for i in (event.model_id, event.previous_model_id) if i is not None]
    removed = event.details.get("removed_from")
    if isinstance(removed, list):
        ids += [i for i in removed if isinstance(i, int) and not isinstance(i, bool)]
    return ids


# -- Hub facts -----------------------------------------------------------------------------


def text_of(value: Any) -> str | None:
    """A non-blank string, else None (metadata written by hand may hold anything)."""
    return value if isinstance(value, str) and value.strip() else None


def pipeline_tag(model: ModelRecord) -> str | None:
    """``metadata["pipeline_tag"]``, else the task type mapped by :data:`PIPELINE_TAGS`."""
    given = text_of(model.metadata.get("pipeline_tag"))
    if given:
        return given
    task = model.task_type.strip().lower().replace("-", "_").replace(" ", "_")
    return PIPELINE_TAGS.get(task)


def library_name(model: ModelRecord) -> str | None:
    """``metadata["library_name"]``, else the framework's name, else None."""
    meta = model.metadata
    framework = meta.get("framework")
    if isinstance(framework, Mapping):
        framework = framework.get("name")
    return text_of(meta.get("library_name")) or text_of(framework)


def hub_repo(model: ModelRecord) -> tuple[str, str | None] | None:
    """``(repo_id, revision)`` when the model's metadata says it is on the Hub."""
    hub = model.metadata.get("huggingface")
    if not isinstance(hub, Mapping) or not text_of(hub.get("repo_id")):
        return None
    return str(hub["repo_id"]), text_of(hub.get("revision"))


def base_model(facts: CardFacts) -> tuple[str, str | None, ModelRecord | None] | None:
    """``(repo_id, revision, ancestor)`` of the Hub model this one derives from, or None.

    The model's own ``metadata["base_model"]`` wins (no ancestor); then the
    nearest ancestor that is on the Hub (``metadata["huggingface"]``) or names
    its own ``base_model``.
    """
    own = text_of(facts.model.metadata.get("base_model"))
    if own:
        return own, None, None
    for ancestor in facts.ancestors:
        repo = hub_repo(ancestor)
        if repo:
            return repo[0], repo[1], ancestor
        named = text_of(ancestor.metadata.get("base_model"))
        if named:
            return named, None, ancestor
    return None


def base_model_relation(model: ModelRecord, config: Mapping[str, Any] | None) -> str:
    """``metadata["base_model_relation"]`` when it is one of :data:`RELATIONS`; else
    ``quantized`` when the config or metadata records a quantization; else ``finetune``."""
    given = model.metadata.get("base_model_relation")
    if isinstance(given, str) and given in RELATIONS:
        return given
    if "quantization" in model.metadata or (config is not None and "quantization" in config):
        return "quantized"
    return "finetune"
