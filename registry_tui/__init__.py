"""registry-tui: a model registry for people who train models.

    >>> from registry_tui import ModelRegistry
    >>> registry = ModelRegistry("models.db")

Importing this package imports neither textual nor pandas; methods that
return DataFrames import pandas when first called.
"""

from registry_tui.errors import (
    CheckpointNotFoundError,
    ConfigNotFoundError,
    DuplicateModelError,
    ModelNotFoundError,
    ModelStateError,
    RegistryError,
    SchemaVersionError,
    StorageError,
    TagNotFoundError,
    ValidationError,
)
from registry_tui.registry import ModelRegistry

__version__ = "0.1.0"

__all__ = [
    "CheckpointNotFoundError",
    "ConfigNotFoundError",
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
]
