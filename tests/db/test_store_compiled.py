"""Compiled statements: one per builder function, which is the cache key."""

from __future__ import annotations

from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.db.store import P, Store


def _name_of(store: Store) -> Any:
    m = store.t.models
    return m.select(m.name).where(m.model_id == P("id"))


def _version_of(store: Store) -> Any:
    m = store.t.models
    return m.select(m.version).where(m.model_id == P("id"))


def test_each_builder_is_compiled_once_and_keyed_by_itself(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same builder runs its compiled SQL again with new values; another builder
    gets its own statement (no shared string key can make two queries collide)."""
    first = registry.register_model("a", "1.0.0", "a.pt", "lm", verify_checkpoint=False)
    second = registry.register_model("b", "2.0.0", "b.pt", "lm", verify_checkpoint=False)
    store = registry._store
    built: list[str] = []

    def counting(build: Any) -> Any:
        def wrapper(s: Store) -> Any:
            built.append(build.__name__)
            return build(s)

        wrapper.__qualname__ = build.__qualname__
        return wrapper

    name_of, version_of = counting(_name_of), counting(_version_of)
    assert store.run(name_of, id=first).fetchone()[0] == "a"
    assert store.run(name_of, id=second).fetchone()[0] == "b"
    assert store.run(version_of, id=second).fetchone()[0] == "2.0.0"
    assert built == ["_name_of", "_version_of"]


def test_a_lambda_builder_is_refused(registry: ModelRegistry) -> None:
    """A lambda would be a new cache key on every call (compiling every time, and
    growing the cache): it is refused at once."""
    m = registry._store.t.models
    with pytest.raises(TypeError, match="module-level functions"):
        registry._store.run(lambda s: m.select(m.name))
