"""Training runs as rich renderables: one run beside its model, and the runs listing.

What the run source records (names, notes, metric names) is user text: it passes
through :func:`~registry_tui.render.text.safe_text` like every other.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from registry_tui.render.numbers import format_value
from registry_tui.render.text import format_optional, safe_text, visible
from registry_tui.runs.info import RunInfo

RUN_STATUS_STYLES = {"completed": "green", "finished": "green", "running": "yellow"}


def run_title(run: RunInfo) -> Text:
    """``Run 42 · baseline``: how a run is named in titles."""
    text = Text(f"Run {visible(run.run_id)}", style="bold")
    if run.name is not None:
        text.append(" · ")
        text.append(visible(run.name))
    return text


def run_status(status: str | None) -> Text:
    """A run's status, green when it finished and yellow while it runs."""
    if status is None:
        return Text("-")
    return safe_text(status, RUN_STATUS_STYLES.get(status.lower(), ""))


def run_metrics_table(run: RunInfo) -> Table:
    """Each metric the run logged: its final value (the last step's) and its best."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Metric")
    table.add_column("Final", justify="right")
    table.add_column("Best", justify="right")
    for name in dict.fromkeys([*run.final_metrics, *run.best_metrics]):
        final, best = run.final_metrics.get(name), run.best_metrics.get(name)
        table.add_row(safe_text(name), Text(format_value(final)), Text(format_value(best)))
    return table


def run_renderable(run: RunInfo) -> RenderableType:
    """The run a model came from: title, status, created, notes, then its metrics."""
    if not run.found:
        return Text.assemble(run_title(run), (" not found where runs are read", "dim"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("status", run_status(run.status))
    grid.add_row("created_at", Text(format_optional(run.created_at)))
    grid.add_row("notes", Text(format_optional(run.notes)))
    parts: list[RenderableType] = [run_title(run), grid]
    if run.final_metrics or run.best_metrics:
        parts.append(run_metrics_table(run))
    return Group(*parts)


def runs_table(runs: Sequence[tuple[RunInfo, Sequence[int]]]) -> Table:
    """Runs with the models each produced: id, name, status, created, models, final metrics."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Run", justify="right", no_wrap=True)
    table.add_column("Name", style="bold")
    table.add_column("Status")
    table.add_column("Created", no_wrap=True)
    table.add_column("Models")
    table.add_column("Final metrics")
    for run, models in runs:
        table.add_row(
            safe_text(run.run_id),
            safe_text(run.name) if run.name is not None else Text("-"),
            run_status(run.status) if run.found else Text("not found", style="dim"),
            Text(format_optional(run.created_at)),
            Text(", ".join(str(m) for m in models) or "-"),
            Text(" ".join(f"{visible(k)}={format_value(v)}" for k, v in run.final_metrics.items())),
        )
    return table
