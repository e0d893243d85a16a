"""The CLI's lifecycle and tag commands say everything a change does, from the core's plans.

Uses the registry of ``tests.test_cli`` (ids 1..5: 1 tagged baseline+production and
parent of 2; 2 staging, parent of 3; 5 retired).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from tests.test_cli import Run, db, open_db, run  # noqa: F401  (fixtures)


def test_delete_question_names_tags_and_children(
    run: Run,  # noqa: F811
    db: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before asking, a forced delete lists the tags that go (production marked exclusive and
    left with no active holder) and the child that loses its parent; answering no keeps it."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    code, _, err = run("delete", "--model-id", "1", "--force")
    assert code == 1 and "not deleted" in err
    assert "Its tags go with it: baseline, production (exclusive: production)" in err
    assert "production will have no active holder" in err
    assert "1 model tuned from it will lose their parent: 2 (gpt-small 1.1.0)" in err
    assert "Delete model 1 (gpt-small 1.0.0)? [y/N]" in err
    with open_db(db) as registry:
        assert registry.records.get(1) is not None


def test_forced_delete_of_a_parent_says_its_children_lost_their_parent(
    run: Run,  # noqa: F811
    db: Path,  # noqa: F811
) -> None:
    """--force --yes deletes the untagged parent and says the child lost its parent, which
    the database confirms."""
    run("untag", "--model-id", "2", "--tag", "staging")
    code, out, _ = run("delete", "--model-id", "2", "--force", "--yes")
    assert code == 0 and "Deleted model 2 (gpt-small 1.1.0); 1 model lost their parent" in out
    with open_db(db) as registry:
        assert registry.records.get(2) is None
        assert registry.records.require(3).parent_model_id is None


def test_retire_already_retired_writes_nothing(run: Run, db: Path) -> None:  # noqa: F811
    """Retiring model 5 again says "already retired", exits 0 and records no event."""
    with open_db(db) as registry:
        before = len(registry.events(limit=None))
    code, out, _ = run("retire", "--model-id", "5")
    assert code == 0 and "is already retired; nothing changed" in out
    with open_db(db) as registry:
        assert len(registry.events(limit=None)) == before


def test_retire_and_untag_warn_when_production_is_left_bare(run: Run, db: Path) -> None:  # noqa: F811
    """Retiring or untagging the only holder of production warns on stderr, and still acts."""
    code, _, err = run("untag", "--model-id", "1", "--tag", "production")
    assert code == 0 and "warning: production will have no active holder" in err
    run("promote", "--model-id", "1", "--tag", "production")
    code, _, err = run("retire", "--model-id", "1")
    assert code == 0 and "warning: production will have no active holder" in err
    code, _, err = run("retire", "--model-id", "4")
    assert code == 0 and "warning" not in err


def test_promote_reports_every_model_it_took_the_tag_from(run: Run, db: Path) -> None:  # noqa: F811
    """Two holders of a shared tag, then an exclusive promote: both are named, counted."""
    run("promote", "--model-id", "3", "--tag", "staging", "--keep-others")
    code, out, _ = run("promote", "--model-id", "4", "--tag", "staging")
    assert code == 0
    assert "removed it from 2 models: 2 (gpt-small 1.1.0), 3 (gpt-medical 1.0.0)" in out
    code, out, _ = run("promote", "--model-id", "4", "--tag", "staging")
    assert code == 0 and "already has staging; nothing changed" in out
