"""The pending promotion requests of protected tags: review, approve, reject.

Each open request is a line (tag, model, requester, age, approvals so far and
needed, state: an expired or stale one says so); the highlighted one is shown
in full below, with the metric comparison of the requested model against the
tag's current holder (the comparison grid of :mod:`registry_tui.render.comparison`).
``a`` approves and ``r`` rejects (asking for a reason), each after a confirmation;
the core decides, in a thread worker, and a toast says what happened: the tag
moved, the request is still pending, or why the core refused. On SQLite the
view says approvals are advisory there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.worker import Worker

from registry_tui.errors import RegistryError
from registry_tui.governance.records import Identity, PromotionRequest
from registry_tui.metrics import direction_lists
from registry_tui.records import ModelRecord
from registry_tui.registry import ModelRegistry
from registry_tui.render import comparison_rows
from registry_tui.render.pending import (
    decision_summary,
    identity_text,
    request_details,
    request_line,
    target_text,
)
from registry_tui.render.text import literal, visible
from registry_tui.tui.messages import RegistryChanged, RegistryTouched
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.reason import ReasonScreen
from registry_tui.tui.widgets.metric_bars import MetricBars
from registry_tui.tui.work import report_failed_work


def utc_now() -> datetime:
    """The current time as the registry stores it: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class PendingView:
    """What the screen shows: the open requests and the models they name.

    ``holders`` maps each tag to the ids of the models holding it now.
    """

    requests: list[PromotionRequest]
    identity: Identity
    records: dict[int, ModelRecord]
    holders: dict[str, list[int]]
    directions: dict[str, bool] = field(default_factory=dict)

    @property
    def labels(self) -> dict[int, str]:
        """``name version`` of every model named."""
        return {i: r.label for i, r in self.records.items()}


