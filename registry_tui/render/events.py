"""The history of events and config differences: tables for the CLI, sections for the app."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from registry_tui.records import ConfigChange, EventRecord, ModelRecord
from registry_tui.render.text import display_json, model_label, safe_text, visible

CHANGE_STYLES = {"added": "green", "removed": "red", "changed": "yellow"}

EVENT_STYLES = {
    "register": "green",
    "promote": "cyan",
    "rollback": "magenta",
    "untag": "yellow",
    "retire": "dim",
    "restore": "green",
    "delete": "red",
    "export": "blue",
    "unlink": "yellow",
    "protect": "blue",
    "unprotect": "yellow",
    "request": "cyan",
    "approve": "green",
    "reject": "red",
    "cancel": "dim",
    "expire": "dim",
    "stale": "magenta",
    "break_glass": "bold red",
}

EVENT_MARKERS = {"break_glass": "⚠ BREAK GLASS"}
"""Words shown before an event's kind, so a terminal without colour still tells it apart."""

EventStyles = Mapping[str, str | Style]
"""Styles by event kind that replace :data:`EVENT_STYLES` (the app's from its stylesheet)."""


def event_kind(event: str, styles: EventStyles | None = None) -> Text:
    """The event's kind in its colour, after its marker (``⚠ BREAK GLASS break_glass``)."""
    style = (styles or {}).get(event, EVENT_STYLES.get(event, ""))
    marker = EVENT_MARKERS.get(event)
    text = Text(f"{marker} ") if marker else Text()
    text.append_text(safe_text(event))
    text.stylize(style)
    return text


def request_ref(details: Mapping[str, Any]) -> str:
    """``request #3`` when an event's details name a promotion request, else empty."""
    request_id = details.get("request_id")
    if isinstance(request_id, int) and not isinstance(request_id, bool):
        return f"request #{request_id}"
    return ""


def event_details(details: Mapping[str, Any]) -> str:
    """Event details as ``key=value`` pairs, values as compact JSON."""
    parts = []
    for key, value in details.items():
        shown = visible(value) if isinstance(value, str) else display_json(value)
        parts.append(f"{visible(key)}={shown}")
    return " ".join(parts)


def history_table(
    events: Sequence[EventRecord],
    labels: Mapping[int, str] | None = None,
) -> Table:
    """The history, newest first; ``labels`` maps model ids to ``name version``."""
    labels = labels or {}
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for header in ("ID", "At", "Event", "Model", "Tag", "Previous", "Actor", "Details"):
        table.add_column(header, justify="right" if header == "ID" else "left")
    for event in events:
        table.add_row(
            Text(str(event.event_id), style="dim"),
            safe_text(event.at),
            event_kind(event.event),
            _model_ref(event.model_id, labels),
            safe_text(event.tag or "-"),
            _model_ref(event.previous_model_id, labels),
            safe_text(event.actor),
            Text(event_details(event.details)),
        )
    return table


def _model_ref(model_id: int | None, labels: Mapping[int, str]) -> Text:
    if model_id is None:
        return Text("-")
    text = Text(f"#{model_id}")
    if model_id in labels:
        text.append(" ")
        text.append(visible(labels[model_id]))
    return text


def config_diff_table(
    changes: Sequence[ConfigChange],
    left: ModelRecord,
    right: ModelRecord,
) -> Table:
    """Config differences between two models: key, kind of change, both values."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Key", style="bold")
    table.add_column("Change")
    table.add_column(model_label(left))
    table.add_column(model_label(right))
    for change in changes:
        table.add_row(
            safe_text(change.key),
            Text(change.change, style=CHANGE_STYLES.get(change.change, "")),
            Text("-" if change.change == "added" else display_json(change.left)),
            Text("-" if change.change == "removed" else display_json(change.right)),
        )
    return table


def history_lines(
    events: Sequence[EventRecord],
    labels: Mapping[int, str] | None = None,
    styles: EventStyles | None = None,
) -> Group:
    """The history as lines that wrap instead of cut: each event, then its details indented.

    ``2026-01-01 12:00:05  promote  #3 gpt-small 1.1.0  tag production  from #2 ...  by me@host``

    An event about a promotion request names it (``request #3``); ``styles`` replaces
    the colours of some kinds (a break-glass promote is red, and marked in words).
    """
    labels = labels or {}
    parts: list[RenderableType] = []
    for event in events:
        line = Text.assemble(safe_text(event.at, "dim"), "  ")
        kind = event_kind(event.event, styles)
        kind.stylize("bold")
        line.append_text(kind)
        if request_ref(event.details):
            line.append(f"  {request_ref(event.details)}", style="bold")
        if event.model_id is not None:
            line.append_text(Text.assemble("  ", _model_ref(event.model_id, labels)))
        if event.tag:
            line.append_text(Text.assemble("  tag ", safe_text(event.tag, "cyan")))
        if event.previous_model_id is not None:
            line.append_text(Text.assemble("  from ", _model_ref(event.previous_model_id, labels)))
        line.append_text(Text.assemble(("  by ", "dim"), safe_text(event.actor, "dim")))
        parts.append(line)
        if event.details:
            details = Text(event_details(event.details), style="dim", overflow="fold")
            parts.append(Padding(details, (0, 0, 0, 4)))
    return Group(*parts)


def history_section(
    events: Sequence[EventRecord],
    labels: Mapping[int, str] | None = None,
    styles: EventStyles | None = None,
) -> RenderableType:
    """A model's history under a ``History`` heading, newest first, or a note that it has none."""
    title = Text("History", style="bold")
    if not events:
        return Group(title, Text("no events", style="dim"))
    return Group(title, history_lines(events, labels, styles))


def config_section(
    first: ModelRecord, diffs: Sequence[tuple[ModelRecord, Sequence[ConfigChange] | None]]
) -> RenderableType:
    """Config differences of each model against ``first``.

    ``diffs`` pairs each other model with its changes, or None when either
    model has no stored config.
    """
    parts: list[RenderableType] = [Text("Config differences", style="bold")]
    for other, changes in diffs:
        heading = Text.assemble(model_label(first), " → ", model_label(other))
        if changes is None:
            parts.append(Text.assemble(heading, (": no stored config to compare", "dim")))
        elif not changes:
            parts.append(Text.assemble(heading, (": same config", "dim")))
        else:
            parts += [heading, config_diff_table(changes, first, other)]
    return Group(*parts)
