"""The pending-requests screen and requesting from the promote dialog, on protected tags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.confirm import ConfirmScreen
from registry_tui.tui.screens.help import HelpScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.pending import PendingScreen
from registry_tui.tui.screens.promote import PromoteScreen
from registry_tui.tui.screens.reason import ReasonScreen
from registry_tui.tui.widgets.metric_bars import MetricBars
from tests.conftest import FixedClock
from tests.hostile import HOSTILE, WIDE
from tests.tui.helpers import notifications, run, screen_text, settle
from tests.tui.test_actions import go_to, holders, type_text


def two_models(registry: ModelRegistry) -> tuple[int, int]:
    """``m 1.0.0`` holding a protected ``production`` (one approval, self-approval allowed,
    so one login can do the whole flow) and ``m 1.1.0`` requested for it."""
    a = registry.register_model(
        "m", "1.0.0", "c/a.pt", "t", metrics={"val_loss": 0.5}, tags=["production"],
        verify_checkpoint=False,
    )  # fmt: skip
    b = registry.register_model(
        "m", "1.1.0", "c/b.pt", "t", metrics={"val_loss": 0.4}, verify_checkpoint=False
    )
    registry.protect_tag("production", allow_self_approval=True)
    return a, b


REVIEWER = "[i]rev\x1b]2;t\x07\u202e"
"""A reviewer login with markup, an OSC 2 title sequence and a bidi override."""


def pending_text(app: RegistryApp) -> str:
    """The list and the highlighted request's details, as plain text."""
    screen = app.screen
    assert isinstance(screen, PendingScreen)
    options = screen.query_one("#pending-list", OptionList)
    lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    for name in ("#pending-identity", "#pending-detail"):
        widget = screen.query_one(name)
        region = Region(0, 0, widget.size.width, widget.size.height)
        lines += [strip.text.rstrip() for strip in widget.render_lines(region)]
    return "\n".join(lines)


async def open_pending(pilot: Pilot[None]) -> PendingScreen:
    await pilot.press("P")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PendingScreen)
    return screen


def test_P_lists_each_request_with_the_comparison(registry: ModelRegistry) -> None:
    """On SQLite and PostgreSQL: P shows the request's tag, model, requester, age,
    approvals so far / needed and state, its reason, and the comparison of the requested
    model with the tag's holder; the advisory label only on SQLite."""
    a, b = two_models(registry)
    request_id = registry.request_promotion(b, "production", "lower val_loss")
    requester = registry.identity().name

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_pending(pilot)
        text = pending_text(app)
        assert f"#{request_id}  production ← m 1.1.0 #{b}  by {requester}" in text
        assert "0/1 approvals  pending" in text and "reason: lower val_loss" in text
        assert ("advisory" in text) == (registry.backend == "sqlite")
        bars = screen.query_one("#pending-bars", MetricBars)
        assert [r.model_id for r in bars.records] == [a, b]
        assert "val_loss" in screen_text(app)

    run(registry, scenario)


