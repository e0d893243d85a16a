"""The comparison grid: models side by side, a bar for every metric value.

The grid itself is built by :func:`registry_tui.render.comparison.comparison_view`
for the widget's current width; this widget keeps which model is the first
column shown and scrolls that window sideways (``h``/``l``, ``left``/``right``)
when the models do not all fit. The metric label column never scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from registry_tui.records import ModelRecord
from registry_tui.render import ComparisonRow
from registry_tui.render.comparison import ComparisonView, comparison_view


class MetricBars(Widget):
    """The comparison grid; :meth:`show` fills it, :meth:`scroll_models` moves it sideways."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.records: list[ModelRecord] = []
        self.rows: list[ComparisonRow] = []
        self.first = 0
        self.view: ComparisonView | None = None
        self.message: Text | None = Text("loading…", style="dim")
        self._width = 80

    def show(self, records: Sequence[ModelRecord], rows: Sequence[ComparisonRow]) -> None:
        """Show ``records`` side by side with ``rows`` of metrics."""
        self.records, self.rows, self.message = list(records), list(rows), None
        self.refresh(layout=True)

    def show_message(self, message: Text) -> None:
        """Show ``message`` instead of the grid (loading, or why it cannot be shown)."""
        self.message = message
        self.view = None
        self.refresh(layout=True)

    def scroll_models(self, step: int) -> None:
        """Move the window of model columns ``step`` models right (negative: left)."""
        view = self.view
        if view is None or not view.scrollable:
            return
        self.first = max(0, min(view.total - view.shown, view.first + step))
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._width = width  # the grid is laid out for the width it is measured at
        return super().get_content_height(container, viewport, width)

    def render(self) -> RenderableType:
        if self.message is not None:
            return self.message
        width = max(20, self.content_size.width or self._width)
        self.view = comparison_view(self.records, self.rows, width=width, first=self.first)
        self.first = self.view.first
        return self.view.renderable
