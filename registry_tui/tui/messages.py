"""Messages between the app and its screens (live refresh and the connection state)."""

from __future__ import annotations

from textual.message import Message


class RegistryChanged(Message, bubble=False):
    """The registry changed (another process, an action, or ``ctrl+r``): reload what is shown."""


class RegistryTouched(Message):
    """This app changed the registry: check for changes now instead of at the next poll."""


class WatchModels(Message):
    """A screen shows or holds these models (marks, a comparison): tell it when one is gone.

    Post it to the app; ``key`` names the holder (a later message with the same key
    replaces the set, an empty set stops watching).
    """

    def __init__(self, key: str, model_ids: frozenset[int]) -> None:
        super().__init__()
        self.key, self.model_ids = key, model_ids


class ModelsGone(Message, bubble=False):
    """Live refresh found that these watched models no longer exist (deleted elsewhere):
    drop them from marks and comparisons."""

    def __init__(self, model_ids: frozenset[int]) -> None:
        super().__init__()
        self.model_ids = model_ids


class ConnectionChanged(Message, bubble=False):
    """The database became unreachable (``lost_since`` set) or reachable again (None)."""

    def __init__(self, lost_since: str | None, error: str = "") -> None:
        super().__init__()
        self.lost_since, self.error = lost_since, error
