"""Child processes of the race and crash tests (started with ``spawn``)."""

from __future__ import annotations

import time
from typing import Any

from registry_tui import ModelRegistry
from registry_tui.errors import RegistryError
from registry_tui.governance.records import Identity
from registry_tui.registry_requests import RequestMethods


def _be(name: str) -> None:
    """This process is ``name`` (each racer a different reviewer)."""
    RequestMethods.identity = lambda self: Identity(  # type: ignore[method-assign]
        name, self.backend == "postgresql", self.backend
    )


def approve(url: str, name: str, request_id: int, barrier: Any, results: Any) -> None:
    """Wait for every racer, approve once, report ``(name, state or refusal)``."""
    _be(name)
    with ModelRegistry(url) as registry:
        registry.identity()  # connected before the barrier
        barrier.wait(timeout=60)
        try:
            results.put((name, registry.approve(request_id).state))
        except RegistryError as exc:
            results.put((name, f"refused: {exc}"))


def approve_and_hang(url: str, name: str, request_id: int, ready: Any) -> None:
    """Approve, but stop for good inside the transaction, after the tag has moved."""
    from registry_tui.db import approvals

    _be(name)

    def hang(*_: object) -> None:
        ready.set()
        time.sleep(600)

    approvals.decide = hang  # type: ignore[assignment]
    with ModelRegistry(url) as registry:
        registry.approve(request_id)
