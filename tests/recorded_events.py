"""Append history events as the governance core records them, for tests of the faces.

The card and the history screen read events of kinds the core writes (``request``,
``approve``, ``break_glass``, a ``promote`` applied by an approval); these tests write
the rows directly, so what they prove does not depend on how a flow produced them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from registry_tui import ModelRegistry


def append_event(
    registry: ModelRegistry,
    event: str,
    model_id: int | None,
    *,
    tag: str | None = None,
    previous: int | None = None,
    actor: str = "reviewer@host",
    details: dict[str, Any] | None = None,
    at: datetime = datetime(2026, 1, 2, 9, 30, 0),
) -> None:
    """One history row, written as the registry's own writer would."""
    events = registry._storage.tables.events
    events.insert(
        at=at,
        event=event,
        model_id=model_id,
        tag=tag,
        previous_model_id=previous,
        actor=actor,
        details=json.dumps(details, sort_keys=True) if details else None,
    ).execute()
