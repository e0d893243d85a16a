"""The rollback dialog: which tag to give back, and to whom, before it happens.

The tags in use are listed; the highlighted one's preview says which model
holds it now and which one will hold it after the rollback, as the core
computes it (``rollback_preview``), e.g.
``production: gpt-small 1.2.0 #4 -> gpt-small 1.1.0 #3``. ``enter`` picks the tag
(the caller then asks for confirmation), ``esc`` cancels. A tag with no
earlier holder shows why it cannot be rolled back, and ``enter`` does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.worker import Worker

from registry_tui.errors import RegistryError
from registry_tui.records import ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render.text import literal, visible
from registry_tui.tui.screens.pick_list import PickListScreen
from registry_tui.tui.work import report_failed_work


@dataclass(frozen=True, slots=True)
class RollbackChoice:
    """The tag to roll back and the change, as previewed."""

    tag: str
    preview: str


class RollbackScreen(PickListScreen[RollbackChoice | None]):
    """Ask which tag to give back to its previous holder."""

    AUTO_FOCUS = "#rollback-options"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rollback.cancel"),
        Binding("j", "cursor(1)", "Next tag", show=False, id="rollback.next_tag"),
        Binding("k", "cursor(-1)", "Previous tag", show=False, id="rollback.previous_tag"),
    ]

    @dataclass
    class TagsLoaded(Message):
        """The tags in use arrived."""

        tags: list[str]

    @dataclass
    class Previewed(Message):
        """What rolling back ``tag`` would do (``ok`` False: it cannot be rolled back)."""

        tag: str
        text: str
        ok: bool

    def __init__(self, registry: ModelRegistry, initial: str | None = None) -> None:
        super().__init__(classes="dialog")
        self.registry = registry
        self.initial = initial
        self.tags: list[str] = []
        self.previews: dict[str, tuple[str, bool]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Roll back a tag", style="bold"), id="dialog-title")
            yield OptionList(id="rollback-options")
            yield Static(Text("loading…", style="dim"), id="preview")
            yield Static(Text("enter roll back · esc cancel", style="dim"), id="dialog-hint")

    def on_mount(self) -> None:
        self._load_tags()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Work of this screen that failed unexpectedly: one line (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

    @work(
        thread=True,
        exclusive=True,
        group="rollback-tags",
        exit_on_error=False,
        description="Loading the tags in use",
    )
    def _load_tags(self) -> None:
        try:
            tags = self.registry.records.tag_names()
        except RegistryError as exc:
            self.post_message(self.Previewed("", str(exc), False))
            return
        self.post_message(self.TagsLoaded(tags))

    def on_rollback_screen_tags_loaded(self, message: TagsLoaded) -> None:
        self.tags = message.tags
        options = self.query_one(OptionList)
        options.add_options([literal(tag) for tag in message.tags])
        if not message.tags:
            self._show(Text("No tags in use: nothing to roll back", style="dim"))
            return
        first = self.initial if self.initial in message.tags else message.tags[0]
        options.highlighted = message.tags.index(first)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        tag = self.tags[event.option_index]
        self._show(Text("checking the history…", style="dim"))
        self._preview(tag)

    @work(
        thread=True,
        exclusive=True,
        group="rollback-preview",
        exit_on_error=False,
        description="Previewing the rollback",
    )
    def _preview(self, tag: str) -> None:
        try:
            target, current = self.registry.rollback_preview(tag)
            labels = self.registry.records.by_ids([i for i in (target, current) if i is not None])
        except RegistryError as exc:
            self.post_message(self.Previewed(tag, str(exc), False))
            return
        before = _ref(current, labels) if current is not None else "(nobody)"
        self.post_message(self.Previewed(tag, f"{before} -> {_ref(target, labels)}", True))

    def on_rollback_screen_previewed(self, message: Previewed) -> None:
        self.previews[message.tag] = (message.text, message.ok)
        if self._current_tag() != message.tag:
            return
        text = literal(message.tag, "bold")
        text.append(": ")
        text.append_text(literal(message.text, "" if message.ok else "red"))
        self._show(text)

    def _current_tag(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        return self.tags[index] if index is not None and index < len(self.tags) else None

    def _show(self, text: Text) -> None:
        self.query_one("#preview", Static).update(text)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        tag = self.tags[event.option_index]
        text, ok = self.previews.get(tag, ("", False))
        if ok:
            self.dismiss(RollbackChoice(tag, text))
        else:
            self.notify(
                f"{visible(tag)} cannot be rolled back now", severity="warning", markup=False
            )

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


def _ref(model_id: int, records: dict[int, ModelRecord]) -> str:
    record = records.get(model_id)
    return f"{record.label} #{model_id}" if record else f"#{model_id}"
