"""restore_model, rollback_preview and paged history, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from registry_tui import ModelRegistry, TagNotFoundError, ValidationError


def reg(registry: ModelRegistry, version: str = "1.0.0", **kw: Any) -> int:
    return registry.register_model(
        "gpt-small", version, f"ckpt/{version}.pt", "language_modeling",
        verify_checkpoint=False, **kw,
    )  # fmt: skip


def test_restore_makes_a_retired_model_active_with_its_own_event(
    registry: ModelRegistry,
) -> None:
    """A retired model comes back active; the history records a 'restore' with the actor."""
    a = reg(registry)
    registry.retire_model(a)
    assert registry.restore_model(a) is True
    record = registry.records.require(a)
    assert record.status == "active"
    assert registry.list_models()["model_id"].tolist() == [a]
    event = registry.events(limit=1)[0]
    assert (event.event, event.model_id, event.actor) == ("restore", a, "tester@host")


def test_restore_of_an_active_model_writes_nothing(registry: ModelRegistry) -> None:
    """Restoring an active model returns False and adds no event (the token does not move)."""
    a = reg(registry)
    token = registry.records.change_token()
    assert registry.restore_model(a) is False
    assert registry.records.change_token() == token
    assert registry.records.require(a).status == "active"


def test_restore_refuses_unknown_and_malformed_ids(registry: ModelRegistry) -> None:
    """An unknown id is a LookupError, a non-integer a ValidationError; nothing is written."""
    token = registry.records.change_token()
    with pytest.raises(LookupError, match="Model 99 not found"):
        registry.restore_model(99)
    with pytest.raises(ValidationError):
        registry.restore_model("5")  # type: ignore[arg-type]
    assert registry.records.change_token() == token


def test_rollback_preview_names_the_next_holder_without_writing(
    registry: ModelRegistry,
) -> None:
    """rollback_preview says who gets the tag back and who loses it; the rollback agrees."""
    a, b = reg(registry, "1.0.0"), reg(registry, "1.1.0")
    registry.promote_model(a, "production")
    registry.promote_model(b, "production")
    token = registry.records.change_token()
    assert registry.rollback_preview("production") == (a, b)
    assert registry.records.change_token() == token
    assert registry.rollback_tag("production") == a
    with pytest.raises(TagNotFoundError, match="No previous holder"):
        registry.rollback_preview("production")


def test_events_page_through_the_history_newest_first(registry: ModelRegistry) -> None:
    """offset skips the newest matches: pages of 2 cover the history once, in order."""
    ids = [reg(registry, f"1.{n}.0") for n in range(5)]
    everything = [e.event_id for e in registry.events(limit=None)]
    pages = [registry.events(limit=2, offset=o) for o in (0, 2, 4)]
    assert [e.event_id for page in pages for e in page] == everything
    assert [e.model_id for e in pages[0]] == [ids[4], ids[3]]
    with pytest.raises(ValidationError, match="offset"):
        registry.events(offset=-1)
