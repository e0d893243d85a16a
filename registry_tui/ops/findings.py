"""What ``check`` finds: frozen report records, and the collector that builds them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from registry_tui.db.check_rows import database_errors
from registry_tui.ops.progress import Progress

if TYPE_CHECKING:
    from registry_tui.db.storage import Storage

ADVISORY = frozenset({"checkpoint_unverifiable"})
"""Kinds of finding that are reported but leave the registry ``ok``: a remote object
whose store keeps no checkable fingerprint (a multipart ETag) is not a fault."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing ``check`` found wrong.

    ``kind`` is one of ``open``, ``integrity``, ``foreign_key``, ``schema``,
    ``orphan``, ``parent``, ``checkpoint_missing``, ``checkpoint_unreadable``,
    ``checkpoint_size``, ``checkpoint_changed``, ``export_missing``,
    ``export_unreadable``, ``remote_unreadable`` (a store this machine cannot read:
    its extra missing) and, advisory only (see :data:`ADVISORY`),
    ``checkpoint_unverifiable``.
    """

    kind: str
    subject: str
    detail: str
    model_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``check`` looked at and what it found."""

    location: str
    backend: str
    schema_version: int | None = None
    models: int = 0
    checkpoints_present: int = 0
    exports_present: int = 0
    remote_skipped: int = 0
    hashes_verified: int = 0
    hashes_recorded: int = 0
    remote_verified: int = 0
    remote_present: int = 0
    checkpoints_inspected: int = 0
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (advisory findings aside)."""
        return all(problem.kind in ADVISORY for problem in self.problems)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output (``ok`` first)."""
        data: dict[str, Any] = {"ok": self.ok}
        data.update(asdict(self))
        data["notes"] = list(self.notes)
        data["problems"] = [p.to_dict() for p in self.problems]
        return data


class CheckRun:
    """Mutable state of one check, frozen into a :class:`CheckReport` at the end."""

    def __init__(
        self, storage: Storage, progress: Progress, *, remote: bool = False, inspect: bool = False
    ) -> None:
        self.storage = storage
        self.remote = remote
        self.inspect = inspect
        self.db = storage.db
        self.t = storage.tables
        self.progress = progress
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.counts: dict[str, int] = {}
        self.schema_version: int | None = None

    def problem(self, kind: str, subject: str, detail: str, model_id: int | None = None) -> None:
        """Note one problem."""
        self.problems.append(Problem(kind, subject, detail, model_id))

    def count(self, key: str) -> None:
        """Add one to the counter ``key``."""
        self.counts[key] = self.counts.get(key, 0) + 1

    def stage(self, what: str, step: Callable[[], None]) -> None:
        """Run one step; a database error becomes a problem instead of ending the check."""
        try:
            step()
        except database_errors() as exc:
            message = self.storage.target.redact(first_line(exc))
            self.problem("integrity", "database", f"{what} failed: {message}")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
