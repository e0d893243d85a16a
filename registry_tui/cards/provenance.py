"""The card's sections about the files and the history: exports, checkpoint facts and
the promotion history.

Each returns Markdown without a heading; user text goes through :mod:`.markdown`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry_tui.cards.facts import CardFacts
from registry_tui.cards.markdown import inline, table
from registry_tui.cards.sections import ref
from registry_tui.records import EventRecord
from registry_tui.render.numbers import format_value

SIZE_KEYS = ("size_bytes", "file_bytes", "bytes")
"""Export metadata keys read as the export's size in bytes (``size_mb`` in megabytes)."""

ESTIMATE_KEYS = ("mode", "rule", "dtype", "source", "reference")
"""The keys of ``metadata["memory_estimate"]``, in the order the card shows them."""


def size_text(size: int) -> str:
    """``14.5 MB (14,483,464 bytes)``: a byte count for people, exact beside it."""
    value, unit = float(size), "bytes"
    for name in ("KB", "MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, name
    if unit == "bytes":
        return f"{size:,} bytes"
    return f"{value:.1f} {unit} ({size:,} bytes)"


def _count(value: Any) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if ok else None


def exports(facts: CardFacts) -> str:
    """Every recorded export: format, path, size (when recorded), when, other details."""
    model = facts.model
    rows = []
    for export in model.exports:
        meta = dict(export.metadata)
        rows.append(
            [
                inline(export.export_format),
                inline(export.export_path),
                _export_size(meta),
                inline(export.created_at),
                _details(meta, skip=(*SIZE_KEYS, "size_mb")),
            ]
        )
    listed = [f for f in model.export_formats if f not in {e.export_format for e in model.exports}]
    if not rows and not listed:
        return "No exports recorded."
    parts = [table(["Format", "Path", "Size", "Exported", "Details"], rows)] if rows else []
    if listed:
        formats = ", ".join(inline(f) for f in listed)
        parts.append(f"Also registered as exported to {formats} (no file recorded).")
    return "\n\n".join(parts)


def _export_size(meta: Mapping[str, Any]) -> str:
    for name in SIZE_KEYS:
        size = _count(meta.get(name))
        if size is not None:
            return size_text(size)
    mb = meta.get("size_mb")
    if isinstance(mb, int | float) and not isinstance(mb, bool):
        return f"{format_value(mb)} MB"
    return "not recorded"


def _details(meta: Mapping[str, Any], skip: tuple[str, ...] = ()) -> str:
    """``key=value`` pairs, values as compact JSON, escaped."""
    return inline(" ".join(f"{k}={_compact(v)}" for k, v in meta.items() if k not in skip))


def _compact(value: Any) -> str:
    """A value as one line: text as it is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    except (ValueError, RecursionError):
        return repr(value)


def checkpoint(facts: CardFacts) -> str:
    """Where the weights are, their size, parameters, memory needs and fingerprint."""
    model, lines = facts.model, []
    lines.append(f"- Path: {inline(model.checkpoint_path)}")
    if model.model_size_mb is not None:
        lines.append(f"- Size: {format_value(model.model_size_mb)} MB")
    lines += _inspected(model.metadata.get("checkpoint"))
    lines.append(_memory(model.memory_req_gb, model.metadata.get("memory_estimate")))
    lines.append(_sha256(facts))
    return "\n".join(line for line in lines if line)


def _inspected(found: Any) -> list[str]:
    """The facts registration read from the checkpoint's headers (``metadata["checkpoint"]``)."""
    if not isinstance(found, Mapping):
        return ["- Contents: not inspected at registration"]
    lines = []
    if found.get("format"):
        lines.append(f"- Format: {inline(found['format'])}")
    for key, label in (("file_bytes", "File size"), ("weights_bytes", "Weights")):
        if _count(found.get(key)) is not None:
            lines.append(f"- {label}: {size_text(found[key])}")
    params = _count(found.get("parameters"))
    if params is not None:
        lines.append(f"- Parameters: {params:,}{_by_dtype(found.get('parameters_by_dtype'))}")
    for key, label in (("tensor_count", "Tensors"), ("epoch", "Epoch")):
        if _count(found.get(key)) is not None:
            lines.append(f"- {label}: {found[key]:,}")
    return lines + _training_facts(found)


def _by_dtype(by_dtype: Any) -> str:
    if not isinstance(by_dtype, Mapping) or not by_dtype:
        return ""
    return " (" + ", ".join(f"{inline(k)}: {_number(v)}" for k, v in by_dtype.items()) + ")"


def _training_facts(found: Mapping[str, Any]) -> list[str]:
    lines = []
    if _count(found.get("optimizer_bytes")):
        lines.append(f"- Optimizer state: {size_text(found['optimizer_bytes'])}")
    if found.get("git_commit"):
        lines.append(f"- Git commit: {inline(found['git_commit'])}")
    if isinstance(found.get("architecture"), Mapping) and found["architecture"]:
        lines.append(f"- Architecture: {_details(found['architecture'])}")
    if isinstance(found.get("warnings"), list) and found["warnings"]:
        lines.append("- Warnings: " + "; ".join(inline(w) for w in found["warnings"]))
    return lines


def _number(value: Any) -> str:
    count = _count(value)
    return f"{count:,}" if count is not None else inline(value)


def _memory(gigabytes: float | None, estimate: Any) -> str:
    """Memory needed, and how it was estimated when ``metadata["memory_estimate"]`` says."""
    if gigabytes is None and not isinstance(estimate, Mapping):
        return "- Memory needed: not recorded"
    line = "- Memory needed: " + (f"{format_value(gigabytes)} GB" if gigabytes is not None else "-")
    if isinstance(estimate, Mapping):
        how = [f"{k} {inline(estimate[k])}" for k in ESTIMATE_KEYS if estimate.get(k) is not None]
        line += " (estimated: " + (", ".join(how) or "how is not recorded") + ")"
    return line


def _sha256(facts: CardFacts) -> str:
    recorded = facts.recorded_hash
    if recorded is not None:
        digest, size, at = recorded
        return (
            f"- SHA-256: {inline(digest)} (of {size:,} bytes, recorded by "
            f"`registry-tui check --hashes` on {inline(at)})"
        )
    found = facts.model.metadata.get("checkpoint")
    given = found.get("sha256") if isinstance(found, Mapping) else None
    if isinstance(given, str) and given:
        return f"- SHA-256: {inline(given)} (recorded at registration)"
    return "- SHA-256: not recorded (`registry-tui check --hashes` records it)"


# -- the promotion history -------------------------------------------------------------------

HISTORY_HEADERS = ("When", "Event", "Tag", "Model", "From", "By", "Details")
"""The promotion history's columns: one row per history event that names a tag."""


def promotion_history(facts: CardFacts) -> str:
    """Every history event about a tag of this model, oldest first: who, when, from which
    model. Any event that names a tag is a row, whatever its kind, so new kinds of tag
    events appear here as they are recorded."""
    rows = [_history_row(e, facts) for e in facts.events if e.tag is not None]
    if not rows:
        return "This model has never held a tag."
    return table(list(HISTORY_HEADERS), rows)


def _history_row(event: EventRecord, facts: CardFacts) -> list[str]:
    found = approval(event)
    shown = ("removed_from", *APPROVAL_KEYS) if found else ("removed_from",)
    details = {k: v for k, v in event.details.items() if k not in shown}
    removed = event.details.get("removed_from")
    source = ref(event.previous_model_id, facts)
    if event.previous_model_id is None and isinstance(removed, list) and removed:
        source = ", ".join(ref(i, facts) if isinstance(i, int) else inline(i) for i in removed)
    by = inline(event.actor)
    if found is not None:
        by += "; " + approval_text(*found)
    return [
        inline(event.at),
        inline(event.event),
        inline(event.tag),
        ref(event.model_id, facts),
        source,
        by,
        _details(details),
    ]


# -- approvals ------------------------------------------------------------------------------

APPROVAL_KEYS = ("request_id", "approved_by")
"""The details a tag move applied by an approved request carries."""


def approval(event: EventRecord) -> tuple[int | None, list[str]] | None:
    """``(request_id, reviewers)`` of a tag move an approved request applied, else None.

    Only well-formed details count: a request id that is an integer (or absent) and a
    non-empty list of reviewer names."""
    reviewers = event.details.get("approved_by")
    request_id = event.details.get("request_id")
    if not isinstance(reviewers, list) or not reviewers:
        return None
    if request_id is not None and (isinstance(request_id, bool) or not isinstance(request_id, int)):
        request_id = None
    return request_id, [str(r) for r in reviewers]


def approval_text(request_id: int | None, reviewers: list[str]) -> str:
    """``approved by bob, carol (request \\#3)``, user text escaped."""
    text = "approved by " + ", ".join(inline(r) for r in reviewers)
    return text + (f" (request \\#{request_id})" if request_id is not None else "")


def approvals(facts: CardFacts) -> str:
    """Every tag move of this model that an approved request applied, oldest first: the
    tag, when, who approved, and the request."""
    lines = []
    for event in facts.events:
        found = approval(event)
        if found is not None and event.tag is not None and event.model_id == facts.model.model_id:
            lines.append(
                f"- {inline(event.tag)} on {inline(event.at)}: {approval_text(*found)}, "
                f"applied by {inline(event.actor)}"
            )
    return "\n".join(lines) or "No tag move of this model went through an approved request."
