"""The terminal app from the command line: ``tui`` and ``demo``.

The Textual app is imported only here, and only when it is about to run.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from registry_tui.cli.common import (
    CommandError,
    Output,
    UsageError,
    is_url,
    open_registry,
    resolve_db,
)

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers

DEMO_PATH = "demo.db"


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    tui = subparsers.add_parser(
        "tui", aliases=["app"], parents=parents, help="open the terminal app (also: app)"
    )
    tui.add_argument(
        "--read-only", action="store_true", help="browse only: change nothing, create no file"
    )
    tui.add_argument(
        "--create", action="store_true", help="create the SQLite registry file when it is missing"
    )
    tui.set_defaults(handler=run_tui)
    demo = subparsers.add_parser(
        "demo", parents=parents, help="build a demo registry (when missing) and open the app on it"
    )
    demo.add_argument(
        "path", nargs="?", default=DEMO_PATH, metavar="PATH", help=f"default: {DEMO_PATH}"
    )
    demo.add_argument("--no-open", action="store_true", help="only build it")
    demo.set_defaults(handler=run_demo)


def open_tui(args: argparse.Namespace, out: Output, *, read_only: bool) -> int:
    """Run the Textual app on the registry ``args`` names, until the user quits."""
    if not out.is_terminal():
        raise CommandError("The terminal app needs a terminal; for scripts use 'list' or 'get'")
    try:
        from registry_tui.tui.app import AppCrashed, run_app
    except ImportError as exc:
        raise CommandError(f"The terminal app is not available: {exc}") from None
    create = bool(getattr(args, "create", False))
    if create and read_only:
        raise UsageError("--create and --read-only exclude each other")
    location = resolve_db(args)
    if not create and not is_url(location) and not os.path.exists(location):
        from registry_tui.locations import missing_message

        raise CommandError(missing_message(location))
    with open_registry(args, reading=True, read_only=read_only) as registry:
        try:
            run_app(registry, read_only=read_only)
        except AppCrashed as exc:
            raise CommandError(str(exc)) from None
    return 0


def run_tui(args: argparse.Namespace, out: Output) -> int:
    """Open the terminal app."""
    return open_tui(args, out, read_only=args.read_only)


def _demo_exists(location: str) -> bool:
    if not is_url(location):
        return os.path.exists(location) and os.path.getsize(location) > 0
    from registry_tui import ModelRegistry
    from registry_tui.records import ModelQuery

    with ModelRegistry(location) as registry:
        return registry.records.count(ModelQuery(status=None)) > 0


def run_demo(args: argparse.Namespace, out: Output) -> int:
    """Build the demo registry at PATH unless it is there, then open the app on it."""
    location = args.path
    if _demo_exists(location):
        out.note(f"Using the existing demo registry at {location}")
    else:
        from registry_tui.demo import build_demo

        count = build_demo(location)
        out.note(f"Built a demo registry of {count} models at {location}")
    if args.no_open or not out.is_terminal():
        out.note(
            f"Open it with 'registry-tui demo {location}' "
            f"or list it with 'registry-tui --db {location} list'"
        )
        return 0
    args.db = location
    return open_tui(args, out, read_only=False)
