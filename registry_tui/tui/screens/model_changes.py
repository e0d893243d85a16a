"""The base screen of the keys that change a model: promote, untag, retire, delete.

The main and detail screens are built on it (through
:class:`~registry_tui.tui.screens.record_actions.RecordActions`).

Every change is one registry call in a thread worker, so the history records
it exactly as the CLI's would. Destructive actions first read the core's plan
of what they will do (tags lost, children unlinked, an exclusive tag left with
no active holder, a retire that would change nothing) and ask with every
consequence named, in the CLI's words; in read-only mode they explain why
nothing happens. After a change the listing reloads with the cursor on the same
model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker

from registry_tui.errors import RegistryError
from registry_tui.records import ChangePlan, ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render.plans import consequences, promote_summary, question
from registry_tui.render.text import visible
from registry_tui.tui.messages import RegistryTouched
from registry_tui.tui.screens.compare import CompareScreen, gone_text
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.promote import PromoteChoice, PromoteScreen
from registry_tui.tui.screens.untag import UntagScreen
from registry_tui.tui.widgets.model_table import ModelTable
from registry_tui.tui.work import report_failed_work


class ModelChangesScreen(Screen[None]):
    """The actions of the main screen (a base class so the screen module stays short)."""

    registry: ModelRegistry
    read_only: bool

    @dataclass
    class ActionDone(Message):
        """A change went through; ``summary`` says what happened."""

        summary: str

    @dataclass
    class ActionFailed(Message):
        """The registry refused a change; ``error`` is its message."""

        error: str

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key the preferences unbind (``"main.delete" = ""``) does nothing and leaves
        the footer; the command palette still offers the action."""
        preferences = getattr(self.app, "preferences", None)
        unbound: frozenset[str] = getattr(preferences, "unbound", frozenset())
        return f"main.{action}" not in unbound

    @dataclass
    class PlanReady(Message):
        """The core said what a change would do (``plan``), or why it cannot (``error``);
        ``then`` or ``failed`` carries on on the UI thread."""

        plan: ChangePlan | None
        then: Callable[[ChangePlan], None]
        error: str = ""
        failed: Callable[[], object] | None = None

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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Work of this screen that failed unexpectedly: one line (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

    @work(
        thread=True,
        exclusive=True,
        group="action",
        exit_on_error=False,
        description="Changing the registry",
    )
    def _mutate(self, change: Callable[[], str]) -> None:
        """Run ``change`` (which returns what to tell the user) off the UI thread."""
        try:
            summary = change()
        except RegistryError as exc:
            self.post_message(self.ActionFailed(str(exc)))
            return
        self.post_message(self.ActionDone(summary))

    @work(
        thread=True,
        exclusive=True,
        group="plan",
        exit_on_error=False,
        description="Reading what the change will do",
    )
    def _with_plan(
        self,
        action: str,
        model_id: int,
        tag: str | None,
        then: Callable[[ChangePlan], None],
        failed: Callable[[], object] | None = None,
    ) -> None:
        """Read what ``action`` would do, then hand the plan to ``then`` on the UI thread
        (or, when the core refuses, show why and call ``failed``)."""
        try:
            if action == "delete":
                plan = self.registry.records.delete_plan(model_id)
            elif action == "retire":
                plan = self.registry.records.retire_plan(model_id)
            else:
                plan = self.registry.records.untag_plan(model_id, str(tag))
        except RegistryError as exc:
            self.post_message(self.PlanReady(None, then, str(exc), failed))
            return
        self.post_message(self.PlanReady(plan, then))

    def on_model_changes_screen_plan_ready(self, message: PlanReady) -> None:
        if message.plan is not None:
            message.then(message.plan)
            return
        if message.failed is not None:
            message.failed()
        self.post_message(self.ActionFailed(message.error))

    def on_model_changes_screen_action_done(self, message: ActionDone) -> None:
        self.notify(message.summary, markup=False)
        self.app.post_message(RegistryTouched())

    def on_model_changes_screen_action_failed(self, message: ActionFailed) -> None:
        self.notify(message.error, title="Refused", severity="error", markup=False)
        self.app.post_message(RegistryTouched())

    def _ask(self, plan: ChangePlan, title: str, confirm: str, then: Callable[[], object]) -> None:
        """Ask about ``plan`` with every consequence listed; run ``then`` on yes."""
        screen = ConfirmScreen(title, question(plan), confirm, details=consequences(plan))

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(screen, answered)

    def _ask_first(
        self,
        record: ModelRecord,
        action: str,
        decide: Callable[[ChangePlan, ConfirmScreen], None],
        then: Callable[[ChangePlan], object],
    ) -> None:
        """Open the question at once (yes disabled) and fill it in from the core's plan, so
        a quick ``y`` can never confirm consequences not yet shown."""
        verb = "Delete" if action == "delete" else "Retire"
        screen = ConfirmScreen(
            f"{verb} model", f"{verb} model {record.model_id} ({visible(record.label)})?",
            verb, danger=action == "delete", details=None,
        )  # fmt: skip
        plans: list[ChangePlan] = []

        def planned(plan: ChangePlan) -> None:
            plans.append(plan)
            if screen.is_attached and screen.is_current:
                decide(plan, screen)

        def answered(yes: bool | None) -> None:
            if yes and plans:
                then(plans[0])

        self.app.push_screen(screen, answered)
        self._with_plan(action, record.model_id, None, planned, lambda: screen.dismiss(False))

    # -- keys ------------------------------------------------------------------------

    def action_promote(self) -> None:
        """Give the highlighted model a tag (exclusive by default)."""
        record = self._target()
        if record is not None:
            self.promote_record(record)

    def promote_record(self, record: ModelRecord) -> None:
        """Ask which tag to give ``record`` and promote it (also used from the lineage tree)."""
        if not self._writable("promote"):
            return

        def promote(choice: PromoteChoice) -> str:
            if choice.reason is not None:
                request_id = self.registry.request_promotion(
                    record.model_id, choice.tag, choice.reason
                )
                return (
                    f"Requested {visible(choice.tag)} for {visible(record.label)}: "
                    f"request #{request_id}, waiting for approval (P shows it)"
                )
            result = self.registry.promote_model(record.model_id, choice.tag, choice.exclusive)
            return promote_summary(result.model, result.tag, result.removed_from, result.changed)

        def chosen(choice: PromoteChoice | None) -> None:
            if choice is not None:
                self._mutate(lambda: promote(choice))

        self.app.push_screen(PromoteScreen(self.registry, record), chosen)

    def action_untag(self) -> None:
        """Take one of its tags off the highlighted model (warning when that leaves an
        exclusive tag with no active holder)."""
        record = self._target()
        if record is None or not self._writable("remove tag"):
            return
        if not record.tags:
            self.notify(f"{visible(record.label)} has no tags", markup=False)
            return

        def untag(tag: str) -> str:
            self.registry.remove_tag(record.model_id, tag)
            return f"Removed {visible(tag)} from {visible(record.label)}"

        def planned(plan: ChangePlan) -> None:
            tag = plan.tags[0]
            if not plan.orphaned_tags:
                self._mutate(lambda: untag(tag))
                return
            self._ask(plan, "Remove tag", "Remove", lambda: self._mutate(lambda: untag(tag)))

        def chosen(tag: str | None) -> None:
            if tag is not None:
                self._with_plan("untag", record.model_id, tag, planned)

        self.app.push_screen(UntagScreen(record), chosen)

    def action_retire(self) -> None:
        """Retire the highlighted model after a confirmation (focus starts on No) that warns
        when an exclusive tag is left with no active holder; a retired one is left alone."""
        record = self._target()
        if record is None or not self._writable("retire"):
            return

        def retire() -> str:
            if not self.registry.retire_model(record.model_id):
                return f"{visible(record.label)} is already retired; nothing changed"
            return f"Retired {visible(record.label)}"

        def decide(plan: ChangePlan, screen: ConfirmScreen) -> None:
            if plan.no_op:
                screen.dismiss(False)
                self.notify(consequences(plan)[0] + "; nothing changed", markup=False)
                return
            screen.show_plan("Retire model", question(plan), "Retire", consequences(plan))

        self._ask_first(record, "retire", decide, lambda _: self._mutate(retire))

    def action_delete(self) -> None:
        """Delete the highlighted model after one question naming all it takes along;
        a tagged model or a parent is offered the forced delete."""
        record = self._target()
        if record is None or not self._writable("delete"):
            return

        def delete(force: bool) -> str:
            self.registry.delete_model(record.model_id, force=force)
            return f"Deleted {visible(record.label)}"

        def decide(plan: ChangePlan, screen: ConfirmScreen) -> None:
            title, button = (
                ("Force delete",) * 2 if plan.needs_force else ("Delete model", "Delete")
            )
            screen.show_plan(title, question(plan), button, consequences(plan))

        def confirmed(plan: ChangePlan) -> None:
            self._mutate(lambda: delete(plan.needs_force))

        self._ask_first(record, "delete", decide, confirmed)

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
                f"{visible(record.label)} has no parent: mark models with space to compare them",
                markup=False,
            )
            return
        self.app.push_screen(CompareScreen(self.registry, ids))

    def action_compare_production(self) -> None:
        """Compare the highlighted model with the holder of ``production`` (its family's first)."""
        record = self._target()
        if record is not None:
            self.app.push_screen(
                CompareScreen(self.registry, [record.model_id], against="production")
            )

    @dataclass
    class MarksGone(Message):
        """Marked models that no longer exist (deleted elsewhere)."""

        model_ids: list[int]

    @work(
        thread=True,
        exclusive=True,
        group="marks",
        exit_on_error=False,
        description="Checking the marked models",
    )
    def prune_marks(self) -> None:
        """Find marked models deleted elsewhere, so the marks follow the registry."""
        marked = sorted(self.table.marked)
        if not marked:
            return
        try:
            found = self.registry.records.by_ids(marked)
        except RegistryError:
            return  # the next refresh tries again
        gone = [i for i in marked if i not in found]
        if gone:
            self.post_message(self.MarksGone(gone))

    def on_model_changes_screen_marks_gone(self, message: MarksGone) -> None:
        if self.table.unmark(message.model_ids):
            self.notify(
                f"{gone_text(message.model_ids)} (deleted elsewhere): unmarked",
                title="Marks",
                markup=False,
            )

    def action_lineage(self) -> None:
        """Show the highlighted model's whole fine-tune family."""
        record = self._target()
        if record is None:
            return

        def jump(model_id: int | None) -> None:
            if model_id is not None:
                self.jump_to(model_id)

        screen = LineageScreen(self.registry, record.model_id, promote=self.promote_record)
        self.app.push_screen(screen, jump)

    def jump_to(self, model_id: int) -> None:
        """Put the cursor on ``model_id`` if the listing shows it, else open its details."""
        index = self.table.index_of(model_id)
        if index is not None:
            self.table.move_to(index)
        else:
            self.open_detail(model_id)

    def open_detail(self, model_id: int) -> None:
        """Open the detail screen of a model."""
        from registry_tui.tui.screens.detail import DetailScreen  # it builds on these actions

        self.app.push_screen(DetailScreen(self.registry, model_id))
