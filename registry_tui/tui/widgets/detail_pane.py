"""The detail pane: every field of the highlighted model, its metrics, exports and metadata.

The same renderers as the CLI's ``get`` (``registry_tui.render``), laid out
for a pane: fields on the left, metrics on the right, then exports and the
metadata tree.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from registry_tui.records import ModelRecord
from registry_tui.render import (
    exports_table,
    metadata_tree,
    metrics_table,
    model_fields_table,
    model_label,
)


def detail_renderable(record: ModelRecord) -> RenderableType:
    """Fields and metrics side by side, then exports and metadata."""
    top = Table.grid(padding=(0, 3))
    top.add_column()
    top.add_column()
    top.add_row(
        model_fields_table(record),
        metrics_table(record.metrics) if record.metrics else Text("no metrics", style="dim"),
    )
    parts: list[RenderableType] = [model_label(record), top]
    if record.exports:
        parts.append(exports_table(record.exports))
    if record.metadata:
        parts.append(metadata_tree(record.metadata))
    return Group(*parts)


class DetailPane(VerticalScroll, can_focus=False):
    """Shows one model; :meth:`show` replaces it.

    The pane is redrawn after the screen's next refresh, once per burst of
    changes: the table paints its new rows first (laying the pane out again
    costs a full frame), and holding ``pagedown`` redraws only the last model.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model_id: int | None = None
        self._wanted: tuple[ModelRecord | None, bool] = (None, False)
        self._shown: tuple[ModelRecord | None, bool] | None = None
        self._scheduled = False

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-body")

    def show(self, record: ModelRecord | None, *, loading: bool = False) -> None:
        """Show ``record``; without one, say whether it is loading or nothing matches."""
        self.model_id = record.model_id if record else None
        self._wanted = (record, loading and record is None)
        if not self._scheduled:
            self._scheduled = True
            self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        self._scheduled = False
        if self._wanted == self._shown:
            return  # the same model again (its full record adds nothing shown)
        self._shown = self._wanted
        record, loading = self._wanted
        body = self.query_one("#detail-body", Static)
        if record is None:
            note = "loading…" if loading else "No model to show: nothing matches the filter"
            body.update(Text(note, style="dim"))
        else:
            body.update(detail_renderable(record))
