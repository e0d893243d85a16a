"""Error types raised by the registry.

Every error is a :class:`RegistryError`, and also subclasses the built-in type
the guide promises (``ValueError``, ``FileNotFoundError``, ``LookupError``), so
callers may catch either::

    try:
        registry.register_model(...)
    except ValueError as exc:          # or DuplicateModelError
        print(exc)
"""

from __future__ import annotations

import sqlite3


class RegistryError(Exception):
    """Base class of every error raised by registry-tui."""


class ValidationError(RegistryError, ValueError):
    """An argument is malformed: a version, a tag, a metric, a condition."""


class DuplicateModelError(RegistryError, ValueError):
    """A model with this name and version is already registered."""

    def __init__(self, name: str, version: str) -> None:
        super().__init__(f"Model '{name}' version '{version}' already exists")
        self.name = name
        self.version = version


class CheckpointNotFoundError(RegistryError, FileNotFoundError):
    """The checkpoint file given at registration does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(f"Checkpoint not found: {path}")
        self.path = path

    def __str__(self) -> str:
        # FileNotFoundError's own __str__ would print "[Errno None] ..." for
        # some argument shapes; keep the guide's exact wording.
        return f"Checkpoint not found: {self.path}"


class ModelNotFoundError(RegistryError, LookupError):
    """No model has the given id."""

    def __init__(self, model_id: int) -> None:
        super().__init__(f"Model {model_id} not found")
        self.model_id = model_id

    def __str__(self) -> str:
        return f"Model {self.model_id} not found"


class UnknownParentError(ModelNotFoundError, ValidationError):
    """``parent_model_id`` names no model: a bad argument (``ValueError``, as the guide's
    API promises) about a missing model (``LookupError``)."""

    def __str__(self) -> str:
        return f"Unknown parent_model_id: Model {self.model_id} not found"


class TagNotFoundError(RegistryError, LookupError):
    """A tag operation found nothing to act on."""


class ModelStateError(RegistryError, ValueError):
    """The model's state forbids the operation (tagged, retired, has children)."""


class SchemaVersionError(RegistryError):
    """The database was written by a newer registry-tui than this one."""


class StorageError(RegistryError):
    """The database could not be opened, read or written (locked, full, corrupt)."""


class DatabaseLockedError(StorageError, sqlite3.OperationalError):
    """Another process holds the write lock for longer than the busy timeout.

    Also a :class:`sqlite3.OperationalError`, so code written after the guide's
    Troubleshooting section (``except sqlite3.OperationalError`` around a write)
    still catches it, on either backend.
    """


class CountStopped(RegistryError):
    """A count was abandoned because the caller's ``stop()`` asked for it."""


class ConfigNotFoundError(RegistryError, LookupError):
    """No full config is stored for a model (it was registered without ``config=``)."""


class ConnectionLostError(StorageError):
    """The database cannot be reached right now: the server went away, or the SQLite
    file was deleted. The next call tries again (reconnecting, or reopening a replaced
    file)."""


class ApprovalRequired(ValidationError):
    """A protected tag would move (or lose its holder) without an approved request."""

    def __init__(self, tag: str, needed: int, model_id: int | None = None, what: str = "") -> None:
        target = str(model_id) if model_id is not None else "N"
        plural = "approval" if needed == 1 else "approvals"
        how = (
            f"request the move with registry-tui request --model-id {target} --tag {tag} "
            f'--reason "..." (it needs {needed} {plural})'
        )
        lead = f"Tag '{tag}' is protected"
        super().__init__(f"{lead}: {what}{how}" if what else f"{lead}: {how}")
        self.tag = tag
        self.needed = needed
        self.model_id = model_id


class ApprovalRefused(ValidationError):
    """An approval, rejection or cancellation that is not allowed (the message says why)."""


class RequestNotFoundError(RegistryError, LookupError):
    """No promotion request has the given id."""

    def __init__(self, request_id: int) -> None:
        super().__init__(f"Request {request_id} not found")
        self.request_id = request_id
