"""The app's preferences file: ``$XDG_CONFIG_HOME/registry-tui/config.toml``.

::

    theme = "nord"          # any Textual theme; changing it from the palette saves it here
    sidebar = false         # true / false; leave it out to follow the terminal's width

    [keys]                  # binding id = keys (comma-separated); "" removes the binding
    "main.delete" = ""
    "main.promote" = "P"

A file that cannot be read gives one line naming the problem (and the line, for
a TOML syntax error); the app then starts with the defaults.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry_tui.escapes import UNSAFE, visible

APP_DIR = "registry-tui"
FILE_NAME = "config.toml"
_TOP_LEVEL_KEY = r"^\s*{key}\s*=.*$"


@dataclass(frozen=True)
class Preferences:
    """What the file sets; ``None`` means "not set: use the default"."""

    theme: str | None = None
    sidebar: bool | None = None
    keys: Mapping[str, str] = field(default_factory=dict)

    @property
    def unbound(self) -> frozenset[str]:
        """Binding ids the file removes (mapped to ``""``)."""
        return frozenset(binding for binding, keys in self.keys.items() if not keys.strip())

    @property
    def keymap(self) -> dict[str, str]:
        """Binding ids moved to other keys, for :meth:`textual.app.App.set_keymap`."""
        return {binding: keys for binding, keys in self.keys.items() if keys.strip()}


class PreferencesError(ValueError):
    """The preferences file is unreadable or malformed; the message is one line."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/registry-tui/config.toml``, by default under ``~/.config``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / APP_DIR / FILE_NAME


def load(path: Path) -> Preferences:
    """Read ``path``; a missing file is the defaults.

    Raises:
        PreferencesError: naming the file and, for a syntax error, the line.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, UnicodeDecodeError) as exc:
        raise PreferencesError(f"Cannot read {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PreferencesError(f"{path}: {exc}") from None
    return _parse(data, path)


def _parse(data: dict[str, Any], path: Path) -> Preferences:
    unknown = sorted(set(data) - {"theme", "sidebar", "keys"})
    if unknown:
        raise PreferencesError(f"{path}: unknown setting {unknown[0]!r} (theme, sidebar, keys)")
    theme, sidebar, keys = data.get("theme"), data.get("sidebar"), data.get("keys", {})
    if theme is not None and not isinstance(theme, str):
        raise PreferencesError(f'{path}: theme must be a string, e.g. theme = "nord"')
    if sidebar is not None and not isinstance(sidebar, bool):
        raise PreferencesError(f"{path}: sidebar must be true or false")
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise PreferencesError(
            f'{path}: [keys] maps binding ids to keys, e.g. "main.delete" = "ctrl+d"'
        )
    for binding, value in keys.items():
        if UNSAFE.search(binding + value):
            raise PreferencesError(f"{path}: control characters in [keys] {visible(binding)!r}")
    return Preferences(theme=theme, sidebar=sidebar, keys=dict(keys))


def save_setting(path: Path, key: str, value: str | bool) -> None:
    """Set one top-level ``key`` in the file, keeping everything else as written.

    Raises:
        PreferencesError: the file does not parse (it is then left untouched).
    """
    load(path)  # never rewrite a file that does not parse: the user's text would be lost
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    line = f"{key} = {json.dumps(value)}"
    pattern = re.compile(_TOP_LEVEL_KEY.format(key=re.escape(key)), re.MULTILINE)
    header = re.search(r"^\s*\[", text, re.MULTILINE)
    top = text[: header.start()] if header else text
    if pattern.search(top):
        top = pattern.sub(line.replace("\\", "\\\\"), top, count=1)
    else:
        top = f"{line}\n{top}"
    _write(path, top + (text[header.start() :] if header else ""))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
