"""The card's training-run section: the run the model came from, as the run source
records it (``ModelRegistry(..., experiments=...)``)."""

from __future__ import annotations

from registry_tui.cards.markdown import inline, prose, table
from registry_tui.render.numbers import exact_value
from registry_tui.runs.info import RunInfo


def run_section(run: RunInfo | None) -> str:
    """Name, status, created time and notes of the run, then each metric's final value
    (the last step's) and best; a line saying no run is known without one."""
    if run is None:
        return "No training run known (the registry reads runs with experiments=...)."
    lines = [f"- **Run:** {inline(run.run_id)}" + (f" ({inline(run.name)})" if run.name else "")]
    if run.status:
        lines.append(f"- **Status:** {inline(run.status)}")
    if run.created_at:
        lines.append(f"- **Created:** {inline(run.created_at)} (UTC)")
    parts = ["\n".join(lines)]
    if run.notes:
        parts.append(prose(run.notes))
    names = list(dict.fromkeys([*run.final_metrics, *run.best_metrics]))
    if names:
        rows = [
            [inline(name), _value(run.final_metrics.get(name)), _value(run.best_metrics.get(name))]
            for name in names
        ]
        parts.append(table(["Metric", "Final", "Best"], rows, right=(1, 2)))
    return "\n\n".join(parts)


def _value(value: float | None) -> str:
    return "-" if value is None else exact_value(value)
