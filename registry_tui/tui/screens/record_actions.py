"""Actions shared by the main and detail screens beyond the tag and delete keys:
copy (``y``), restore a retired model (``R``), roll back a tag (``b``), the
history screen (``h``) and the pending promotion requests (``P``).

Built on :class:`~.model_changes.ModelChangesScreen`, so both screens run the same
code: each says which model an action is about (``_target``), the core does
the change in a thread worker, and the toast says what happened.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.app import SystemCommand

from registry_tui.errors import RegistryError
from registry_tui.records import ModelRecord
from registry_tui.render.text import visible
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.copy import CopyChoice, CopyScreen
from registry_tui.tui.screens.history import HistoryFilter, HistoryScreen
from registry_tui.tui.screens.model_changes import ModelChangesScreen
from registry_tui.tui.screens.pending import PendingScreen
from registry_tui.tui.screens.rollback import RollbackChoice, RollbackScreen


class RecordActions(ModelChangesScreen):
    """Copy, restore, rollback and history, for any screen that shows a model."""

    def action_copy(self) -> None:
        """Choose what to copy from the model: path, ``name:version``, id or JSON."""
        record = self._target()
        if record is None:
            return

        def chosen(choice: CopyChoice | None) -> None:
            if choice is not None:
                # OSC 52 through the app: the terminal gets the exact text.
                self.app.copy_to_clipboard(choice.text)
                self.notify(visible(choice.text), title=f"Copied {choice.what}", markup=False)

        self.app.push_screen(CopyScreen(record), chosen)

    def action_restore(self) -> None:
        """Make the retired model active again (recorded in the history)."""
        record = self._target()
        if record is not None and self._writable("restore"):
            self._restore(record)

    @work(
        thread=True,
        exclusive=True,
        group="action",
        exit_on_error=False,
        description="Changing the model",
    )
    def _restore(self, record: ModelRecord) -> None:
        label = visible(record.label)
        try:
            restored = self.registry.restore_model(record.model_id)
        except RegistryError as exc:
            self.post_message(self.ActionFailed(str(exc)))
            return
        summary = f"Restored {label}: active again" if restored else f"{label} is already active"
        self.post_message(self.ActionDone(summary))

    def action_rollback(self) -> None:
        """Give a tag back to its previous holder: pick the tag, see the change, confirm."""
        if not self._writable("rollback"):
            return
        record = self._current_record()
        initial = record.tags[0] if record is not None and record.tags else None

        def confirmed(choice: RollbackChoice, yes: bool | None) -> None:
            if yes:

                def rollback() -> str:
                    self.registry.rollback_tag(choice.tag)
                    return f"Rolled back {visible(choice.tag)}: {visible(choice.preview)}"

                self._mutate(rollback)

        def chosen(choice: RollbackChoice | None) -> None:
            if choice is None:
                return
            question = (
                f"Roll back {visible(choice.tag)}?\n{visible(choice.preview)}\n"
                "The tag goes back to the model that held it before."
            )
            screen = ConfirmScreen("Roll back tag", question, "Roll back")
            self.app.push_screen(screen, lambda yes: confirmed(choice, yes))

        self.app.push_screen(RollbackScreen(self.registry, initial), chosen)

    def action_history(self) -> None:
        """The registry's history: promotions, retirements, deletions ... newest first."""
        self.app.push_screen(HistoryScreen(self.registry, self._history_filter()))

    def action_pending(self) -> None:
        """The open promotion requests of protected tags: review, approve, reject."""
        self.app.push_screen(PendingScreen(self.registry, read_only=self.read_only))

    def _history_filter(self) -> HistoryFilter:
        """Where the history screen starts (everything, unless a screen says otherwise)."""
        return HistoryFilter()

    def _current_record(self) -> ModelRecord | None:
        """The model the screen shows or highlights, without warning when there is none."""
        return self.table.current

    def record_commands(self) -> Iterable[SystemCommand]:
        """These actions as command palette entries (``ctrl+p``)."""
        yield SystemCommand("Restore", "Make a retired model active again", self.action_restore)
        yield SystemCommand(
            "Roll back tag", "Give a tag back to its previous holder", self.action_rollback
        )
        yield SystemCommand(
            "History", "Every change to the registry, newest first", self.action_history
        )
        yield SystemCommand("Copy", "Copy the path, name:version, id or JSON", self.action_copy)
        yield SystemCommand(
            "Pending requests",
            "Review, approve or reject the requests to move protected tags",
            self.action_pending,
        )
