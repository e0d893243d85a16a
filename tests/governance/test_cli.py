"""The protected-tag commands: protect, request, pending, approve, reject, cancel,
promote --break-glass and admin setup-roles, on a SQLite file (advisory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from tests.conftest import FixedClock
from tests.governance.helpers import acting_as, holder, two_models
from tests.hostile import HOSTILE


@pytest.fixture
def db(db_path: Path, clock: FixedClock) -> Path:
    """A SQLite registry: model 1 holds production, model 2 does not."""
    with ModelRegistry(db_path, clock=clock) as registry:
        two_models(registry)
    return db_path


def run(db: Path | str, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_promote_on_a_protected_tag_fails_with_the_request_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``protect`` then ``promote``: exit 1 with the one-line ApprovalRequired message."""
    code, out, _ = run(db, capsys, "protect", "production", "--approvals", "2", "--ttl", "7d")
    assert code == 0 and "production: protected, 2 approvals" in out and "after 7d" in out
    code, out, err = run(db, capsys, "promote", "--model-id", "2", "--tag", "production")
    assert code == 1 and out == ""
    assert err == (
        "registry-tui: error: Tag 'production' is protected: request the move with "
        'registry-tui request --model-id 2 --tag production --reason "..." (it needs 2 approvals)\n'
    )


def test_request_pending_approve_flow_says_advisory(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request shows in ``pending`` (table with the advisory note, and JSON); an approval
    by another user applies it, saying who approved and that SQLite is advisory."""
    run(db, capsys, "protect", "production")
    with acting_as(monkeypatch, "trainer"):
        code, out, _ = run(
            db,
            capsys,
            "request",
            "--model-id",
            "2",
            "--tag",
            "production",
            "--reason",
            "lower loss",
        )
    assert code == 0 and out.startswith("Request 1: production -> model 2")
    code, out, _ = run(db, capsys, "pending")
    assert code == 0 and "lower loss" in out and "trainer" in out and "advisory" in out
    code, out, _ = run(db, capsys, "pending", "--json")
    data = json.loads(out)
    assert data["advisory"] is True and data["requests"][0]["state"] == "pending"
    with acting_as(monkeypatch, "reviewer"):
        code, out, _ = run(db, capsys, "approve", "1", "--comment", "ok")
    assert code == 0
    assert (
        out
        == "Request 1 (production -> model 2): applied, approved by reviewer [advisory: SQLite]\n"
    )
    with ModelRegistry(db) as registry:
        assert holder(registry) == 2


def test_refusals_are_one_line_errors(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Self-approval, an unknown request, cancelling another's request, rejecting and
    break-glass without a reason: exit non-zero, one line on stderr, no traceback."""
    run(db, capsys, "protect", "production", "--reviewer", "rev")
    with acting_as(monkeypatch, "trainer"):
        run(db, capsys, "request", "--model-id", "2", "--tag", "production", "--reason", "x")
        code, _, err = run(db, capsys, "approve", "1")
        assert code == 1 and "trainer requested request 1" in err and err.count("\n") == 1
    code, _, err = run(db, capsys, "approve", "9")
    assert code == 1 and err == "registry-tui: error: Request 9 not found\n"
    with acting_as(monkeypatch, "rev"):
        code, _, err = run(db, capsys, "cancel", "1")
        assert code == 1 and "Only trainer, who made request 1, can cancel it" in err
        code, out, _ = run(db, capsys, "reject", "1", "--reason", "not now")
        assert code == 0 and "rejected: not now" in out
    code, _, err = run(
        db, capsys, "promote", "--model-id", "2", "--tag", "production", "--break-glass"
    )
    assert code == 2 and "--break-glass needs --reason" in err


def test_break_glass_and_setup_roles_on_sqlite(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``promote --break-glass --reason`` moves a protected tag (a break_glass event);
    ``admin setup-roles`` on SQLite refuses with one line."""
    run(db, capsys, "protect", "production")
    code, out, _ = run(
        db, capsys, "promote", "--model-id", "2", "--tag", "production", "--break-glass",
        "--reason", "incident",
    )  # fmt: skip
    assert code == 0 and "Promoted model 2" in out
    code, out, _ = run(db, capsys, "history", "--tag", "production", "--limit", "1")
    assert "break_glass" in out and "incident" in out
    code, _, err = run(db, capsys, "admin", "setup-roles")
    assert code == 1 and "setup-roles needs PostgreSQL" in err and err.count("\n") == 1


def test_hostile_reasons_are_shown_literally(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A reason full of markup and escape sequences never reaches the terminal raw."""
    run(db, capsys, "protect", "production")
    run(db, capsys, "request", "--model-id", "2", "--tag", "production", "--reason", HOSTILE)
    code, out, _ = run(db, capsys, "pending")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "[bold red]x[/]" in out


@pytest.mark.postgres
def test_on_postgresql_pending_and_approve_are_not_advisory(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the same commands name no advisory: the server says who is connected."""
    with ModelRegistry(pg_url) as registry:
        two_models(registry)
    url = pg_url
    run(url, capsys, "protect", "production")
    with acting_as(monkeypatch, "trainer"):
        run(url, capsys, "request", "--model-id", "2", "--tag", "production", "--reason", "x")
    code, out, _ = run(url, capsys, "pending")
    assert code == 0 and "trainer" in out and "advisory" not in out
    code, out, _ = run(url, capsys, "approve", "1")
    assert code == 0 and out.startswith("Request 1 (production -> model 2): applied, approved by ")
    assert "advisory" not in out
