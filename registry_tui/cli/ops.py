"""Maintenance commands: ``check``, ``upgrade``, ``backup``, ``dump``, ``load``.

Long runs (hashing checkpoints, dumping or loading big registries) draw a
progress bar on stderr when it is a terminal, and stay quiet when piped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from registry_tui.cli.common import (
    Output,
    is_url,
    open_registry,
    require_existing,
    resolve_db,
)

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers
    from registry_tui.ops import CheckReport, LoadReport
    from registry_tui.ops.progress import Progress

STDIO = "-"


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    check = subparsers.add_parser(
        "check",
        parents=parents,
        help="check the database and the files it points at (exit 1 on a problem)",
    )
    check.add_argument(
        "--hashes",
        action="store_true",
        help="record each checkpoint's SHA-256 on first run, report changed files after",
    )
    check.add_argument(
        "--remote",
        action="store_true",
        help="ask each store (s3://, gs://, hf://) about its checkpoints and exports: "
        "missing, resized, content changed, or cannot verify (a multipart ETag)",
    )
    check.add_argument(
        "--inspect",
        action="store_true",
        help="read each local checkpoint's headers again; report content that no longer "
        "matches what registration recorded",
    )
    check.add_argument(
        "--repair",
        action="store_true",
        help="first normalise odd legacy values (one transaction, each change in the history)",
    )
    check.add_argument("--format", choices=("table", "json"), default="table", help="output")
    check.set_defaults(handler=run_check)
    upgrade = subparsers.add_parser(
        "upgrade",
        parents=parents,
        help="migrate the registry's schema to this version (read-only opens never do)",
    )
    upgrade.set_defaults(handler=run_upgrade)
    backup = subparsers.add_parser(
        "backup", parents=parents, help="consistent copy of a SQLite registry, while others write"
    )
    backup.add_argument("dest", metavar="DEST", help="file to write (or a directory)")
    backup.add_argument("--force", action="store_true", help="replace DEST if it exists")
    backup.set_defaults(handler=run_backup)
    dump = subparsers.add_parser(
        "dump", parents=parents, help="write the whole registry to a JSON bundle"
    )
    dump.add_argument("file", metavar="FILE", help="bundle to write ('-' for stdout)")
    dump.set_defaults(handler=run_dump)
    load = subparsers.add_parser(
        "load",
        parents=parents,
        help="load a bundle into the registry (--db), all or nothing, keeping ids and history",
    )
    load.add_argument("file", metavar="FILE", help="bundle to read ('-' for stdin)")
    load.set_defaults(handler=run_load)


# -- progress ---------------------------------------------------------------------------------


@contextmanager
def progress_bar(out: Output) -> Iterator[Progress | None]:
    """A progress callback drawing on stderr when it is a terminal; ``None`` otherwise."""
    try:
        terminal = out.stderr.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if not terminal:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    console = Console(file=out.stderr)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Bar(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


# -- check --------------------------------------------------------------------------------------


def run_check(args: argparse.Namespace, out: Output) -> int:
    """Check the registry; print every problem; exit 1 when there is any."""
    from registry_tui import ModelRegistry

    location = _existing_location(args)
    if args.repair:
        _repair(args, out)
    with progress_bar(out) as progress:
        report = ModelRegistry.check_location(
            location,
            hashes=args.hashes,
            progress=progress,
            remote=args.remote,
            inspect=args.inspect,
        )
    if args.format == "json":
        from registry_tui.jsontext import to_json

        out.write(to_json(report.to_dict()))
        return 0 if report.ok else 1
    if report.problems:
        from registry_tui.render.check import check_table

        out.emit(check_table(report.location, report.problems))
    if report.ok:
        out.say(_summary(report))
    else:
        out.say(f"{report.location}: {len(report.problems)} problem(s) found")
    return 0 if report.ok else 1


def _repair(args: argparse.Namespace, out: Output) -> None:
    """Normalise legacy values; say what changed (on stderr when stdout is JSON)."""
    with open_registry(args) as registry:
        repairs = registry.repair()
    say = out.note if args.format == "json" else out.say
    for repair in repairs:
        fields = ", ".join(sorted(repair.changes))
        say(f"Repaired model {repair.model_id}: {fields}")
    say(f"Repaired {len(repairs)} model(s); each change is in the history (event 'repair')")


def _existing_location(args: argparse.Namespace) -> str:
    location = resolve_db(args)
    require_existing(location)
    return location


def _summary(report: CheckReport) -> str:
    parts = [*report.notes, f"schema version {report.schema_version}", f"{report.models} models"]
    parts.append(f"{report.checkpoints_present} checkpoints present, sizes as recorded")
    parts.append(f"{report.exports_present} exports present")
    if report.hashes_verified:
        parts.append(f"{report.hashes_verified} checkpoint hashes unchanged")
    if report.hashes_recorded:
        parts.append(f"{report.hashes_recorded} checkpoint hashes recorded")
    if report.checkpoints_inspected:
        parts.append(f"{report.checkpoints_inspected} checkpoints inspected, content as recorded")
    if report.remote_present:
        parts.append(f"{report.remote_present} remote paths present")
    if report.remote_verified:
        parts.append(f"{report.remote_verified} remote checkpoints unchanged")
    unverifiable = len(report.problems)
    if unverifiable:
        parts.append(f"{unverifiable} remote checkpoints cannot be verified")
    if report.remote_skipped:
        parts.append(f"{report.remote_skipped} remote paths not verified (--remote verifies them)")
    return f"{report.location}: ok ({'; '.join(parts)})"


# -- upgrade ---------------------------------------------------------------------------------------


def run_upgrade(args: argparse.Namespace, out: Output) -> int:
    """Open the registry for writing, which migrates it; say what changed."""
    with open_registry(args, must_exist=True) as registry:
        found = registry.upgraded_from
        where = registry.location
        current = registry.schema_version
    if found is None:
        out.say(f"{where} is up to date (schema version {current})")
    else:
        out.say(f"Upgraded {where} from schema version {found} to {current}")
    return 0


# -- backup ---------------------------------------------------------------------------------------


def run_backup(args: argparse.Namespace, out: Output) -> int:
    """Copy a SQLite registry with the online backup API; verify the copy."""
    with (
        open_registry(args, must_exist=True, reading=True) as registry,
        progress_bar(out) as progress,
    ):
        report = registry.backup_report(args.dest, overwrite=args.force, progress=progress)
    size = report.size_bytes / (1024 * 1024)
    out.say(
        f"Backed up {report.source} to {report.path}: {report.models} models, {size:.1f} MB, "
        f"integrity_check ok ({report.seconds:.1f} s)"
    )
    return 0


# -- dump and load ------------------------------------------------------------------------------


def run_dump(args: argparse.Namespace, out: Output) -> int:
    """Write the registry to a bundle file (or stdout)."""
    from registry_tui.ops import save_bundle, write_bundle

    with (
        open_registry(args, must_exist=True, reading=True) as registry,
        progress_bar(out) as progress,
    ):
        location = registry.location
        bundle = registry.dump_bundle(progress)
        if args.file == STDIO:
            write_bundle(bundle, out.stdout, progress)
        else:
            save_bundle(bundle, args.file, progress)
    message = f"Dumped {_counts(bundle)} from {location}"
    if args.file == STDIO:
        out.note(message)
    else:
        out.say(f"{message} to {args.file}")
    return 0


def run_load(args: argparse.Namespace, out: Output) -> int:
    """Load a bundle; a new SQLite file is removed again when the load is refused."""
    from registry_tui.ops import parse_bundle, read_bundle

    if args.file == STDIO:
        bundle = parse_bundle(sys.stdin.read(), "standard input")
    else:
        bundle = read_bundle(args.file)
    location = resolve_db(args)
    created = not is_url(location) and not os.path.exists(location)
    try:
        with open_registry(args) as registry, progress_bar(out) as progress:
            report = registry.load(bundle, progress)
            where = registry.location
    except BaseException:
        if created:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(location + suffix)
        raise
    out.say(f"Loaded {_counts(report.to_dict())} into {where}")
    return 0


def _counts(data: LoadReport | dict[str, Any]) -> str:
    names = {
        "models": "models",
        "model_tags": "tags",
        "model_exports": "exports",
        "model_configs": "configs",
        "registry_events": "history events",
    }
    counts = data if isinstance(data, dict) else data.to_dict()
    return ", ".join(f"{_size(counts.get(key))} {label}" for key, label in names.items())


def _size(value: Any) -> int:
    return len(value) if isinstance(value, list) else int(value or 0)
