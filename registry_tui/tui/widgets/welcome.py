"""What an empty registry shows instead of an empty table: how to fill it."""

from __future__ import annotations

import json
import shlex

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from registry_tui.render.text import literal


def welcome_text(location: str) -> Group:
    """How to register a model (CLI and Python one-liners) and how to open the demo."""
    db = shlex.quote(location)
    cli = (
        f"registry-tui --db {db} register --name gpt-small --version 1.0.0 "
        "--checkpoint ckpt/gpt-small.pt --task-type language_modeling"
    )
    api = (
        f"ModelRegistry({json.dumps(location)}).register_model("
        '"gpt-small", "1.0.0", "ckpt/gpt-small.pt", "language_modeling")'
    )
    return Group(
        Text("This registry has no models yet.", style="bold"),
        Text(""),
        Text("Register one from the command line:"),
        literal(f"  {cli}", "bold"),
        Text(""),
        Text("or from Python (from registry_tui import ModelRegistry):"),
        literal(f"  {api}", "bold"),
        Text(""),
        Text("To look around first, open the demo registry:"),
        Text("  registry-tui demo", style="bold"),
        Text(""),
        Text("Models registered elsewhere appear here by themselves.", style="dim"),
    )


class Welcome(Static):
    """Shown in the table's place while the registry holds no model at all."""

    def show_for(self, location: str) -> None:
        """Fill in the one-liners for the registry at ``location``."""
        self.update(welcome_text(location))
