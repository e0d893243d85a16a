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

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, InvalidThemeError, SystemCommand
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.worker import Worker

from registry_tui.errors import ConnectionLostError, RegistryError
from registry_tui.registry import ModelRegistry
from registry_tui.render.text import visible
from registry_tui.tui import preferences
from registry_tui.tui.keys import binding_ids
from registry_tui.tui.messages import (
    ConnectionChanged,
    RegistryChanged,
    RegistryTouched,
)
from registry_tui.tui.screens.help import HelpScreen, help_rows
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.record_actions import RecordActions
from registry_tui.tui.screens.too_small import TooSmallScreen, too_small
from registry_tui.tui.widgets.connection_banner import ConnectionBanner
from registry_tui.tui.work import report_failed_work

POLL_INTERVAL_S = 1.0
MAX_RETRY_S = 30.0
"""The longest wait between two tries while the database cannot be reached."""
DEBUG_ENV = "REGISTRY_TUI_DEBUG"


class AppCrashed(RuntimeError):
    """The app stopped on an unexpected error; the message is one line without row data."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(
            f"The terminal app crashed ({type(error).__name__}); "
            f"set {DEBUG_ENV}=1 to see the traceback"
        )
        self.error = error


class RegistryApp(App[None]):
    """Browse, filter, compare and manage a model registry from the keyboard."""

    CSS_PATH = "app.tcss"
    TITLE = "registry-tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="app.reload"),
    ]

    @dataclass
    class TokenRead(Message):
        """The change token was read; ``force`` reloads even when it did not move.

        ``directions`` are the registry's recorded metric directions, read again
        with the token whenever it moved (None: not read this time).
        """

        token: int
        force: bool
        directions: dict[str, bool] | None

        def can_replace(self, message: Message) -> bool:
            """A newer read supersedes this one, unless this one forces a reload."""
            return isinstance(message, RegistryApp.TokenRead) and (message.force or not self.force)

    @dataclass
    class RunsUnreadable(Message):
        """Where runs live (``--experiments``) cannot be read: ``notice`` says why."""

        notice: str

    @dataclass
    class Unreachable(Message):
        """The change token could not be read: the database cannot be reached."""

        error: str

    metric_directions: reactive[dict[str, bool]] = reactive(dict, init=False, repaint=False)
    """The registry's recorded metric directions (metric -> lower is better); widgets
    that show them watch it. Screens that reload on a change read it then."""

    def __init__(
        self,
        registry: ModelRegistry,
        *,
        read_only: bool = False,
        poll_interval: float | None = POLL_INTERVAL_S,
        clock: Callable[[], datetime] | None = None,
        config: Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.preferences, self.config_error = _read_preferences(config)
        self.registry = registry
        self.read_only = read_only or registry.read_only
        self.poll_interval = poll_interval
        self.clock = clock or datetime.now
        self.token: int | None = None
        self.lost_since: datetime | None = None
        self.lost_error = ""
        self.retry_delay = 0.0
        self._next_try = 0.0
        self.crash: Exception | None = None
        self.fitted = False
        """True once on_mount has fitted the screens to the terminal (see :meth:`_fit`)."""
        self.sub_title = visible(registry.location)

    def get_default_screen(self) -> MainScreen:
        """The main screen is the bottom of the stack: every other screen returns to it."""
        return MainScreen(self.registry, read_only=self.read_only, sidebar=self.preferences.sidebar)

    def on_mount(self) -> None:
        self._apply_preferences()
        if self.read_only:
            self.notify(
                "Read-only: promote, untag, retire and delete are disabled",
                title="Read-only",
                markup=False,
            )
        self.screen_change_signal.subscribe(self, lambda _: self._sync_banner())
        self.check_changes()
        if self.registry.experiments is not None:
            self._check_runs()
        if self.poll_interval:
            self.set_interval(self.poll_interval, self._tick)
        self.fitted = True
        self._fit(self.size.width, self.size.height)

    # -- preferences -------------------------------------------------------------------

    def _apply_preferences(self) -> None:
        prefs = self.preferences
        if self.config_error:
            self.notify(f"{self.config_error}; using the defaults", severity="error", timeout=10)
        self.set_keymap(prefs.keymap)
        unknown = sorted(set(prefs.keys) - binding_ids(RegistryApp))
        if unknown:
            self.notify(
                f"Unknown key binding id {unknown[0]!r} in {self.config} "
                "(see 'Preferences' in the README)",
                severity="warning",
            )
        if prefs.theme:
            try:
                self.theme = prefs.theme
            except InvalidThemeError:
                names = ", ".join(sorted(self.available_themes))
                self.notify(f"Unknown theme {prefs.theme!r} in {self.config}: one of {names}")
        self.theme_changed_signal.subscribe(self, self._save_theme)

    def _save_theme(self, theme: Theme) -> None:
        if self.config is None or self.config_error:
            return
        try:
            preferences.save_setting(self.config, "theme", theme.name)
        except (OSError, preferences.PreferencesError) as exc:
            self.notify(f"Theme not saved: {exc}", severity="warning")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A global key the preferences unbind (``"app.quit" = ""``) does nothing."""
        return f"app.{action}" not in self.preferences.unbound

    # -- runs ---------------------------------------------------------------------------

    @work(thread=True, group="runs", exit_on_error=False, description="Opening the runs")
    def _check_runs(self) -> None:
        """Open the run source off the UI thread; say once if it cannot be read."""
        notice = self.registry.runs_notice
        if notice is not None:
            self.post_message(self.RunsUnreadable(notice))

    def on_registry_app_runs_unreadable(self, message: RunsUnreadable) -> None:
        self.notify(visible(message.notice), severity="warning", timeout=10, markup=False)

    # -- live refresh ------------------------------------------------------------------

    def _tick(self) -> None:
        if self.lost_since is None or time.monotonic() >= self._next_try:
            self.check_changes()

    @work(
        thread=True,
        exclusive=True,
        group="poll",
        exit_on_error=False,
        description="Checking the registry for changes",
    )
    def check_changes(self, force: bool = False) -> None:
        """Read the change token off the UI thread."""
        try:
            token = self.registry.records.change_token()
            moved = force or token != self.token
            directions = self.registry.metric_directions() if moved else None
        except ConnectionLostError as exc:
            self.post_message(self.Unreachable(str(exc)))
            return
        except RegistryError:
            return  # a locked or busy database: the next poll tries again
        self.post_message(self.TokenRead(token, force, directions))

    def on_registry_app_token_read(self, message: TokenRead) -> None:
        reconnected = self.lost_since is not None
        if reconnected:
            self._connection(None)
        changed = self.token is not None and message.token != self.token
        self.token = message.token
        if message.directions is not None:
            self.metric_directions = message.directions  # watchers run only on a change
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
            self.notify(f"Reconnected to {visible(self.registry.location)}", markup=False)

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

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast shows its text literally: messages quote names, paths and tags."""
        del markup  # never interpreted: the text may come from the registry
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    # -- crashes: one line, not Textual's traceback (it prints the locals: row data) ---

    def _handle_exception(self, error: Exception) -> None:
        # Textual's hook for an unhandled exception (private API, kept to these two
        # methods): remember the error so run_app can report it and exit non-zero.
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        if os.environ.get(DEBUG_ENV):
            super()._print_error_renderables()
        else:
            self._exit_renderables.clear()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The poll failing unexpectedly is one line, not a crash (:mod:`registry_tui.tui.work`)."""
        report_failed_work(self, event)

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
        if not self.fitted:
            # The startup resize comes before on_mount has applied the theme: a
            # notice pushed then would draw in no colours. on_mount fits first.
            return
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
    config: Path | None = None,
) -> RegistryApp:
    """The app over ``registry`` (tests pass ``poll_interval=None`` to poll only on demand,
    and a fixed ``clock`` for the time the disconnected banner shows).

    ``config`` is the preferences file to read and save (none by default, so tests
    never depend on the user's file; :func:`run_app` passes the user's).
    """
    return RegistryApp(
        registry, read_only=read_only, poll_interval=poll_interval, clock=clock, config=config
    )


def _read_preferences(path: Path | None) -> tuple[preferences.Preferences, str | None]:
    """The preferences in ``path`` (defaults without one), and the one-line error if any."""
    if path is None:
        return preferences.Preferences(), None
    try:
        return preferences.load(path), None
    except preferences.PreferencesError as exc:
        return preferences.Preferences(), str(exc)


def run_app(registry: ModelRegistry, read_only: bool = False) -> None:
    """Run the app in this terminal until the user quits.

    Raises:
        AppCrashed: the app stopped on an unexpected error (the traceback is printed
            only when ``REGISTRY_TUI_DEBUG`` is set).
    """
    app = make_app(registry, read_only=read_only, config=preferences.config_path())
    app.run()
    if app.crash is not None:
        raise AppCrashed(app.crash)
