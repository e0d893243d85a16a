"""Semantic versions (https://semver.org): parse, validate and order.

Versions are stored as the text the user gave; beside it the registry stores
:func:`sort_key`, a string whose byte order is semver precedence, so the
database can sort by version with an ordinary index.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from registry_tui.errors import ValidationError

_NUM = r"0|[1-9]\d*"
_PRE_ID = r"(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_ID = r"[0-9A-Za-z-]+"


@functools.cache
def _semver() -> re.Pattern[str]:
    """The semver pattern, compiled on first use.

    Compiling it takes a few milliseconds, which a command that never parses a
    version (every read command) should not pay at start-up.
    """
    return re.compile(
        rf"^(?P<major>{_NUM})\.(?P<minor>{_NUM})\.(?P<patch>{_NUM})"
        rf"(?:-(?P<pre>{_PRE_ID}(?:\.{_PRE_ID})*))?"
        rf"(?:\+(?P<build>{_BUILD_ID}(?:\.{_BUILD_ID})*))?$",
        re.ASCII,  # semver digits are 0-9 only, not every Unicode digit
    )


MAX_VERSION_LENGTH = 128


@dataclass(frozen=True, slots=True)
class Version:
    """A parsed semantic version."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text


def parse(text: str) -> Version:
    """Parse ``text`` as a semantic version.

    Raises:
        ValidationError: naming the value when it is not ``MAJOR.MINOR.PATCH``
            with optional semver pre-release and build suffixes.
    """
    if not isinstance(text, str):
        raise ValidationError(f"Invalid version {text!r}: must be a string like '1.0.0'")
    match = _semver().fullmatch(text) if len(text) <= MAX_VERSION_LENGTH else None
    if match is None:
        raise ValidationError(
            f"Invalid version {text!r}: use semantic versioning MAJOR.MINOR.PATCH, e.g. '1.0.0'"
        )
    pre = match.group("pre")
    build = match.group("build")
    return Version(
        int(match.group("major")),
        int(match.group("minor")),
        int(match.group("patch")),
        tuple(pre.split(".")) if pre else (),
        tuple(build.split(".")) if build else (),
    )


def _number_key(value: int) -> str:
    digits = str(value)
    # Length first, so 10 sorts after 9 without a fixed width.
    return f"{len(digits):03d}{digits}"


def sort_key(text: str) -> str:
    """Return a string whose ordinal order is the semver precedence of ``text``.

    A release sorts after its pre-releases; numeric pre-release identifiers sort
    before alphanumeric ones and numerically among themselves; build metadata
    does not affect precedence.
    """
    version = parse(text)
    key = ".".join(_number_key(n) for n in (version.major, version.minor, version.patch))
    if not version.prerelease:
        return key + "~"
    parts = []
    for ident in version.prerelease:
        parts.append("0" + _number_key(int(ident)) if ident.isdigit() else "1" + ident)
    # "!" sorts below every identifier character, so a shorter list of equal
    # identifiers comes first, as semver requires.
    return key + "-" + "!".join(parts)


def sort_key_or_none(text: str) -> str | None:
    """Like :func:`sort_key`, but ``None`` for a version that is not semver (legacy rows)."""
    try:
        return sort_key(text)
    except ValidationError:
        return None
