"""A registry database held open: where it is, its mode, transactions, closing it, and
the operations on the registry as a whole (check, repair, backup, dump, load).

:class:`~registry_tui.registry.ModelRegistry` is an :class:`OpenRegistry` with the
guide's API on top. The operations' work is in :mod:`registry_tui.ops`, which takes
the storage handle and never this class; they are imported when first used.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from registry_tui.db import migrations
from registry_tui.db.connect import can_write, parse_target
from registry_tui.db.guard import guard as _guard
from registry_tui.db.session import Session, default_actor, utc_now
from registry_tui.db.storage import Clock
from registry_tui.errors import RegistryError

if TYPE_CHECKING:
    from registry_tui.db.repair import Repair
    from registry_tui.db.writes import Writer
    from registry_tui.ops.backup import BackupReport
    from registry_tui.ops.findings import CheckReport
    from registry_tui.ops.load import LoadReport
    from registry_tui.ops.progress import Progress


class OpenRegistry:
    """An open registry database (see :class:`~registry_tui.registry.ModelRegistry`)."""

    def __init__(
        self,
        db: str | os.PathLike[str] = "models.db",
        *,
        clock: Clock | None = None,
        actor: str | None = None,
        read_only: bool = False,
    ) -> None:
        self.actor = actor or default_actor()
        """Who the history records as making this registry's changes (``user@host``)."""
        self._session = Session(db, clock or utc_now, read_only)
        self._storage = self._session.storage
        self._store = self._session.store
        self._live = self._session.live

    @functools.cached_property
    def _writer(self) -> Writer:
        """The write side, made on the first write: read commands never import it."""
        from registry_tui.db.writes import Writer

        return Writer(self._store, self.actor)

    # -- identity -----------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the registry lives, safe to print (no password)."""
        return self._storage.location

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._storage.backend

    @property
    def read_only(self) -> bool:
        """True when every change is refused (the registry was opened with ``read_only=True``)."""
        return self._storage.read_only

    @property
    def upgraded_from(self) -> int | None:
        """The schema version found on open when this open migrated it, else ``None``."""
        return self._session.upgraded_from

    @property
    def schema_version(self) -> int:
        """The schema version this registry-tui writes (an open registry is at it)."""
        return migrations.SCHEMA_VERSION

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end).

        A writable registry first lets SQLite refresh its planner statistics. A
        read-only registry closes every thread's connection, and removes the
        ``-wal``/``-shm`` files its open made SQLite create, when nobody else uses them.
        """
        self._session.close()

    def _now(self) -> str:
        return self._storage.now()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one transaction (the guide's "batch operations").

        Each call inside still succeeds or fails on its own (a savepoint), and
        everything commits together at the end of the block::

            with registry.transaction():
                for spec in specs:
                    registry.register_model(**spec)
        """
        with self._session.transaction():
            yield

    # -- the registry as a whole (the work is in ops/) ------------------------------------------
    @classmethod
    def check_location(
        cls,
        db: str | os.PathLike[str],
        hashes: bool = False,
        progress: Progress | None = None,
        *,
        remote: bool = False,
        inspect: bool = False,
    ) -> CheckReport:
        """Open ``db`` and check it; a database that will not open is reported, not raised.

        A SQLite file this process cannot write is checked read-only. For a file
        the registry cannot open (corrupt, not a database, newer schema) the report
        holds the opening error and whatever SQLite's ``integrity_check`` says.
        """
        from registry_tui.ops.check import unopened

        target = parse_target(db)
        path = target.path if target.backend == "sqlite" else None
        unwritable = path is not None and os.path.isfile(path) and not can_write(path)
        try:
            registry = cls(db, read_only=unwritable)
        except RegistryError as exc:
            return unopened(target, exc)
        with registry:
            return registry.check(hashes=hashes, progress=progress, remote=remote, inspect=inspect)

    def check(
        self,
        hashes: bool = False,
        progress: Progress | None = None,
        *,
        remote: bool = False,
        inspect: bool = False,
    ) -> CheckReport:
        """Integrity, references and files; ``hashes=True`` also verifies checkpoint SHA-256,
        ``remote=True`` asks each store about its checkpoints and exports (missing, resized,
        content changed, cannot verify), ``inspect=True`` reads each local checkpoint's
        headers again and reports content that no longer matches its recorded facts."""
        from registry_tui.ops.check import check

        return check(
            self._storage, hashes=hashes, remote=remote, inspect=inspect, progress=progress
        )

    @_guard
    def repair(self) -> list[Repair]:
        """Normalise odd legacy values (``check --repair``), all in one transaction, each
        change recorded in the history as a ``repair`` event; returns what changed."""
        from registry_tui.db.repair import repair

        at = self._now()
        with self._session.write():
            return repair(self._store, self._writer, at)

    def backup(
        self,
        dest: str | os.PathLike[str],
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> Path:
        """A consistent copy of a SQLite registry at ``dest`` (SQLite's online backup API)."""
        return self.backup_report(dest, overwrite, progress).path

    @_guard
    def backup_report(
        self,
        dest: str | os.PathLike[str],
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> BackupReport:
        """:meth:`backup`, returning where the copy went, its size and how many models."""
        from registry_tui.ops.backup import backup

        return backup(self._storage, dest, overwrite=overwrite, progress=progress)

    @_guard
    def dump_bundle(self, progress: Progress | None = None) -> dict[str, Any]:
        """The whole registry as a versioned bundle dict (see :mod:`registry_tui.ops.bundle`)."""
        from registry_tui.ops.bundle import dump_bundle

        return dump_bundle(self._storage, progress)

    def dump(self, path: str | os.PathLike[str], progress: Progress | None = None) -> Path:
        """Write the whole registry to ``path`` as a JSON bundle; returns the path."""
        from registry_tui.ops.bundle import save_bundle

        return save_bundle(self.dump_bundle(progress), path, progress)

    @_guard
    def load(
        self,
        source: str | os.PathLike[str] | dict[str, Any],
        progress: Progress | None = None,
    ) -> LoadReport:
        """Load a bundle (a file or a dict) all or nothing, keeping ids, tags and history."""
        from registry_tui.ops.bundle import read_bundle
        from registry_tui.ops.load import load_bundle

        data = source if isinstance(source, dict) else read_bundle(source)
        return load_bundle(self._storage, data, progress)
