"""``runs``: the training runs, each with the models it produced.

Runs are read from ``--experiments`` (an ExperimentDB file or an MLflow tracking
URI); without it, or when it cannot be read, the runs models name are listed by
id alone, and a one-line notice says why on stderr. Imports neither textual nor pandas.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from registry_tui.cli.common import Output, add_format_option, note_runs, open_registry

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers
    from registry_tui.runs import RunInfo

RunRows = Sequence[tuple["RunInfo", Sequence[int]]]


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``runs`` to the parser."""
    p = subparsers.add_parser(
        "runs",
        parents=parents,
        help="training runs (from --experiments) with the models each produced",
    )
    add_format_option(p)
    p.set_defaults(handler=run_runs)


def run_runs(args: argparse.Namespace, out: Output) -> int:
    """List the runs, newest first, then the runs models name that the source lacks."""
    with open_registry(args, must_exist=True, reading=True) as registry:
        rows = registry.runs()
        note_runs(registry, out)
    from registry_tui import render

    if args.format == "json":
        out.write(render.to_json([{**run.to_dict(), "model_ids": list(m)} for run, m in rows]))
    elif args.format == "csv":
        out.write(runs_csv(rows))
    elif rows:
        from registry_tui.render.runs import runs_table

        out.emit(runs_table(rows))
    else:
        out.say("No runs: no model names a training run")
    return 0


def runs_csv(rows: RunRows) -> str:
    """Runs as CSV: the run's fields, ``model_ids``, then ``final.<metric>`` and
    ``best.<metric>`` columns."""
    from registry_tui.metrics import metric_union
    from registry_tui.render import write_csv

    metrics = metric_union(run.final_metrics for run, _ in rows)
    header = ["run_id", "name", "status", "created_at", "notes", "found", "model_ids"]
    header += [f"final.{m}" for m in metrics] + [f"best.{m}" for m in metrics]
    return write_csv(header, [_csv_row(run, models, metrics) for run, models in rows])


def _csv_row(run: RunInfo, models: Sequence[int], metrics: Sequence[str]) -> list[object]:
    fields = [run.run_id, run.name, run.status, run.created_at, run.notes, run.found]
    return [
        *fields,
        ",".join(str(m) for m in models),
        *(run.final_metrics.get(m) for m in metrics),
        *(run.best_metrics.get(m) for m in metrics),
    ]
