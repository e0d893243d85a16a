"""Reading a card template and writing a card, each with one clear error when it cannot."""

from __future__ import annotations

import os
from pathlib import Path

from registry_tui.errors import ValidationError
from registry_tui.locations import read_text, write_atomically

CARD_MODE = 0o644
"""A new card file's permissions: a README is for everyone to read."""


def read_template(path: str | os.PathLike[str]) -> str:
    """The text of a template file (UTF-8); :class:`ValidationError` saying why not."""
    return read_text(path, "card template", ValidationError)


def check_destination(path: str | os.PathLike[str]) -> Path:
    """Where a card may be written: not a directory, in a directory that exists."""
    target = Path(os.fspath(path))
    if target.is_dir():
        raise ValidationError(f"Cannot write the card to {target}: it is a directory")
    if not target.parent.is_dir():
        raise ValidationError(
            f"Cannot write the card to {target}: directory {target.parent} does not exist"
        )
    return target


def save_card(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically: a temporary file beside it, renamed over it,
    so a reader sees the old card or the new one, never half of one. An existing file
    keeps its permissions; a new one is ``0644``."""
    target = check_destination(path)
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = CARD_MODE
    return write_atomically(target, lambda stream: stream.write(text), mode=mode)
