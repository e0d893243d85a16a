"""Records to text: the one place a model, an event or a diff becomes something to read.

Both faces use these functions: the CLI prints the renderables and serialises
records to JSON or CSV; the terminal app puts the same renderables in its
widgets. Nothing here imports textual or pandas.

User-supplied strings (names, versions, paths, metadata, metric names) always
pass through :func:`safe_text` or :func:`visible`: rich markup in them is never
interpreted (they become :class:`rich.text.Text`, which has no markup), and
control characters, escape sequences and bidirectional overrides are shown as
backslash escapes (``"\x1b"``) instead of reaching the terminal.

Serialisation formats:

* JSON: the API's dict keys (:meth:`ModelRecord.to_dict`), metrics nested as an
  object, UTF-8, indented. Lossless: control characters are JSON escapes.
* CSV: a header row, then one row per record. Lists (tags, export formats) are
  joined with ``,`` inside one cell; ``metadata``, ``exports`` and event
  ``details`` are JSON text in one cell; each metric gets its own column named
  ``metrics.<name>``. Control characters in cells are made visible as in
  tables, so CSV printed to a terminal is safe; use JSON for exact bytes.

The functions live in submodules by subject, all importable from here:
``text`` (safe text, small formatters), ``numbers`` (exact values, counted
nouns), ``models`` (the list table, the model panel), ``detail`` (one model in
full), ``lineage`` (comparisons and lineage trees), ``events`` (history and
config differences), ``serialise`` (JSON and CSV).

Importing this package is cheap: each name is imported from its submodule on
first use, so a command that only needs plain text (see
:mod:`registry_tui.render.plain`) never imports rich.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry_tui.jsontext import to_json
    from registry_tui.records import EVENT_FIELDS
    from registry_tui.render.detail import (
        copy_choices,
        detail_pane_renderable,
        folded_exports_table,
        full_detail_renderable,
    )
    from registry_tui.render.events import (
        CHANGE_STYLES,
        EVENT_STYLES,
        config_diff_table,
        config_section,
        event_details,
        history_lines,
        history_section,
        history_table,
    )
    from registry_tui.render.lineage import (
        ComparisonRow,
        best_by_model,
        comparison_rows,
        comparison_table,
        delta_text,
        lineage_label,
        lineage_tree,
        metric_delta,
        step_deltas,
        step_summary,
    )
    from registry_tui.render.models import (
        exports_table,
        metadata_tree,
        metrics_table,
        model_detail_renderable,
        model_fields_table,
        models_table,
    )
    from registry_tui.render.numbers import exact_value, format_memory, format_value
    from registry_tui.render.plain import frequent_metrics
    from registry_tui.render.serialise import (
        MODEL_FIELDS,
        comparison_csv,
        comparison_dicts,
        config_changes_csv,
        events_csv,
        events_json,
        records_csv,
        records_json,
        write_csv,
    )
    from registry_tui.render.text import (
        BEST_MARK,
        STATUS_STYLES,
        display_json,
        format_gb,
        format_mb,
        format_optional,
        literal,
        metric_cell,
        metrics_inline,
        model_label,
        safe_text,
        status_text,
        tags_text,
        visible,
    )

_HOMES: dict[str, str] = {
    "BEST_MARK": "registry_tui.render.text",
    "CHANGE_STYLES": "registry_tui.render.events",
    "ComparisonRow": "registry_tui.render.lineage",
    "EVENT_FIELDS": "registry_tui.records",
    "EVENT_STYLES": "registry_tui.render.events",
    "MODEL_FIELDS": "registry_tui.render.serialise",
    "STATUS_STYLES": "registry_tui.render.text",
    "best_by_model": "registry_tui.render.lineage",
    "comparison_csv": "registry_tui.render.serialise",
    "comparison_dicts": "registry_tui.render.serialise",
    "comparison_rows": "registry_tui.render.lineage",
    "comparison_table": "registry_tui.render.lineage",
    "config_changes_csv": "registry_tui.render.serialise",
    "config_diff_table": "registry_tui.render.events",
    "config_section": "registry_tui.render.events",
    "copy_choices": "registry_tui.render.detail",
    "delta_text": "registry_tui.render.lineage",
    "detail_pane_renderable": "registry_tui.render.detail",
    "display_json": "registry_tui.render.text",
    "event_details": "registry_tui.render.events",
    "events_csv": "registry_tui.render.serialise",
    "events_json": "registry_tui.render.serialise",
    "exact_value": "registry_tui.render.numbers",
    "exports_table": "registry_tui.render.models",
    "folded_exports_table": "registry_tui.render.detail",
    "format_gb": "registry_tui.render.text",
    "format_mb": "registry_tui.render.text",
    "format_optional": "registry_tui.render.text",
    "format_memory": "registry_tui.render.numbers",
    "format_value": "registry_tui.render.numbers",
    "frequent_metrics": "registry_tui.render.plain",
    "full_detail_renderable": "registry_tui.render.detail",
    "history_lines": "registry_tui.render.events",
    "history_section": "registry_tui.render.events",
    "history_table": "registry_tui.render.events",
    "lineage_label": "registry_tui.render.lineage",
    "lineage_tree": "registry_tui.render.lineage",
    "literal": "registry_tui.render.text",
    "metadata_tree": "registry_tui.render.models",
    "metric_cell": "registry_tui.render.text",
    "metric_delta": "registry_tui.render.lineage",
    "metrics_inline": "registry_tui.render.text",
    "metrics_table": "registry_tui.render.models",
    "model_detail_renderable": "registry_tui.render.models",
    "model_fields_table": "registry_tui.render.models",
    "model_label": "registry_tui.render.text",
    "models_table": "registry_tui.render.models",
    "records_csv": "registry_tui.render.serialise",
    "records_json": "registry_tui.render.serialise",
    "safe_text": "registry_tui.render.text",
    "status_text": "registry_tui.render.text",
    "step_deltas": "registry_tui.render.lineage",
    "step_summary": "registry_tui.render.lineage",
    "tags_text": "registry_tui.render.text",
    "to_json": "registry_tui.jsontext",
    "visible": "registry_tui.render.text",
    "write_csv": "registry_tui.render.serialise",
}
"""The submodule each public name comes from."""

__all__ = [
    "BEST_MARK",
    "CHANGE_STYLES",
    "EVENT_FIELDS",
    "EVENT_STYLES",
    "MODEL_FIELDS",
    "STATUS_STYLES",
    "ComparisonRow",
    "best_by_model",
    "comparison_csv",
    "comparison_dicts",
    "comparison_rows",
    "comparison_table",
    "config_changes_csv",
    "config_diff_table",
    "config_section",
    "copy_choices",
    "delta_text",
    "detail_pane_renderable",
    "display_json",
    "event_details",
    "events_csv",
    "events_json",
    "exact_value",
    "exports_table",
    "folded_exports_table",
    "format_gb",
    "format_mb",
    "format_memory",
    "format_optional",
    "format_value",
    "frequent_metrics",
    "full_detail_renderable",
    "history_lines",
    "history_section",
    "history_table",
    "lineage_label",
    "lineage_tree",
    "literal",
    "metadata_tree",
    "metric_cell",
    "metric_delta",
    "metrics_inline",
    "metrics_table",
    "model_detail_renderable",
    "model_fields_table",
    "model_label",
    "models_table",
    "records_csv",
    "records_json",
    "safe_text",
    "status_text",
    "step_deltas",
    "step_summary",
    "tags_text",
    "to_json",
    "visible",
    "write_csv",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'registry_tui.render' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