def test_approve_confirms_then_moves_the_tag(registry: ModelRegistry) -> None:
    """a asks first (n changes nothing), then y approves: the tag moves in the same
    step, the toast says the request was applied, and the list empties."""
    a, b = two_models(registry)
    request_id = registry.request_promotion(b, "production", "better")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_pending(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "the tag moves now" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert holders(registry, "production") == [a]
        await pilot.press("a", "y")
        await settle(pilot, 0.05)
        assert isinstance(app.screen, PendingScreen)
        assert any(f"Request #{request_id} applied" in n for n in notifications(app))
        assert "No open promotion requests" in pending_text(app)

    run(registry, scenario)
    assert holders(registry, "production") == [b]
    assert registry.request(request_id).state == "applied"


def test_a_refused_approval_is_one_line_and_changes_nothing(
    sqlite_registry: ModelRegistry,
) -> None:
    """Approving one's own request where self-approval is off is refused by the core:
    the reason is a toast, the app keeps running, the tag stays."""
    _, b = two_models(sqlite_registry)
    sqlite_registry.protect_tag("canary", approvals=1)
    request_id = sqlite_registry.request_promotion(b, "canary", "try it")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_pending(pilot)
        await pilot.press("a", "y")
        await settle(pilot, 0.05)
        assert isinstance(app.screen, PendingScreen)
        refused = [n for n in notifications(app) if f"{request_id}" in n]
        assert refused and all("\n" not in n for n in refused)

    run(sqlite_registry, scenario)
    assert sqlite_registry.request(request_id).state == "pending"
    assert holders(sqlite_registry, "canary") == []


def test_reject_asks_for_a_reason(sqlite_registry: ModelRegistry) -> None:
    """r opens the reason dialog; enter without a reason is refused there, esc cancels
    (nothing recorded); a typed reason rejects the request with it."""
    _, b = two_models(sqlite_registry)
    request_id = sqlite_registry.request_promotion(b, "production", "better")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_pending(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, ReasonScreen)
        assert "A reason is required" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert sqlite_registry.request(request_id).state == "pending"
        await pilot.press("r")
        await type_text(pilot, "regresses on eval")
        await pilot.press("enter")
        await settle(pilot, 0.05)
        assert any(f"Request #{request_id} is rejected" in n for n in notifications(app))

    run(sqlite_registry, scenario)
    rejected = sqlite_registry.request(request_id)
    assert rejected.state == "rejected" and rejected.decision_note == "regresses on eval"


def test_expired_and_stale_requests_say_so(
    sqlite_registry: ModelRegistry, clock: FixedClock
) -> None:
    """A request past its time to live is listed as expired, one whose tag changed
    holder since as stale: neither is hidden."""
    _, b = two_models(sqlite_registry)
    sqlite_registry.protect_tag("canary", request_ttl=60, allow_self_approval=True)
    late = sqlite_registry.request_promotion(b, "canary", "late")
    moved = sqlite_registry.request_promotion(b, "production", "first")
    sqlite_registry.break_glass_promote(b, "production", "outage")
    clock.now += timedelta(hours=2)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_pending(pilot)
        lines = pending_text(app).splitlines()
        assert any(f"#{late} " in line and line.endswith("expired") for line in lines)
        assert any(f"#{moved} " in line and line.endswith("stale") for line in lines)

    run(sqlite_registry, scenario)


def test_hostile_reason_comment_and_names_show_literally(
    sqlite_registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reason, an approval comment and a reviewer name full of markup, escape sequences,
    bidi controls and long CJK text are shown as typed in the pending view."""
    _, b = two_models(sqlite_registry)
    sqlite_registry.protect_tag("canary", approvals=2, allow_self_approval=True)
    request_id = sqlite_registry.request_promotion(b, "canary", HOSTILE + WIDE)
    monkeypatch.setenv("LOGNAME", REVIEWER)
    sqlite_registry.approve(request_id, comment=HOSTILE)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_pending(pilot)
        options = screen.query_one("#pending-list", OptionList)
        options.highlighted = [r.request_id for r in screen.view.requests].index(request_id)  # type: ignore[union-attr]
        await settle(pilot)
        text = pending_text(app) + screen_text(app)
        assert "[bold red]x[/]" in text and "\\x1b]52;c;" in text and "\\u202e" in text
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        assert "模型注册表" in text and "1/2 approvals" in text
        assert "approved by [i]rev\\x1b]2;t\\x07\\u202e" in text

    run(sqlite_registry, scenario, size=(200, 50))


def test_read_only_cannot_decide(sqlite_registry: ModelRegistry) -> None:
    """In a read-only app a and r say they are disabled and nothing is decided."""
    _, b = two_models(sqlite_registry)
    request_id = sqlite_registry.request_promotion(b, "production", "better")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_pending(pilot)
        await pilot.press("a", "r")
        await settle(pilot)
        assert isinstance(app.screen, PendingScreen)
        assert any("Read-only: approve is disabled" in n for n in notifications(app))

    run(sqlite_registry, scenario, read_only=True)
    assert sqlite_registry.request(request_id).state == "pending"


def test_promote_on_a_protected_tag_requests_instead(registry: ModelRegistry) -> None:
    """On SQLite and PostgreSQL: p with a protected tag previews that it is protected, and
    enter asks for a reason and records a request; the tag does not move."""
    a, b = two_models(registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, b)
        await pilot.press("p")
        assert isinstance(app.screen, PromoteScreen)
        await type_text(pilot, "production")
        await settle(pilot)
        assert "production is protected: enter requests the move" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        app.screen.query_one(Input).value = "beats 1.0.0"
        await pilot.press("enter")
        await settle(pilot, 0.05)
        assert isinstance(app.screen, MainScreen)
        assert any("waiting for approval" in n for n in notifications(app))

    run(registry, scenario)
    assert holders(registry, "production") == [a]
    [request] = registry.pending_requests()
    assert (request.model_id, request.tag, request.reason) == (b, "production", "beats 1.0.0")


@pytest.mark.parametrize("keys", [("question_mark",)])
def test_help_and_palette_offer_the_pending_view(
    sqlite_registry: ModelRegistry, keys: tuple[str, ...]
) -> None:
    """The help screen lists P as 'Pending requests', and the palette has the command."""
    two_models(sqlite_registry)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press(*keys)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Pending requests" in screen_text(app)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Pending requests" in titles

    run(sqlite_registry, scenario, size=(120, 60))


def test_the_detail_screen_marks_protected_tags(sqlite_registry: ModelRegistry) -> None:
    """The detail screen lists a protected tag after a lock; an unprotected one without."""
    a, _ = two_models(sqlite_registry)
    sqlite_registry.promote_model(a, "baseline")

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await go_to(pilot, app, a)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "🔒production" in text and "🔒baseline" not in text and "baseline" in text

    run(sqlite_registry, scenario)
