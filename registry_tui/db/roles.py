"""Who is connected, and which PostgreSQL roles they belong to.

On PostgreSQL the registry trusts the server: the requester and the reviewer of a
promotion are ``session_user``, and a ``role:NAME`` reviewer is any member of that
role. The admin of break-glass promotes is a member of the admin role recorded by
``registry-tui admin setup-roles``, else the registry's owner or a superuser.
"""

from __future__ import annotations

import peewee

ADMIN_ROLE_KEY = "governance_admin_role"
"""``registry_meta`` key of the admin role recorded by ``setup-roles``."""


def session_user(db: peewee.Database) -> str:
    """The login of this connection (never a name the client chose)."""
    return str(db.execute_sql("SELECT session_user").fetchone()[0])


def has_role(db: peewee.Database, role: str) -> bool:
    """True when ``session_user`` is a member of ``role`` (False when no such role exists)."""
    row = db.execute_sql(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) "
        "THEN pg_has_role(session_user, %s, 'MEMBER') ELSE false END",
        (role, role),
    ).fetchone()
    return bool(row[0])


def admin_role(db: peewee.Database) -> str | None:
    """The admin role recorded by ``setup-roles``, or None."""
    row = db.execute_sql(
        "SELECT value FROM registry_meta WHERE key = %s", (ADMIN_ROLE_KEY,)
    ).fetchone()
    return None if row is None else str(row[0])


def registry_owner(db: peewee.Database) -> str:
    """The role owning the registry's ``models`` table (in the current schema)."""
    row = db.execute_sql(
        "SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = to_regclass('models')"
    ).fetchone()
    return str(row[0])


def is_admin(db: peewee.Database) -> bool:
    """A superuser, a member of the recorded admin role, or (without one) of the owner."""
    row = db.execute_sql("SELECT rolsuper FROM pg_roles WHERE rolname = session_user").fetchone()
    if row is not None and row[0]:
        return True
    role = admin_role(db)
    return has_role(db, role if role is not None else registry_owner(db))
