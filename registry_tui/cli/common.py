"""Plumbing shared by the command modules: argument types, output, opening the registry.

Kept light on purpose: importing this module imports neither rich nor the
registry; they are imported when a command runs, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import unquote

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from registry_tui import ModelRegistry

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

DEFAULT_DB = "models.db"
DB_ENV = "REGISTRY_TUI_DB"
EXPERIMENTS_ENV = "REGISTRY_TUI_EXPERIMENTS"
FORMATS = ("table", "json", "csv")
PIPE_WIDTH_LIMIT = 2000
PROG = "registry-tui"


class CommandError(Exception):
    """A command refused or found nothing: printed as one line, exit status 1."""


class UsageError(Exception):
    """The command line is wrong in a way argparse cannot see: exit status 2."""


# --------------------------------------------------------------------------- argument types


def json_object(flag: str) -> Callable[[str], dict[str, Any]]:
    """An argparse ``type`` parsing a JSON object for ``flag``.

    argparse prefixes the message with ``argument --flag:``; the message gives
    the line, column and character where the JSON goes wrong.
    """

    def parse(text: str) -> dict[str, Any]:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise argparse.ArgumentTypeError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno} "
                f"(character {exc.pos}): {exc.msg}"
            ) from None
        except RecursionError:
            raise argparse.ArgumentTypeError("the JSON is nested too deeply") from None
        if not isinstance(value, dict):
            kind = type(value).__name__
            raise argparse.ArgumentTypeError(f"must be a JSON object, not a {kind}")
        return value

    parse.__name__ = "JSON object"
    return parse


def id_list(text: str) -> list[int]:
    """``"1,2,3"`` -> ``[1, 2, 3]`` (an argparse ``type``)."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected comma-separated model ids, e.g. 1,2,3")
    try:
        return [int(item) for item in items]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated model ids, e.g. 1,2,3, not {text!r}"
        ) from None


def name_list(text: str) -> list[str]:
    """``"a, b"`` -> ``["a", "b"]`` (an argparse ``type``); empty items dropped."""
    return [item.strip() for item in text.split(",") if item.strip()]


MAX_INT64 = 2**63 - 1


def non_negative_int(text: str) -> int:
    """An integer from 0 to 2**63-1 (an argparse ``type``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, not {value}")
    if value > MAX_INT64:
        raise argparse.ArgumentTypeError(f"expected a number at most {MAX_INT64}, not {text}")
    return value


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """``--format table|json|csv`` for read commands."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output: a table for people (default), JSON or CSV for scripts",
    )


