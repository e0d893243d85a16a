"""PostgreSQL identity with real login roles: session_user decides, not the client's actor;
``role:`` reviewers are role members; the hardened setup refuses direct writes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from registry_tui import ModelRegistry
from registry_tui.errors import ApprovalRefused, ApprovalRequired, StorageError
from tests.conftest import PG_URL
from tests.governance.helpers import holder, two_models

pytestmark = pytest.mark.postgres

Login = Callable[[str], ModelRegistry]


def _as(url: str, role: str) -> str:
    """``url`` with the credentials of ``role`` (its password: pw_ and its name)."""
    parts = urlsplit(url)
    host = parts.netloc.split("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{role}:pw_{role}@{host}"))


@pytest.fixture
def roles(pg_url: str) -> Iterator[dict[str, str]]:
    """Login roles alice, bob, carol and a group leads (bob is in it), all prefixed
    ``registry_h3_`` and dropped afterwards; the registry's tables exist, owned by the
    test's superuser, and the three users may use them (the plain setup)."""
    import psycopg2

    tag = uuid.uuid4().hex[:6]
    names = {n: f"registry_h3_{n}_{tag}" for n in ("alice", "bob", "carol", "leads")}
    ModelRegistry(pg_url).close()
    schema = urlsplit(pg_url).query.split("search_path%3D")[-1]
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    made: list[str] = []
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE ROLE {names['leads']} NOLOGIN")
            made.append(names["leads"])
            for user in ("alice", "bob", "carol"):
                cur.execute(f"CREATE ROLE {names[user]} LOGIN PASSWORD 'pw_{names[user]}'")
                made.append(names[user])
                cur.execute(f"GRANT USAGE ON SCHEMA {schema} TO {names[user]}")
                cur.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {names[user]}")
                cur.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {names[user]}")
            cur.execute(f"GRANT {names['leads']} TO {names['bob']}")
        yield names | {"schema": schema}
    finally:
        with conn.cursor() as cur:
            for extra in ("admin", "reviewer", "writer"):  # made by the hardened test
                made.append(f"registry_h3_{extra}_{tag}")
            for role in reversed(made):
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                if cur.fetchone():
                    cur.execute(f"DROP OWNED BY {role}")
                    cur.execute(f"DROP ROLE {role}")
        conn.close()


@pytest.fixture
def login(pg_url: str) -> Iterator[Login]:
    """Open the test's registry as a given login role (closed afterwards)."""
    opened: list[ModelRegistry] = []

    def open_as(role: str) -> ModelRegistry:
        registry = ModelRegistry(_as(pg_url, role), actor="bob@pretend")
        opened.append(registry)
        return registry

    yield open_as
    for registry in opened:
        registry.close()


def test_the_requester_cannot_approve_by_passing_another_actor(
    pg_url: str, roles: dict[str, str], login: Login
) -> None:
    """alice, connected as herself but claiming actor bob, is still alice: she cannot
    approve her own request; bob's login can, and the events name the logins."""
    with ModelRegistry(pg_url) as owner:
        _a, b = two_models(owner)
        owner.protect_tag("production")
    alice, bob = login(roles["alice"]), login(roles["bob"])
    assert alice.identity().name == roles["alice"] and alice.identity().enforced
    rid = alice.request_promotion(b, "production", "better")
    with pytest.raises(ApprovalRefused, match=f"{roles['alice']} requested request {rid}"):
        alice.approve(rid)
    assert bob.approve(rid).state == "applied"
    assert holder(bob) == b
    events = {e.event: e.actor for e in bob.events(tag="production", limit=3)}
    assert events == {"promote": roles["bob"], "approve": roles["bob"], "request": roles["alice"]}


def test_a_role_reviewer_group_is_its_members(
    pg_url: str, roles: dict[str, str], login: Login
) -> None:
    """With reviewers ``role:leads``, carol (not a member) is refused, bob (a member) applies."""
    with ModelRegistry(pg_url) as owner:
        _a, b = two_models(owner)
        owner.protect_tag("production", reviewers=[f"role:{roles['leads']}"])
    rid = login(roles["alice"]).request_promotion(b, "production", "better")
    with pytest.raises(ApprovalRefused, match="not a reviewer"):
        login(roles["carol"]).approve(rid)
    assert login(roles["bob"]).approve(rid).state == "applied"


