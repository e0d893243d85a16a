"""A model's checkpoint as registration recorded it, and as the file reads now: the
app's checkpoint panel.

The recorded facts (``metadata["checkpoint"]``) and how ``memory_req_gb`` was
estimated (``metadata["memory_estimate"]``) are read through
:func:`~registry_tui.checkpoints.facts.recorded_facts` and
:func:`~registry_tui.checkpoints.facts.memory_estimate`, which keep only values
of the right type, and drawn like ``registry-tui inspect``
(:func:`~registry_tui.render.checkpoint.sections_renderable`): the same summary
grid and tables, every string made visible, long values cut. A long list (a
10,000-key architecture) shows its first :data:`ROW_LIMIT` rows and how many
more there are. A fresh inspection is the inspect command's own rendering,
headed by a one-line verdict against what was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.text import Text

from registry_tui.checkpoints.facts import changes, memory_estimate, recorded_facts
from registry_tui.records import ModelRecord
from registry_tui.render.checkpoint import (
    Section,
    cell_text,
    checkpoint_renderable,
    dtype_section,
    sections_renderable,
)
from registry_tui.render.numbers import format_memory, format_params, human_bytes
from registry_tui.render.text import literal

if TYPE_CHECKING:
    from registry_tui.checkpoints import CheckpointInfo

ROW_LIMIT = 30
"""Rows a table of the panel shows before saying how many more there are."""

RECORDED_TITLE = "Checkpoint, as recorded at registration"
INSPECTED_TITLE = "Checkpoint file, inspected now"
_ESTIMATE_ROWS = ("source", "mode", "dtype", "rule", "reference")


def recorded_summary(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The summary of recorded facts: (field, value) pairs, values visible."""
    lines: list[tuple[str, str]] = []
    if "format" in facts:
        lines.append(("format", cell_text(facts["format"])))
    for key, label in (("file_bytes", "file size"), ("weights_bytes", "weights")):
        if key in facts:
            lines.append((label, human_bytes(facts[key])))
    if "parameters" in facts:
        count = facts["parameters"]
        lines.append(("parameters", format_params(count)))
    if "tensor_count" in facts:
        lines.append(("tensors", f"{facts['tensor_count']:,}"))
    if "optimizer_bytes" in facts:
        shown = human_bytes(facts["optimizer_bytes"])
        lines.append(("optimizer state", f"{shown} (not counted as weights)"))
    if "epoch" in facts:
        lines.append(("epoch", str(facts["epoch"])))
    if "git_commit" in facts:
        lines.append(("git commit", cell_text(facts["git_commit"])))
    if "fingerprint" in facts:
        lines.append(("fingerprint", cell_text(facts["fingerprint"])))
    return lines


def recorded_sections(
    facts: Mapping[str, Any], memory_req_gb: float | None, metadata: Mapping[str, Any]
) -> list[Section]:
    """The tables below the summary (dtypes, architecture, memory estimate, warnings),
    each only when it has rows."""
    by_dtype: Mapping[str, int] = facts.get("parameters_by_dtype", {})
    total = facts.get("parameters", sum(by_dtype.values()))
    dtypes = dtype_section(dict(islice(by_dtype.items(), ROW_LIMIT)), total)
    sections = [
        _with_more(dtypes, len(by_dtype)),
        _pairs("Architecture", ("Fact", "Value"), facts.get("architecture", {})),
        _estimate_section(memory_req_gb, metadata),
        _with_more(
            Section(
                "Warnings", ("Warning",), (False,),
                tuple((cell_text(w),) for w in islice(facts.get("warnings", ()), ROW_LIMIT)),
            ),
            len(facts.get("warnings", ())),
        ),
    ]  # fmt: skip
    return [section for section in sections if section.rows]


def _pairs(title: str, headers: tuple[str, str], values: Mapping[str, Any]) -> Section:
    rows = tuple((cell_text(k), cell_text(v)) for k, v in islice(values.items(), ROW_LIMIT))
    return _with_more(Section(title, headers, (False, False), rows), len(values))


def _with_more(section: Section, total: int) -> Section:
    """``section`` with a last row saying how many rows past :data:`ROW_LIMIT` are not shown."""
    if total <= len(section.rows):
        return section
    note = f"... {total - len(section.rows):,} more (get --format json has all)"
    more = (note, *[""] * (len(section.headers) - 1))
    return Section(section.title, section.headers, section.right, (*section.rows, more))


def _estimate_section(memory_req_gb: float | None, metadata: Mapping[str, Any]) -> Section:
    """How ``memory_req_gb`` was estimated or measured: no rows when the metadata says nothing."""
    estimate = memory_estimate(metadata)
    if estimate is None:
        return Section("Memory", ("Fact", "Value"), (False, False), ())
    rows = [("memory_req_gb", format_memory(memory_req_gb, metadata))]
    rows.extend((key, cell_text(estimate[key])) for key in _ESTIMATE_ROWS if key in estimate)
    return Section("Memory", ("Fact", "Value"), (False, False), tuple(rows))


def recorded_panel(record: ModelRecord) -> RenderableType | None:
    """The checkpoint panel of ``record``, or ``None`` when its metadata records neither
    checkpoint facts nor a memory estimate."""
    facts = recorded_facts(record.metadata)
    if facts is None and memory_estimate(record.metadata) is None:
        return None
    facts = facts or {}
    parts: list[RenderableType] = [Text(RECORDED_TITLE, style="bold")]
    summary = recorded_summary(facts)
    sections = recorded_sections(facts, record.memory_req_gb, record.metadata)
    parts.append(sections_renderable(summary, sections))
    return Group(*parts)


def inspection_verdict(info: CheckpointInfo, metadata: Mapping[str, Any]) -> Text:
    """One line on a fresh inspection: not recognised, matching the recorded facts, or
    which facts differ (the rule of ``registry-tui check``: :func:`facts.changes`)."""
    if info.format == "unknown":
        return Text("format not recognised: only the file's size is known", style="yellow")
    facts = recorded_facts(metadata)
    if facts is None:
        return Text("nothing was recorded at registration to compare with", style="dim")
    found = changes(facts, info)
    if not found:
        return Text("matches what was recorded at registration", style="green")
    return literal("differs from what was recorded: " + "; ".join(found), "yellow")


def inspection_renderable(info: CheckpointInfo, metadata: Mapping[str, Any]) -> RenderableType:
    """A fresh inspection of the model's checkpoint, as ``registry-tui inspect`` shows it."""
    return Group(
        Text(INSPECTED_TITLE, style="bold"),
        inspection_verdict(info, metadata),
        checkpoint_renderable(info),
    )


def inspection_pending(path: str) -> Text:
    """What the panel shows while the file is read (a large directory takes a while)."""
    text = Text("Inspecting ", style="dim")
    text.append_text(literal(path, "dim"))
    text.append("…", style="dim")
    return text


def inspection_failure(problem: str) -> Text:
    """A refused or missing checkpoint: the reader's one-line message, literally."""
    text = Text("Cannot inspect the checkpoint: ", style="red")
    text.append_text(literal(problem, "red"))
    return text
