"""Model cards from the API: the Hub's parser reads back what the registry holds, the body
says what the registry knows, and the whole card matches its golden file on both backends."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest

from registry_tui import ModelRegistry
from registry_tui.errors import ModelNotFoundError
from tests.cards.seed import AUTHORED, HUB_REPO, SHA, seed

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("REGISTRY_TUI_UPDATE_GOLDEN") == "1"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name}: regenerate with REGISTRY_TUI_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("role", ["base", "tuned", "quantized"])
def test_cards_match_their_golden_files(registry: ModelRegistry, role: str) -> None:
    """With a fixed clock and seeded models, each card is byte for byte its golden file, on
    SQLite and PostgreSQL alike (set REGISTRY_TUI_UPDATE_GOLDEN=1 to regenerate)."""
    ids = seed(registry)
    _golden(f"{role}.md", registry.model_card(ids[role]))


def test_the_hub_parser_reads_the_registry_facts(registry: ModelRegistry, hub: ModuleType) -> None:
    """huggingface_hub's ModelCard reads license, library, pipeline tag, tags, base model and
    relation, and every metric with its evaluation dataset, as the registry records them."""
    ids = seed(registry)
    record = registry.records.require(ids["tuned"])
    data = hub.ModelCard(registry.model_card(ids["tuned"])).data
    assert data.license == "apache-2.0" and data.library_name == "transformers"
    assert data.pipeline_tag == "text-generation"
    assert data.tags == list(record.tags) == ["production", "staging"]
    assert (data.base_model, data.base_model_relation) == (HUB_REPO, "finetune")
    assert data.model_name == "gpt-small-medical 1.1.0"
    found = {
        r.metric_type: (r.metric_value, r.dataset_name, r.dataset_split) for r in data.eval_results
    }
    assert found == {
        "val_loss": (0.42, "PubMedQA", "test"),
        "accuracy": (0.85, "PubMedQA", "test"),
        "perplexity": (23.0, "wikitext", None),
    }
    assert {r.task_type for r in data.eval_results} == {"text-generation"}


def test_a_quantized_child_names_the_nearest_hub_ancestor(
    registry: ModelRegistry, hub: ModuleType
) -> None:
    """Two generations below the Hub model, a child whose config records a quantization has
    that model as base_model with relation "quantized"; no eval dataset, no model-index."""
    ids = seed(registry)
    data = hub.ModelCard(registry.model_card(ids["quantized"])).data
    assert (data.base_model, data.base_model_relation) == (HUB_REPO, "quantized")
    assert data.eval_results is None and data.license is None


def test_a_hub_model_itself_has_no_base_model(registry: ModelRegistry, hub: ModuleType) -> None:
    """The root, published on the Hub itself, gets its license and no base_model."""
    ids = seed(registry)
    card = registry.model_card(ids["base"])
    data = hub.ModelCard(card).data
    assert data.base_model is None and data.license == "mit"
    assert f"published on the Hugging Face Hub as {HUB_REPO} at revision 607a30d" in card


def test_the_body_holds_what_the_registry_knows(registry: ModelRegistry) -> None:
    """Lineage changes judged by direction, config hash, export sizes, checkpoint facts with
    the recorded sha256 and the memory estimate, who promoted it from which model, and the
    author sections: each is in the card."""
    ids = seed(registry)
    card = registry.model_card(ids["tuned"])
    record = registry.records.require(ids["tuned"])
    assert "val\\_loss 0.5 → 0.42 (-0.08, better)" in card
    assert "perplexity 21.5 → 23 (+1.5, worse)" in card
    assert str(record.config_hash) in card and '"lr": 0.0001' in card
    onnx = "| onnx | exports/gpt-small-medical/1.1.0/model.onnx | 14.6 MB (14,600,000 bytes) |"
    assert onnx in card
    assert "- Parameters: 3,621,864 (F32: 3,621,864)" in card
    assert f"- SHA-256: {SHA} (of 14,483,464 bytes, recorded by" in card
    assert "estimated: mode inference, rule weights x 1.2, dtype float16" in card
    assert "| promote | production | this model | gpt-small 1.0.0 (\\#1) | tester@host |" in card
    for text in AUTHORED.values():
        assert text.split("\n")[0] in card
    assert "To be written" not in card


def test_missing_author_sections_are_marked_placeholders(registry: ModelRegistry) -> None:
    """A model without metadata["card"] gets the three sections as marked placeholders that
    say where to record them."""
    ids = seed(registry)
    card = registry.model_card(ids["quantized"])
    for key in ("intended_use", "limitations", "training_data"):
        assert "> **To be written** (not recorded in the registry)" in card
        assert f'`metadata["card"]["{key}"]`' in card


def test_an_unknown_model_is_a_lookup_error(registry: ModelRegistry) -> None:
    """A card for an id no model has raises ModelNotFoundError (a LookupError)."""
    with pytest.raises(ModelNotFoundError):
        registry.model_card(99)
    with pytest.raises(LookupError):
        registry.model_card(99)


def test_the_preview_shows_the_front_matter_as_a_yaml_block(sqlite_registry: ModelRegistry) -> None:
    """For the app, the front matter becomes one YAML code block before the same body (a
    Markdown viewer would run it into a paragraph); text with no front matter is unchanged."""
    from markdown_it import MarkdownIt

    from registry_tui.cards import preview

    ids = seed(sqlite_registry)
    card = sqlite_registry.model_card(ids["tuned"])
    shown = preview(card)
    tokens = MarkdownIt("commonmark").parse(shown)
    assert tokens[0].type == "fence" and tokens[0].info == "yaml"
    assert "---\n" + tokens[0].content + "---" == card.split("\n\n", 1)[0]
    assert shown.endswith(card.split("\n---\n", 1)[1])
    assert preview("# no front matter\n") == "# no front matter\n"
    assert preview("---\nnever closed\n") == "---\nnever closed\n"
