"""The Textual app: screens, global keys, live refresh, and the too-small notice.

Live refresh: every ``poll_interval`` seconds a thread worker reads the
registry's change token (the latest history event id: one indexed query), and
only when it moved do the screens reload, keeping their cursors on their
models. A change made in this app checks at once.

    >>> from registry_tui import ModelRegistry
    >>> from registry_tui.tui.app import run_app
    >>> run_app(ModelRegistry("models.db"))          # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, InvalidThemeError, SystemCommand
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from registry_tui.errors import RegistryError
from registry_tui.registry import ModelRegistry
from registry_tui.tui import preferences
from registry_tui.tui.keys import binding_ids
from registry_tui.tui.messages import RegistryChanged, RegistryTouched
from registry_tui.tui.screens.help import HelpScreen, help_rows
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.too_small import TooSmallScreen, too_small
from registry_tui.tui.text import plain

POLL_INTERVAL_S = 1.0
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

    class TokenRead(Message):
        """The change token was read; ``force`` reloads even when it did not move."""

        def __init__(self, token: int, force: bool) -> None:
            super().__init__()
            self.token, self.force = token, force

    def __init__(
        self,
        registry: ModelRegistry,
        *,
        read_only: bool = False,
        poll_interval: float | None = POLL_INTERVAL_S,
        config: Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.preferences, self.config_error = _read_preferences(config)
        self.registry = registry
        self.read_only = read_only or registry.read_only
        self.poll_interval = poll_interval
        self.token: int | None = None
        self.crash: Exception | None = None
        self.sub_title = plain(registry.location)

    def on_mount(self) -> None:
        self._apply_preferences()
        screen = MainScreen(
            self.registry, read_only=self.read_only, sidebar=self.preferences.sidebar
        )
        self.push_screen(screen)
        if self.read_only:
            self.notify(
                "Read-only: promote, untag, retire and delete are disabled",
                title="Read-only",
                markup=False,
            )
        self.check_changes()
        if self.poll_interval:
            self.set_interval(self.poll_interval, self.check_changes)
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

    # -- live refresh ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="poll")
    def check_changes(self, force: bool = False) -> None:
        """Read the change token off the UI thread."""
        try:
            token = self.registry.change_token()
        except RegistryError:
            return  # a locked or busy database: the next poll tries again
        self.post_message(self.TokenRead(token, force))

    def on_registry_app_token_read(self, message: TokenRead) -> None:
        changed = self.token is not None and message.token != self.token
        self.token = message.token
        if changed or message.force:
            for screen in self.screen_stack:
                screen.post_message(RegistryChanged())

    def on_registry_touched(self, _: RegistryTouched) -> None:
        self.check_changes(force=True)

    def action_reload(self) -> None:
        """Reload everything shown from the database."""
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
            plain(message), title=plain(title), severity=severity, timeout=timeout, markup=False
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

    # -- help, palette, size -----------------------------------------------------------

    def action_help(self) -> None:
        """Show every key of the current screen."""
        if isinstance(self.screen, HelpScreen):
            return
        rows = help_rows(self, self.screen.active_bindings.values())
        self.push_screen(HelpScreen(rows))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            yield from screen.palette_commands()

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        screen = self.screen
        if too_small(width, height):
            if isinstance(screen, TooSmallScreen):
                screen.show_size(width, height)
            else:
                self.push_screen(TooSmallScreen())
        elif isinstance(screen, TooSmallScreen):
            self.pop_screen()


def make_app(
    registry: ModelRegistry,
    *,
    read_only: bool = False,
    poll_interval: float | None = POLL_INTERVAL_S,
    config: Path | None = None,
) -> RegistryApp:
    """The app over ``registry`` (tests pass ``poll_interval=None`` to poll only on demand).

    ``config`` is the preferences file to read and save (none by default, so tests
    never depend on the user's file; :func:`run_app` passes the user's).
    """
    return RegistryApp(registry, read_only=read_only, poll_interval=poll_interval, config=config)


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
