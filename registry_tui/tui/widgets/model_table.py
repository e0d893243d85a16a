"""The model table: a window onto a listing of any size.

Only the pages the user looks at are held (50 rows each); the table knows the
total from a separate count and asks for missing pages with a
:class:`ModelTable.RowsWanted` message as the cursor or the scroll moves, so a
100,000-model registry scrolls as fast as a 10-model one. Retired models are
dimmed, the holder of ``production`` carries a star, and models marked for
comparison a tick.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from registry_tui.records import ModelRecord
from registry_tui.tui.columns import (
    GAP,
    PRODUCTION_TAG,
    Column,
    build_columns,
    column_at,
    fit_columns,
    fixed_width,
    header_label,
    rank_metrics,
    scroll_strip,
    total_width,
)

PAGE = 50
"""Rows fetched per query."""
WIDE = 110
"""From this width on the table shows three metric columns, below it two."""
MAX_PAGES = 40
"""Pages kept in memory; the ones farthest from the cursor go first."""
LINE_CACHE_SIZE = 1000
"""Drawn lines kept (a few screens' worth at any width)."""


_NO_STYLE = Style()


class ModelTable(ScrollView, can_focus=True, inherit_bindings=False):
    """A paged, virtual table of models; the screen feeds it rows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g,home", "first", "First model", show=False, id="table.first"),
        Binding("G,end", "last", "Last model", show=False, id="table.last"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("left", "scroll_columns(-8)", "Scroll left", show=False, id="table.left"),
        Binding("right", "scroll_columns(8)", "Scroll right", show=False, id="table.right"),
        Binding("enter", "select", "Open", show=False, id="table.open"),
        Binding("space", "toggle_mark", "Mark and move down", show=False, id="table.mark"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "model-table--header",
        "model-table--cursor",
        "model-table--retired",
        "model-table--mark",
        "model-table--production",
        "model-table--loading",
    }

    @dataclass
    class RowsWanted(Message):
        """Rows ``offset .. offset+limit`` of listing ``generation`` are needed."""

        generation: int
        offset: int
        limit: int

    @dataclass
    class Highlighted(Message):
        """The cursor moved to ``record`` (None while its page loads or when empty)."""

        record: ModelRecord | None
        index: int

        def can_replace(self, message: Message) -> bool:
            """Only where the cursor is now matters (holding ``j`` posts one a row)."""
            return isinstance(message, ModelTable.Highlighted)

    @dataclass
    class Selected(Message):
        """``enter`` was pressed on ``record``."""

        record: ModelRecord

    @dataclass
    class SortWanted(Message):
        """A sortable column's header was clicked."""

        field: str

    @dataclass
    class MarksChanged(Message):
        """The set of models marked for comparison changed."""

        marked: frozenset[int]

        def can_replace(self, message: Message) -> bool:
            """Each carries the whole set: the newest is enough."""
            return isinstance(message, ModelTable.MarksChanged)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.generation = 0
        self.total = 0
        self.cursor = 0
        self.marked: set[int] = set()
        self._pages: dict[int, tuple[ModelRecord, ...]] = {}
        self._pending: set[int] = set()
        self._metrics: list[str] = []
        self._wanted: list[str] = []
        self._numeric: list[str] = []
        self._sort: str | None = None
        self._columns: list[Column] = build_columns([])
        self._announced: int | None = -1
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(LINE_CACHE_SIZE)
        """Drawn lines, keyed by all a line shows besides the rows and columns, whose
        changes clear it (as Textual's DataTable keeps its row cache)."""

    # -- data in ---------------------------------------------------------------

    def set_metrics(self, metrics: Sequence[str]) -> None:
        """Show ``metrics`` as columns (the registry's most common ones)."""
        ranked = rank_metrics(metrics)
        if ranked != self._metrics:
            self._metrics = ranked
            self._relayout()

    def set_view(
        self, sort: str | None, metrics: Sequence[str], numeric: Sequence[str] = ()
    ) -> None:
        """The listing's sort key (its header gets an arrow), and the metrics and numeric
        columns (``memory_req_gb``) it must show."""
        wanted = list(dict.fromkeys(metrics))
        if (sort, wanted, list(numeric)) != (self._sort, self._wanted, self._numeric):
            self._sort, self._wanted, self._numeric = sort, wanted, list(numeric)
            self._relayout()

    @property
    def columns(self) -> list[Column]:
        """The columns as laid out now."""
        return list(self._columns)

    def show(
        self, generation: int, total: int, offset: int, records: Sequence[ModelRecord], cursor: int
    ) -> None:
        """Replace the listing: ``records`` start at row ``offset`` of ``total`` rows."""
        self.generation = generation
        self.total = total
        self._pages.clear()
        self._pending.clear()
        self._store(offset, records)
        self._relayout()
        self.cursor = max(0, min(cursor, total - 1))
        self._scroll_to_cursor(center=True)
        self.refresh()
        self._announce(force=True)
        self._want_rows()

    def set_total(self, generation: int, total: int) -> None:
        """The listing's size, once known exactly; stale generations are ignored."""
        if generation != self.generation or total == self.total:
            return
        self.total = total
        self.virtual_size = Size(total_width(self._columns), self.total + 1)
        self.cursor = max(0, min(self.cursor, total - 1))
        self._lines.clear()
        self.refresh()
        self._want_rows()

    def add_rows(self, generation: int, offset: int, records: Sequence[ModelRecord]) -> None:
        """Rows fetched after a :class:`RowsWanted`; stale generations are ignored."""
        if generation != self.generation:
            return
        self._store(offset, records)
        self._lines.clear()
        self._pending.difference_update(range(offset // PAGE, (offset + len(records)) // PAGE + 1))
        self.refresh()
        self._announce()
        self._want_rows()

    @property
    def current(self) -> ModelRecord | None:
        """The model under the cursor, when its page is loaded."""
        return self.record_at(self.cursor)

    def record_at(self, index: int) -> ModelRecord | None:
        """The model at row ``index``, or None when not loaded."""
        if not 0 <= index < self.total:
            return None
        rows = self._pages.get(index // PAGE)
        if rows is None or index % PAGE >= len(rows):
            return None
        return rows[index % PAGE]

    def loaded_count(self, index: int) -> int:
        """Rows held in the page that contains row ``index`` (what the status line shows)."""
        return len(self._pages.get(index // PAGE, ()))

    def index_of(self, model_id: int) -> int | None:
        """Row of ``model_id`` among the loaded pages."""
        for page, rows in self._pages.items():
            for i, record in enumerate(rows):
                if record.model_id == model_id:
                    return page * PAGE + i
        return None

    def _store(self, offset: int, records: Sequence[ModelRecord]) -> None:
        for start in range(0, len(records), PAGE):
            index = offset + start
            if index % PAGE:
                continue  # pages are aligned; the screen always asks for aligned windows
            self._pages[index // PAGE] = tuple(records[start : start + PAGE])
        if len(self._pages) > MAX_PAGES:
            here = self.cursor // PAGE
            for page in sorted(self._pages, key=lambda p: -abs(p - here))[
                : len(self._pages) - MAX_PAGES
            ]:
                del self._pages[page]

    # -- cursor ------------------------------------------------------------------

    @property
    def body_height(self) -> int:
        """Rows of models visible under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped) and keep it in view."""
        if self.total == 0:
            return
        index = max(0, min(index, self.total - 1))
        if index == self.cursor:
            return
        self.cursor = index
        self._scroll_to_cursor()
        self.refresh()
        self._announce()
        self._want_rows()

    def _scroll_to_cursor(self, center: bool = False) -> None:
        top = round(self.scroll_y)
        height = self.body_height
        if center and not top <= self.cursor < top + height:
            target = self.cursor - height // 2
        elif self.cursor < top:
            target = self.cursor
        elif self.cursor >= top + height:
            target = self.cursor - height + 1
        else:
            return
        self.scroll_to(y=max(0, target), animate=False, immediate=True)

    def _announce(self, force: bool = False) -> None:
        record = self.current
        key = record.model_id if record else None
        if force or key != self._announced:
            self._announced = key
            self.post_message(self.Highlighted(record, self.cursor))

    def _want_rows(self) -> None:
        if self.total == 0:
            return
        top = round(self.scroll_y)
        bottom = min(self.total - 1, top + self.body_height)
        pages = set(range(top // PAGE, bottom // PAGE + 1)) | {self.cursor // PAGE}
        missing = {p for p in pages if p not in self._pages}
        if not missing or missing <= self._pending:
            return
        self._pending = missing
        first, last = min(missing), max(missing)
        self.post_message(self.RowsWanted(self.generation, first * PAGE, (last - first + 1) * PAGE))

    # -- actions -----------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """Move down one model."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Move up one model."""
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        """Jump to the first model."""
        self.move_to(0)

    def action_last(self) -> None:
        """Jump to the last model."""
        self.move_to(self.total - 1)

    def action_page_down(self) -> None:
        """Move down a screenful."""
        self.move_to(self.cursor + self.body_height)

    def action_page_up(self) -> None:
        """Move up a screenful."""
        self.move_to(self.cursor - self.body_height)

    def action_scroll_columns(self, cells: int) -> None:
        """Scroll sideways when the columns are wider than the table."""
        self.scroll_to(x=max(0, self.scroll_x + cells), animate=False)

    def action_select(self) -> None:
        """Open the highlighted model."""
        if (record := self.current) is not None:
            self.post_message(self.Selected(record))

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted model for comparison, then move down."""
        record = self.current
        if record is None:
            return
        self.marked.symmetric_difference_update({record.model_id})
        self.refresh()
        self.post_message(self.MarksChanged(frozenset(self.marked)))
        self.move_to(self.cursor + 1)

    def unmark(self, model_ids: Iterable[int]) -> bool:
        """Take the marks off ``model_ids``; True when any was marked."""
        dropped = self.marked.intersection(model_ids)
        if dropped:
            self.marked -= dropped
            self.refresh()
            self.post_message(self.MarksChanged(frozenset(self.marked)))
        return bool(dropped)

    def clear_marks(self) -> None:
        """Forget every mark."""
        self.marked.clear()
        self.refresh()
        self.post_message(self.MarksChanged(frozenset()))

    # -- events ------------------------------------------------------------------

    def on_resize(self, _: events.Resize) -> None:
        self._relayout()
        self._want_rows()

    def on_focus(self, _: events.Focus) -> None:
        self.refresh()

    def on_blur(self, _: events.Blur) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            col = self.column_at(event.x)
            if col is not None and col.sort is not None:
                self.post_message(self.SortWanted(col.sort))
            return
        self.move_to(round(self.scroll_y) + event.y - 1)
        if event.chain == 2:
            self.action_select()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._want_rows()

    # -- drawing -----------------------------------------------------------------

    def column_at(self, x: int) -> Column | None:
        """The column drawn at screen cell ``x`` of the table (fixed columns do not scroll)."""
        return column_at(self._columns, x, round(self.scroll_x))

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width or 80
        digits = max(2, len(str(self._max_id())))
        # The common metrics keep their places; those the filter names are added after them.
        common = self._metrics[: 3 if width >= WIDE else 2]
        metrics = [*common, *(m for m in self._wanted if m not in common)]
        self._columns = fit_columns(build_columns(metrics, digits, self._numeric), width)
        self.virtual_size = Size(total_width(self._columns), self.total + 1)
        self._lines.clear()
        self.refresh()

    def _max_id(self) -> int:
        ids = [r.model_id for rows in self._pages.values() for r in rows]
        return max(ids, default=100)

    def notify_style_update(self) -> None:
        """A new theme or focus state: draw every line again."""
        super().notify_style_update()
        self._lines.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y - 1
        key = self._line_key(y, index, scroll_x, width)
        strip = self._lines.get(key)
        if strip is None:
            base = self.rich_style
            line = self._header_strip() if y == 0 else self._row_strip(index, base)
            strip = scroll_strip(line, fixed_width(self._columns), scroll_x, width, base)
            self._lines.set(key, strip)
        return strip

    def _line_key(self, y: int, index: int, scroll_x: int, width: int) -> tuple[object, ...]:
        """What a line shows besides the rows, columns and styles (whose changes clear the
        cache): which row, whether the cursor or a mark is on it, and the visible slice."""
        if y == 0:
            return ("header", scroll_x, width)
        record = self.record_at(index)
        marked = record is not None and record.model_id in self.marked
        return (index, index == self.cursor, marked, self.has_focus, scroll_x, width)

    def _header_strip(self) -> Strip:
        style = self.get_component_rich_style("model-table--header")
        line = Text(style=style)
        for col in self._columns:
            cell = Text(header_label(col, self._sort))
            cell.truncate(col.width, overflow="ellipsis")
            cell.align(col.justify, col.width)
            line.append_text(cell)
            line.append(" " * GAP)
        return self._to_strip(line, style)

    def _row_strip(self, index: int, base: Style) -> Strip:
        if index >= self.total:
            return Strip.blank(self.virtual_size.width, base)
        record = self.record_at(index)
        row_style = base
        if record is None:
            row_style += self.get_component_rich_style("model-table--loading")
            line = Text("  …", style=row_style)
            return self._to_strip(line, row_style)
        if record.status == "retired":
            row_style += self.get_component_rich_style("model-table--retired")
        if index == self.cursor:
            row_style += self.get_component_rich_style("model-table--cursor")
        line = Text(style=row_style)
        for col in self._columns:
            if col.key == "gutter":
                line.append_text(self._gutter(record))
            else:
                cell = col.cell(record)
                cell.truncate(col.width, overflow="ellipsis")
                cell.align(col.justify, col.width)
                line.append_text(cell)
            line.append(" " * GAP)
        return self._to_strip(line, row_style)

    def _gutter(self, record: ModelRecord) -> Text:
        mark = "✓" if record.model_id in self.marked else " "
        star = "★" if PRODUCTION_TAG in record.tags else " "
        return Text.assemble(
            (mark, self.get_component_rich_style("model-table--mark")),
            (star, self.get_component_rich_style("model-table--production")),
        )

    def _to_strip(self, line: Text, style: Style) -> Strip:
        # Every segment gets a style: Textual's NO_COLOR filter fails on a None style.
        segments = [
            Segment(text, seg_style or _NO_STYLE, control)
            for text, seg_style, control in line.render(self.app.console)
        ]
        strip = Strip(segments)
        return strip.extend_cell_length(self.virtual_size.width, style)
