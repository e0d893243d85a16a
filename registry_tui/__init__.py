"""registry-tui: a model registry for people who train models.

    >>> from registry_tui import ModelRegistry
    >>> registry = ModelRegistry("models.db")

Importing this package imports neither textual nor pandas (nor, until
ModelRegistry is first used, peewee; nor the PostgreSQL driver until a
postgresql:// URL is opened); methods that return DataFrames import
pandas when first called.
"""

from typing import TYPE_CHECKING, Any

from registry_tui import _driver
from registry_tui.errors import (
    CheckpointNotFoundError,
    ConfigNotFoundError,
    ConnectionLostError,
    DatabaseLockedError,
    DuplicateModelError,
    ModelNotFoundError,
    ModelStateError,
    RegistryError,
    SchemaVersionError,
    StorageError,
    TagNotFoundError,
    ValidationError,
)

if TYPE_CHECKING:
    from registry_tui.checkpoints import inspect_checkpoint
    from registry_tui.registry import ModelRegistry

_driver.install()  # psycopg2 is imported only when a PostgreSQL URL is opened

__version__ = "0.1.0"

__all__ = [
    "CheckpointNotFoundError",
    "ConfigNotFoundError",
    "ConnectionLostError",
    "DatabaseLockedError",
    "DuplicateModelError",
    "ModelNotFoundError",
    "ModelRegistry",
    "ModelStateError",
    "RegistryError",
    "SchemaVersionError",
    "StorageError",
    "TagNotFoundError",
    "ValidationError",
    "__version__",
    "inspect_checkpoint",
]


def __getattr__(name: str) -> Any:
    # ModelRegistry (and with it peewee and the driver) loads on first use, so
    # `registry-tui --help` and error types stay cheap to import.
    if name == "ModelRegistry":
        from registry_tui.registry import ModelRegistry

        return ModelRegistry
    if name == "inspect_checkpoint":  # the checkpoint readers load on first use too
        from registry_tui.checkpoints import inspect_checkpoint

        return inspect_checkpoint
    raise AttributeError(f"module 'registry_tui' has no attribute {name!r}")
