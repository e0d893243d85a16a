"""What a checkpoint says about itself, for people: a summary and tables, or JSON.

One layout, two writers: :func:`checkpoint_sections` lays a
:class:`~registry_tui.checkpoints.CheckpointInfo` out as a summary and titled
tables of strings; :func:`checkpoint_renderable` draws them with rich (a
terminal), :func:`checkpoint_text` as plain text without importing rich (piped
output; ``None`` when only rich can lay the text out). Every string from the
file (tensor names, metadata keys and values, paths) is made visible: markup is
never interpreted, control characters and escape sequences are shown escaped.
Numbers are humanised: ``7.24 B`` parameters, ``13.5 GB``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from registry_tui.escapes import visible
from registry_tui.jsontext import to_json
from registry_tui.render.numbers import format_value, human_bytes, human_count
from registry_tui.render.plain import table_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from registry_tui.checkpoints import CheckpointInfo

VALUE_LIMIT = 240
"""Metadata values longer than this are cut in tables (JSON output has them whole);
lists of names (a pickle's globals) never are."""


@dataclass(frozen=True)
class Section:
    """A titled table of strings, the cells already made visible."""

    title: str
    headers: tuple[str, ...]
    right: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]


def summary_lines(info: CheckpointInfo) -> list[tuple[str, str]]:
    """The summary: (field, value) pairs, values visible."""
    lines = [
        ("path", visible(info.path)),
        ("format", visible(info.format)),
        ("file size", human_bytes(info.file_bytes)),
    ]
    if info.tensor_count or info.format not in ("unknown", "pytorch-legacy"):
        lines.extend(
            [
                ("weights", human_bytes(info.weights_bytes)),
                ("parameters", f"{human_count(info.parameters)} ({info.parameters:,})"),
                ("tensors", f"{info.tensor_count:,}"),
            ]
        )
    if info.optimizer_tensors:
        lines.append(
            (
                "optimizer state",
                f"{human_bytes(info.optimizer_bytes)} in {info.optimizer_tensors:,} tensors "
                "(not counted as weights)",
            )
        )
    if info.epoch is not None:
        lines.append(("epoch", str(info.epoch)))
    if info.git_commit is not None:
        lines.append(("git commit", visible(info.git_commit)))
    if len(info.files) > 1:
        lines.append(("files", visible(", ".join(info.files))))
    return lines


def checkpoint_sections(info: CheckpointInfo) -> list[Section]:
    """The tables below the summary, each only when it has rows."""
    sections = [
        dtype_section(info.parameters_by_dtype, info.parameters),
        Section(
            f"Largest tensors (top {len(info.largest_tensors)})",
            ("Name", "Dtype", "Shape", "Parameters", "Size"),
            (False, False, False, True, True),
            tuple(
                (
                    visible(t.name),
                    visible(t.dtype),
                    "[" + ", ".join(str(d) for d in t.shape) + "]",
                    human_count(t.elements),
                    human_bytes(t.nbytes),
                )
                for t in info.largest_tensors
            ),
        ),
        _pairs("Architecture", ("Fact", "Value"), info.architecture),
        _pairs("Metrics", ("Metric", "Value"), info.metrics or {}),
        _pairs("Metadata", ("Key", "Value"), info.metadata),
        Section("Warnings", ("Warning",), (False,), tuple((visible(w),) for w in info.warnings)),
    ]
    return [section for section in sections if section.rows]


def dtype_section(by_dtype: Mapping[str, int], total: int) -> Section:
    """Parameters by dtype: each dtype's count and its share of ``total``."""
    rows = tuple(
        (visible(dtype), human_count(count), _share(count, total))
        for dtype, count in by_dtype.items()
    )
    return Section(
        "Parameters by dtype", ("Dtype", "Parameters", "Share"), (False, True, True), rows
    )


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


def _pairs(title: str, headers: tuple[str, str], values: Mapping[str, Any]) -> Section:
    rows = tuple((visible(key), cell_text(value)) for key, value in values.items())
    return Section(title, headers, (False, False), rows)


def cell_text(value: Any) -> str:
    """A metadata value for a table cell: JSON-like, cut past :data:`VALUE_LIMIT`
    characters (saying how long it was), made visible."""
    if isinstance(value, bool) or value is None:
        text = str(value).lower() if value is not None else "null"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = format_value(value)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return visible(", ".join(str(item) for item in value))
    else:
        text = to_json(value, one_line=True)
    if len(text) > VALUE_LIMIT:
        text = f"{text[:VALUE_LIMIT]}... ({len(text):,} characters)"
    return visible(text)


def checkpoint_text(info: CheckpointInfo, *, max_width: int) -> str | None:
    """The inspection as plain text, or ``None`` when only rich can lay it out
    (text that is not printable ASCII, or wider than ``max_width``)."""
    summary = summary_lines(info)
    width = max(len(key) for key, _ in summary)
    lines = [f"{key.ljust(width)}  {value}" for key, value in summary]
    if not all(line.isascii() and line.isprintable() for line in lines):
        return None
    blocks = ["".join(line + "\n" for line in lines)]
    for section in checkpoint_sections(info):
        table = table_text(section.headers, section.right, section.rows, None, max_width)
        if table is None:
            return None
        blocks.append(section.title + "\n" + table)
    return "\n".join(blocks)


def checkpoint_renderable(info: CheckpointInfo) -> RenderableType:
    """The inspection as rich renderables: the summary grid, then each table."""
    return sections_renderable(summary_lines(info), checkpoint_sections(info))


def sections_renderable(
    summary: Sequence[tuple[str, str]], sections: Sequence[Section]
) -> RenderableType:
    """A summary grid of (field, value) and titled tables, drawn with rich (cells are
    already visible); the one drawing of checkpoint facts, inspected or recorded."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in summary:
        grid.add_row(Text(key), Text(value))
    parts: list[RenderableType] = [grid, Text("")]
    for section in sections:
        table = Table(box=box.SIMPLE_HEAD, title=Text(section.title), title_justify="left")
        for header, right in zip(section.headers, section.right, strict=True):
            table.add_column(header, justify="right" if right else "left", overflow="fold")
        style = "yellow" if section.title == "Warnings" else ""
        for row in section.rows:
            table.add_row(*(Text(cell, style=style) for cell in row))
        parts.append(table)
    return Group(*parts)


def checkpoint_json(info: CheckpointInfo) -> str:
    """The inspection as JSON (every value whole; terminal-active characters escaped)."""
    return to_json(info.to_dict())
