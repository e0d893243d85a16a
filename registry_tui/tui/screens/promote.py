"""The promote dialog: which tag, exclusive or not, and what will change.

The tags already in use are offered (``up``/``down`` pick one, typing
completes); "exclusive" is on by default, as in the guide's ``promote_model``.
A preview line says what the promotion does before it is done, e.g.
``production: gpt-small 1.2.0 -> gpt-small 1.3.0``; one that takes the tag
from several models says how many, and asks again before doing it. ``enter``
confirms, ``esc`` cancels.

A protected tag moves only through a reviewed request: the preview says so, and
``enter`` asks for the reason and returns a request instead of a promotion.
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
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.worker import Worker

from registry_tui import validate
from registry_tui.errors import RegistryError
from registry_tui.governance.records import Protection
from registry_tui.records import ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render.pending import protected_note
from registry_tui.render.plans import promote_preview
from registry_tui.render.text import literal, visible
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.reason import ReasonScreen
from registry_tui.tui.work import report_failed_work


@dataclass(frozen=True, slots=True)
class PromoteChoice:
    """What the user confirmed; with a ``reason``, a request to move a protected tag."""

    tag: str
    exclusive: bool
    reason: str | None = None


class PromoteScreen(ModalScreen[PromoteChoice | None]):
    """Ask which tag to give the model, and whether to take it from the others."""

    AUTO_FOCUS = "#tag-input"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Promote", priority=True, id="promote.confirm"),
        Binding("escape", "cancel", "Cancel", id="promote.cancel"),
        Binding("down", "pick(1)", "Next tag", show=False, id="promote.next"),
        Binding("up", "pick(-1)", "Previous tag", show=False, id="promote.previous"),
    ]

    @dataclass
    class Preview(Message):
        """The current holders of a tag arrived."""

        tag: str
        holders: list[ModelRecord]

    @dataclass
    class TagsLoaded(Message):
        """The tags in use arrived, with the registry's tag policies (tag -> exclusive)
        and its protected tags."""

        tags: list[str]
        policies: dict[str, bool]
        protections: dict[str, Protection]

    def __init__(self, registry: ModelRegistry, record: ModelRecord, tag: str = "") -> None:
        super().__init__(classes="dialog")
        self.registry = registry
        self.record = record
        self.initial_tag = tag
        self.holders: dict[str, list[ModelRecord]] = {}
        self.tags: list[str] = []
        self.policies: dict[str, bool] = {"production": True}  # until the registry's arrive
        self.protections: dict[str, Protection] = {}
        self._confirm_pending: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Promote ", style="bold")
            title.append_text(literal(self.record.label, "bold"))
            yield Static(title, id="dialog-title")
            yield Input(
                self.initial_tag, placeholder="tag, e.g. production", id="tag-input", compact=True
            )
            yield OptionList(id="tag-options", compact=True)
            yield Checkbox(
                "exclusive: remove from other models", True, id="exclusive", compact=True
            )
            yield Static("", id="preview")
            yield Static(Text("enter promote · esc cancel", style="dim"), id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#tag-input", Input).focus()
        self._load_tags()
        self._refresh_preview()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Work of this screen that failed unexpectedly: one line (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

    @work(
        thread=True,
        exclusive=True,
        group="tags",
        exit_on_error=False,
        description="Loading the tags in use",
    )
    def _load_tags(self) -> None:
        try:
            tags, policies = self.registry.records.tag_names(), self.registry.tag_policies()
            protections = self.registry.protections()
        except RegistryError:
            tags, policies, protections = [], self.policies, {}
        self.post_message(self.TagsLoaded(tags, policies, protections))

    @work(
        thread=True,
        exclusive=True,
        group="preview",
        exit_on_error=False,
        description="Loading the tag's holders",
    )
    def _load_holders(self, tag: str) -> None:
        try:
            holders = self.registry.records.tag_holders(tag)
        except RegistryError:
            holders = []
        self.post_message(self.Preview(tag, holders))

    def on_promote_screen_tags_loaded(self, message: TagsLoaded) -> None:
        self.tags, self.policies = message.tags, message.policies
        self.protections = message.protections
        self._refresh_preview()
        options = self.query_one("#tag-options", OptionList)
        options.set_options([literal(t) for t in message.tags])
        options.display = bool(message.tags)
        tag_input = self.query_one("#tag-input", Input)
        suggestions = [visible(t) for t in message.tags]  # an Input shows its text raw
        tag_input.suggester = SuggestFromList(suggestions, case_sensitive=False)

    def on_promote_screen_preview(self, message: Preview) -> None:
        self.holders[message.tag] = message.holders
        self._refresh_preview()
        if self._confirm_pending == message.tag == self.tag:
            self._confirm_pending = None
            self.action_confirm()

    @on(Input.Changed, "#tag-input")
    def _typed(self, _: Input.Changed) -> None:
        self._refresh_preview()

    @on(Checkbox.Changed)
    def _toggled(self, _: Checkbox.Changed) -> None:
        self._refresh_preview()

    @on(OptionList.OptionHighlighted, "#tag-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.query_one("#tag-options").has_focus:
            self._set_tag(self.tags[event.option_index])

    @property
    def tag(self) -> str:
        """The tag as typed, without surrounding blanks."""
        return self.query_one("#tag-input", Input).value.strip()

    def _set_tag(self, tag: str) -> None:
        tag_input = self.query_one("#tag-input", Input)
        tag_input.value = visible(tag)  # an Input writes its value to the terminal as is
        tag_input.cursor_position = len(tag_input.value)

    def _refresh_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        tag = self.tag
        if not tag:
            preview.update(Text("type a tag or pick one with up/down", style="dim"))
            return
        try:
            validate.tag(tag)
        except RegistryError as exc:
            preview.update(literal(str(exc), "red"))
            return
        if tag not in self.holders:
            self._load_holders(tag)
            preview.update(Text("…", style="dim"))
            return
        text = promote_preview(self.record, tag, self.holders[tag], self._exclusive(tag))
        if self.policies.get(tag) and not self.query_one("#exclusive", Checkbox).value:
            text.append("\n(this registry keeps the tag exclusive: see registry-tui tag-policy)")
        if tag in self.protections:
            text.append("\n")
            text.append_text(protected_note(self.protections[tag]))
        verb = "request" if tag in self.protections else "promote"
        self.query_one("#dialog-hint", Static).update(Text(f"enter {verb} · esc cancel", "dim"))
        preview.update(text)

    def _exclusive(self, tag: str) -> bool:
        """Whether the promote takes ``tag`` from the others: the box, or the tag's policy."""
        return self.query_one("#exclusive", Checkbox).value or bool(self.policies.get(tag))

    def action_pick(self, step: int) -> None:
        """Pick the next or previous tag in use."""
        if not self.tags:
            return
        current = self.tags.index(self.tag) if self.tag in self.tags else -1
        index = (current + step) % len(self.tags) if current >= 0 else (0 if step > 0 else -1)
        self._set_tag(self.tags[index])
        self.query_one("#tag-options", OptionList).highlighted = index % len(self.tags)

    def action_confirm(self) -> None:
        """Promote with the chosen tag; taking it from several models asks first."""
        tag = self.tag
        try:
            validate.tag(tag)
        except RegistryError as exc:
            self.query_one("#preview", Static).update(literal(str(exc), "red"))
            return
        choice = PromoteChoice(tag, self._exclusive(tag))
        if choice.exclusive and tag not in self.holders:
            self._confirm_pending = tag  # confirm once the holders are known
            self._load_holders(tag)
            return
        if tag in self.protections:
            self._ask_reason(choice)
            return
        others = [h for h in self.holders.get(tag, []) if h.model_id != self.record.model_id]
        if not choice.exclusive or len(others) < 2:
            self.dismiss(choice)
            return
        question = (
            f"Take {visible(tag)} from {len(others)} models and give it to "
            f"{visible(self.record.label)} alone?"
        )
        details = [f"{h.model_id} ({visible(h.label)}) loses {visible(tag)}" for h in others]

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(choice)

        screen = ConfirmScreen("Exclusive promotion", question, "Promote", details=details)
        self.app.push_screen(screen, answered)

    def _ask_reason(self, choice: PromoteChoice) -> None:
        """A protected tag: ask why, and answer with a request for the reviewers."""
        needed = self.protections[choice.tag].approvals
        question = (
            f"{visible(choice.tag)} is protected: request moving it to "
            f"{visible(self.record.label)}?\nIt needs {needed} approval"
            f"{'' if needed == 1 else 's'} (P shows the pending requests)."
        )

        def answered(reason: str | None) -> None:
            if reason:
                self.dismiss(PromoteChoice(choice.tag, choice.exclusive, reason))

        self.app.push_screen(ReasonScreen("Request promotion", question, "Request"), answered)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
