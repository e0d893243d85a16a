"""What the main screen's keys do to the registry: promote, untag, retire, delete, copy.

Every change is one registry call in a thread worker, so the history records
it exactly as the CLI's would. Destructive actions ask first; in read-only mode
they explain why nothing happens. After a change the listing reloads with the
cursor on the same model.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.message import Message
from textual.screen import Screen

from registry_tui.errors import RegistryError
from registry_tui.records import ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.tui.messages import RegistryTouched
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.promote import PromoteChoice, PromoteScreen
from registry_tui.tui.screens.untag import UntagScreen
from registry_tui.tui.text import plain
from registry_tui.tui.widgets.model_table import ModelTable


class MainActions(Screen[None]):
    """The actions of the main screen (a base class so the screen module stays short)."""

    registry: ModelRegistry
    read_only: bool

    class ActionDone(Message):
        """A change went through; ``summary`` says what happened."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    class ActionFailed(Message):
        """The registry refused a change; ``error`` is its message."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key the preferences unbind (``"main.delete" = ""``) does nothing and leaves
        the footer; the command palette still offers the action."""
        preferences = getattr(self.app, "preferences", None)
        unbound: frozenset[str] = getattr(preferences, "unbound", frozenset())
        return f"main.{action}" not in unbound

    @property
    def table(self) -> ModelTable:
        """The model table."""
        return self.query_one(ModelTable)

    def _target(self) -> ModelRecord | None:
        record = self.table.current
        if record is None:
            self.notify("No model highlighted", severity="warning")
        return record

    def _writable(self, what: str) -> bool:
        if self.read_only:
            self.notify(
                f"Read-only: {what} is disabled (the app was opened with --read-only)",
                severity="warning",
                markup=False,
            )
        return not self.read_only

    @work(thread=True, exclusive=True, group="action")
    def _mutate(self, summary: str, change: Callable[[], object]) -> None:
        try:
            change()
        except RegistryError as exc:
            self.post_message(self.ActionFailed(str(exc)))
            return
        self.post_message(self.ActionDone(summary))

    def on_main_actions_action_done(self, message: ActionDone) -> None:
        self.notify(message.summary, markup=False)
        self.app.post_message(RegistryTouched())

    def on_main_actions_action_failed(self, message: ActionFailed) -> None:
        self.notify(message.error, title="Refused", severity="error", markup=False)
        self.app.post_message(RegistryTouched())

    # -- keys ------------------------------------------------------------------------

    def action_promote(self) -> None:
        """Give the highlighted model a tag (exclusive by default)."""
        record = self._target()
        if record is None or not self._writable("promote"):
            return

        def chosen(choice: PromoteChoice | None) -> None:
            if choice is None:
                return
            summary = f"{plain(record.label)} is now {plain(choice.tag)}"
            self._mutate(
                summary,
                lambda: self.registry.promote_model(record.model_id, choice.tag, choice.exclusive),
            )

        self.app.push_screen(PromoteScreen(self.registry, record), chosen)

    def action_untag(self) -> None:
        """Take one of its tags off the highlighted model."""
        record = self._target()
        if record is None or not self._writable("remove tag"):
            return
        if not record.tags:
            self.notify(f"{plain(record.label)} has no tags", markup=False)
            return

        def chosen(tag: str | None) -> None:
            if tag is not None:
                summary = f"Removed {plain(tag)} from {plain(record.label)}"
                self._mutate(summary, lambda: self.registry.remove_tag(record.model_id, tag))

        self.app.push_screen(UntagScreen(record), chosen)

    def action_retire(self) -> None:
        """Retire the highlighted model after a confirmation (focus starts on No)."""
        record = self._target()
        if record is None or not self._writable("retire"):
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                summary = f"Retired {plain(record.label)}"
                self._mutate(summary, lambda: self.registry.retire_model(record.model_id))

        question = (
            f"Retire model {record.model_id} ({plain(record.label)})?\n"
            "It stays in the registry but leaves the default listings."
        )
        self.app.push_screen(ConfirmScreen("Retire model", question, "Retire"), confirmed)

    def action_delete(self) -> None:
        """Delete the highlighted model; a tagged one needs a second, forced confirmation."""
        record = self._target()
        if record is None or not self._writable("delete"):
            return

        def forced(yes: bool | None) -> None:
            if yes:
                self._delete(record, force=True)

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            if not record.tags:
                self._delete(record, force=False)
                return
            tags = ", ".join(plain(t) for t in record.tags)
            question = (
                f"{plain(record.label)} is tagged: {tags}.\nForce the delete? The tags go with it."
            )
            screen = ConfirmScreen("Force delete", question, "Force delete", danger=True)
            self.app.push_screen(screen, forced)

        question = f"Delete model {record.model_id} ({plain(record.label)})? This cannot be undone."
        self.app.push_screen(
            ConfirmScreen("Delete model", question, "Delete", danger=True), confirmed
        )

    def _delete(self, record: ModelRecord, *, force: bool) -> None:
        summary = f"Deleted {plain(record.label)}"
        self._mutate(summary, lambda: self.registry.delete_model(record.model_id, force=force))

    def action_copy_path(self) -> None:
        """Copy the checkpoint path to the clipboard (OSC 52: works over SSH)."""
        record = self._target()
        if record is None:
            return
        self.app.copy_to_clipboard(record.checkpoint_path)
        self.notify(plain(record.checkpoint_path), title="Copied checkpoint path", markup=False)

    def action_compare(self) -> None:
        """Compare the marked models, or the highlighted one with its parent."""
        marked = sorted(self.table.marked)
        record = self.table.current
        if len(marked) >= 2:
            ids = marked
        elif record is None:
            self.notify("No model highlighted", severity="warning")
            return
        elif marked and marked[0] != record.model_id:
            ids = [marked[0], record.model_id]
        elif record.parent_model_id is not None:
            ids = [record.parent_model_id, record.model_id]
        else:
            self.notify(
                f"{plain(record.label)} has no parent: mark models with space to compare them",
                markup=False,
            )
            return
        self.app.push_screen(CompareScreen(self.registry, ids))

    def action_lineage(self) -> None:
        """Show the highlighted model's whole fine-tune family."""
        record = self._target()
        if record is None:
            return

        def jump(model_id: int | None) -> None:
            if model_id is not None:
                self.jump_to(model_id)

        self.app.push_screen(LineageScreen(self.registry, record.model_id), jump)

    def jump_to(self, model_id: int) -> None:
        """Put the cursor on ``model_id`` if the listing shows it, else open its details."""
        index = self.table.index_of(model_id)
        if index is not None:
            self.table.move_to(index)
        else:
            self.open_detail(model_id)

    def open_detail(self, model_id: int) -> None:
        """Open the detail screen of a model."""
        self.app.push_screen(DetailScreen(self.registry, model_id))
