"""The two public surfaces: ModelRegistry (the guide's API) and ``registry.records`` (the faces').

The exact sets of public names are pinned, so a new method is placed on one of
them deliberately (and documented); the guide's methods keep the guide's
signatures; the names the README documents on ModelRegistry beside their
record-API home give the same answers; the usage guides in the docstrings are
what ``help()`` shows; and ``count_models`` counts what ``list_models`` lists.
"""

from __future__ import annotations

import inspect
import pydoc
import re
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.record_api import RecordAPI
from registry_tui.records import ModelQuery

ROOT = Path(__file__).resolve().parents[1]

GUIDE_API = {
    # the Model Registry Guide's own methods
    "register_model",
    "get_model",
    "list_models",
    "promote_model",
    "compare_models",
    "get_model_lineage",
    "add_export_format",
    "retire_model",
    "delete_model",
    "compute_config_hash",
    # additions the README documents
    "count_models",
    "remove_tag",
    "rollback_tag",
    "rollback_preview",
    "restore_model",
    "get_descendants",
    "get_config",
    "diff_configs",
    "history",
    "transaction",
    "metric_directions",
    "set_metric_direction",
    "tag_policies",
    "set_tag_policy",
    "repair",
    "check",
    "check_location",
    "backup",
    "backup_report",
    "dump",
    "dump_bundle",
    "load",
    "model_card",
    "track",
    "register_bundle",
    "import_checkpoints",
    # protected tags and promotion requests
    "protect_tag",
    "unprotect_tag",
    "protections",
    "protection",
    "request_promotion",
    "approve",
    "reject",
    "cancel",
    "pending_requests",
    "request",
    "requests",
    "break_glass_promote",
    "identity",
    "setup_roles",
    # record-API calls the README documents here too (the same calls as on records)
    "delete_plan",
    "retire_plan",
    "untag_plan",
    "events",
    "count_capped",
    # the open registry itself
    "records",
    "actor",
    "location",
    "backend",
    "read_only",
    "upgraded_from",
    "schema_version",
    "close",
}

RECORD_API = {
    "find",
    "get",
    "require",
    "by_ids",
    "compare",
    "query",
    "page",
    "count",
    "count_capped",
    "position",
    "lineage",
    "descendants",
    "family",
    "tag_names",
    "tag_holders",
    "tag_holder_near",
    "facets",
    "common_metrics",
    "events",
    "change_token",
    "config_changes",
    "delete_plan",
    "retire_plan",
    "untag_plan",
}

KEPT_ON_BOTH = {"delete_plan", "retire_plan", "untag_plan", "events", "count_capped"}


def _public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def _api_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("<!-- section:api -->")[1].split("<!-- /section:api -->")[0]


def _reg(registry: ModelRegistry, name: str, version: str, **kw: Any) -> int:
    kw.setdefault("checkpoint_path", f"checkpoints/{name}-{version}.pt")
    kw.setdefault("task_type", "language_modeling")
    return registry.register_model(name, version, verify_checkpoint=False, **kw)


def test_model_registry_has_exactly_the_guide_api(sqlite_registry: ModelRegistry) -> None:
    """ModelRegistry's public names are the guide's methods and the README's additions,
    no record method beside them (a new one must be added here on purpose)."""
    assert _public(sqlite_registry) == GUIDE_API


def test_the_record_api_has_exactly_its_names(sqlite_registry: ModelRegistry) -> None:
    """``registry.records`` is a RecordAPI whose public names are exactly the faces' reads."""
    assert isinstance(sqlite_registry.records, RecordAPI)
    assert _public(sqlite_registry.records) == RECORD_API


def test_only_the_readme_documented_record_calls_are_on_both() -> None:
    """The record calls also kept on ModelRegistry are those the README documents there."""
    assert GUIDE_API & RECORD_API == KEPT_ON_BOTH
    section = _api_section()
    for name in KEPT_ON_BOTH:
        assert f"`{name}(" in section or f"{name}(" in section, name


def test_every_public_name_is_in_the_readme_api_section() -> None:
    """Each name of both surfaces is in the README's API section, so none is undocumented."""
    section = _api_section()
    words = set(re.findall(r"[A-Za-z_]+", section))
    assert GUIDE_API - {"actor", "location", "backend", "upgraded_from"} <= words
    assert words >= RECORD_API


