"""Read commands: ``list``, ``get``, ``compare``, ``lineage``, ``config-diff``.

Each takes ``--format table|json|csv``. None of them imports textual or pandas:
they use the registry's record API and :mod:`registry_tui.render`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from registry_tui.cli.common import (
    PIPE_WIDTH_LIMIT,
    CommandError,
    Output,
    UsageError,
    add_format_option,
    add_model_id,
    id_list,
    name_list,
    non_negative_int,
    note_runs,
    open_registry,
)

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers
    from registry_tui.records import ModelQuery, ModelRecord

STATUS_CHOICES = ("active", "retired", "all")
DEFAULT_LIMIT = 100


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    _add_list(subparsers, parents)
    _add_get(subparsers, parents)
    _add_compare(subparsers, parents)
    lineage = subparsers.add_parser(
        "lineage", parents=parents, help="the fine-tune chain from the root model to this one"
    )
    add_model_id(lineage)
    lineage.add_argument(
        "--family", action="store_true", help="the whole family tree (every descendant of the root)"
    )
    add_format_option(lineage)
    lineage.set_defaults(handler=run_lineage)
    diff = subparsers.add_parser(
        "config-diff", parents=parents, help="differences between two models' stored configs"
    )
    diff.add_argument("--model-ids", type=id_list, required=True, metavar="A,B", help="two ids")
    add_format_option(diff)
    diff.set_defaults(handler=run_config_diff)


def _add_list(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("list", parents=parents, help="list models, filtered and sorted")
    p.add_argument("--task-type", help="only this task type")
    p.add_argument("--tag", help="only models with this tag")
    p.add_argument("--status", choices=STATUS_CHOICES, default="active", help="default: active")
    p.add_argument("--name", metavar="GLOB", help="name or shell glob, e.g. 'gpt-*'")
    p.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="COND",
        help="metric condition such as 'val_loss<0.4' (repeat to AND several)",
    )
    p.add_argument("--sort", metavar="KEY", help="e.g. -accuracy, version, created_at")
    p.add_argument(
        "--limit", type=non_negative_int, default=DEFAULT_LIMIT, help="at most N (0: all)"
    )
    p.add_argument("--verbose", "-v", action="store_true", help="more columns")
    p.add_argument(
        "--exact-count",
        action="store_true",
        help="count every match under the table (slower on a large registry: by default "
        "a large count is shown as at least, e.g. '1,000+')",
    )
    add_format_option(p)
    p.set_defaults(handler=run_list)


def _add_get(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("get", parents=parents, help="one model: every field")
    add_model_id(p, required=False)
    p.add_argument("--name", help="model name (with --version)")
    p.add_argument("--version", help="model version (with --name)")
    p.add_argument("--tag", help="the model holding this tag")
    add_format_option(p)
    p.set_defaults(handler=run_get)


def _add_compare(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("compare", parents=parents, help="metrics of models side by side")
    p.add_argument("--model-ids", type=id_list, required=True, metavar="1,2,3", help="model ids")
    p.add_argument("--metrics", type=name_list, metavar="A,B", help="only these metrics")
    p.add_argument(
        "--lower-better",
        type=name_list,
        default=[],
        metavar="A,B",
        help="treat these metrics as better when lower (overrides the name and the registry)",
    )
    p.add_argument(
        "--higher-better",
        type=name_list,
        default=[],
        metavar="A,B",
        help="treat these metrics as better when higher (overrides the name and the registry)",
    )
    add_format_option(p)
    p.set_defaults(handler=run_compare)


# --------------------------------------------------------------------------- list


def list_query(args: argparse.Namespace) -> ModelQuery:
    """The :class:`ModelQuery` the ``list`` flags describe."""
    from registry_tui.records import ModelQuery

    return ModelQuery(
        task_type=args.task_type,
        tag=args.tag,
        status=None if args.status == "all" else args.status,
        name=args.name,
        where=tuple(args.where),
        order_by=args.sort,
    )


def run_list(args: argparse.Namespace, out: Output) -> int:
    """List models; exit status 1 when nothing matches."""
    from registry_tui import render

    limit = args.limit or None
    with open_registry(args, must_exist=True, reading=True) as registry:
        query = list_query(args)  # a bad --where or --sort is reported once the file is found
        if args.format == "table":
            page = registry.records.page(query, 0, limit) if limit else None
            records = list(page.records) if page else registry.records.query(query, 0, None)
            total = page.total if page else len(records)
            exact = page.exact if page else True
            if not exact and args.exact_count:
                total, exact = registry.records.count(query), True
        else:
            records = registry.records.query(query, 0, limit)
            total, exact = len(records), True
    if args.format == "json":
        out.write(render.records_json(records))
    elif args.format == "csv":
        out.write(render.records_csv(records))
    elif records:
        _emit_list(out, records, total, args.verbose, exact)
    if not records:
        raise CommandError("No models match")
    return 0


def _emit_list(
    out: Output, records: list[ModelRecord], total: int, verbose: bool, exact: bool
) -> None:
    """The list table: plain text when piped and rich can be spared, else through rich."""
    from registry_tui.render.plain import frequent_metrics, models_table_text

    caption = _list_caption(len(records), total, exact)
    metrics = [] if verbose else frequent_metrics(records)
    if out.takes_plain_text():
        text = models_table_text(
            records, metrics=metrics, verbose=verbose, caption=caption, max_width=PIPE_WIDTH_LIMIT
        )
        if text is not None:
            out.stdout.write(text)
            return
    from registry_tui import render

    out.emit(render.models_table(records, metrics=metrics, verbose=verbose, caption=caption))


def _list_caption(shown: int, total: int, exact: bool) -> str:
    """``Showing 50 of 10,000+ models (--limit N to see more)``, or the count alone."""
    from registry_tui.render.counts import count_label

    if shown < total or not exact:
        size = count_label(total, at_least=not exact)
        return f"Showing {shown:,} of {size} (--limit N to see more)"
    return count_label(total)


# --------------------------------------------------------------------------- get


def _lookup_description(args: argparse.Namespace) -> str:
    if args.model_id is not None:
        return f"Model {args.model_id} not found"
    if args.tag:
        return f"No model has tag '{args.tag}'"
    return f"Model '{args.name}' version '{args.version}' not found"


def _check_get_args(args: argparse.Namespace) -> None:
    ways = sum([args.model_id is not None, args.name is not None, args.tag is not None])
    if ways != 1:
        raise UsageError("give exactly one of --model-id, --name with --version, or --tag")
    if (args.name is None) != (args.version is None):
        raise UsageError("--name and --version go together")


def run_get(args: argparse.Namespace, out: Output) -> int:
    """Show one model, found by id, by name and version, or by tag."""
    _check_get_args(args)
    with open_registry(args, must_exist=True, reading=True) as registry:
        record = registry.records.find(
            model_id=args.model_id, name=args.name, version=args.version, tag=args.tag
        )
        shown = record is not None and bool(record.metrics) and args.format == "table"
        recorded = registry.metric_directions() if shown else {}
        run = None if record is None else registry.run_of_record(record)
        note_runs(registry, out)
    if record is None:
        raise CommandError(_lookup_description(args))
    from registry_tui.metrics import direction_lists

    lower, higher = direction_lists(recorded)
    if args.format == "table" and run is None and out.takes_plain_text():
        from registry_tui.render.plain import detail_text

        text = detail_text(record, max_width=PIPE_WIDTH_LIMIT, lower=lower, higher=higher)
        if text is not None:
            out.stdout.write(text)
            return 0
    from registry_tui import render  # only once there is something to show

    if args.format == "json":
        model = record.to_dict()
        out.write(render.to_json(model if run is None else {**model, "run": run.to_dict()}))
    elif args.format == "csv":
        out.write(render.records_csv([record], with_exports=True))
    else:
        out.emit(render.model_detail_renderable(record, lower=lower, higher=higher, run=run))
    return 0


# --------------------------------------------------------------------------- compare


def run_compare(args: argparse.Namespace, out: Output) -> int:
    """Compare models' metrics; the best value of each is marked."""
    from registry_tui import render
    from registry_tui.metrics import direction_lists

    with open_registry(args, must_exist=True, reading=True) as registry:
        records = registry.records.compare(args.model_ids)
        recorded = registry.metric_directions()
    lower, higher = direction_lists(recorded, args.lower_better, args.higher_better)
    rows = render.comparison_rows(records, args.metrics, lower, higher)
    if args.format == "json":
        out.write(render.to_json(render.comparison_dicts(records, rows)))
    elif args.format == "csv":
        out.write(render.comparison_csv(records, rows))
    elif rows:
        out.emit(render.comparison_table(records, rows))
    else:
        out.say("These models have no metrics to compare")
    return 0


