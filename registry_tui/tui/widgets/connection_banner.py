"""A one-line banner over a screen while the database cannot be reached."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from registry_tui.render.text import literal


class ConnectionBanner(Static):
    """``Disconnected since 10:42:07, retrying · ctrl+r retry now · <why>``."""

    def show(self, since: str, error: str, retry_in: float | None) -> None:
        """Say since when the database is unreachable, when the next try is, and why."""
        text = Text(f"Disconnected since {since}, retrying", style="bold")
        if retry_in is not None:
            text.append(f" (next try in {retry_in:.0f} s)")
        text.append(" · ctrl+r retry now · ")
        text.append_text(literal(error))
        self.update(text)
