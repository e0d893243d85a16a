"""What the registry records about metrics and tags: ``metric`` and ``tag-policy``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from registry_tui.cli.common import Output, UsageError, open_registry

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    metric = subparsers.add_parser(
        "metric",
        parents=parents,
        help="record which way a metric is better (used by compare, lineage and the app)",
    )
    metric.add_argument("name", metavar="METRIC", nargs="?", help="metric name (none: list)")
    way = metric.add_mutually_exclusive_group()
    way.add_argument("--lower-better", action="store_true", help="smaller values are better")
    way.add_argument("--higher-better", action="store_true", help="larger values are better")
    way.add_argument("--clear", action="store_true", help="forget it: guess from the name again")
    metric.set_defaults(handler=run_metric)
    policy = subparsers.add_parser(
        "tag-policy",
        parents=parents,
        help="mark a tag exclusive (one holder at a time) or shared",
    )
    policy.add_argument("tag", metavar="TAG", nargs="?", help="tag name (none: list)")
    kind = policy.add_mutually_exclusive_group()
    kind.add_argument("--exclusive", action="store_true", help="one model holds it at a time")
    kind.add_argument("--shared", action="store_true", help="any number of models may hold it")
    policy.set_defaults(handler=run_tag_policy)


def run_metric(args: argparse.Namespace, out: Output) -> int:
    """Record, forget or list metric directions."""
    if args.name is None:
        if args.lower_better or args.higher_better or args.clear:
            raise UsageError("give the METRIC to set, e.g. registry-tui metric wer --lower-better")
        with open_registry(args, must_exist=True) as registry:
            recorded = registry.metric_directions()
        for name, low in recorded.items():
            out.say(f"{name}: {'lower' if low else 'higher'} is better")
        if not recorded:
            out.say("No metric directions recorded: each is guessed from its name")
        return 0
    if not (args.lower_better or args.higher_better or args.clear):
        raise UsageError("give --lower-better, --higher-better or --clear")
    lower: bool | None = True if args.lower_better else False if args.higher_better else None
    with open_registry(args) as registry:
        registry.set_metric_direction(args.name, lower)
    if lower is None:
        out.say(f"{args.name}: direction forgotten (guessed from the name)")
    else:
        out.say(f"{args.name}: {'lower' if lower else 'higher'} is better")
    return 0


def run_tag_policy(args: argparse.Namespace, out: Output) -> int:
    """Mark a tag exclusive or shared, or list the tags that have a policy."""
    if args.tag is None:
        if args.exclusive or args.shared:
            raise UsageError("give the TAG, e.g. registry-tui tag-policy staging --exclusive")
        with open_registry(args, must_exist=True) as registry:
            found = registry.tag_policies()
        for tag, exclusive in found.items():
            out.say(f"{tag}: {'exclusive' if exclusive else 'shared'}")
        return 0
    if not (args.exclusive or args.shared):
        raise UsageError("give --exclusive or --shared")
    with open_registry(args) as registry:
        registry.set_tag_policy(args.tag, bool(args.exclusive))
    out.say(f"{args.tag}: {'exclusive' if args.exclusive else 'shared'}")
    return 0
