"""Safe text and small formatting helpers: user strings made harmless and readable."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from rich.text import Text

from registry_tui.escapes import visible as visible  # the one definition, re-exported
from registry_tui.records import ModelRecord
from registry_tui.render.numbers import format_value

BEST_MARK = "★"
LOCK_MARK = "🔒"
"""Before a protected tag (one that moves only through an approved request)."""

STATUS_STYLES = {"active": "green", "retired": "dim"}


def safe_text(value: object, style: str = "") -> Text:
    """User text as a :class:`~rich.text.Text`: markup literal, control characters visible."""
    return Text(visible(value), style=style)


def literal(value: object, style: str = "") -> Text:
    """``value`` as Text that renders exactly the characters it holds, ``style`` as a span.

    Unlike :func:`safe_text` (whose style is the Text's own), the style covers the
    characters only, so padding added later, when a cell is aligned, stays unstyled.
    """
    text = safe_text(value)
    if style:
        text.stylize(style)
    return text


def display_json(value: Any) -> str:
    """One-line JSON for people to read in a cell (``{"a": 1}``), control characters visible.

    Never parsed back: output for programs is :func:`registry_tui.jsontext.to_json`.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    except (ValueError, RecursionError):
        text = repr(value)
    return visible(text)


def format_mb(value: float | None) -> str:
    """A size in megabytes (``256.5 MB``), ``-`` when unknown."""
    return "-" if value is None else f"{format_value(value)} MB"


def format_gb(value: float | None) -> str:
    """A memory requirement in gigabytes (``4 GB``), ``-`` when unknown."""
    return "-" if value is None else f"{format_value(value)} GB"


def format_optional(value: object) -> str:
    """``-`` for ``None``, else the value made visible."""
    return "-" if value is None else visible(value)


def tags_text(tags: Iterable[str], protected: Collection[str] = ()) -> Text:
    """Tags as ``production, staging``; ``production`` highlighted, a ``protected`` tag
    after a lock (``🔒production``)."""
    text = Text()
    for index, tag in enumerate(tags):
        if index:
            text.append(", ")
        if tag in protected:
            text.append(LOCK_MARK)
        text.append(visible(tag), style="bold yellow" if tag == "production" else "cyan")
    return text


def status_text(status: str) -> Text:
    """A model status, dimmed when retired."""
    return safe_text(status, STATUS_STYLES.get(status, ""))


def model_label(record: ModelRecord, *, with_id: bool = True) -> Text:
    """``gpt-small 1.0.0 #5``: how a model is named in titles and trees."""
    text = Text()
    text.append(visible(record.name), style="bold")
    text.append(" ")
    text.append(visible(record.version))
    if with_id:
        text.append(f" #{record.model_id}", style="dim")
    return text


def metric_cell(value: float | None, mark: str = " ") -> Text:
    """A metric value for a table cell, followed by its comparison ``mark`` (``★``, ``=``)."""
    if mark.strip():
        return Text(f"{format_value(value)} {mark}", style="bold green")
    return Text(format_value(value))


def metrics_inline(metrics: Mapping[str, float]) -> Text:
    """``val_loss=0.38 accuracy=0.92`` in one cell."""
    return Text(" ".join(f"{visible(k)}={format_value(v)}" for k, v in metrics.items()))
