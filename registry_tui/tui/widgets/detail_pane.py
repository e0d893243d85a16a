"""The detail pane: every field of the highlighted model, its metrics, exports and metadata.

The same renderers as the CLI's ``get`` (``registry_tui.render``), laid out
for a pane: fields on the left, metrics on the right, then exports and the
metadata tree. The metrics' "Better" column follows the registry's recorded
metric directions, which the app keeps (``RegistryApp.metric_directions``, a
reactive the pane watches); the pane redraws when they change.
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

    def on_mount(self) -> None:
        if hasattr(self.app, "metric_directions"):
            # The same model shown again is not redrawn: a new direction must force it.
            self.watch(self.app, "metric_directions", lambda _: self._draw(force=True), init=False)

    @property
    def record(self) -> ModelRecord | None:
        """The model the pane shows (or is about to show)."""
        return self._wanted[0]

    def _directions(self) -> Mapping[str, bool]:
        return getattr(self.app, "metric_directions", {})

    def show(self, record: ModelRecord | None, *, loading: bool = False) -> None:
        """Show ``record``; without one, say whether it is loading or nothing matches."""
        self.model_id = record.model_id if record else None
        self._wanted = (record, loading and record is None)
        if not self._scheduled:
            self._scheduled = True
            self.call_after_refresh(self._draw)

    def _draw(self, force: bool = False) -> None:
        self._scheduled = False
        if self._wanted == self._shown and not force:
            return  # the same model again (its full record adds nothing shown)
        self._shown = self._wanted
        record, loading = self._wanted
        body = self.query_one("#detail-body", Static)
        if record is None:
            note = "loading…" if loading else "No model to show: nothing matches the filter"
            body.update(Text(note, style="dim"))
            return
        lower, higher = direction_lists(self._directions())
        body.update(detail_pane_renderable(record, lower=lower, higher=higher))
