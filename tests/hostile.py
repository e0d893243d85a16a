"""A registry whose every free-text field is hostile: markup, controls, escape sequences.

Used by the app's escape tests (Pilot and tmux) and usable by any face's test.
Fields the API validates (tags, export formats) are written with plain ``sqlite3``,
as the guide's own code can.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from registry_tui import ModelRegistry
from registry_tui.escapes import UNSAFE

OSC52_BEL = "\x1b]52;c;aGVsbG8=\x07"
OSC52_ST = "\x1b]52;c;aGVsbG8=\x1b\\"
OSC2 = "\x1b]2;pwned\x07"
HOSTILE = (
    "[bold red]x[/] [@click=app.quit]q "
    f"{OSC52_BEL}{OSC52_ST}{OSC2}"
    "\x1b[31m\x9b32m\x9d0;t\x9c\x07\x08\x7f"
    "\u202eevil\u2066iso\u2069 "
)
"""Markup, OSC 52 (BEL and ST ended), OSC 2, CSI and C1 controls, bidi overrides."""

WIDE = "模型注册表🚀🧪" * 6
"""Long, double-width CJK and emoji text."""

TAG = "st" + OSC52_ST + "g"
TASK = "task" + OSC52_ST + OSC2
METRIC = "[b]" + OSC52_BEL + OSC2 + "\u202eloss"


def hostile(value: str) -> str:
    """``value`` wrapped in the hostile text (and a long wide tail)."""
    return f"{HOSTILE}{value}{WIDE}"


def build_hostile(path: Path) -> dict[str, int]:
    """Three models (a parent, its fine-tune, an unrelated one) full of hostile text.

    Returns their ids as ``parent``, ``child``, ``other``.
    """
    actor = hostile("actor")
    with ModelRegistry(path, actor=actor) as registry:
        spec = {
            "checkpoint_path": hostile("ckpt.pt"),
            "task_type": TASK,
            "metrics": {METRIC: 0.5, "[red]acc": 0.9},
            "metadata": {hostile("key"): hostile("value"), "nested": {HOSTILE: [HOSTILE]}},
            "config": {hostile("lr"): hostile("0.1")},
            "verify_checkpoint": False,
        }
        parent = registry.register_model(hostile("name"), "1.0.0", **spec)  # type: ignore[arg-type]
        spec["metrics"] = {METRIC: 0.4, "[red]acc": 0.95}
        child = registry.register_model(
            hostile("name"),
            "1.1.0",
            parent_model_id=parent,
            **spec,  # type: ignore[arg-type]
        )
        other = registry.register_model(
            "plain-model", "2.0.0", "ckpt/plain.pt", hostile("task2"),
            metrics={"[red]acc": 0.8}, verify_checkpoint=False,
        )  # fmt: skip
        registry.promote_model(child, "production")
        registry.add_export_format(child, "onnx", hostile("export.onnx"), {HOSTILE: HOSTILE})
        registry.retire_model(other)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO model_tags (model_id, tag_name) VALUES (?, ?)", (child, TAG))
        conn.execute(
            "UPDATE models SET export_formats = ? WHERE model_id = ?",
            (json.dumps(["onnx", hostile("fmt")]), child),
        )
        conn.execute(  # what a legacy file can hold where the API writes a timestamp
            "UPDATE models SET created_at = ? WHERE model_id = ?",
            ("2026-01-01 00:00:00" + OSC2, parent),
        )
        conn.execute(
            "INSERT INTO model_exports (model_id, export_format, export_path) VALUES (?, ?, ?)",
            (parent, hostile("fmt"), hostile("e.bin")),
        )
    conn.close()
    return {"parent": parent, "child": child, "other": other}


def unsafe_in(text: str) -> list[str]:
    """The unsafe characters (ESC, C1, bidi ...) found in ``text``, as escapes."""
    return [f"U+{ord(m.group(0)):04X}" for m in UNSAFE.finditer(text) if m.group(0) != "\n"]
