"""Differences between two stored configs, by dotted key (``optimizer.lr``)."""

from __future__ import annotations

from typing import Any

from registry_tui.records import ConfigChange


def config_diff(left: dict[str, Any], right: dict[str, Any]) -> list[ConfigChange]:
    """What changed from ``left`` to ``right``, nested keys flattened, sorted by key."""
    return _diff(_flatten(left), _flatten(right))


def _flatten(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in config.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def _diff(left: dict[str, Any], right: dict[str, Any]) -> list[ConfigChange]:
    changes = []
    for key in sorted(set(left) | set(right)):
        if key not in right:
            changes.append(ConfigChange(key, "removed", left[key], None))
        elif key not in left:
            changes.append(ConfigChange(key, "added", None, right[key]))
        elif left[key] != right[key]:
            changes.append(ConfigChange(key, "changed", left[key], right[key]))
    return changes
