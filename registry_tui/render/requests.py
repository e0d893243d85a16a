"""Protected tags and promotion requests: tables and one-line summaries for both faces.

Reasons, comments and names are user text: they go through :func:`safe_text` /
:func:`visible` like every other. On SQLite every listing carries the word
"advisory": the checks run, but anyone who can write the file could bypass them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from registry_tui.governance.records import Identity, PromotionRequest, Protection
from registry_tui.jsontext import to_json
from registry_tui.render.text import safe_text, visible

STATE_STYLES = {
    "pending": "yellow",
    "applied": "green",
    "rejected": "red",
    "cancelled": "dim",
    "expired": "dim",
    "stale": "magenta",
}
ADVISORY_NOTE = (
    "advisory: on SQLite approvals are checked but not enforced "
    "(anyone who can write the file could bypass them)"
)


def identity_line(who: Identity) -> str:
    """``you are alice (PostgreSQL login, enforced)`` or the advisory SQLite wording."""
    if who.enforced:
        return f"You are {visible(who.name)} (PostgreSQL login, enforced)"
    return f"You are {visible(who.name)} (operating-system user; {ADVISORY_NOTE})"


def _target(r: PromotionRequest, labels: Mapping[int, str]) -> Text:
    if r.kind == "unprotect":
        return Text("lift protection", style="italic")
    text = Text(f"#{r.model_id}")
    if r.model_id is not None and r.model_id in labels:
        text.append(" " + visible(labels[r.model_id]))
    return text


def _approvals(r: PromotionRequest) -> Text:
    names = ", ".join(visible(a.reviewer) for a in r.approvals)
    return Text(f"{len(r.approvals)}/{r.needed}" + (f" ({names})" if names else ""))


def requests_table(
    requests: Sequence[PromotionRequest],
    labels: Mapping[int, str] | None = None,
    who: Identity | None = None,
) -> RenderableType:
    """Requests: id, state, tag, model, approvals, requester, when, reason (and the
    advisory note on SQLite)."""
    labels = labels or {}
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    headers = (
        "ID",
        "State",
        "Tag",
        "Model",
        "Approvals",
        "Requested by",
        "At",
        "Expires",
        "Reason",
    )
    for header in headers:
        table.add_column(header, justify="right" if header == "ID" else "left")
    for r in requests:
        table.add_row(
            Text(str(r.request_id), style="dim"),
            Text(r.state, style=STATE_STYLES.get(r.state, "")),
            safe_text(r.tag, "cyan"),
            _target(r, labels),
            _approvals(r),
            safe_text(r.requested_by),
            safe_text(r.requested_at),
            safe_text(r.expires_at or "-"),
            safe_text(
                r.decision_note
                if r.state in ("stale", "rejected") and r.decision_note
                else r.reason
            ),
        )
    if who is not None and not who.enforced:
        return Group(table, Text(ADVISORY_NOTE, style="yellow"))
    return table


def request_summary(r: PromotionRequest, who: Identity | None = None) -> str:
    """One line: ``Request 7 (production -> model 12): applied, approved by bob, carol``."""
    what = f"{r.tag} -> model {r.model_id}" if r.kind == "promote" else f"unprotect {r.tag}"
    names = ", ".join(a.reviewer for a in r.approvals) or "nobody yet"
    if r.state == "applied":
        tail = f"applied, approved by {names}"
    elif r.state == "pending":
        tail = f"pending, {len(r.approvals)} of {r.needed} approvals ({names})"
    else:
        tail = r.state + (f": {r.decision_note}" if r.decision_note else "")
    advisory = " [advisory: SQLite]" if who is not None and not who.enforced else ""
    return visible(f"Request {r.request_id} ({what}): {tail}") + advisory


def protection_summary(p: Protection) -> str:
    """One line: ``production: protected, 2 approvals from alice, role:leads, ...``."""
    plural = "approval" if p.approvals == 1 else "approvals"
    who = ", ".join(p.reviewers) if p.reviewers else "anyone but the requester"
    parts = [f"{p.tag}: protected, {p.approvals} {plural} from {who}"]
    if p.allow_self_approval:
        parts.append("self-approval allowed")
    if p.request_ttl_s is not None:
        parts.append(f"requests expire after {duration(p.request_ttl_s)}")
    return visible(", ".join(parts))


def duration(seconds: int) -> str:
    """``604800`` -> ``7d``: the largest unit that divides it (d, h, m, s)."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def requests_json(requests: Sequence[PromotionRequest], who: Identity) -> str:
    """``{"identity": {...}, "requests": [...]}``: every field, exact (JSON escapes)."""
    return to_json(
        {
            "identity": dataclasses.asdict(who),
            "advisory": not who.enforced,
            "requests": [dataclasses.asdict(r) for r in requests],
        }
    )