def add_model_id(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``--model-id N``."""
    parser.add_argument("--model-id", type=int, required=required, metavar="ID", help="model id")


# --------------------------------------------------------------------------- output


def no_color() -> bool:
    """True when ``NO_COLOR`` is set to a non-empty value (https://no-color.org)."""
    return os.environ.get("NO_COLOR", "") != ""


class Output:
    """Where a command writes: rich renderables, plain lines, messages.

    Tables are coloured on a terminal and plain when piped or under
    ``NO_COLOR``. Piped tables are printed at their natural width, so nothing
    is cut to 80 columns.
    """

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self._stdout = stdout
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def stdout(self) -> TextIO:
        """The stream results go to (``sys.stdout`` unless given)."""
        return self._stdout or sys.stdout

    @property
    def stderr(self) -> TextIO:
        """The stream messages go to (``sys.stderr`` unless given)."""
        return self._stderr or sys.stderr

    @property
    def console(self) -> Console:
        """A rich console on stdout: no highlighting, no markup, no emoji codes.

        When stdout is not a terminal the console is very wide, and :meth:`emit`
        prints each renderable at its natural width.
        """
        if self._console is None:
            from rich.console import Console

            piped = not _isatty(self.stdout)
            self._console = Console(
                file=self.stdout,
                highlight=False,
                markup=False,
                emoji=False,
                color_system=None if no_color() else "auto",
                width=PIPE_WIDTH_LIMIT if piped else None,
            )
        return self._console

    def emit(self, renderable: RenderableType) -> None:
        """Print a rich renderable; at its natural width when stdout is not a terminal."""
        console = self.console
        if console.is_terminal:
            console.print(renderable)
            return
        # Tables and panels here do not expand, so on this very wide console
        # they keep their natural width; only the line padding is trimmed.
        with console.capture() as capture:
            console.print(renderable)
        lines = capture.get().splitlines()
        self.stdout.write("".join(line.rstrip() + "\n" for line in lines))

    def write(self, text: str) -> None:
        """Write text to stdout, ending it with a newline."""
        self.stdout.write(text if text.endswith("\n") else text + "\n")

    def say(self, message: str) -> None:
        """A one-line confirmation for people, on stdout, user text made visible."""
        from registry_tui.escapes import visible

        self.write(visible(message))

    def note(self, message: str) -> None:
        """A side message on stderr (progress, hints), user text made visible."""
        from registry_tui.escapes import visible

        self.stderr.write(visible(message) + "\n")

    def is_terminal(self) -> bool:
        """True when stdout is a terminal."""
        return _isatty(self.stdout)

    def takes_plain_text(self) -> bool:
        """True when :meth:`emit` would print without colour at its piped width.

        That is: stdout is not a terminal, and neither the environment
        (``FORCE_COLOR``, ``TTY_COMPATIBLE``) nor a notebook makes rich treat it as
        one, and it takes UTF-8 (rich draws ASCII boxes otherwise). A renderer may
        then write the text itself (see :mod:`registry_tui.render.plain`).
        """
        if self._console is not None or self.is_terminal() or "IPython" in sys.modules:
            return False
        if os.environ.get("TTY_COMPATIBLE", "") == "1" or os.environ.get("FORCE_COLOR"):
            return False
        encoding = getattr(self.stdout, "encoding", None) or "utf-8"
        return str(encoding).lower().startswith("utf")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def confirm(question: str, stdin: TextIO, out: Output) -> bool:
    """Ask ``question [y/N]`` on stderr and read one line; only y/yes means yes."""
    out.stderr.write(f"{question} [y/N] ")
    out.stderr.flush()
    answer = stdin.readline()
    if not answer.endswith("\n"):
        out.stderr.write("\n")
    return answer.strip().lower() in ("y", "yes")


# --------------------------------------------------------------------------- the registry


def is_url(location: str) -> bool:
    """True for ``sqlite:///...`` or ``postgresql://...`` rather than a file path."""
    return "://" in location


def resolve_db(args: argparse.Namespace) -> str:
    """``--db``, else ``$REGISTRY_TUI_DB``, else ``./models.db``."""
    given = getattr(args, "db", None)
    return str(given or os.environ.get(DB_ENV) or DEFAULT_DB)


def resolve_experiments(args: argparse.Namespace) -> str | None:
    """``--experiments``, else ``$REGISTRY_TUI_EXPERIMENTS``, else None (runs not read)."""
    given = getattr(args, "experiments", None)
    return str(given or os.environ.get(EXPERIMENTS_ENV) or "") or None


def note_runs(registry: ModelRegistry, out: Output) -> None:
    """The one-line notice, on stderr, when the runs ``--experiments`` names cannot be read."""
    notice = registry.runs_notice if registry.experiments is not None else None
    if notice is not None:
        out.note(f"{PROG}: {notice}")


def open_registry(
    args: argparse.Namespace,
    *,
    must_exist: bool = False,
    reading: bool = False,
    read_only: bool = False,
) -> ModelRegistry:
    """Open the registry the command line names.

    ``must_exist`` (read commands) refuses to create a new SQLite file for a
    path that does not exist, so a typo in ``--db`` is reported, not hidden.
    ``reading`` (commands that never write) opens a SQLite file the user cannot
    write to read-only instead of failing; ``read_only`` always does.
    """
    location = resolve_db(args)
    if must_exist or read_only:
        require_existing(location)
    from registry_tui import ModelRegistry
    from registry_tui.locations import can_write

    if reading and not is_url(location) and os.path.exists(location) and not can_write(location):
        read_only = True
    return ModelRegistry(location, read_only=read_only, experiments=resolve_experiments(args))


def sqlite_file(location: str) -> str | None:
    """The file a SQLite location names (a path or ``sqlite:///path``); None for a server."""
    if location.startswith("sqlite:///"):
        return unquote(location[len("sqlite:///") :].split("?", 1)[0]) or None
    return None if is_url(location) else location


def require_existing(location: str) -> None:
    """Refuse a SQLite location whose file does not exist (a typo must not make a file)."""
    path = sqlite_file(location)
    if path is not None and path != ":memory:" and not os.path.exists(path):
        raise CommandError(
            f"No registry at {path}: give --db PATH or set {DB_ENV} "
            f"(registering a model creates one)"
        )


def joined(items: Sequence[str]) -> str:
    """``a, b`` for messages."""
    return ", ".join(items)
