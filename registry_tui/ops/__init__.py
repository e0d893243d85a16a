"""Maintenance operations: check, backup, dump and load.

The same code serves the Python API (``ModelRegistry.check()``, ``.backup()``,
``.dump()``, ``.load()``, which delegate here) and the CLI (``registry-tui
check``, ``backup``, ``dump``, ``load``). Each operation takes the registry's
storage handle (:class:`~registry_tui.db.storage.Storage`), never the registry,
and leaves every query to ``db/`` (``check_rows``, ``bundle_rows``, ``sqlite_copy``).
Reports are frozen dataclasses; long operations accept a ``progress(stage,
done, total)`` callback and never import rich themselves.
"""

from registry_tui.ops.backup import BackupReport, backup
from registry_tui.ops.bundle import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    BundleConflictError,
    BundleError,
    dump_bundle,
    parse_bundle,
    read_bundle,
    save_bundle,
    write_bundle,
)
from registry_tui.ops.check import CheckReport, Problem, check
from registry_tui.ops.load import LoadReport, load_bundle
from registry_tui.ops.progress import Progress

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_FORMAT_VERSION",
    "BackupReport",
    "BundleConflictError",
    "BundleError",
    "CheckReport",
    "LoadReport",
    "Problem",
    "Progress",
    "backup",
    "check",
    "dump_bundle",
    "load_bundle",
    "parse_bundle",
    "read_bundle",
    "save_bundle",
    "write_bundle",
]
