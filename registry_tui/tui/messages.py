"""Messages between the app and its screens (live refresh and the connection state)."""

from __future__ import annotations

from textual.message import Message


class RegistryChanged(Message, bubble=False):
    """The registry changed (another process, an action, or ``ctrl+r``): reload what is shown."""


class RegistryTouched(Message):
    """This app changed the registry: check for changes now instead of at the next poll."""


class ConnectionChanged(Message, bubble=False):
    """The database became unreachable (``lost_since`` set) or reachable again (None)."""

    def __init__(self, lost_since: str | None, error: str = "") -> None:
        super().__init__()
        self.lost_since, self.error = lost_since, error
