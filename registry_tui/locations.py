"""Where a registry lives, as the user gave it: checks on a path that need no database.

The faces ask these before opening anything (is the file there, may this
process write it); :mod:`registry_tui.db.connect` uses the same answers.
"""

from __future__ import annotations

import os
from pathlib import Path


def missing_message(path: str) -> str:
    """The one-line refusal for a SQLite path that does not exist, with how to make one."""
    return (
        f"No registry at {path}: the file does not exist (create one with "
        f"'registry-tui --db {path} tui --create', or try 'registry-tui demo')"
    )


def can_write(path: str) -> bool:
    """True when this process may write ``path`` and create files beside it (a journal)."""
    folder = os.path.dirname(os.path.abspath(path))
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)


def read_text(path: str | os.PathLike[str], what: str, error: type[Exception]) -> str:
    """The UTF-8 text of the file ``what`` (``bundle``, ``card template``) at ``path``;
    ``error`` with a one-line reason when it cannot be read."""
    source = Path(os.fspath(path))
    try:
        return source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{what.capitalize()} not found: {source}") from None
    except IsADirectoryError:
        raise error(f"Cannot read {what} {source}: it is a directory") from None
    except UnicodeDecodeError:
        raise error(f"Cannot read {what} {source}: not UTF-8 text") from None
    except OSError as exc:
        raise error(f"Cannot read {what} {source}: {exc.strerror or exc}") from None