def test_the_guide_methods_keep_the_guide_signatures() -> None:
    """The guide's calls, with their parameters in the guide's order and its defaults."""
    params = {
        name: list(inspect.signature(getattr(ModelRegistry, name)).parameters)[1:]
        for name in ("get_model", "promote_model", "retire_model", "delete_model")
    }
    assert params == {
        "get_model": ["model_id", "name", "version", "tag"],
        "promote_model": ["model_id", "tag", "remove_from_others"],
        "retire_model": ["model_id", "reason"],
        "delete_model": ["model_id", "force"],
    }
    reason = inspect.signature(ModelRegistry.retire_model).parameters["reason"]
    assert reason.kind is inspect.Parameter.KEYWORD_ONLY and reason.default is None
    register = list(inspect.signature(ModelRegistry.register_model).parameters)[1:12]
    assert register == [
        "name", "version", "checkpoint_path", "task_type", "config_hash", "metrics",
        "export_formats", "model_size_mb", "memory_req_gb", "training_run_id",
        "parent_model_id",
    ]  # fmt: skip
    listing = inspect.signature(ModelRegistry.list_models).parameters
    assert list(listing)[1:5] == ["task_type", "tag", "status", "name"]
    assert listing["status"].default == "active" and listing["limit"].default == 100
    assert list(inspect.signature(ModelRegistry.compare_models).parameters)[1:] == [
        "model_ids",
        "metrics",
    ]


@pytest.mark.parametrize(
    ("method", "shown"),
    [
        ("register_model", ["Args:", "checkpoint_path:", "parent_model_id:", "Raises:"]),
        ("list_models", ["Args:", "where:", "order_by:", "<=", "created_at > 7d", "-accuracy"]),
        ("count_models", ["Args:", "where:", "stop:", "list_models"]),
        ("compare_models", ["Args:", "model_ids:", "metrics:", "Returns:"]),
    ],
)
def test_help_shows_the_usage_guides(method: str, shown: list[str]) -> None:
    """``help(ModelRegistry.<method>)`` renders its Args section, grammar included."""
    text = pydoc.render_doc(getattr(ModelRegistry, method), renderer=pydoc.plaintext)
    for part in shown:
        assert part in text, part


def test_the_kept_names_answer_as_the_record_api(sqlite_registry: ModelRegistry) -> None:
    """``delete_plan``, ``retire_plan``, ``untag_plan``, ``events`` and ``count_capped``
    on ModelRegistry give what the same calls on ``registry.records`` give."""
    registry, records = sqlite_registry, sqlite_registry.records
    model_id = _reg(registry, "gpt", "1.0.0", tags=["staging"])
    assert registry.delete_plan(model_id) == records.delete_plan(model_id)
    assert registry.retire_plan(model_id) == records.retire_plan(model_id)
    assert registry.untag_plan(model_id, "staging") == records.untag_plan(model_id, "staging")
    assert registry.events(model_id=model_id) == records.events(model_id=model_id)
    assert registry.count_capped(ModelQuery()) == records.count_capped(ModelQuery())


def test_count_models_counts_what_list_models_lists(sqlite_registry: ModelRegistry) -> None:
    """count_models takes list_models' filters as keywords and counts every match."""
    registry = sqlite_registry
    for i in range(5):
        _reg(registry, f"gpt-{i}", "1.0.0", metrics={"val_loss": 0.1 * i})
    bert = _reg(registry, "bert", "1.0.0", task_type="classification", tags=["production"])
    registry.retire_model(_reg(registry, "gpt-old", "1.0.0", metrics={"val_loss": 0.05}))
    cases: list[dict[str, Any]] = [
        {},
        {"status": None},
        {"status": "retired"},
        {"name": "gpt-*", "where": "val_loss < 0.25"},
        {"where": ["val_loss >= 0.1", "val_loss < 0.35"], "status": None},
        {"tag": "production"},
        {"task_type": "class*"},
        {"metric_name": "val_loss", "min_metric_value": 0.2},
    ]
    counts = [registry.count_models(**kw) for kw in cases]
    assert counts == [len(registry.list_models(limit=None, **kw)) for kw in cases]
    assert counts == [6, 7, 1, 3, 3, 1, 1, 3]
    assert registry.count_models(ModelQuery(tag="production")) == 1
    assert registry.get_model(tag="production")["model_id"] == bert  # type: ignore[index]


def test_count_models_refuses_a_query_with_keywords(sqlite_registry: ModelRegistry) -> None:
    """A ModelQuery and filter keywords together are refused with one clear message."""
    with pytest.raises(ValidationError, match="either a ModelQuery or filter keywords"):
        sqlite_registry.count_models(ModelQuery(), tag="production")
    with pytest.raises(ValueError, match="either a ModelQuery or filter keywords"):
        sqlite_registry.count_models(ModelQuery(), status=None)


def test_the_readme_api_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's API section runs as written (its checkpoints made first), and what its
    comments promise holds: production rolled back to the base, a page of both models."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checkpoints").mkdir()
    for name in ("epoch_10.pt", "ft.pt"):
        (tmp_path / "checkpoints" / name).write_bytes(b"weights")
    code = "\n".join(re.findall(r"```python\n(.*?)```", _api_section(), re.S))
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    registry: ModelRegistry = namespace["registry"]
    try:
        assert registry.get_model(tag="production")["model_id"] == namespace["base_id"]  # type: ignore[index]
        assert namespace["page"].total == 2 and namespace["page"].exact
        assert registry.records.get(namespace["ft_id"]).label == "gpt-small 1.1.0"  # type: ignore[union-attr]
    finally:
        registry.close()
