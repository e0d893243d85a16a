"""registry.records.tag_holder_near: which holder of a tag a model is compared with."""

from __future__ import annotations

from registry_tui import ModelRegistry


def _register(
    reg: ModelRegistry, name: str, version: str, task: str, parent: int | None = None
) -> int:
    return reg.register_model(
        name, version, f"ckpt/{name}-{version}.pt", task, parent_model_id=parent,
        verify_checkpoint=False,
    )  # fmt: skip


def test_the_holder_in_the_models_family_wins(registry: ModelRegistry) -> None:
    """One production model per family: each model gets its own family's (on both backends)."""
    reg = registry
    reg.set_tag_policy("production", False)  # one holder per family, as in the demo
    gpt = _register(reg, "gpt", "1.0.0", "lm")
    gpt_ft = _register(reg, "gpt-medical", "1.0.0", "lm", parent=gpt)
    bert = _register(reg, "bert", "1.0.0", "cls")
    bert_2 = _register(reg, "bert", "1.1.0", "cls")
    vit = _register(reg, "vit", "1.0.0", "vision")
    reg.promote_model(gpt, "production")
    reg.promote_model(bert, "production", remove_from_others=False)

    def near(model_id: int) -> int | None:
        holder = reg.records.tag_holder_near(model_id, "production")
        return None if holder is None else holder.model_id

    assert near(gpt_ft) == gpt and near(bert_2) == bert and near(gpt) == gpt
    assert near(vit) == bert  # nothing related: the most recently tagged
    assert reg.records.tag_holder_near(vit, "staging") is None
