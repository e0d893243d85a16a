"""The hardened PostgreSQL setup (``registry-tui admin setup-roles``) and its calls.

After :func:`setup`, ordinary roles read every table but cannot write the tag,
protection and approval tables directly: rows of ``model_tags`` for a protected tag
are out of their reach (row-level security), ``request_approvals`` and
``tag_protections`` are written only by the ``SECURITY DEFINER`` functions of
:mod:`.hardening_sql` (owned by the registry's owner), and a request row can only be
inserted as one's own, pending. The approval, the decisions and the break-glass
promote then go through those functions (:func:`approve`, :func:`decide`,
:func:`break_glass`), which check ``session_user`` themselves.
"""

from __future__ import annotations

import json
from typing import Any

import peewee

from registry_tui.db import hardening_sql, roles
from registry_tui.db.approvals import PROTECTED_TABLES
from registry_tui.errors import ApprovalRefused, RequestNotFoundError, StorageError

_POLICIES = (
    "CREATE POLICY registry_tui_read ON model_tags FOR SELECT USING (true)",
    "CREATE POLICY registry_tui_insert ON model_tags FOR INSERT WITH CHECK "
    "(NOT EXISTS (SELECT 1 FROM tag_protections p WHERE p.tag = tag_name))",
    "CREATE POLICY registry_tui_delete ON model_tags FOR DELETE USING "
    "(NOT EXISTS (SELECT 1 FROM tag_protections p WHERE p.tag = tag_name))",
    "CREATE POLICY registry_tui_read ON promotion_requests FOR SELECT USING (true)",
    "CREATE POLICY registry_tui_insert ON promotion_requests FOR INSERT WITH CHECK "
    "(requested_by = session_user AND state = 'pending' AND decided_at IS NULL)",
)


def hardened(db: peewee.Database) -> bool:
    """True once ``setup-roles`` ran on this PostgreSQL registry."""
    return isinstance(db, peewee.PostgresqlDatabase) and roles.admin_role(db) is not None


def _ident(db: peewee.Database, name: str) -> str:
    return str(db.execute_sql("SELECT quote_ident(%s)", (name,)).fetchone()[0])


def _literal(db: peewee.Database, text: str) -> str:
    return str(db.execute_sql("SELECT quote_literal(%s)", (text,)).fetchone()[0])


def setup(db: peewee.Database, admin: str, reviewer: str, writer: str) -> list[str]:
    """Create the roles, grants, row policies and functions; record the admin role.

    Run by the registry's owner (or a superuser), inside one transaction.
    """
    owner = roles.registry_owner(db)
    if not roles.has_role(db, owner):
        raise StorageError(f"setup-roles must be run by the registry's owner ({owner})")
    schema = _ident(db, str(db.execute_sql("SELECT current_schema()").fetchone()[0]))
    done = [_create_role(db, name) for name in (admin, reviewer, writer)]
    a, r, w = (_ident(db, n) for n in (admin, reviewer, writer))
    everyone = f"{a}, {r}, {w}"
    protected = ", ".join(PROTECTED_TABLES)
    for sql in (
        f"GRANT USAGE ON SCHEMA {schema} TO {everyone}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {everyone}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {everyone}",
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {w}",
        f"GRANT {w} TO {a}",
        f"REVOKE INSERT, UPDATE, DELETE ON {protected}, registry_meta FROM PUBLIC, {everyone}",
        f"GRANT INSERT, DELETE ON model_tags TO {w}",
        f"GRANT INSERT ON promotion_requests, registry_events TO {everyone}",
        f"GRANT INSERT ON tag_protections TO {a}",
        "ALTER TABLE model_tags ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE promotion_requests ENABLE ROW LEVEL SECURITY",
    ):
        db.execute_sql(sql)
    done.append(f"Ordinary roles can no longer write {protected} directly")
    _policies(db)
    _functions(db, schema, admin, owner, everyone)
    done.append("Approvals, decisions and break-glass promotes run as SECURITY DEFINER functions")
    db.execute_sql(
        "INSERT INTO registry_meta (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (roles.ADMIN_ROLE_KEY, admin),
    )
    done.append(f"Admin role: {admin}; grant it, {reviewer} or {writer} to login roles")
    return done


def _create_role(db: peewee.Database, name: str) -> str:
    if db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
        return f"Role {name} exists"
    db.execute_sql(f"CREATE ROLE {_ident(db, name)} NOLOGIN")
    return f"Created role {name}"


def _policies(db: peewee.Database) -> None:
    for sql in _POLICIES:
        name, table = sql.split()[2], sql.split()[4]
        db.execute_sql(f"DROP POLICY IF EXISTS {name} ON {table}")
        db.execute_sql(sql)


def _functions(db: peewee.Database, schema: str, admin: str, owner: str, to: str) -> None:
    cursor = db.cursor()  # no parameters: psycopg2 leaves the bodies' % signs alone
    for body in hardening_sql.FUNCTIONS:
        cursor.execute(body.format(schema=schema, admin=_literal(db, admin)))
    for signature in hardening_sql.SIGNATURES:
        qualified = f"{schema}.{signature}"
        db.execute_sql(f"ALTER FUNCTION {qualified} OWNER TO {_ident(db, owner)}")
        db.execute_sql(f"REVOKE EXECUTE ON FUNCTION {qualified} FROM PUBLIC")
    for signature in hardening_sql.CALLABLE:
        db.execute_sql(f"GRANT EXECUTE ON FUNCTION {schema}.{signature} TO {to}")


def _call(db: peewee.Database, sql: str, params: tuple[Any, ...]) -> Any:
    """Run a function; its refusals (SQLSTATE P0001/P0002) become registry errors."""
    try:
        return db.execute_sql(sql, params).fetchone()[0]
    except peewee.DatabaseError as exc:
        original = exc.__context__ if exc.__context__ is not None else exc  # the driver's error
        code = getattr(original, "pgcode", None)
        message = str(getattr(getattr(original, "diag", None), "message_primary", "") or exc)
        if code == "P0002":
            raise RequestNotFoundError(int(params[0])) from None
        if code == "P0001":
            raise ApprovalRefused(message) from None
        raise


def approve(db: peewee.Database, request_id: int, comment: str | None) -> str | None:
    """Approve through the function; a closing refusal (expired, stale) is returned."""
    result = _call(db, "SELECT registry_tui_approve(%s, %s)", (request_id, comment))
    return None if result is None else str(result)


def decide(db: peewee.Database, request_id: int, state: str, note: str | None) -> None:
    """Reject or cancel through the function."""
    _call(db, "SELECT registry_tui_decide(%s, %s, %s)::text", (request_id, state, note))


def break_glass(
    db: peewee.Database, model_id: int, tag: str, reason: str
) -> tuple[bool, list[int]]:
    """The break-glass move through the function: ``(changed, ids the tag was taken from)``."""
    found = json.loads(
        _call(db, "SELECT registry_tui_break_glass(%s, %s, %s)", (model_id, tag, reason))
    )
    return bool(found["changed"]), [int(i) for i in found["removed"]]
