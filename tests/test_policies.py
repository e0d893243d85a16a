"""What a registry records about its metrics (which way is better) and tags (exclusive)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from tests.conftest import FixedClock

COMMON: dict[str, Any] = {"verify_checkpoint": False, "task_type": "asr"}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def asr(db_path: Path, clock: FixedClock) -> Path:
    """Two speech models: #1 accuracy 0.9 / score 0.2, #2 accuracy 0.8 / score 0.3."""
    with ModelRegistry(db_path, clock=clock, actor="t@h") as registry:
        registry.register_model("a", "1.0.0", "a.pt", metrics={"accuracy": 0.9, "score": 0.2},
                                **COMMON)  # fmt: skip
        registry.register_model("b", "1.0.0", "b.pt", metrics={"accuracy": 0.8, "score": 0.3},
                                **COMMON)  # fmt: skip
    return db_path


def _best(db: Path, *extra: str) -> dict[str, list[str]]:
    import json

    code, out, err = _run("--db", str(db), "compare", "--model-ids", "1,2", "--format", "json",
                          *extra)  # fmt: skip
    assert code == 0, err
    return {m["name"]: m["best"] for m in json.loads(out)}


def test_recorded_direction_decides_the_best_in_compare(asr: Path) -> None:
    """``registry-tui metric score --lower-better`` makes compare mark the lower score best;
    a command-line ``--higher-better`` still overrides it; ``--clear`` forgets it."""
    assert _best(asr) == {"a": ["accuracy"], "b": ["score"]}  # guessed: higher is better
    code, out, _ = _run("--db", str(asr), "metric", "score", "--lower-better")
    assert code == 0 and out == "score: lower is better\n"
    assert _best(asr) == {"a": ["accuracy", "score"], "b": []}
    assert _best(asr, "--higher-better", "score") == {"a": ["accuracy"], "b": ["score"]}
    code, out, _ = _run("--db", str(asr), "metric")
    assert out == "score: lower is better\n"
    _run("--db", str(asr), "metric", "score", "--clear")
    assert _best(asr) == {"a": ["accuracy"], "b": ["score"]}


def test_directions_are_recorded_in_the_history(registry: ModelRegistry) -> None:
    """Setting a direction is a history event naming the metric and the old direction,
    on both backends; ``metric_directions()`` returns what is recorded."""
    registry.set_metric_direction("score", True)
    registry.set_metric_direction("score", False)
    assert registry.metric_directions() == {"score": False}
    latest = registry.events(limit=1)[0]
    assert latest.event == "metric_direction"
    assert dict(latest.details) == {"metric": "score", "lower_is_better": False, "previous": True}
    with pytest.raises(ValueError, match="lower_is_better must be"):
        registry.set_metric_direction("score", "yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="metric name"):
        registry.set_metric_direction("", True)


def test_lineage_deltas_use_the_recorded_direction(db_path: Path) -> None:
    """A child whose score went down is shown improved (green) once score is lower-better."""
    with ModelRegistry(db_path) as registry:
        a = registry.register_model("a", "1.0.0", "a.pt", metrics={"score": 0.3}, **COMMON)
        registry.register_model("a", "1.1.0", "b.pt", metrics={"score": 0.2}, parent_model_id=a,
                                **COMMON)  # fmt: skip
        registry.set_metric_direction("score", True)
    from registry_tui.metrics import direction_lists
    from registry_tui.render import lineage_tree

    with ModelRegistry(db_path) as registry:
        lower, higher = direction_lists(registry.metric_directions())
        tree = lineage_tree(registry.records.lineage(2), lower=lower, higher=higher)
    child = tree.children[0].children[0].label
    spans = [str(s.style) for s in child.spans]  # type: ignore[union-attr]
    assert "green" in spans and "red" not in spans


def test_registering_with_production_moves_the_tag(registry: ModelRegistry) -> None:
    """``register_model(..., tags=["production"])`` (the guide's bundle example) takes
    production from its holder, recorded as a promotion; shared tags stay shared."""
    a = registry.register_model("a", "1.0.0", "a.pt", tags=["production", "staging"], **COMMON)
    b = registry.register_model("b", "1.0.0", "b.pt", tags=["production", "staging"], **COMMON)
    assert [r.model_id for r in registry.records.tag_holders("production")] == [b]
    assert sorted(r.model_id for r in registry.records.tag_holders("staging")) == [a, b]
    promotion = next(e for e in registry.events(tag="production") if e.model_id == b)
    assert promotion.event == "promote" and promotion.previous_model_id == a
    assert dict(promotion.details) == {"exclusive": True, "removed_from": [a]}
    assert registry.rollback_tag("production") == a


def test_marked_exclusive_tags_are_exclusive_everywhere(registry: ModelRegistry) -> None:
    """A tag marked exclusive moves on registration and on promotion even with
    ``remove_from_others=False``; production marked shared may have several holders."""
    registry.set_tag_policy("champion", True)
    registry.set_tag_policy("production", False)
    a = registry.register_model("a", "1.0.0", "a.pt", tags=["champion", "production"], **COMMON)
    b = registry.register_model("b", "1.0.0", "b.pt", tags=["production"], **COMMON)
    registry.promote_model(b, "champion", remove_from_others=False)
    assert [r.model_id for r in registry.records.tag_holders("champion")] == [b]
    assert sorted(r.model_id for r in registry.records.tag_holders("production")) == [a, b]
    assert registry.tag_policies() == {"champion": True, "production": False}
    assert registry.events(limit=1)[0].details["removed_from"] == [a]


def test_tag_policy_command(asr: Path) -> None:
    """``registry-tui tag-policy TAG --exclusive`` records it; with no TAG, lists policies."""
    code, out, _ = _run("--db", str(asr), "tag-policy", "champion", "--exclusive")
    assert code == 0 and out == "champion: exclusive\n"
    code, out, _ = _run("--db", str(asr), "tag-policy")
    assert out == "champion: exclusive\nproduction: exclusive\n"
    code, _, err = _run("--db", str(asr), "tag-policy", "champion")
    assert code == 2 and "--exclusive or --shared" in err
