"""Maintenance entry points of the registry: check, backup, dump, load.

A mixin of :class:`~registry_tui.registry.ModelRegistry`; the work is in
:mod:`registry_tui.ops`, imported when first used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry_tui.db.guard import guard as _guard

if TYPE_CHECKING:
    from registry_tui.db.repair import Repair
    from registry_tui.ops.check import CheckReport
    from registry_tui.ops.load import LoadReport
    from registry_tui.ops.progress import Progress
    from registry_tui.registry import ModelRegistry


class RegistryMaintenance:
    """Operations on the registry as a whole."""

    def check(self, hashes: bool = False, progress: Progress | None = None) -> CheckReport:
        """Integrity, references and files; ``hashes=True`` also verifies checkpoint SHA-256."""
        from registry_tui.ops.check import check

        return check(self._self(), hashes=hashes, progress=progress)

    @_guard
    def repair(self) -> list[Repair]:
        """Normalise odd legacy values (``check --repair``), all in one transaction, each
        change recorded in the history as a ``repair`` event; returns what changed."""
        from registry_tui.db.repair import repair

        registry = self._self()
        at = registry._now()
        with registry._write():
            return repair(registry._store, registry._writer, at)

    @_guard
    def backup(
        self,
        dest: str | os.PathLike[str],
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> Path:
        """A consistent copy of a SQLite registry at ``dest`` (SQLite's online backup API)."""
        from registry_tui.ops.backup import backup

        return backup(self._self(), dest, overwrite=overwrite, progress=progress).path

    @_guard
    def dump_bundle(self, progress: Progress | None = None) -> dict[str, Any]:
        """The whole registry as a versioned bundle dict (see :mod:`registry_tui.ops.bundle`)."""
        from registry_tui.ops.bundle import dump_bundle

        return dump_bundle(self._self(), progress)

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

        bundle = source if isinstance(source, dict) else read_bundle(source)
        return load_bundle(self._self(), bundle, progress)

    def _self(self) -> ModelRegistry:
        from registry_tui.registry import ModelRegistry

        assert isinstance(self, ModelRegistry)
        return self
