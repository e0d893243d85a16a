"""The model card's training run: a section (and ``$run``) from the ExperimentDB the
registry reads, and the card as before without one."""

from __future__ import annotations

from pathlib import Path

from registry_tui import ModelRegistry
from tests import experimentdb
from tests.conftest import FixedClock
from tests.hostile import HOSTILE


def _model(registry: ModelRegistry, run_id: int | None) -> int:
    return registry.register_model(
        "gpt", "1.0.0", "c.pt", "lm", metrics={"val_loss": 1.1},
        training_run_id=run_id, verify_checkpoint=False,
    )  # fmt: skip


def test_the_default_card_has_the_run(registry_url: str, clock: FixedClock, tmp_path: Path) -> None:
    """With experiments, the default card has a Training run section before the lineage:
    name, status, notes, and each metric's final and best value."""
    exp = tmp_path / "experiments.db"
    ids = experimentdb.sample(exp)
    with ModelRegistry(registry_url, clock=clock, experiments=exp) as registry:
        card = registry.model_card(_model(registry, ids["baseline"]))
    section = card[card.index("## Training run") : card.index("## Lineage")]
    assert "- **Run:** 1 (baseline)" in section and "- **Status:** completed" in section
    assert "lr 3e-4, warmup 500" in section
    assert "| val/loss | 1.1 | 0.9 |" in section.replace("  ", " ")


def test_without_a_known_run_the_card_is_unchanged(
    sqlite_registry: ModelRegistry, db_path: Path, tmp_path: Path
) -> None:
    """Without experiments (or when the run is not in them) there is no run section, and
    the card is byte for byte the one a registry without experiments writes."""
    model_id = _model(sqlite_registry, 5)
    plain = sqlite_registry.model_card(model_id)
    assert "## Training run" not in plain
    exp = experimentdb.create(tmp_path / "e.db")
    with ModelRegistry(db_path, experiments=exp) as registry:
        card = registry.model_card(model_id)
    assert "## Training run" not in card
    strip = [line for line in card.splitlines() if "Written by registry-tui" not in line]
    assert strip == [line for line in plain.splitlines() if "Written by registry-tui" not in line]


def test_the_run_field_in_a_template(sqlite_registry: ModelRegistry, tmp_path: Path) -> None:
    """``$run`` places the run; without a known run it says so in one line; hostile run
    text is escaped like every user string."""
    exp = experimentdb.create(tmp_path / "e.db")
    run_id = experimentdb.add_run(exp, HOSTILE, [("val_loss", 0.5, 1)], notes="# not a heading")
    model_id = _model(sqlite_registry, run_id)
    assert sqlite_registry.model_card(model_id, template="$run") == (
        "No training run known (the registry reads runs with experiments=...)."
    )
    registry = ModelRegistry(sqlite_registry.location, experiments=exp)
    text = registry.model_card(model_id, template="$run")
    registry.close()
    assert "\x1b" not in text and "\\x1b" in text and "\\[bold red\\]" in text
    assert "\n# not a heading" not in text and "\\# not a heading" in text
