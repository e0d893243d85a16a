"""A team's flow end to end: a trainer requests a promotion of a protected tag (with the
CLI on SQLite, the API as a PostgreSQL login), a reviewer opens the app, sees the
request in the pending view, approves it, the tag moves, and the promoted model's card
names the reviewer and the request.

On SQLite the two people are two operating-system users (the identity there); on
PostgreSQL they are two real login roles the test creates and drops.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

import pytest
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.cards.markdown import inline
from registry_tui.cli import main
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.pending import PendingScreen
from tests.conftest import FixedClock
from tests.tui.helpers import notifications, run, settle
from tests.tui.test_actions import holders
from tests.tui.test_pending import pending_text


def setup_models(registry: ModelRegistry, reviewer: str) -> tuple[int, int]:
    """``gpt 1.0.0`` in production (protected, reviewed by ``reviewer``) and its fine-tune."""
    base = registry.register_model(
        "gpt", "1.0.0", "c/base.pt", "language_modeling", metrics={"val_loss": 0.5},
        tags=["production"], verify_checkpoint=False,
    )  # fmt: skip
    tuned = registry.register_model(
        "gpt", "1.1.0", "c/tuned.pt", "language_modeling", metrics={"val_loss": 0.42},
        parent_model_id=base, verify_checkpoint=False,
    )  # fmt: skip
    registry.protect_tag("production", reviewers=(reviewer,), approvals=1)
    return base, tuned


def review_in_the_app(reviewer: ModelRegistry, request_id: int, tuned: int) -> None:
    """The reviewer's session: P, see the request, a, y; the toast says it was applied."""

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, PendingScreen)
        text = pending_text(app)
        assert f"#{request_id}  production ← gpt 1.1.0 #{tuned}" in text
        assert "reason: val_loss 0.5 -> 0.42" in text
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, 0.05)
        assert any(f"Request #{request_id} applied" in n for n in notifications(app))

    run(reviewer, scenario)


def check_outcome(registry: ModelRegistry, tuned: int, request_id: int, who: str) -> None:
    """The tag moved to the fine-tune and its card says who approved, in which request."""
    assert holders(registry, "production") == [tuned]
    card = registry.model_card(tuned)
    assert f"approved by {inline(who)} (request \\#{request_id})" in card
    assert "- production on " in registry.model_card(tuned, template="$approvals")


def test_team_flow_on_sqlite(
    db_path: object, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trainer ``alice`` requests with ``registry-tui request``, reviewer ``bob`` approves
    from the app (SQLite: the OS user is the identity, advisory), and the card names bob."""
    monkeypatch.setenv("LOGNAME", "alice")
    with ModelRegistry(db_path, clock=clock) as setup:  # type: ignore[arg-type]
        _, tuned = setup_models(setup, "bob")
    argv = ["--db", str(db_path), "request", "--model-id", str(tuned), "--tag", "production"]
    assert main([*argv, "--reason", "val_loss 0.5 -> 0.42"]) == 0
    with ModelRegistry(db_path, clock=clock) as trainer:  # type: ignore[arg-type]
        [request] = trainer.pending_requests()
        request_id = request.request_id
        assert request.requested_by == "alice"
    monkeypatch.setenv("LOGNAME", "bob")
    with ModelRegistry(db_path, clock=clock) as reviewer:  # type: ignore[arg-type]
        review_in_the_app(reviewer, request_id, tuned)
        check_outcome(reviewer, tuned, request_id, "bob")


@dataclass(frozen=True)
class Logins:
    """Two login roles on the test server, and the URL of the test's schema as each."""

    trainer: str
    reviewer: str
    trainer_url: str
    reviewer_url: str


def _as(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    netloc = f"{user}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@pytest.fixture
def logins(pg_url: str) -> Iterator[Logins]:
    """Roles ``registry_h4_trainer_*`` and ``registry_h4_reviewer_*`` with the rights an
    ordinary user has on the test's schema; dropped afterwards."""
    import psycopg2

    suffix = uuid.uuid4().hex[:8]
    names = (f"registry_h4_trainer_{suffix}", f"registry_h4_reviewer_{suffix}")
    ModelRegistry(pg_url).close()  # creates the tables as the superuser
    schema = unquote(pg_url).rpartition("search_path=")[2]
    conn = psycopg2.connect(pg_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'pw'")
                cur.execute(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {name}")
                cur.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {name}")
                cur.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {name}")
        yield Logins(*names, _as(pg_url, names[0], "pw"), _as(pg_url, names[1], "pw"))
    finally:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f"DROP OWNED BY {name} CASCADE")
                cur.execute(f"DROP ROLE IF EXISTS {name}")
        conn.close()


@pytest.mark.postgres
def test_team_flow_on_postgresql(pg_url: str, logins: Logins, clock: FixedClock) -> None:
    """Two real login roles: the trainer requests as one, the reviewer approves from the
    app as the other (the server's ``session_user``, enforced), and the card names the
    reviewer's login."""
    with ModelRegistry(pg_url, clock=clock) as admin:
        _, tuned = setup_models(admin, logins.reviewer)
    with ModelRegistry(logins.trainer_url, clock=clock) as trainer:
        assert trainer.identity().enforced and trainer.identity().name == logins.trainer
        request_id = trainer.request_promotion(tuned, "production", "val_loss 0.5 -> 0.42")
    with ModelRegistry(logins.reviewer_url, clock=clock) as reviewer:
        review_in_the_app(reviewer, request_id, tuned)
        check_outcome(reviewer, tuned, request_id, logins.reviewer)
