"""The app's pending-requests view: one line per request, and one request in full
(the CLI's tables and summaries are in :mod:`registry_tui.render.requests`).

``#4  production ← gpt-small 1.3.0 #12  by alice  2h ago  1/2 approvals  pending``

User text (tags, names, reasons, comments, reviewer names) goes through
:func:`~registry_tui.render.text.literal`, so it is shown as typed. The age is
measured against a ``now`` the caller passes (the app's clock), so it is
deterministic in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from registry_tui.governance.records import Identity, PromotionRequest, Protection
from registry_tui.render.requests import STATE_STYLES
from registry_tui.render.text import LOCK_MARK, literal

ADVISORY = "advisory: SQLite checks approvals but cannot enforce them"
"""The note the pending view shows when the identity is not enforced."""


def age_text(at: str, now: datetime) -> str:
    """``just now``, ``5m ago``, ``2h ago``, ``3d ago``; the time itself when unreadable."""
    try:
        then = datetime.fromisoformat(at)
    except ValueError:
        return at
    if then.tzinfo is not None and now.tzinfo is None:
        then = then.replace(tzinfo=None)
    seconds = int((now - then).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return at  # pragma: no cover - every positive age matched above


def approvals_count(request: PromotionRequest) -> Text:
    """``1/2 approvals``, green once enough are in."""
    got = len(request.approvals)
    return Text(f"{got}/{request.needed} approvals", style="green" if got >= request.needed else "")


def state_text(request: PromotionRequest) -> Text:
    """The request's state in its colour (``expired`` and ``stale`` stand out)."""
    return Text(request.state, style=STATE_STYLES.get(request.state, ""))


def target_text(request: PromotionRequest, labels: Mapping[int, str]) -> Text:
    """``production ← gpt-small 1.3.0 #12``, or ``production: lift the protection``."""
    text = literal(request.tag, "bold cyan")
    if request.kind == "unprotect" or request.model_id is None:
        text.append(": lift the protection", style="yellow")
        return text
    text.append(" ← ")
    label = labels.get(request.model_id)
    if label is not None:
        text.append_text(literal(label, "bold"))
        text.append(" ")
    text.append(f"#{request.model_id}", style="dim")
    return text


def request_line(request: PromotionRequest, labels: Mapping[int, str], now: datetime) -> Text:
    """One request on one line: id, tag and model, requester, age, approvals, state."""
    text = Text(f"#{request.request_id}  ", style="bold")
    text.append_text(target_text(request, labels))
    text.append("  by ", style="dim")
    text.append_text(literal(request.requested_by))
    text.append(f"  {age_text(request.requested_at, now)}  ", style="dim")
    text.append_text(approvals_count(request))
    text.append("  ")
    text.append_text(state_text(request))
    return text


def request_details(request: PromotionRequest, labels: Mapping[int, str]) -> RenderableType:
    """The rest of a request (its line is the list's): why, when, the holder it was
    asked against, expiry, who approved so far with their comments, any decision note;
    each piece of user text literal."""
    lines = [Text.assemble(("reason: ", "dim"), literal(request.reason))]
    when = Text.assemble(("requested ", "dim"), literal(request.requested_at))
    holder = request.holder_at_request
    held = "nobody" if holder is None else labels.get(holder, f"#{holder}")
    when.append_text(Text.assemble((" · held by ", "dim"), literal(held), (" then", "dim")))
    if request.expires_at is not None:
        when.append_text(Text.assemble((" · expires ", "dim"), literal(request.expires_at)))
    lines.append(when)
    for approval in request.approvals:
        line = Text.assemble(("approved by ", "green"), literal(approval.reviewer, "bold"))
        line.append_text(Text.assemble((" at ", "dim"), literal(approval.at)))
        if approval.comment:
            line.append_text(Text.assemble((": ", "dim"), literal(approval.comment)))
        lines.append(line)
    if request.decision_note:
        lines.append(Text.assemble(("note: ", "dim"), literal(request.decision_note, "red")))
    return Group(*lines)


def identity_text(identity: Identity) -> Text:
    """``you are bob (PostgreSQL login)``, or the advisory note on SQLite."""
    text = Text.assemble(("you are ", "dim"), literal(identity.name, "bold"))
    if identity.enforced:
        text.append(f" ({identity.backend} login)", style="dim")
        return text
    text.append("  ")
    text.append(ADVISORY, style="bold yellow")
    return text


def decision_summary(request: PromotionRequest, labels: Mapping[int, str]) -> str:
    """What a decision did, in one line: ``Request #4 applied: production now on m 1.1.0
    (approved by bob, carol)``, ``Approved request #4: 1/2 approvals, still pending``."""
    target = target_text(request, labels).plain
    who = ", ".join(a.reviewer for a in request.approvals)
    if request.state == "applied":
        return f"Request #{request.request_id} applied: {target} (approved by {who})"
    if request.state == "pending":
        got = len(request.approvals)
        return (
            f"Approved request #{request.request_id}: {got}/{request.needed} approvals, "
            f"still pending ({target})"
        )
    return f"Request #{request.request_id} is {request.state}: {target}"


def protected_note(protection: Protection) -> Text:
    """``🔒 production is protected: enter requests the move (1 approval needed)``."""
    needed = protection.approvals
    text = Text(f"{LOCK_MARK} ")
    text.append_text(literal(protection.tag, "bold"))
    text.append(
        f" is protected: enter requests the move ({needed} approval"
        f"{'' if needed == 1 else 's'} needed)",
        style="yellow",
    )
    return text
