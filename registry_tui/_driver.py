"""Keep the PostgreSQL driver out of processes that never open PostgreSQL.

peewee imports psycopg2 (and psycopg) when it is itself imported, if they are
installed: about 20 ms of start-up for every SQLite user, on every CLI
command. :func:`install` makes the first import of peewee happen with the
drivers hidden; :func:`load_postgres_driver` imports psycopg2 and hands it to
peewee when a ``postgresql://`` URL is opened. A process that imported peewee
before registry-tui keeps whatever peewee found.
"""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import Any

_DRIVERS = ("psycopg2", "psycopg", "psycopg2cffi")


class _Loader:
    """Runs peewee's module code with the drivers hidden from its imports."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        hidden = [name for name in _DRIVERS if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # "import x" raises ImportError
        try:
            self.inner.exec_module(module)
        finally:
            for name in hidden:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]


class _Finder:
    """A meta-path finder that only changes how ``peewee`` is loaded."""

    @staticmethod
    def find_spec(
        fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != "peewee":
            return None
        spec = PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)  # type: ignore[assignment]
        return spec


def install() -> None:
    """Hide the drivers from peewee's first import (no-op once peewee is imported)."""
    if "peewee" not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def load_postgres_driver() -> None:
    """Import psycopg2 and give it to peewee, as if peewee had found it itself.

    Raises:
        ImportError: when psycopg2 is not installed.
    """
    import peewee

    if getattr(peewee, "psycopg2", None) is not None:
        return
    import psycopg2
    from psycopg2 import extensions
    from psycopg2.extras import Json, register_uuid

    register_uuid()
    module: Any = peewee
    module.psycopg2 = psycopg2
    module.pg_extensions = extensions
    module.Json_pg2 = Json
    adapter = module.Psycopg2Adapter
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