class PendingScreen(Screen[None]):
    """Review the open promotion requests."""

    AUTO_FOCUS = "#pending-list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="pending.back"),
        Binding("a", "approve", "Approve", id="pending.approve"),
        Binding("r", "reject", "Reject", id="pending.reject"),
        Binding("l,right", "scroll_models(1)", "Next model", show=False, id="pending.next_model"),
        Binding(
            "h,left", "scroll_models(-1)", "Previous model", show=False, id="pending.previous_model"
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The open requests and their models arrived."""

        view: PendingView

    @dataclass
    class Failed(Message):
        """The requests could not be read."""

        error: str

    @dataclass
    class Decided(Message):
        """A decision went through (``summary``) or was refused (``error``)."""

        summary: str = ""
        error: str = ""

    def __init__(
        self,
        registry: ModelRegistry,
        *,
        read_only: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.registry = registry
        self.read_only = read_only
        self.clock = clock if clock is not None else utc_now
        """The time requests' ages are measured against (naive UTC, as stored)."""
        self.view: PendingView | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Pending promotion requests", style="bold"), id="screen-title")
        yield Static("", id="pending-identity")
        yield OptionList(id="pending-list", compact=True)
        with VerticalScroll(id="pending-scroll"):
            yield Static(Text("loading…", style="dim"), id="pending-detail")
            yield MetricBars(id="pending-bars")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#pending-bars", MetricBars).display = False
        self.load()

    def on_registry_changed(self, _: RegistryChanged) -> None:
        self.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Work of this screen that failed unexpectedly: one line (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

    @work(
        thread=True,
        exclusive=True,
        group="pending",
        exit_on_error=False,
        description="Loading the pending requests",
    )
    def load(self) -> None:
        """Read the open requests, the models they name and the tags' holders."""
        try:
            self.post_message(self.Loaded(self._read()))
        except RegistryError as exc:
            self.post_message(self.Failed(str(exc)))

    def _read(self) -> PendingView:
        requests = self.registry.pending_requests()
        identity = self.registry.identity()
        holders: dict[str, list[int]] = {}
        for tag in sorted({r.tag for r in requests}):
            holders[tag] = [h.model_id for h in self.registry.records.tag_holders(tag)]
        ids = {r.model_id for r in requests if r.model_id is not None}
        ids |= {r.holder_at_request for r in requests if r.holder_at_request is not None}
        ids |= {i for held in holders.values() for i in held}
        records = self.registry.records.by_ids(sorted(ids))
        directions = self.registry.metric_directions()
        return PendingView(requests, identity, dict(records), holders, directions)

    def on_pending_screen_loaded(self, message: Loaded) -> None:
        previous = self.current
        self.view = view = message.view
        self.query_one("#pending-identity", Static).update(identity_text(view.identity))
        options = self.query_one("#pending-list", OptionList)
        now = self.clock()
        options.set_options([request_line(r, view.labels, now) for r in view.requests])
        if not view.requests:
            self._show_message(Text("No open promotion requests", style="dim"))
            return
        ids = [r.request_id for r in view.requests]
        keep = previous.request_id if previous is not None else None
        options.highlighted = ids.index(keep) if keep in ids else 0
        self._show(view.requests[options.highlighted or 0])

    def on_pending_screen_failed(self, message: Failed) -> None:
        text = literal(message.error, "bold red")
        text.append("\nesc goes back · ctrl+r tries again", style="dim")
        self._show_message(text)

    def _show_message(self, text: Text) -> None:
        self.query_one("#pending-detail", Static).update(text)
        self.query_one("#pending-bars", MetricBars).display = False

    @on(OptionList.OptionHighlighted, "#pending-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.view is not None and event.option_index < len(self.view.requests):
            self._show(self.view.requests[event.option_index])

    @property
    def current(self) -> PromotionRequest | None:
        """The highlighted request, if any."""
        if self.view is None or not self.view.requests:
            return None
        index = self.query_one("#pending-list", OptionList).highlighted
        return self.view.requests[index] if index is not None else None

    def _show(self, request: PromotionRequest) -> None:
        """The request in full, then its model beside the tag's current holders."""
        view = self.view
        assert view is not None
        detail = request_details(request, view.labels)
        self.query_one("#pending-detail", Static).update(detail)
        bars = self.query_one("#pending-bars", MetricBars)
        ids = [*view.holders.get(request.tag, []), request.model_id]
        records = [view.records[i] for i in dict.fromkeys(ids) if i in view.records]
        bars.display = request.model_id is not None and bool(records)
        if bars.display:
            lower, higher = direction_lists(view.directions)
            bars.show(records, comparison_rows(records, None, lower, higher))

    # -- decisions -----------------------------------------------------------------

    def _chosen(self, verb: str) -> PromotionRequest | None:
        if self.read_only:
            self.notify(
                f"Read-only: {verb} is disabled (the app was opened with --read-only)",
                severity="warning",
            )
            return None
        request = self.current
        if request is None:
            self.notify("No request highlighted", severity="warning")
        return request

    def action_approve(self) -> None:
        """Approve the highlighted request after a confirmation; enough approvals move the tag."""
        request = self._chosen("approve")
        if request is None or self.view is None:
            return
        target = target_text(request, self.view.labels).plain
        got, needed = len(request.approvals), request.needed
        outcome = "the tag moves now" if got + 1 >= needed else "still pending"
        details = [f"{got + 1}/{needed} approvals after this one: {outcome}"]
        question = f"Approve request #{request.request_id}?\n{target}"
        screen = ConfirmScreen("Approve request", question, "Approve", details=details)

        def answered(yes: bool | None) -> None:
            if yes:
                self._decide(lambda: self.registry.approve(request.request_id))

        self.app.push_screen(screen, answered)

    def action_reject(self) -> None:
        """Reject the highlighted request, with a reason (asked for; ``esc`` cancels)."""
        request = self._chosen("reject")
        if request is None or self.view is None:
            return
        target = target_text(request, self.view.labels).plain
        question = f"Reject request #{request.request_id}?\n{target}"

        def answered(reason: str | None) -> None:
            if reason:
                self._decide(lambda: self.registry.reject(request.request_id, reason))

        self.app.push_screen(ReasonScreen("Reject request", question, "Reject"), answered)

    @work(
        thread=True,
        exclusive=True,
        group="decide",
        exit_on_error=False,
        description="Deciding the request",
    )
    def _decide(self, decision: Callable[[], PromotionRequest]) -> None:
        try:
            result = decision()
            labels = {i: r.label for i, r in self.registry.records.by_ids(
                [result.model_id] if result.model_id is not None else []
            ).items()}  # fmt: skip
        except RegistryError as exc:
            self.post_message(self.Decided(error=str(exc)))
            return
        self.post_message(self.Decided(summary=decision_summary(result, labels)))

    def on_pending_screen_decided(self, message: Decided) -> None:
        if message.error:
            self.notify(visible(message.error), title="Refused", severity="error")
        else:
            self.notify(message.summary)
        self.app.post_message(RegistryTouched())
        self.load()

    def action_scroll_models(self, step: int) -> None:
        """Show the next (or previous) model of the comparison when they do not all fit."""
        self.query_one("#pending-bars", MetricBars).scroll_models(step)
