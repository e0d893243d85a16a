"""What the main screen's thread workers post back: listings, counts, rows, details.

Each result says which listing it belongs to (``generation``), so one overtaken
by a newer listing is ignored; results of one kind queued back to back coalesce
(``can_replace``), so a burst of keystrokes is drawn once. The screen exposes
them as ``MainScreen.Loaded`` and so on; their handlers are
``on_main_screen_loaded`` and so on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message

from registry_tui.records import Facets, ModelQuery, ModelRecord


@dataclass
class Loaded(Message, namespace="main_screen"):
    """A listing (first window and total) arrived from the database."""

    generation: int
    query: ModelQuery
    total: int
    offset: int
    records: Sequence[ModelRecord]
    cursor: int
    exact: bool = True

    def can_replace(self, message: Message) -> bool:
        """A listing of the same or a later generation queued behind this one wins."""
        return isinstance(message, Loaded) and message.generation >= self.generation


@dataclass
class Counted(Message, namespace="main_screen"):
    """The exact size of a listing whose count was capped arrived."""

    generation: int
    total: int

    def can_replace(self, message: Message) -> bool:
        """A count of the same or a later listing queued behind this one wins."""
        return isinstance(message, Counted) and message.generation >= self.generation


@dataclass
class LoadFailed(Message, namespace="main_screen"):
    """The listing query was refused (a bad metric condition or sort key)."""

    generation: int
    error: str


@dataclass
class RowsLoaded(Message, namespace="main_screen"):
    """More rows of the shown listing arrived."""

    generation: int
    offset: int
    records: Sequence[ModelRecord]


@dataclass
class OverviewLoaded(Message, namespace="main_screen"):
    """Sidebar counts and the most common metrics arrived."""

    facets: Facets
    metrics: list[str]

    def can_replace(self, message: Message) -> bool:
        """Only the newest overview is shown."""
        return isinstance(message, OverviewLoaded)


@dataclass
class DetailLoaded(Message, namespace="main_screen"):
    """The full record (with exports) of the highlighted model arrived."""

    record: ModelRecord

    def can_replace(self, message: Message) -> bool:
        """A newer read of the same model supersedes this one."""
        return isinstance(message, DetailLoaded) and message.record.model_id == self.record.model_id


@dataclass
class EmptyChecked(Message, namespace="main_screen"):
    """Whether the registry holds no model at all (not even retired ones)."""

    empty: bool
