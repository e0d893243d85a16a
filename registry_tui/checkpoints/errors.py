"""Errors of checkpoint inspection: a file refused, always with a one-line message."""

from __future__ import annotations

from collections.abc import Sequence

from registry_tui.errors import RegistryError, ValidationError


class CheckpointFormatError(ValidationError):
    """A checkpoint's bytes are not what its format promises (truncated, lying, too big)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


class UnsafeCheckpointError(CheckpointFormatError):
    """A pickle names globals outside the allow-list: loading it would run code.

    Nothing it names was imported or called; :attr:`globals` lists them
    (``module.name``), so the report can say what the file would have run.
    """

    def __init__(self, name: str, found: Sequence[str]) -> None:
        listed = ", ".join(found)
        super().__init__(
            name,
            f"refused: its pickle names {listed}, which a state dict never needs "
            "(loading it with pickle or torch.load would run that code)",
        )
        self.globals = tuple(found)


class RemoteStoreError(RegistryError):
    """An object store could not be read (no access, unreachable, a failing request).

    The message is one line naming the URI (without any query string) and what
    went wrong; credentials never appear in it.
    """


class MissingExtraError(RemoteStoreError, ImportError):
    """A URI's scheme needs an optional extra that is not installed."""
