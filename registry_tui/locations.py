"""Where a registry lives, as the user gave it: checks on a path that need no database.

The faces ask these before opening anything (is the file there, may this
process write it); :mod:`registry_tui.db.connect` uses the same answers.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


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


def write_atomically(
    target: Path, write: Callable[[TextIO], object], *, mode: int | None = None
) -> Path:
    """Have ``write`` fill a temporary file beside ``target``, then rename it over
    ``target``: a reader sees the old file or the new one, never half of one. The file
    is ``mode`` (else ``0600``, as :func:`tempfile.mkstemp` makes it); on any failure
    the temporary file is removed and ``target`` left as it was."""
    import tempfile  # imports shutil: kept off the read commands' start-up

    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target
