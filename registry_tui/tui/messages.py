"""Messages between the app and its screens (live refresh and the connection state)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


class RegistryChanged(Message, bubble=False):
    """The registry changed (another process, an action, or ``ctrl+r``): reload what is shown."""

    def can_replace(self, message: Message) -> bool:
        """Reloads queued back to back are one reload."""
        return isinstance(message, RegistryChanged)


class RegistryTouched(Message):
    """This app changed the registry: check for changes now instead of at the next poll."""


@dataclass
class ConnectionChanged(Message, bubble=False):
    """The database became unreachable (``lost_since`` set) or reachable again (None)."""

    lost_since: str | None
    error: str = ""
