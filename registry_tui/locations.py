"""Where a registry lives, as the user gave it: checks on a path that need no database.

The faces ask these before opening anything (is the file there, may this
process write it); :mod:`registry_tui.db.connect` uses the same answers.
"""

from __future__ import annotations

import os


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
