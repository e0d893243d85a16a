"""What a change will do, asked before doing it: delete/retire/untag plans and promote results.

Run on SQLite and PostgreSQL: the faces word their confirmations from these, so
the rules (tagged or parent needs force, exclusive tags left bare) live here.
"""

from __future__ import annotations

import pytest

from registry_tui import ModelRegistry, TagNotFoundError


def _reg(registry: ModelRegistry, name: str, parent: int | None = None, **kw: object) -> int:
    return registry.register_model(
        name,
        "1.0.0",
        "c.pt",
        "t",
        parent_model_id=parent,
        verify_checkpoint=False,
        **kw,  # type: ignore[arg-type]
    )


def _event_count(registry: ModelRegistry) -> int:
    return len(registry.events(limit=None))


def test_delete_plan_names_tags_exclusive_tags_and_children(registry: ModelRegistry) -> None:
    """A tagged parent: its tags, which are exclusive (production always; a tag last given
    exclusively), the children that lose their parent, and that force is needed."""
    base = _reg(registry, "base", tags=["production", "shared"])
    registry.promote_model(base, "gold")  # an exclusive promotion makes gold exclusive
    kid1, kid2 = _reg(registry, "kid1", base), _reg(registry, "kid2", base)
    _reg(registry, "grandkid", kid1)
    plan = registry.delete_plan(base)
    assert plan.action == "delete" and plan.model.model_id == base
    assert set(plan.tags) == {"production", "shared", "gold"}
    assert set(plan.exclusive_tags) == {"production", "gold"}
    assert set(plan.orphaned_tags) == {"production", "gold"}
    assert [c.model_id for c in plan.children] == [kid1, kid2]
    assert plan.needs_force


def test_delete_plan_of_an_untagged_parent_needs_force(registry: ModelRegistry) -> None:
    """No tags but a child: force is still needed (the rule the faces used to miss)."""
    base = _reg(registry, "base")
    _reg(registry, "kid", base)
    plan = registry.delete_plan(base)
    assert plan.tags == () and len(plan.children) == 1 and plan.needs_force
    assert not registry.delete_plan(_reg(registry, "lonely")).needs_force


def test_retiring_a_retired_model_writes_nothing(registry: ModelRegistry) -> None:
    """The plan says no_op; retire_model returns False and adds no event."""
    mid = _reg(registry, "a")
    assert registry.retire_model(mid) is True
    before = _event_count(registry)
    assert registry.retire_plan(mid).no_op
    assert registry.retire_model(mid) is False
    assert _event_count(registry) == before


def test_retire_and_untag_plans_warn_of_a_bare_exclusive_tag(registry: ModelRegistry) -> None:
    """The only active holder of production: retiring or untagging leaves it bare; a shared
    tag with another active holder, or a non-exclusive tag, is no warning."""
    a = _reg(registry, "a", tags=["production", "team"])
    _reg(registry, "b", tags=["team"])
    assert registry.retire_plan(a).orphaned_tags == ("production",)
    assert registry.untag_plan(a, "production").orphaned_tags == ("production",)
    assert registry.untag_plan(a, "team").orphaned_tags == ()
    with pytest.raises(TagNotFoundError):
        registry.untag_plan(a, "staging")


def test_promote_returns_what_it_did(registry: ModelRegistry) -> None:
    """An exclusive promote reports the model, the tag and every model the tag was taken
    from; promoting the sole holder again changes nothing and says so."""
    a = _reg(registry, "a", tags=["candidate"])
    b = _reg(registry, "b", tags=["candidate"])
    c = _reg(registry, "c")
    result = registry.promote_model(c, "candidate")
    assert result.model.model_id == c and result.tag == "candidate" and result.changed
    assert sorted(r.model_id for r in result.removed_from) == [a, b]
    again = registry.promote_model(c, "candidate")
    assert not again.changed and again.removed_from == ()
    shared = registry.promote_model(a, "candidate", remove_from_others=False)
    assert shared.changed and shared.removed_from == ()
    assert {r.model_id for r in registry.records.tag_holders("candidate")} == {a, c}


def test_promote_preview_words_each_kind_of_promotion() -> None:
    """The promote dialog's line, from render/: who holds the tag now and after; a tag
    taken from several models says how many, a space before the parenthesis."""
    from registry_tui.render.plans import promote_preview
    from tests.test_render import make

    a, b, c = make(1), make(2, version="1.1.0"), make(3, version="1.2.0")
    shown = {
        (len(holders), exclusive): promote_preview(c, "prod", holders, exclusive).plain
        for holders in ([], [a], [a, b])
        for exclusive in (True, False)
    }
    assert shown[(0, True)] == "prod: (nobody) -> gpt-small 1.2.0"
    assert shown[(1, True)] == "prod: gpt-small 1.0.0 -> gpt-small 1.2.0"
    assert shown[(2, True)] == (
        "prod: gpt-small 1.0.0, gpt-small 1.1.0 -> gpt-small 1.2.0 (takes it from 2 models)"
    )
    assert shown[(0, False)] == "prod: (new) gpt-small 1.2.0"
    assert shown[(2, False)] == "prod: gpt-small 1.0.0, gpt-small 1.1.0 + gpt-small 1.2.0"
    assert promote_preview(c, "prod", [c], True).plain == "prod: gpt-small 1.2.0 already has it"
    many = promote_preview(make(9, version="2.0.0"), "[red]x", [a, b, c], True).plain
    assert many.startswith("[red]x: ") and "and 1 more" in many and "(takes it from 3" in many
