"""The rules of protected tags that need no database: durations, reviewers, counting."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from registry_tui import validate
from registry_tui.errors import ValidationError
from registry_tui.governance.records import Approval

ROLE_PREFIX = "role:"
_REVIEWER = re.compile(r"[A-Za-z0-9_.@-]{1,128}")
_DURATION = re.compile(r"\s*(\d+)\s*([smhdw])\s*")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_APPROVALS = 20
_STAMP = "%Y-%m-%d %H:%M:%S"


def ttl_seconds(value: Any) -> int | None:
    """A request lifetime in seconds from seconds, a ``timedelta`` or ``"7d"`` (None: none)."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, str):
        found = _DURATION.fullmatch(value)
        if found is None:
            raise ValidationError(
                f"Invalid request lifetime {value!r}: use a number of seconds or 30m, 12h, 7d, 2w"
            )
        seconds = int(found.group(1)) * _UNIT_S[found.group(2)]
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise ValidationError(f"request_ttl must be seconds or a timedelta, not {value!r}")
    if not 1 <= seconds <= 10 * 365 * 86400:
        raise ValidationError("request_ttl must be between 1 second and 10 years")
    return int(seconds)


def reviewers(values: Iterable[Any] | None) -> tuple[str, ...]:
    """Reviewer names (``alice``, ``role:ml_reviewers``), checked, duplicates removed."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise ValidationError(f"A reviewer must be a name, not {value!r}")
        name = value.removeprefix(ROLE_PREFIX)
        if not _REVIEWER.fullmatch(name):
            raise ValidationError(
                f"Invalid reviewer {value!r}: use a user name or role:NAME "
                "(letters, digits, '_', '.', '@', '-')"
            )
        if value not in out:
            out.append(value)
    return tuple(out)


def approvals_needed(value: Any) -> int:
    """How many approvals a move needs: 1 to 20."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_APPROVALS:
        raise ValidationError(f"approvals must be a whole number from 1 to {MAX_APPROVALS}")
    return value


def reason(value: Any) -> str:
    """A request's reason, or a rejection's: required text."""
    return validate.text(value, "reason")


def comment(value: Any) -> str | None:
    """An approval's optional comment."""
    return None if value is None else validate.text(value, "comment")


def expires_at(now: str, ttl_s: int | None) -> str | None:
    """When a request made at ``now`` stops being approvable."""
    if ttl_s is None:
        return None
    return (datetime.strptime(now, _STAMP) + timedelta(seconds=ttl_s)).strftime(_STAMP)


def is_expired(expires: str | None, now: str) -> bool:
    """True once ``now`` is past ``expires`` (both ``YYYY-MM-DD HH:MM:SS``)."""
    return expires is not None and now >= expires


def counted(approvals: Iterable[Approval], requester: str, allow_self: bool) -> list[str]:
    """The distinct approvers that count toward a request, oldest first."""
    names: list[str] = []
    for approval in approvals:
        if approval.reviewer == requester and not allow_self:
            continue
        if approval.reviewer not in names:
            names.append(approval.reviewer)
    return names
