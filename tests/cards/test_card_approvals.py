"""The card names who approved each tag move an approved request applied."""

from __future__ import annotations

from registry_tui import ModelRegistry
from tests.hostile import HOSTILE
from tests.recorded_events import append_event


def _two(registry: ModelRegistry) -> tuple[int, int]:
    first = registry.register_model(
        "gpt", "1.0.0", "a.pt", "language_modeling", verify_checkpoint=False
    )
    second = registry.register_model(
        "gpt", "1.1.0", "b.pt", "language_modeling", verify_checkpoint=False
    )
    return first, second


def test_promotion_history_names_the_approvers_and_the_request(registry: ModelRegistry) -> None:
    """A ``promote`` event carrying ``approved_by`` and ``request_id`` is shown with the
    reviewers and the request in the promotion history and in ``$approvals``; the raw keys
    do not repeat in the details column."""
    first, second = _two(registry)
    details = {"request_id": 7, "approved_by": ["bob", "carol"], "removed_from": [first]}
    append_event(registry, "promote", second, tag="production", actor="carol", details=details)
    card = registry.model_card(second)
    row = "| carol; approved by bob, carol (request \\#7) |"
    assert row in card
    assert "approved\\_by" not in card and "request\\_id" not in card
    approvals = registry.model_card(second, template="$approvals")
    assert approvals == (
        "- production on 2026-01-02 09:30:00: approved by bob, carol (request \\#7), "
        "applied by carol"
    )


def test_a_direct_promote_has_no_approvals(registry: ModelRegistry) -> None:
    """A tag given without a request lists no approvers: ``$approvals`` says so."""
    _, second = _two(registry)
    registry.promote_model(second, "staging")
    card = registry.model_card(second, template="$approvals")
    assert card == "No tag move of this model went through an approved request."
    assert "approved by" not in registry.model_card(second)


def test_reviewer_names_are_escaped_and_malformed_details_ignored(
    sqlite_registry: ModelRegistry,
) -> None:
    """Hostile reviewer names are written literally (markup escaped, controls visible); an
    ``approved_by`` that is not a list of names is not read as approvals."""
    first, second = _two(sqlite_registry)
    hostile = {"request_id": 3, "approved_by": [HOSTILE]}
    append_event(sqlite_registry, "promote", second, tag="production", details=hostile)
    append_event(sqlite_registry, "promote", first, tag="canary", details={"approved_by": "bob"})
    card = sqlite_registry.model_card(second, template="$approvals")
    assert "\x1b" not in card and "\u202e" not in card
    assert "\\[bold red\\]x\\[/\\]" in card and "\\\\x1b" in card
    assert sqlite_registry.model_card(first, template="$approvals").startswith("No tag move")
