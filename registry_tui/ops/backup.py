"""``backup``: a consistent copy of a SQLite registry while others keep writing.

The guide's ``cp models.db models.db.backup`` can copy a torn file: a write
may land half-way through the copy, and the WAL file with the latest commits
is left behind. SQLite's online backup API copies one consistent snapshot
instead; in WAL mode writers carry on meanwhile. The copy is written beside
its destination under a temporary name, checked with ``integrity_check``,
switched to a self-contained rollback journal, made readable by its owner
only, and only then renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from registry_tui.db.sqlite_copy import copy_database
from registry_tui.errors import StorageError
from registry_tui.ops.progress import Progress, or_silent

if TYPE_CHECKING:
    from registry_tui.db.storage import Storage


@dataclass(frozen=True, slots=True)
class BackupReport:
    """Where the copy went and what it holds."""

    source: str
    path: Path
    size_bytes: int
    models: int
    seconds: float


def backup(
    storage: Storage,
    dest: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> BackupReport:
    """Copy the registry's SQLite file to ``dest`` (a file, or a directory to put it in).

    Raises:
        StorageError: on PostgreSQL (use ``pg_dump``), when ``dest`` exists and
            ``overwrite`` is false, is the registry itself, or cannot be written,
            or when the copy fails ``integrity_check``.
    """
    if storage.backend != "sqlite":
        raise StorageError(
            f"backup copies SQLite files; {storage.location} is PostgreSQL: use pg_dump "
            "(pg_dump --format=custom --file registry.pgdump DBNAME), "
            "or 'registry-tui dump FILE' for a portable bundle"
        )
    source = storage.target.path
    assert source is not None
    target = _destination(Path(source), Path(os.fspath(dest)), overwrite)
    report = or_silent(progress)
    started = time.perf_counter()
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)  # mkstemp made it 0600; SQLite writes the copy into it
    temp = Path(temp_name)
    try:
        models = copy_database(source, temp, lambda done, total: report("copying", done, total))
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return BackupReport(
        source=storage.location,
        path=target,
        size_bytes=target.stat().st_size,
        models=models,
        seconds=time.perf_counter() - started,
    )


def _destination(source: Path, dest: Path, overwrite: bool) -> Path:
    if dest.is_dir():
        dest = dest / source.name
    if not dest.parent.is_dir():
        raise StorageError(f"Cannot write backup {dest}: directory {dest.parent} does not exist")
    if dest.exists():
        if dest.samefile(source):
            raise StorageError(f"Backup destination {dest} is the registry itself")
        if not overwrite:
            raise StorageError(f"Backup destination {dest} exists (use --force to replace it)")
    return dest
