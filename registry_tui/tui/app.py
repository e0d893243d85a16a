"""The Textual app: screens, global keys, live refresh, and the too-small notice.

Live refresh: every ``poll_interval`` seconds a thread worker reads the
registry's change token (the latest history event id: one indexed query), and
only when it moved do the screens reload, keeping their cursors on their
models. A change made in this app checks at once.

Connection state: when the database cannot be reached (a PostgreSQL restart, a
deleted SQLite file) a banner says since when, and the app retries with a
doubling delay (``ctrl+r`` retries at once); the first good read reloads every
screen.

    >>> from registry_tui import ModelRegistry
    >>> from registry_tui.tui.app import run_app
    >>> run_app(ModelRegistry("models.db"))          # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.screen import ModalScreen, Screen

from registry_tui.errors import ConnectionLostError, RegistryError
from registry_tui.registry import ModelRegistry
from registry_tui.tui.messages import (
    ConnectionChanged,
    RegistryChanged,
    RegistryTouched,
)
from registry_tui.tui.screens.help import HelpScreen, help_rows
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.record_actions import RecordActions
from registry_tui.tui.screens.too_small import TooSmallScreen, too_small
from registry_tui.tui.text import plain
from registry_tui.tui.widgets.connection_banner import ConnectionBanner

POLL_INTERVAL_S = 1.0
MAX_RETRY_S = 30.0
"""The longest wait between two tries while the database cannot be reached."""


class RegistryApp(App[None]):
    """Browse, filter, compare and manage a model registry from the keyboard."""

    CSS_PATH = "app.tcss"
    TITLE = "registry-tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+r", "reload", "Reload", show=False),
    ]

    class TokenRead(Message):
        """The change token was read; ``force`` reloads even when it did not move."""

        def __init__(self, token: int, force: bool) -> None:
            super().__init__()
            self.token, self.force = token, force

    class Unreachable(Message):
        """The change token could not be read: the database cannot be reached."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        registry: ModelRegistry,
        *,
        read_only: bool = False,
        poll_interval: float | None = POLL_INTERVAL_S,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.registry = registry
        self.read_only = read_only or registry.read_only
        self.poll_interval = poll_interval
        self.clock = clock or datetime.now
        self.token: int | None = None
        self.lost_since: datetime | None = None
        self.lost_error = ""
        self.retry_delay = 0.0
        self._next_try = 0.0
        self.sub_title = plain(registry.location)

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.registry, read_only=self.read_only))
        if self.read_only:
            self.notify(
                "Read-only: promote, untag, retire and delete are disabled",
                title="Read-only",
                markup=False,
            )
        self.screen_change_signal.subscribe(self, lambda _: self._sync_banner())
        self.check_changes()
        if self.poll_interval:
            self.set_interval(self.poll_interval, self._tick)
        self._fit(self.size.width, self.size.height)

    # -- live refresh ------------------------------------------------------------------

    def _tick(self) -> None:
        if self.lost_since is None or time.monotonic() >= self._next_try:
            self.check_changes()

    @work(thread=True, exclusive=True, group="poll")
    def check_changes(self, force: bool = False) -> None:
        """Read the change token off the UI thread."""
        try:
            token = self.registry.change_token()
        except ConnectionLostError as exc:
            self.post_message(self.Unreachable(str(exc)))
            return
        except RegistryError:
            return  # a locked or busy database: the next poll tries again
        self.post_message(self.TokenRead(token, force))

    def on_registry_app_token_read(self, message: TokenRead) -> None:
        reconnected = self.lost_since is not None
        if reconnected:
            self._connection(None)
        changed = self.token is not None and message.token != self.token
        self.token = message.token
        if changed or message.force or reconnected:
            for screen in self.screen_stack:
                screen.post_message(RegistryChanged())

    def on_registry_app_unreachable(self, message: Unreachable) -> None:
        first = self.poll_interval or 1.0
        self.retry_delay = first if self.lost_since is None else self.retry_delay * 2
        self.retry_delay = min(self.retry_delay, MAX_RETRY_S)
        self._next_try = time.monotonic() + self.retry_delay
        self.lost_error = message.error
        if self.lost_since is None:
            self._connection(self.clock())
        else:
            self._sync_banner()

    def _connection(self, since: datetime | None) -> None:
        """Enter or leave the disconnected state, telling every screen."""
        self.lost_since = since
        label = since.strftime("%H:%M:%S") if since else None
        for screen in self.screen_stack:
            screen.post_message(ConnectionChanged(label, self.lost_error))
        self._sync_banner()
        if since is None:
            self.retry_delay = 0.0
            self.notify(f"Reconnected to {plain(self.registry.location)}", markup=False)

    def _sync_banner(self) -> None:
        """Show the banner on every full screen while disconnected; remove it after."""
        for screen in self.screen_stack:
            banners = screen.query(ConnectionBanner)
            if self.lost_since is None or isinstance(screen, ModalScreen | TooSmallScreen):
                banners.remove()
                continue
            banner = banners.first() if banners else ConnectionBanner()
            if not banners:
                screen.mount(banner)
            retry_in = self.retry_delay if self.poll_interval else None
            banner.show(self.lost_since.strftime("%H:%M:%S"), self.lost_error, retry_in)

    def on_registry_touched(self, _: RegistryTouched) -> None:
        self.check_changes(force=True)

    def action_reload(self) -> None:
        """Reload everything shown from the database (reconnecting if it was lost)."""
        self.check_changes(force=True)

    # -- help, palette, size -----------------------------------------------------------

    def action_help(self) -> None:
        """Show every key of the current screen (the too-small notice says its own)."""
        if isinstance(self.screen, HelpScreen | TooSmallScreen):
            return
        rows = help_rows(self, self.screen.active_bindings.values())
        self.push_screen(HelpScreen(rows))

    def action_show_help_panel(self) -> None:
        """Textual's built-in keys panel: this app's help screen instead."""
        self.action_help()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Keys":  # Textual's panel; the help screen replaces it
                yield command
        yield SystemCommand("Keys", "Every key of this screen, with what it does", self.action_help)
        if isinstance(screen, MainScreen):
            yield from screen.palette_commands()
        if isinstance(screen, RecordActions):
            yield from screen.record_commands()

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        """Cover the app with the too-small notice, or take it away (and whatever was
        opened over it, such as help) as soon as there is room."""
        if not any(isinstance(s, MainScreen) for s in self.screen_stack):
            return  # not mounted yet: on_mount fits once the main screen is there
        notices = [s for s in self.screen_stack if isinstance(s, TooSmallScreen)]
        if too_small(width, height):
            if isinstance(self.screen, TooSmallScreen):
                self.screen.show_size(width, height)
            elif not notices:
                self.push_screen(TooSmallScreen())
            return
        for _ in range(len(self.screen_stack)):
            if not notices or notices[0] not in self.screen_stack:
                break
            if isinstance(self.screen, MainScreen):
                break
            self.pop_screen()


def make_app(
    registry: ModelRegistry,
    *,
    read_only: bool = False,
    poll_interval: float | None = POLL_INTERVAL_S,
    clock: Callable[[], datetime] | None = None,
) -> RegistryApp:
    """The app over ``registry`` (tests pass ``poll_interval=None`` to poll only on demand,
    and a fixed ``clock`` for the time the disconnected banner shows)."""
    return RegistryApp(registry, read_only=read_only, poll_interval=poll_interval, clock=clock)


def run_app(registry: ModelRegistry, read_only: bool = False) -> None:
    """Run the app in this terminal until the user quits."""
    make_app(registry, read_only=read_only).run()