# --------------------------------------------------------------------------- lineage


def run_lineage(args: argparse.Namespace, out: Output) -> int:
    """Show the chain from the root model down to this one (or the whole family)."""
    from registry_tui import render
    from registry_tui.metrics import direction_lists

    with open_registry(args, must_exist=True, reading=True) as registry:
        registry.records.require(args.model_id)
        if args.family:
            records = registry.records.family(args.model_id)
        else:
            records = registry.records.lineage(args.model_id)
        lower, higher = direction_lists(registry.metric_directions())
    if args.format == "json":
        out.write(render.records_json(records))
    elif args.format == "csv":
        out.write(render.records_csv(records))
    else:
        tree = render.lineage_tree(records, current_id=args.model_id, lower=lower, higher=higher)
        out.emit(tree)
    return 0


# --------------------------------------------------------------------------- config-diff


def run_config_diff(args: argparse.Namespace, out: Output) -> int:
    """Show how two models' stored configs differ."""
    from registry_tui import render

    if len(args.model_ids) != 2:
        raise UsageError("--model-ids takes exactly two ids, e.g. 3,7")
    first, second = args.model_ids
    with open_registry(args, must_exist=True, reading=True) as registry:
        left, right = registry.records.compare([first, second])
        changes = registry.records.config_changes(first, second)
    if args.format == "json":
        out.write(render.to_json([c.to_dict() for c in changes]))
    elif args.format == "csv":
        out.write(render.config_changes_csv(changes))
    elif changes:
        out.emit(render.config_diff_table(changes, left, right))
    else:
        out.say(f"The configs of models {first} and {second} are identical")
    return 0
