"""Records to text: the one place a model, an event or a diff becomes something to read.

Both faces use these functions: the CLI prints the renderables and serialises
records to JSON or CSV; the terminal app puts the same renderables in its
widgets. Nothing here imports textual or pandas.

User-supplied strings (names, versions, paths, metadata, metric names) always
pass through :func:`safe_text` or :func:`visible`: rich markup in them is never
interpreted (they become :class:`rich.text.Text`, which has no markup), and
control characters, escape sequences and bidirectional overrides are shown as
backslash escapes (``"\\x1b"``) instead of reaching the terminal.

Serialisation formats:

* JSON: the API's dict keys (:meth:`ModelRecord.to_dict`), metrics nested as an
  object, UTF-8, indented. Lossless: control characters are JSON escapes.
* CSV: a header row, then one row per record. Lists (tags, export formats) are
  joined with ``,`` inside one cell; ``metadata``, ``exports`` and event
  ``details`` are JSON text in one cell; each metric gets its own column named
  ``metrics.<name>``. Control characters in cells are made visible as in
  tables, so CSV printed to a terminal is safe; use JSON for exact bytes.

The functions live in submodules by subject, all importable from here:
``text`` (safe text, small formatters), ``numbers`` (short and exact values, counted
nouns), ``models`` (the list table, the model panel), ``detail`` (one model in
full), ``lineage`` (comparisons and lineage trees), ``events`` (history and
config differences), ``serialise`` (JSON and CSV).
"""

from __future__ import annotations

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
    frequent_metrics,
    metadata_tree,
    metrics_table,
    model_detail_renderable,
    model_fields_table,
    models_table,
)
from registry_tui.render.numbers import exact_value, format_value
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
