"""The SQL of protected tags and promotion requests (see :mod:`registry_tui.governance`).

Three tables, created by schema step 11: ``tag_protections`` (one row per protected
tag), ``promotion_requests`` and ``request_approvals``. Every function runs inside
the caller's transaction; :func:`lock_request` takes the request row's lock on
PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already serialises writers).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import peewee

from registry_tui.errors import ApprovalRequired
from registry_tui.governance.records import Approval, PromotionRequest, Protection

PROTECTED_TABLES = ("model_tags", "tag_protections", "promotion_requests", "request_approvals")
"""The tables a hardened PostgreSQL setup lets ordinary roles read but not write."""


def install(db: peewee.Database) -> None:
    """Create the three tables and their indexes (idempotent)."""
    pg = isinstance(db, peewee.PostgresqlDatabase)
    serial = "BIGSERIAL PRIMARY KEY" if pg else "INTEGER PRIMARY KEY AUTOINCREMENT"
    bigint = "BIGINT" if pg else "INTEGER"
    for sql in (
        f"""CREATE TABLE IF NOT EXISTS tag_protections (
            tag TEXT PRIMARY KEY, reviewers TEXT NOT NULL, approvals INTEGER NOT NULL,
            allow_self_approval BOOLEAN NOT NULL, request_ttl_s {bigint},
            protected_by TEXT NOT NULL, protected_at TIMESTAMP NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS promotion_requests (
            request_id {serial}, kind TEXT NOT NULL, tag TEXT NOT NULL, model_id {bigint},
            reason TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at TIMESTAMP NOT NULL,
            expires_at TIMESTAMP, holder_at_request {bigint}, state TEXT NOT NULL,
            needed INTEGER NOT NULL, allow_self BOOLEAN NOT NULL, decided_by TEXT,
            decided_at TIMESTAMP, decision_note TEXT)""",
        f"""CREATE TABLE IF NOT EXISTS request_approvals (
            request_id {bigint} NOT NULL REFERENCES promotion_requests (request_id)
                ON DELETE CASCADE,
            reviewer TEXT NOT NULL, at TIMESTAMP NOT NULL, comment TEXT,
            PRIMARY KEY (request_id, reviewer))""",
        "CREATE INDEX IF NOT EXISTS idx_requests_state ON promotion_requests (state, request_id)",
        "CREATE INDEX IF NOT EXISTS idx_requests_tag ON promotion_requests (tag, request_id)",
    ):
        db.execute_sql(sql)


def _q(db: peewee.Database, sql: str) -> str:
    """``sql`` written with ``?`` placeholders, in the driver's style."""
    return sql.replace("?", db.param)


def _rows(db: peewee.Database, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    return list(db.execute_sql(_q(db, sql), tuple(params)).fetchall())


def _stamp(value: Any) -> str | None:
    """A stored time as ``YYYY-MM-DD HH:MM:SS`` (PostgreSQL returns datetimes)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)[:19]


# -- protections ----------------------------------------------------------------------------
_PROTECTION_COLUMNS = (
    "tag, reviewers, approvals, allow_self_approval, request_ttl_s, protected_by, protected_at"
)


def _protection(row: tuple[Any, ...]) -> Protection:
    tag, reviewers, approvals, allow_self, ttl, by, at = row
    return Protection(
        tag=str(tag), reviewers=tuple(json.loads(reviewers)), approvals=int(approvals),
        allow_self_approval=bool(allow_self), request_ttl_s=None if ttl is None else int(ttl),
        protected_by=str(by), protected_at=_stamp(at) or "",
    )  # fmt: skip


def protection(db: peewee.Database, tag: str) -> Protection | None:
    """The tag's protection, or None."""
    rows = _rows(db, f"SELECT {_PROTECTION_COLUMNS} FROM tag_protections WHERE tag = ?", (tag,))
    return _protection(rows[0]) if rows else None


def protections(db: peewee.Database) -> dict[str, Protection]:
    """Every protection, by tag."""
    rows = _rows(db, f"SELECT {_PROTECTION_COLUMNS} FROM tag_protections ORDER BY tag")
    return {str(r[0]): _protection(r) for r in rows}


def save_protection(db: peewee.Database, p: Protection) -> None:
    """Insert a protection (the tag must not be protected yet)."""
    db.execute_sql(
        _q(db, f"INSERT INTO tag_protections ({_PROTECTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        (p.tag, json.dumps(list(p.reviewers)), p.approvals, p.allow_self_approval,
         p.request_ttl_s, p.protected_by, p.protected_at),
    )  # fmt: skip


def delete_protection(db: peewee.Database, tag: str) -> None:
    """Lift a tag's protection."""
    db.execute_sql(_q(db, "DELETE FROM tag_protections WHERE tag = ?"), (tag,))


def protected_tags_of(db: peewee.Database, model_id: int) -> list[tuple[str, int]]:
    """``(tag, approvals needed)`` of each protected tag the model holds."""
    rows = _rows(
        db,
        "SELECT p.tag, p.approvals FROM tag_protections p JOIN model_tags t "
        "ON t.tag_name = p.tag WHERE t.model_id = ? ORDER BY p.tag",
        (model_id,),
    )
    return [(str(tag), int(n)) for tag, n in rows]


# -- requests -------------------------------------------------------------------------------
_REQUEST_COLUMNS = (
    "request_id, kind, tag, model_id, reason, requested_by, requested_at, expires_at, "
    "holder_at_request, state, needed, decided_by, decided_at, decision_note"
)


def insert_request(db: peewee.Database, values: dict[str, Any]) -> int:
    """Insert a request (``values`` keyed by column); return its id."""
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    sql = _q(db, f"INSERT INTO promotion_requests ({columns}) VALUES ({marks})")
    if isinstance(db, peewee.PostgresqlDatabase):
        row = db.execute_sql(sql + " RETURNING request_id", tuple(values.values())).fetchone()
        return int(row[0])
    return int(db.execute_sql(sql, tuple(values.values())).lastrowid)


def lock_request(db: peewee.Database, request_id: int) -> bool:
    """Lock the request's row until the transaction ends; False when there is none.

    Two reviewers approving at once queue here on PostgreSQL (``FOR UPDATE``); on
    SQLite the transaction's ``BEGIN IMMEDIATE`` already holds the write lock.
    """
    lock = " FOR UPDATE" if isinstance(db, peewee.PostgresqlDatabase) else ""
    sql = f"SELECT request_id FROM promotion_requests WHERE request_id = ?{lock}"
    return bool(_rows(db, sql, (request_id,)))


def allows_self(db: peewee.Database, request_id: int) -> bool:
    """Whether the request's protection counted the requester's own approval."""
    rows = _rows(
        db, "SELECT allow_self FROM promotion_requests WHERE request_id = ?", (request_id,)
    )
    return bool(rows and rows[0][0])


def requests(
    db: peewee.Database,
    *,
    request_id: int | None = None,
    tag: str | None = None,
    open_only: bool = False,
    newest_first: bool = True,
    limit: int | None = None,
) -> list[PromotionRequest]:
    """Requests as stored (states not yet re-evaluated against the clock or holders)."""
    where: list[str] = []
    params: list[Any] = []
    if request_id is not None:
        where.append("request_id = ?")
        params.append(request_id)
    if tag is not None:
        where.append("tag = ?")
        params.append(tag)
    if open_only:
        where.append("decided_at IS NULL")
    sql = f"SELECT {_REQUEST_COLUMNS} FROM promotion_requests"
    sql += (" WHERE " + " AND ".join(where)) if where else ""
    sql += " ORDER BY request_id" + (" DESC" if newest_first else "")
    sql += f" LIMIT {int(limit)}" if limit is not None else ""
    rows = _rows(db, sql, params)
    approvals = _approvals(db, [int(r[0]) for r in rows])
    return [_request(r, approvals.get(int(r[0]), ())) for r in rows]


def _request(row: tuple[Any, ...], approvals: tuple[Approval, ...]) -> PromotionRequest:
    rid, kind, tag, mid, why, by, at, expires, holder, state, needed, dby, dat, note = row
    return PromotionRequest(
        request_id=int(rid), kind=str(kind), tag=str(tag),
        model_id=None if mid is None else int(mid), reason=str(why), requested_by=str(by),
        requested_at=_stamp(at) or "", expires_at=_stamp(expires),
        holder_at_request=None if holder is None else int(holder), state=str(state),
        approvals=approvals, needed=int(needed), decided_by=dby, decided_at=_stamp(dat),
        decision_note=note,
    )  # fmt: skip


def _approvals(db: peewee.Database, ids: list[int]) -> dict[int, tuple[Approval, ...]]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = _rows(
        db,
        "SELECT request_id, reviewer, at, comment FROM request_approvals "
        f"WHERE request_id IN ({marks}) ORDER BY at, reviewer",
        ids,
    )
    out: dict[int, list[Approval]] = {}
    for rid, reviewer, at, comment in rows:
        out.setdefault(int(rid), []).append(Approval(str(reviewer), _stamp(at) or "", comment))
    return {k: tuple(v) for k, v in out.items()}


def add_approval(
    db: peewee.Database, request_id: int, reviewer: str, at: str, comment: str | None
) -> None:
    """Record one reviewer's approval."""
    db.execute_sql(
        _q(db, "INSERT INTO request_approvals (request_id, reviewer, at, comment) "
               "VALUES (?, ?, ?, ?)"),
        (request_id, reviewer, at, comment),
    )  # fmt: skip


def decide(
    db: peewee.Database, request_id: int, state: str, by: str, at: str, note: str | None
) -> None:
    """Close a request: applied, rejected, cancelled, expired or stale."""
    db.execute_sql(
        _q(db, "UPDATE promotion_requests SET state = ?, decided_by = ?, decided_at = ?, "
               "decision_note = ? WHERE request_id = ?"),
        (state, by, at, note, request_id),
    )  # fmt: skip


def current_holders(db: peewee.Database, tags: Sequence[str]) -> dict[str, int | None]:
    """The latest holder of each tag (None when nobody holds it)."""
    out: dict[str, int | None] = dict.fromkeys(tags)
    if not tags:
        return out
    marks = ", ".join("?" for _ in tags)
    rows = _rows(
        db,
        f"SELECT tag_name, model_id FROM model_tags WHERE tag_name IN ({marks}) ORDER BY tag_id",
        list(tags),
    )
    for tag, model_id in rows:
        out[str(tag)] = int(model_id)
    return out


# -- the refusals of direct changes -------------------------------------------------------------
def refuse_protected(db: peewee.Database, tag: str, model_id: int | None, what: str = "") -> None:
    """Raise :class:`ApprovalRequired` when ``tag`` is protected."""
    found = protection(db, tag)
    if found is not None:
        raise ApprovalRequired(tag, found.approvals, model_id, what)


def refuse_holder(db: peewee.Database, model_id: int, action: str) -> None:
    """Raise :class:`ApprovalRequired` when the model holds a protected tag (retire, delete)."""
    for tag, needed in protected_tags_of(db, model_id):
        what = f"model {model_id} holds it and cannot be {action} before the tag moves; "
        raise ApprovalRequired(tag, needed, None, what)