def test_break_glass_needs_an_admin(pg_url: str, roles: dict[str, str], login: Login) -> None:
    """A plain login is not an admin (neither owner nor superuser): break glass refused."""
    with ModelRegistry(pg_url) as owner:
        _a, b = two_models(owner)
        owner.protect_tag("production")
    with pytest.raises(ApprovalRefused, match="not an admin"):
        login(roles["alice"]).break_glass_promote(b, "production", "incident")


def test_the_hardened_setup_refuses_direct_writes(
    pg_url: str, roles: dict[str, str], login: Login
) -> None:
    """After setup_roles, a writer cannot UPDATE model_tags, insert a row for a protected
    tag, or write an approval directly; approving through the functions still works and
    is still checked (self-approval refused), only the admin role breaks glass, and
    rejecting, cancelling and lifting the protection go through the functions too."""
    import psycopg2

    suffix = roles["alice"].rsplit("_", 1)[1]
    admin, reviewer, writer = (f"registry_h3_{r}_{suffix}" for r in ("admin", "reviewer", "writer"))
    with ModelRegistry(pg_url) as owner:
        a, b = two_models(owner)
        owner.protect_tag("production")
        owner.setup_roles(admin_role=admin, reviewer_role=reviewer, writer_role=writer)
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        for user in ("alice", "bob", "carol"):
            cur.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {roles['schema']} FROM {roles[user]}")
        cur.execute(f"GRANT {writer} TO {roles['alice']}")
        cur.execute(f"GRANT {reviewer} TO {roles['bob']}")
        cur.execute(f"GRANT {admin} TO {roles['carol']}")
    conn.close()
    alice = login(roles["alice"])
    db = alice._storage.db
    for sql in (
        f"UPDATE model_tags SET model_id = {b} WHERE tag_name = 'production'",
        f"INSERT INTO model_tags (model_id, tag_name, created_at) "
        f"VALUES ({b}, 'production', now())",
        "INSERT INTO request_approvals (request_id, reviewer, at) VALUES (1, 'x', now())",
    ):
        with pytest.raises(Exception) as caught, db.atomic():
            db.execute_sql(sql)
        assert "permission denied" in str(caught.value) or "row-level security" in str(caught.value)
    with pytest.raises(ApprovalRequired):
        alice.promote_model(b, "production")
    rid = alice.request_promotion(b, "production", "better")
    with pytest.raises(ApprovalRefused, match="cannot approve it"):
        alice.approve(rid)
    with pytest.raises(ApprovalRefused, match="not an admin"):
        alice.break_glass_promote(b, "production", "incident")
    done = login(roles["bob"]).approve(rid)
    assert done.state == "applied" and holder(alice) == b
    promote = alice.events(tag="production", limit=1)[0]
    assert promote.details["approved_by"] == [roles["bob"]] and promote.actor == roles["bob"]
    login(roles["carol"]).break_glass_promote(a, "production", "roll back now")
    assert holder(alice) == a
    bob = login(roles["bob"])
    again = alice.request_promotion(b, "production", "second try")
    with pytest.raises(ApprovalRefused, match="can cancel it"):
        bob.cancel(again)
    assert bob.reject(again, "not today").state == "rejected"
    third = alice.request_promotion(b, "production", "third try")
    assert alice.cancel(third).state == "cancelled"
    lift = alice.unprotect_tag("production", "freeze over")
    assert bob.approve(lift).state == "applied" and alice.protections() == {}


def test_setup_roles_by_someone_else_is_refused(
    pg_url: str, roles: dict[str, str], login: Login
) -> None:
    """Only the registry's owner may install the hardened setup (one clear error)."""
    with ModelRegistry(pg_url) as owner:
        two_models(owner)
    with pytest.raises(StorageError, match="must be run by the registry's owner"):
        login(roles["alice"]).setup_roles(admin_role="registry_h3_nobody")
