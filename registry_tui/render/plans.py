"""The wording of confirmations: what a delete, retire, untag or promote will do.

:func:`promote_preview` is the promote dialog's live line
(``production: gpt-small 1.2.0 -> gpt-small 1.3.0``); the other functions word
the questions and summaries both faces show.

Both faces ask with these sentences, built from the core's
:class:`~registry_tui.records.ChangePlan` (never from their own reading of the
rules). User strings in them are made visible (:func:`visible`); the faces show
each line as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from registry_tui.records import ChangePlan, ModelRecord
from registry_tui.render.text import safe_text, visible

SHOWN_MODELS = 5
"""Models named in a consequence line; the rest are counted."""

SHOWN_HOLDERS = 2
"""Current holders named in a promotion preview; the rest are counted."""


def model_ref(record: ModelRecord) -> str:
    """``7 (gpt-small 1.2.0)``."""
    return f"{record.model_id} ({visible(record.label)})"


def model_refs(records: Sequence[ModelRecord], limit: int = SHOWN_MODELS) -> str:
    """``7 (a 1.0.0), 8 (b 1.0.0) and 3 more``."""
    text = ", ".join(model_ref(r) for r in records[:limit])
    if len(records) > limit:
        text += f" and {len(records) - limit} more"
    return text


def plural(count: int, word: str) -> str:
    """``1 model``, ``2 models``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _tags(tags: Sequence[str]) -> str:
    return ", ".join(visible(t) for t in tags)


def question(plan: ChangePlan) -> str:
    """``Delete model 3 (gpt-small 1.1.0)?``."""
    verb = {"delete": "Delete", "retire": "Retire", "untag": "Remove tag"}[plan.action]
    if plan.action == "untag":
        return f"Remove tag {_tags(plan.tags)} from model {model_ref(plan.model)}?"
    return f"{verb} model {model_ref(plan.model)}?"


def orphan_warnings(plan: ChangePlan) -> list[str]:
    """``production will have no active holder``, one line per exclusive tag left bare."""
    return [f"{visible(tag)} will have no active holder" for tag in plan.orphaned_tags]


def consequences(plan: ChangePlan) -> list[str]:
    """Every consequence of the change, one line each (the question excluded)."""
    lines: list[str] = []
    if plan.action == "retire":
        if plan.no_op:
            return [f"Model {model_ref(plan.model)} is already retired"]
        lines.append("It stays in the registry but leaves the default listings.")
    if plan.action == "delete":
        lines.append("This cannot be undone.")
        if plan.tags:
            exclusive = f" (exclusive: {_tags(plan.exclusive_tags)})" if plan.exclusive_tags else ""
            lines.append(f"Its tags go with it: {_tags(plan.tags)}{exclusive}")
        if plan.children:
            lines.append(
                f"{plural(len(plan.children), 'model')} tuned from it will lose their parent: "
                f"{model_refs(plan.children)}"
            )
    return lines + orphan_warnings(plan)


def force_reasons(plan: ChangePlan) -> str:
    """``is tagged (production) and has 2 child models``: why a delete needs force."""
    reasons = []
    if plan.tags:
        reasons.append(f"has {len(plan.tags)} tag(s) ({_tags(plan.tags)})")
    if plan.children:
        reasons.append(f"has {plural(len(plan.children), 'child model')}")
    return " and ".join(reasons)


def promote_summary(
    model: ModelRecord, tag: str, removed: Sequence[ModelRecord], changed: bool = True
) -> str:
    """``Promoted model 7 (a 1.1.0) to production; removed it from model 5 (a 1.0.0)``."""
    if not changed:
        return f"Model {model_ref(model)} already has {visible(tag)}; nothing changed"
    text = f"Promoted model {model_ref(model)} to {visible(tag)}"
    if removed:
        word = "model" if len(removed) == 1 else f"{len(removed)} models:"
        text += f"; removed it from {word} {model_refs(removed)}"
    return text


def promote_preview(
    record: ModelRecord, tag: str, holders: Sequence[ModelRecord], exclusive: bool
) -> Text:
    """``production: gpt-small 1.2.0 -> gpt-small 1.3.0``: the change a promotion makes.

    ``holders`` hold ``tag`` now; ``exclusive`` says whether the promotion takes
    it from them (``a 1.0.0, a 1.1.0 -> a 1.2.0 (takes it from 2 models)``) or
    adds a holder (``a 1.0.0 + a 1.2.0``).
    """
    text = safe_text(tag)
    text.stylize("bold")
    text.append(": ")
    if any(h.model_id == record.model_id for h in holders):
        text.append(f"{visible(record.label)} already has it", style="dim")
        return text
    others = ", ".join(visible(h.label) for h in holders[:SHOWN_HOLDERS])
    if len(holders) > SHOWN_HOLDERS:
        others += f" and {len(holders) - SHOWN_HOLDERS} more"
    if exclusive:
        text.append(others or "(nobody)", style="red" if others else "dim")
        text.append(" -> ")
    else:
        text.append(f"{others} + " if others else "(new) ", style="dim")
    text.append(visible(record.label), style="bold green")
    if exclusive and len(holders) > 1:
        text.append(" ")
        text.append(f"(takes it from {len(holders)} models)", style="bold red")
    return text
