"""Helpers of the protected-tag tests: acting as a named user, small registries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from registry_tui import ModelRegistry
from registry_tui.governance.records import Identity
from registry_tui.registry_requests import RequestMethods


@contextmanager
def acting_as(monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[None]:
    """Make :meth:`identity` answer ``name`` (the backend's own rule is tested apart)."""
    with monkeypatch.context() as m:
        m.setattr(
            RequestMethods,
            "identity",
            lambda self: Identity(name, self.backend == "postgresql", self.backend),
        )
        yield


def two_models(registry: ModelRegistry) -> tuple[int, int]:
    """``a`` holding ``production`` and ``b`` without it."""
    a = registry.register_model(
        "a", "1.0.0", "a.pt", "lm", metrics={"val_loss": 0.5}, verify_checkpoint=False,
        tags=["production"],
    )  # fmt: skip
    b = registry.register_model(
        "b", "1.0.0", "b.pt", "lm", metrics={"val_loss": 0.4}, verify_checkpoint=False
    )
    return a, b


def holder(registry: ModelRegistry, tag: str = "production") -> int | None:
    """The id of the model holding ``tag``."""
    found = registry.get_model(tag=tag)
    return None if found is None else int(found["model_id"])
