"""The detail pane: every field of the highlighted model, its metrics, exports and metadata.

The same renderers as the CLI's ``get`` (``registry_tui.render``), laid out
for a pane: fields on the left, metrics on the right, then exports and the
metadata tree. The metrics' "Better" column follows the registry's recorded
metric directions, which the app keeps (``RegistryApp.metric_directions``) and
announces when they change; the pane redraws then.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from registry_tui.metrics import direction_lists
from registry_tui.records import ModelRecord
from registry_tui.render import detail_pane_renderable


class DetailPane(VerticalScroll, can_focus=False):
    """Shows one model; :meth:`show` replaces it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model_id: int | None = None
        self.record: ModelRecord | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-body")

    def on_mount(self) -> None:
        signal = getattr(self.app, "directions_changed_signal", None)
        if signal is not None:
            signal.subscribe(self, lambda _: self._draw())

    def _directions(self) -> Mapping[str, bool]:
        return getattr(self.app, "metric_directions", {})

    def show(self, record: ModelRecord | None, *, loading: bool = False) -> None:
        """Show ``record``; without one, say whether it is loading or nothing matches."""
        body = self.query_one("#detail-body", Static)
        self.model_id = record.model_id if record else None
        self.record = record
        if record is None:
            note = "loading…" if loading else "No model to show: nothing matches the filter"
            body.update(Text(note, style="dim"))
        else:
            self._draw()

    def _draw(self) -> None:
        if self.record is None:
            return
        lower, higher = direction_lists(self._directions())
        renderable = detail_pane_renderable(self.record, lower=lower, higher=higher)
        self.query_one("#detail-body", Static).update(renderable)
