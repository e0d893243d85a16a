"""The version a tracked checkpoint is registered under.

The guide registers a training run's checkpoints as ``1.<epoch>.0``. From a base
version ``M.m.p`` the checkpoint of epoch ``e`` (or, without an epoch, of step
``s``) is ``M.<m + e>.p``; a callable ``scheme(epoch, step) -> str`` gives any
other numbering (its answer is checked as every version is).
"""

from __future__ import annotations

from collections.abc import Callable

from registry_tui import versions
from registry_tui.errors import ValidationError

VersionScheme = Callable[[int | None, int | None], str]
"""``scheme(epoch, step)``: the version of the checkpoint saved at that epoch or step."""


def version_for(base: str | VersionScheme, epoch: int | None, step: int | None) -> str:
    """The version of the checkpoint of ``epoch`` (else ``step``) under ``base``."""
    if callable(base):
        return str(base(epoch, step))
    parsed = versions.parse(base)
    position = epoch if epoch is not None else step
    if position is None:
        raise ValidationError(
            "Give the checkpoint's epoch or step (the version is derived from it), "
            "or a version scheme that needs neither"
        )
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise ValidationError(f"epoch and step must be whole numbers >= 0, not {position!r}")
    return f"{parsed.major}.{parsed.minor + position}.{parsed.patch}"
