"""Shown instead of a broken layout when the terminal is smaller than 80x24."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 80
MIN_HEIGHT = 24


def too_small(width: int, height: int) -> bool:
    """True when the app cannot lay itself out in ``width`` x ``height`` cells."""
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(Screen[None]):
    """A notice asking for a bigger terminal; it closes itself when there is room."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit", id="too_small.quit")]

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static("", id="too-small-notice")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        """Say how big the terminal is and how big it must be."""
        text = Text.assemble(
            ("Terminal too small\n\n", "bold"),
            f"{width}x{height}: registry-tui needs at least {MIN_WIDTH}x{MIN_HEIGHT}.\n",
            ("Make the window bigger, or press q to quit.", "dim"),
        )
        self.query_one("#too-small-notice", Static).update(text)
