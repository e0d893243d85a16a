"""Messages the app sends to its screens."""

from __future__ import annotations

from textual.message import Message


class RegistryChanged(Message, bubble=False):
    """The registry changed (another process, an action, or ``ctrl+r``): reload what is shown."""


class RegistryTouched(Message):
    """This app changed the registry: check for changes now instead of at the next poll."""
