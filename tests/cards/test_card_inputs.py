"""Cards for real and hostile registries: every demo model's card, and cards whose every
field holds hostile or YAML-lookalike text, are read back exactly by the Hub's parser and
keep the document's structure (one title, the same sections, tables with their cells)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from markdown_it import MarkdownIt

from registry_tui import ModelRegistry
from registry_tui.cards import PIPELINE_TAGS
from registry_tui.demo import build_demo
from tests.hostile import HOSTILE, WIDE, build_hostile, hostile, unsafe_in

MD = MarkdownIt("commonmark").enable("table")
SECTIONS = [
    "Metrics", "Lineage", "Training config", "Exports", "Checkpoint", "Promotion history",
    "Intended use", "Limitations", "Training data", "Other recorded metadata",
]  # fmt: skip
METRIC = "[b]m|e`t<i>#" + "\x1b]52;c;aGVsbG8=\x07\u202e"
"""A metric name of markup, a pipe, a backtick, HTML, OSC 52 and a bidi override."""
LOOKALIKES = ["1.10", "yes", "no", "null", "on", "off", "true", "0x10", "1e3"]
"""Tags that YAML would read as numbers, booleans or nulls (each a valid tag)."""


def _structure(card: str) -> tuple[list[str], list[str], list[int]]:
    """The card body's h1 and h2 titles and the cell count of every table row."""
    body = card.split("\n---\n", 1)[1]
    tokens = MD.parse(body)
    titles: dict[str, list[str]] = {"h1": [], "h2": []}
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            titles.setdefault(token.tag, []).append(tokens[index + 1].content)
    html = MD.render(body)
    widths = [len(re.findall(r"<t[dh]", row)) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]
    return titles["h1"], titles["h2"], widths


def _tables_are_rectangular(card: str) -> bool:
    """Every row of each table has the header's cell count (no pipe split a cell)."""
    html = MD.render(card.split("\n---\n", 1)[1])
    for table in re.findall(r"<table>(.*?)</table>", html, re.S):
        widths = {len(re.findall(r"<t[dh]", r)) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)}
        if len(widths) != 1:
            return False
    return True


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(str(path), seed=0, progress=False)
    return path


def test_every_demo_model_has_a_card_the_hub_reads(demo_path: Path, hub: ModuleType) -> None:
    """Each of the demo's models gets a card whose tags and pipeline tag the Hub's parser
    reads as the registry holds them, with the default title and sections."""
    with ModelRegistry(demo_path, read_only=True) as registry:
        records = registry.records.query(registry_query(), 0, None)
        assert len(records) > 50
        for record in records:
            card = registry.model_card(record.model_id)
            data = hub.ModelCard(card).data
            assert data.tags == list(record.tags)
            assert data.pipeline_tag == PIPELINE_TAGS.get(record.task_type)
            assert data.library_name == "pytorch" and data.base_model is None
            h1, h2, _ = _structure(card)
            assert h1 == [record.label] and h2 == SECTIONS
            assert _tables_are_rectangular(card)


def registry_query() -> Any:
    from registry_tui.records import ModelQuery

    return ModelQuery(status=None)


def test_hostile_registry_cards_stay_literal(tmp_path: Path, hub: ModuleType) -> None:
    """Markup, OSC 52, CSI, C1 and bidi text in names, tasks, paths, metrics, metadata,
    tags, exports and actors: the card has no unsafe character, the Hub reads the tags back
    exactly, and the body keeps one title, its sections and rectangular tables."""
    ids = build_hostile(tmp_path / "hostile.db")
    with ModelRegistry(tmp_path / "hostile.db", read_only=True) as registry:
        for model_id in ids.values():
            record = registry.records.require(model_id)
            card = registry.model_card(model_id)
            assert unsafe_in(card) == []
            assert hub.ModelCard(card).data.tags == list(record.tags)
            h1, h2, _ = _structure(card)
            assert len(h1) == 1 and h2 == SECTIONS
            assert _tables_are_rectangular(card)


def _adversarial(registry: ModelRegistry, tmp_path: Path) -> int:
    """A parent on the Hub and a child whose every card field is hostile or a lookalike."""
    text = hostile("|`#<b>&amp;\n    code\n---\n# h")
    parent = registry.register_model(
        "base", "1.0.0", "p.pt", "classification", metrics={"acc": 0.5},
        metadata={"huggingface": {"repo_id": hostile("org/repo"), "revision": "yes"}},
        verify_checkpoint=False,
    )  # fmt: skip
    child = registry.register_model(
        hostile("child|name"), "1.0.0-rc.1", hostile("ckpt|path"), "classification",
        metrics={METRIC: 0.25, "acc": 0.75}, parent_model_id=parent,
        metadata={
            "license": "yes", "library_name": "1.10", "base_model_relation": "adapter",
            "eval_dataset": {"type": "null", "name": hostile("data"), "split": "~"},
            "card": {"intended_use": text, "limitations": text, "training_data": text},
            hostile("extra"): [text, {"on": "off"}],
        },
        config={hostile("lr"): text}, tags=LOOKALIKES, verify_checkpoint=False,
    )  # fmt: skip
    registry.add_export_format(child, "onnx", hostile("export|path"), {hostile("k"): text})
    return child


def test_every_field_hostile_reads_back_exactly(tmp_path: Path, hub: ModuleType) -> None:
    """License ``yes``, library ``1.10``, tags ``null``/``on``/``1e3`` ..., a hostile Hub repo
    and dataset name: the Hub's parser reads each back as the very string recorded, and the
    body stays whole."""
    with ModelRegistry(tmp_path / "a.db", actor=hostile("actor")) as registry:
        child = _adversarial(registry, tmp_path)
        registry.promote_model(child, "production")
        card = registry.model_card(child)
    data = hub.ModelCard(card).data
    assert (data.license, data.library_name) == ("yes", "1.10")
    assert data.tags == sorted([*LOOKALIKES, "production"])
    assert (data.base_model, data.base_model_relation) == (hostile("org/repo"), "adapter")
    datasets = {(r.dataset_type, r.dataset_name, r.dataset_split) for r in data.eval_results}
    assert datasets == {("null", hostile("data"), "~")}
    assert {r.metric_type: r.metric_value for r in data.eval_results} == {
        METRIC: 0.25, "acc": 0.75,
    }  # fmt: skip
    assert data.model_name == hostile("child|name") + " 1.0.0-rc.1"
    assert unsafe_in(card) == [] and WIDE in card and HOSTILE not in card
    h1, h2, _ = _structure(card)
    assert len(h1) == 1 and h2 == SECTIONS and _tables_are_rectangular(card)


def test_a_legacy_file_with_odd_values_still_gets_a_card(tmp_path: Path, hub: ModuleType) -> None:
    """Metadata written by other tools (a card section that is a number, a non-object Hub
    entry, a dataset list) is skipped where it cannot mean anything, not fatal."""
    path = tmp_path / "odd.db"
    with ModelRegistry(path) as registry:
        model = registry.register_model(
            "m", "1.0.0", "m.pt", "mystery_task", verify_checkpoint=False
        )
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE models SET metadata = ? WHERE model_id = ?",
            ('{"card": {"limitations": 5}, "huggingface": "x", "eval_dataset": [1], '
             '"checkpoint": {"parameters": "many"}, "memory_estimate": {}}', model),
        )  # fmt: skip
    conn.close()
    with ModelRegistry(path, read_only=True) as registry:
        card = registry.model_card(model)
    data = hub.ModelCard(card).data
    assert data.pipeline_tag is None and data.eval_results is None
    assert "estimated: how is not recorded" in card and card.count("To be written") == 3
