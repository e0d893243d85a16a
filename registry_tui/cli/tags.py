"""Tag commands and the history: ``promote``, ``untag``, ``rollback``, ``history``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from registry_tui.cli.common import (
    CommandError,
    Output,
    UsageError,
    add_format_option,
    add_model_id,
    non_negative_int,
    open_registry,
)

if TYPE_CHECKING:
    from registry_tui import ModelRegistry
    from registry_tui.cli.common import Subparsers
    from registry_tui.records import EventRecord


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    promote = subparsers.add_parser(
        "promote", parents=parents, help="tag a model (removing the tag from others by default)"
    )
    add_model_id(promote)
    promote.add_argument("--tag", required=True, help="e.g. production, staging")
    promote.add_argument(
        "--keep-others", action="store_true", help="leave the tag on the models that have it"
    )
    promote.add_argument(
        "--break-glass", action="store_true",
        help="admin only: move a protected tag at once (recorded as break_glass)",
    )  # fmt: skip
    promote.add_argument("--reason", help="why (required with --break-glass)")
    promote.set_defaults(handler=run_promote)
    untag = subparsers.add_parser("untag", parents=parents, help="remove a tag from a model")
    add_model_id(untag)
    untag.add_argument("--tag", required=True, help="the tag to remove")
    untag.set_defaults(handler=run_untag)
    rollback = subparsers.add_parser(
        "rollback", parents=parents, help="give a tag back to the model(s) that held it before"
    )
    rollback.add_argument("--tag", required=True, help="e.g. production")
    rollback.set_defaults(handler=run_rollback)
    _add_history(subparsers, parents)


def _add_history(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("history", parents=parents, help="what changed, newest first")
    add_model_id(p, required=False)
    p.add_argument("--tag", help="only events about this tag")
    p.add_argument("--limit", type=non_negative_int, default=100, help="at most N (0: all)")
    add_format_option(p)
    p.set_defaults(handler=run_history)


def run_promote(args: argparse.Namespace, out: Output) -> int:
    """Tag a model; say which models lost the tag (as the core reports it)."""
    from registry_tui.render.plans import promote_summary

    if args.break_glass and not args.reason:
        raise UsageError('--break-glass needs --reason "..." (kept in the history)')
    with open_registry(args, must_exist=True) as registry:
        if args.break_glass:
            result = registry.break_glass_promote(args.model_id, args.tag, args.reason)
        else:
            result = registry.promote_model(
                args.model_id, args.tag, remove_from_others=not args.keep_others
            )
    out.say(promote_summary(result.model, result.tag, result.removed_from, result.changed))
    return 0


def run_untag(args: argparse.Namespace, out: Output) -> int:
    """Remove a tag from a model; warn when an exclusive tag is left with no active holder."""
    from registry_tui.render.plans import model_ref, orphan_warnings

    with open_registry(args, must_exist=True) as registry:
        plan = registry.records.untag_plan(args.model_id, args.tag)
        for warning in orphan_warnings(plan):
            out.note(f"warning: {warning}")
        registry.remove_tag(args.model_id, args.tag)
    out.say(f"Removed tag {args.tag} from model {model_ref(plan.model)}")
    return 0


def run_rollback(args: argparse.Namespace, out: Output) -> int:
    """Undo the last promotion of a tag."""
    with open_registry(args, must_exist=True) as registry:
        model_id = registry.rollback_tag(args.tag)
        record = registry.records.get(model_id)
    label = f" ({record.label})" if record is not None else ""
    out.say(f"Rolled back {args.tag}: now on model {model_id}{label}")
    return 0


def model_labels(registry: ModelRegistry, events: list[EventRecord]) -> dict[int, str]:
    """``name version`` of the models the events mention that still exist."""
    ids = {e.model_id for e in events} | {e.previous_model_id for e in events}
    records = registry.records.by_ids(i for i in ids if i is not None)
    return {model_id: record.label for model_id, record in records.items()}


def run_history(args: argparse.Namespace, out: Output) -> int:
    """Show the history of changes, newest first; exit status 1 when there is none."""
    from registry_tui import render

    with open_registry(args, must_exist=True, reading=True) as registry:
        events = registry.records.events(
            model_id=args.model_id, tag=args.tag, limit=args.limit or None
        )
        labels = model_labels(registry, events) if args.format == "table" else {}
    if args.format == "json":
        out.write(render.events_json(events))
    elif args.format == "csv":
        out.write(render.events_csv(events))
    elif events:
        out.emit(render.history_table(events, labels))
    if not events:
        raise CommandError("No history matches")
    return 0
