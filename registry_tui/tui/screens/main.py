"""The main screen: sidebar, filter bar, model table, detail pane and status line.

All database work runs in thread workers that post messages back; the table
asks for pages as it scrolls (see :mod:`registry_tui.tui.widgets.model_table`).
The actions that change the registry live in :mod:`.model_changes`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import ClassVar, TypeAlias

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from registry_tui.errors import RegistryError, ValidationError
from registry_tui.escapes import encode_value
from registry_tui.query import (
    columns_named,
    jump_target,
    metrics_named,
    parse_filter,
    with_token,
)
from registry_tui.records import Facets, ModelQuery
from registry_tui.registry import ModelRegistry
from registry_tui.render.counts import count_label
from registry_tui.render.text import literal
from registry_tui.tui import listing_messages
from registry_tui.tui.columns import next_sort, toggle_sort
from registry_tui.tui.markup import markup
from registry_tui.tui.messages import RegistryChanged
from registry_tui.tui.reads import Readers
from registry_tui.tui.screens.record_actions import RecordActions
from registry_tui.tui.widgets.detail_pane import DetailPane
from registry_tui.tui.widgets.filter_bar import FilterBar
from registry_tui.tui.widgets.model_table import PAGE, ModelTable
from registry_tui.tui.widgets.sidebar import Sidebar
from registry_tui.tui.widgets.welcome import Welcome

EXACT_COUNT_DELAY_S = 0.3
"""How long typing must pause before the exact count of a large listing starts."""
SIDEBAR_MIN_WIDTH = 100
"""Below this terminal width the sidebar folds away (``s`` brings it back)."""


class MainScreen(RecordActions):
    """Browse the registry: filter, move, inspect, and act on models."""

    AUTO_FOCUS = "#models"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "Help", id="main.help"),
        Binding("slash", "focus_filter", "Filter", id="main.focus_filter"),
        Binding("c", "compare", "Compare", id="main.compare"),
        Binding(
            "C",
            "compare_production",
            "Compare with production",
            show=False,
            id="main.compare_production",
        ),
        Binding("l", "lineage", "Lineage", id="main.lineage"),
        Binding("p", "promote", "Promote", id="main.promote"),
        Binding("u", "untag", "Remove tag", show=False, id="main.untag"),
        Binding("r", "retire", "Retire", id="main.retire"),
        Binding("d", "delete", "Delete", id="main.delete"),
        Binding("R", "restore", "Restore (un-retire)", show=False, id="main.restore"),
        Binding("b", "rollback", "Roll back a tag", show=False, id="main.rollback"),
        Binding("y", "copy", "Copy", show=False, id="main.copy"),
        Binding("h", "history", "History", show=False, id="main.history"),
        Binding("P", "pending", "Pending requests", show=False, id="main.pending"),
        Binding("s", "toggle_sidebar", "Sidebar", show=False, id="main.toggle_sidebar"),
        Binding("o", "sort_next", "Sort by next column", show=False, id="main.sort_next"),
        Binding("O", "sort_flip", "Reverse the sort", show=False, id="main.sort_flip"),
        Binding("number_sign,colon", "jump", "Jump to a model id", show=False, id="main.jump"),
        Binding("escape", "clear", "Clear filter, then marks", show=False, id="main.clear"),
    ]

    # What the workers post back (:mod:`registry_tui.tui.listing_messages`).
    Loaded: TypeAlias = listing_messages.Loaded
    Counted: TypeAlias = listing_messages.Counted
    LoadFailed: TypeAlias = listing_messages.LoadFailed
    RowsLoaded: TypeAlias = listing_messages.RowsLoaded
    OverviewLoaded: TypeAlias = listing_messages.OverviewLoaded
    DetailLoaded: TypeAlias = listing_messages.DetailLoaded
    EmptyChecked: TypeAlias = listing_messages.EmptyChecked

    def __init__(
        self, registry: ModelRegistry, *, read_only: bool = False, sidebar: bool | None = None
    ) -> None:
        super().__init__()
        self.registry = registry
        self.read_only = read_only
        self.sidebar_preference = sidebar
        self.query_model = ModelQuery()
        self.filter_text = ""
        """The text of the filter the table shows (the last good one)."""
        self.generation = 0
        self.total_exact = True
        """False while the shown total is a capped count (``1,000+``)."""
        self.facets: Facets | None = None
        self.readers = Readers()
        """Warm reader threads for listings, pages and details (see :mod:`..reads`)."""
        self._sidebar_wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield FilterBar(id="filter-bar")
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="main-column"):
                yield Welcome(id="welcome")
                yield ModelTable(id="models")
                yield DetailPane(id="detail-pane")
        yield Static("", id="status-line")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def filter_bar(self) -> FilterBar:
        """The filter bar."""
        return self.query_one(FilterBar)

    def on_unmount(self) -> None:
        self.readers.close()

    def on_mount(self) -> None:
        # As the app's default screen this mounts before the app's first frame and
        # its first resize: size the layout now, and list once that frame (with the
        # footer's keys) is painted, so the first listing never shows without them.
        self._fit_sidebar(self.app.size.width)
        self.table.focus()
        self.call_after_refresh(self._first_load)

    def _first_load(self) -> None:
        self.reload(keep=False)
        self._load_overview(self.query_model.status)

    # -- loading -------------------------------------------------------------------

    def reload(self, *, keep: bool = True) -> None:
        """Query the listing again; with ``keep`` the cursor stays on its model."""
        self.generation += 1
        current = self.table.current if keep else None
        keep_id = current.model_id if current else None
        self._load(self.generation, self.query_model, keep_id, self.table.cursor if keep else 0)

    @work(
        thread=True,
        exclusive=True,
        group="load",
        exit_on_error=False,
        description="Loading the listing",
    )
    def _load(self, generation: int, query: ModelQuery, keep_id: int | None, index: int) -> None:
        try:
            self.post_message(self._listing(generation, query, keep_id, index))
        except RegistryError as exc:
            self._refused(generation, exc)

    def _listing(
        self, generation: int, query: ModelQuery, keep_id: int | None, index: int
    ) -> Loaded:
        """The pages around row ``index`` (on ``keep_id`` when it is there) and the total.

        The total is a capped count (cheap at any size); when it is not exact,
        :meth:`_count_exact` brings the exact figure from another worker.
        """
        offset = max(0, (index // PAGE - 1) * PAGE) if keep_id is not None else 0
        limit = 3 * PAGE if offset or index else PAGE
        records, count = self.readers.both(
            lambda: self.registry.records.query(query, offset, limit),
            lambda: self.registry.records.count_capped(query),
        )
        total, exact = count.value, count.exact
        if not exact:
            total = max(total, offset + len(records))
        elif not records and total and offset:
            offset = max(0, ((total - 1) // PAGE - 1) * PAGE)
            records = self.readers.run(lambda: self.registry.records.query(query, offset, 2 * PAGE))
        cursor = next(
            (offset + i for i, r in enumerate(records) if r.model_id == keep_id),
            min(index, max(0, total - 1)),
        )
        return self.Loaded(generation, query, total, offset, records, cursor, exact)

    @work(
        thread=True,
        exclusive=True,
        group="count",
        exit_on_error=False,
        description="Counting the listing",
    )
    def _count_exact(self, generation: int, query: ModelQuery) -> None:
        """The exact size of a listing, off the keystroke's path (may read every match).

        It waits until typing pauses, and gives up when the filter changes, so a
        full count never competes with the listings of the next keystrokes.
        """
        worker = get_current_worker()

        def stale() -> bool:
            return worker.is_cancelled or generation != self.generation

        time.sleep(EXACT_COUNT_DELAY_S)
        if stale():
            return
        try:
            # Abandoned as soon as the filter changes: a stale count of a million
            # rows must not take a core from the listings of the next keystrokes.
            total = self.registry.records.count(query, stop=stale)
        except RegistryError:
            return  # the capped figure stays shown (or the listing changed)
        self.post_message(self.Counted(generation, total))

    def _refused(self, generation: int, exc: RegistryError) -> None:
        """A bad filter goes to the filter bar; a database problem to a notification."""
        if isinstance(exc, ValidationError):
            self.post_message(self.LoadFailed(generation, str(exc)))
        else:
            self.app.notify(str(exc), title="Database error", severity="error", markup=False)

    @work(
        thread=True,
        exclusive=True,
        group="load",
        exit_on_error=False,
        description="Finding the model",
    )
    def _jump_to(self, generation: int, query: ModelQuery, model_id: int) -> None:
        """Load the page holding ``model_id`` with the cursor on it (every status if need be)."""
        try:
            index = self.registry.records.position(query, model_id)
            if index is None and self.registry.records.get(model_id) is not None:
                query = ModelQuery(status=None)
                index = self.registry.records.position(query, model_id)
            if index is None:
                self.app.notify(f"No model with id {model_id}", severity="warning")
                return
            self.post_message(self._listing(generation, query, model_id, index))
        except RegistryError as exc:
            self._refused(generation, exc)

    @work(
        thread=True,
        exclusive=True,
        group="rows",
        exit_on_error=False,
        description="Loading more rows",
    )
    def _fetch_rows(self, generation: int, query: ModelQuery, offset: int, limit: int) -> None:
        try:
            records = self.readers.run(lambda: self.registry.records.query(query, offset, limit))
        except RegistryError as exc:
            self._refused(generation, exc)
            return
        self.post_message(self.RowsLoaded(generation, offset, records))

    @work(
        thread=True,
        exclusive=True,
        group="overview",
        exit_on_error=False,
        description="Loading the sidebar counts",
    )
    def _load_overview(self, status: str | None) -> None:
        try:
            facets = self.registry.records.facets(status)
            metrics = self.registry.records.common_metrics(3)
        except RegistryError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.post_message(self.OverviewLoaded(facets, metrics))

    @work(
        thread=True,
        exclusive=True,
        group="detail",
        exit_on_error=False,
        description="Loading the model",
    )
    def _load_detail(self, model_id: int) -> None:
        try:
            record = self.readers.run(lambda: self.registry.records.get(model_id))
        except RegistryError:
            return  # the listing record is still shown; the next poll retries
        if record is not None:
            self.post_message(self.DetailLoaded(record))

    def on_main_screen_loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return
        self.filter_bar.clear_error()
        if message.query != self.query_model:  # a jump widened the listing
            self.query_model = message.query
            self.filter_text = "status:all"
            self.filter_bar.restore(self.filter_text)
            self._load_overview(message.query.status)
        self._show_view()
        self.table.show(
            message.generation, message.total, message.offset, message.records, message.cursor
        )
        self.total_exact = message.exact
        if not message.exact:
            self._count_exact(message.generation, message.query)
        if message.total == 0:
            self.query_one(DetailPane).show(None)
            self._check_empty()
        else:
            self._show_welcome(False)
        self.update_status()

    @work(
        thread=True,
        exclusive=True,
        group="empty",
        exit_on_error=False,
        description="Checking for models",
    )
    def _check_empty(self) -> None:
        try:
            empty = self.registry.records.count_capped(ModelQuery(status=None), cap=1).value == 0
        except RegistryError:
            return
        self.post_message(self.EmptyChecked(empty))

    def on_main_screen_empty_checked(self, message: EmptyChecked) -> None:
        self._show_welcome(message.empty and self.table.total == 0)

    def _show_welcome(self, show: bool) -> None:
        welcome = self.query_one(Welcome)
        if show:
            welcome.show_for(self.registry.location)
        welcome.display = show
        self.table.display = not show
        self.query_one(DetailPane).display = not show

    def on_main_screen_counted(self, message: Counted) -> None:
        if message.generation != self.generation or message.generation != self.table.generation:
            return  # a count for a listing no longer shown
        self.total_exact = True
        self.table.set_total(message.generation, message.total)
        self.update_status()

    def on_main_screen_load_failed(self, message: LoadFailed) -> None:
        if message.generation == self.generation:
            self.filter_bar.show_error(message.error)

    def on_main_screen_rows_loaded(self, message: RowsLoaded) -> None:
        self.table.add_rows(message.generation, message.offset, message.records)
        self.update_status()

    def on_main_screen_overview_loaded(self, message: OverviewLoaded) -> None:
        self.facets = message.facets
        self.query_one(Sidebar).show_facets(message.facets)
        self.table.set_metrics(message.metrics)

    def on_main_screen_detail_loaded(self, message: DetailLoaded) -> None:
        pane = self.query_one(DetailPane)
        if pane.model_id == message.record.model_id:
            pane.show(message.record)

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self.reload(keep=True)
        self.prune_marks()
        self._load_overview(self.query_model.status)

    # -- table events ----------------------------------------------------------------

    def on_model_table_rows_wanted(self, message: ModelTable.RowsWanted) -> None:
        if message.generation == self.table.generation:
            query = self.query_model
            self._fetch_rows(message.generation, query, message.offset, message.limit)

    def on_model_table_highlighted(self, message: ModelTable.Highlighted) -> None:
        self.query_one(DetailPane).show(message.record, loading=self.table.total > 0)
        if message.record is not None:
            self._load_detail(message.record.model_id)
        self.update_status()

    def on_model_table_selected(self, message: ModelTable.Selected) -> None:
        self.open_detail(message.record.model_id)

    def on_model_table_marks_changed(self, _: ModelTable.MarksChanged) -> None:
        self.update_status()

    def update_status(self) -> None:
        """``48,213 models · row 1``: what the filter matches, the cursor row, marks, the
        database and read-only."""
        table = self.table
        text = Text()
        text.append(count_label(table.total, at_least=not self.total_exact))
        if table.total:
            text.append(f" · row {table.cursor + 1:,}", style="dim")
        if table.marked:
            text.append(f" · {len(table.marked)} marked", style="bold")
        text.append("  ")
        text.append_text(literal(self.registry.location, "dim"))
        if self.read_only:
            text.append("  read-only", style="bold reverse")
        # One line whatever it says (app.tcss): no layout pass, which would cost a frame.
        self.query_one("#status-line", Static).update(text, layout=False)

    # -- filtering -----------------------------------------------------------------

    @on(FilterBar.Changed)
    def _filter_changed(self, message: FilterBar.Changed) -> None:
        self.apply_filter(message.text)

    @on(FilterBar.Submitted)
    def _filter_submitted(self, message: FilterBar.Submitted) -> None:
        if self.apply_filter(message.text, submitted=True):
            self.table.focus()

    def apply_filter(self, text: str, *, submitted: bool = False) -> bool:
        """Parse ``text`` and list what it matches; a bad token shows in the bar.

        ``#123`` or ``:123`` is a jump: on ``enter`` the cursor goes to model 123
        and the bar shows the filter again.
        """
        target = jump_target(text)
        if target is not None:
            self.filter_bar.clear_error()
            if submitted:
                self.filter_bar.restore(self.filter_text)
                self.generation += 1
                self._jump_to(self.generation, self.query_model, target)
            return submitted
        try:
            query = parse_filter(text, runs=self.registry.find_runs)
        except RegistryError as exc:
            self.filter_bar.show_error(str(exc))
            return False
        self.filter_bar.clear_error()
        self.filter_text = text
        if query != self.query_model:
            status_changed = query.status != self.query_model.status
            self.query_model = query
            self.reload(keep=False)
            if status_changed:
                self._load_overview(query.status)
        return True

    def _show_view(self) -> None:
        """Tell the table the sort, and the metrics and numeric columns the filter names
        (each shown as a column)."""
        conditions, sort_metric = metrics_named(self.query_model)
        metrics = [*([sort_metric] if sort_metric else []), *conditions]
        numeric = columns_named(self.query_model)
        self.table.set_view(self.query_model.order_by, metrics, numeric)

    def filter_by(self, kind: str, value: str) -> None:
        """Narrow the filter to one task type or tag (replacing any such token)."""
        # Encoded, so the token filters exactly and nothing raw reaches the screen.
        self.filter_bar.set_text(with_token(self.filter_bar.text, kind, encode_value(value)))

    def sort_by(self, key: str) -> None:
        """Order the listing by ``key`` (the filter bar's ``sort:`` token follows)."""
        self.filter_bar.set_text(with_token(self.filter_text, "sort", key))

    def action_sort_next(self) -> None:
        """Sort by the next column of the table (``O`` reverses)."""
        self.sort_by(next_sort(self.table.columns, self.query_model.order_by))

    def action_sort_flip(self) -> None:
        """Reverse the order of the listing."""
        self.sort_by(next_sort(self.table.columns, self.query_model.order_by, flip=True))

    def on_model_table_sort_wanted(self, message: ModelTable.SortWanted) -> None:
        self.sort_by(toggle_sort(self.query_model.order_by, message.field))

    def action_jump(self) -> None:
        """Type a model id to jump to (``#123`` in the filter bar)."""
        self.filter_bar.begin_jump(self.filter_text)
        self.action_focus_filter()

    def on_sidebar_picked(self, message: Sidebar.Picked) -> None:
        if message.kind == "all":
            self.filter_bar.set_text("")
        else:
            self.filter_by(message.kind, message.value)

    def action_focus_filter(self) -> None:
        """Put the cursor in the filter bar."""
        # At once (not after a refresh) so keys typed right after / land in the bar;
        # the cursor goes to the end to refine the filter, nothing is selected.
        self.set_focus(self.filter_bar.input)
        self.filter_bar.input.cursor_position = len(self.filter_bar.text)

    def action_clear(self) -> None:
        """``esc``: clear the filter, then the marks (it never quits)."""
        if self.filter_bar.text:
            self.filter_bar.set_text("")
        elif self.table.marked:
            self.table.clear_marks()

    # -- layout ----------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._fit_sidebar(event.size.width)

    def _fit_sidebar(self, width: int) -> None:
        """Fold the sidebar away in a narrow terminal (each time the width crosses the line)."""
        wide = width >= SIDEBAR_MIN_WIDTH
        if self.sidebar_preference is not None:
            wide = self.sidebar_preference  # the preferences file decides, once
        if wide != self._sidebar_wide:
            self._sidebar_wide = wide
            self.query_one(Sidebar).display = wide

    def action_toggle_sidebar(self) -> None:
        """Show or hide the sidebar of task types and tags."""
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display
        if sidebar.display:
            sidebar.focus()
        else:
            self.table.focus()

    # -- command palette ---------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Commands this screen offers in the command palette (``ctrl+p``)."""
        yield SystemCommand("Promote", "Give the highlighted model a tag", self.action_promote)
        yield SystemCommand("Retire", "Retire the highlighted model", self.action_retire)
        yield SystemCommand("Delete", "Delete the highlighted model", self.action_delete)
        yield SystemCommand("Remove tag", "Take a tag off the highlighted model", self.action_untag)
        yield SystemCommand("Compare", "Compare the marked models", self.action_compare)
        yield SystemCommand(
            "Compare with production",
            "The highlighted model beside the production model",
            self.action_compare_production,
        )
        yield SystemCommand("Lineage", "Show the fine-tune family", self.action_lineage)
        yield SystemCommand("Clear filter", "Show every active model", self._clear_filter)
        yield SystemCommand(
            "Toggle sidebar", "Show or hide the sidebar", self.action_toggle_sidebar
        )
        facets = self.facets
        if facets is None:
            return
        for task, count in facets.task_types:
            yield self._filter_command("task", task, count)
        for tag, count in facets.tags:
            yield self._filter_command("tag", tag, count)

    def _filter_command(self, kind: str, value: str, count: int) -> SystemCommand:
        label = "task" if kind == "task" else "tag"
        # The palette reads titles as markup: escape user text so it shows literally.
        return SystemCommand(
            f"Filter by {label}: {markup(value)}",
            count_label(count),
            lambda: self.filter_by(kind, value),
            discover=False,
        )

    def _clear_filter(self) -> None:
        self.filter_bar.set_text("")
