"""``registry-tui``: the command line.

Commands live in modules of this package, one module per group. Each module
exposes ``register(subparsers, parents)``, which adds its commands with
``subparsers.add_parser(name, parents=parents, ...)`` and gives each a
handler with ``set_defaults(handler=function)``; a handler takes the parsed
arguments and a :class:`~registry_tui.cli.common.Output` and returns the exit
status. To add a group, write a module and list it in :data:`COMMAND_MODULES`
(a listed module that does not exist yet is skipped).

Exit status: 0 success; 1 refused or not found (a one-line error on stderr);
2 bad usage. Errors never print a traceback (set ``REGISTRY_TUI_DEBUG=1`` to
see one for an unexpected error).

Module imports stay light: rich, the registry and the Textual app are imported
by the handlers that need them, so ``--help``, ``list`` and ``get`` start fast
and never import textual or pandas.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from registry_tui.cli.common import PROG, CommandError, Output, UsageError

Handler = Callable[[argparse.Namespace, Output], int]

COMMAND_MODULES: tuple[str, ...] = (
    "registry_tui.cli.lifecycle",
    "registry_tui.cli.browse",
    "registry_tui.cli.tags",
    "registry_tui.cli.terminal_app",
    "registry_tui.cli.ops",
    "registry_tui.cli.policies",
    "registry_tui.cli.inspect_cmd",
    "registry_tui.cli.card_cmd",
    "registry_tui.cli.importers",
    "registry_tui.cli.governance",
)
COMMAND_HOMES: dict[str, str] = {
    **dict.fromkeys(
        ("list", "get", "compare", "lineage", "config-diff"), "registry_tui.cli.browse"
    ),
    **dict.fromkeys(
        ("register", "register-bundle", "retire", "restore", "delete", "export-add"),
        "registry_tui.cli.lifecycle",
    ),
    **dict.fromkeys(("promote", "untag", "rollback", "history"), "registry_tui.cli.tags"),
    **dict.fromkeys(("tui", "demo"), "registry_tui.cli.terminal_app"),
    **dict.fromkeys(("check", "upgrade", "backup", "dump", "load"), "registry_tui.cli.ops"),
    **dict.fromkeys(("metric", "tag-policy"), "registry_tui.cli.policies"),
    "inspect": "registry_tui.cli.inspect_cmd",
    "card": "registry_tui.cli.card_cmd",
    "import": "registry_tui.cli.importers",
    **dict.fromkeys(
        ("protect", "unprotect", "request", "pending", "approve", "reject", "cancel", "admin"),
        "registry_tui.cli.governance",
    ),
}
"""The module defining each command: a command line naming one of them builds only that
module's commands (a command missing here still works, through the full parser)."""
DASH_VALUE_OPTIONS = ("--sort",)
DESCRIPTION = "A model registry: version, tag, compare and trace checkpoints from a terminal."
EPILOG = (
    "The database is --db PATH|URL (before or after the command), else $REGISTRY_TUI_DB, "
    "else ./models.db. With no command on a terminal, the terminal app opens."
)


def terminal_columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` reads it (``COLUMNS``,
    then standard output, else 80), without importing shutil."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, sized without importing :mod:`shutil`.

    argparse makes a formatter for every option it adds, and its own sizing
    imports shutil, which imports zlib, bz2 and lzma: about 5 ms of every
    command's start-up, spent before any help is asked for.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = terminal_columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit status 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Print ``prog: error: message (see prog --help)`` and exit with status 2."""
        from registry_tui.escapes import visible

        self.exit(2, f"{self.prog}: error: {visible(message)} (see '{self.prog} --help')\n")


class _VersionAction(argparse.Action):
    """``--version``: looked up only when asked for, to keep start-up cheap."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("registry-tui")
        except PackageNotFoundError:
            number = "unknown"
        sys.stdout.write(f"{PROG} {number}\n")
        parser.exit(0)


def _db_parent() -> argparse.ArgumentParser:
    parent = Parser(add_help=False)
    parent.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="PATH|URL",
        help="registry database: a SQLite path or a sqlite:/// or postgresql:// URL",
    )
    return parent


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """The parser: global options, then every command of ``modules`` (default: all)."""
    db_parent = _db_parent()
    parser = Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG, parents=[db_parent])
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="print the version")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers, [db_parent])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 refused, 2 bad usage)."""
    out = Output()
    try:
        return _run(argv, out)
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        out.stderr.write(f"{PROG}: interrupted\n")
        return 130


def attach_dash_values(argv: Sequence[str]) -> list[str]:
    """``--sort -accuracy`` -> ``--sort=-accuracy``, so argparse takes it as a value."""
    result: list[str] = []
    index = 0
    while index < len(argv):
        item = argv[index]
        following = argv[index + 1] if index + 1 < len(argv) else None
        if item in DASH_VALUE_OPTIONS and following is not None and following.startswith("-"):
            result.append(f"{item}={following}")
            index += 2
            continue
        result.append(item)
        index += 1
    return result


def command_named(argv: Sequence[str]) -> str | None:
    """The command an argument list names (after any ``--db``), None when it names none."""
    index = 0
    while index < len(argv):
        item = argv[index]
        if item == "--db":
            index += 2
            continue
        if item.startswith("--db="):
            index += 1
            continue
        return None if item.startswith("-") else item
    return None


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for ``argv``: only its command's module when it names a known command.

    Building one module's commands instead of all of them keeps a command's
    start-up short; help, errors and parsing are the same either way.
    """
    home = COMMAND_HOMES.get(command_named(argv) or "")
    return build_parser((home,) if home in COMMAND_MODULES else COMMAND_MODULES)


def _run(argv: Sequence[str] | None, out: Output) -> int:
    argv = attach_dash_values(sys.argv[1:] if argv is None else argv)
    parser = parser_for(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return _exit_code(exc)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return _no_command(parser, args, out)
    try:
        return handler(args, out)
    except SystemExit as exc:
        return _exit_code(exc)
    except UsageError as exc:
        _error(out, f"{PROG} {args.command}: error: {exc}")
        return 2
    except Exception as exc:
        return _failure(exc, out)


def _no_command(parser: argparse.ArgumentParser, args: argparse.Namespace, out: Output) -> int:
    if not out.is_terminal():
        parser.print_help(out.stdout)
        return 0
    from registry_tui.cli.terminal_app import open_tui

    try:
        return open_tui(args, out, read_only=False)
    except Exception as exc:
        return _failure(exc, out)


def _failure(exc: Exception, out: Output) -> int:
    """One line on stderr for any error a command raised; the exit status."""
    if isinstance(exc, BrokenPipeError | KeyboardInterrupt):
        raise exc
    from registry_tui.errors import RegistryError

    if isinstance(exc, CommandError | RegistryError):
        _error(out, f"{PROG}: error: {exc}")
    elif isinstance(exc, _database_errors()):
        _error(out, f"{PROG}: database error: {_first_line(exc)}")
    elif isinstance(exc, OSError):
        _error(out, f"{PROG}: error: {exc}")
    else:
        if os.environ.get("REGISTRY_TUI_DEBUG"):
            raise exc
        _error(
            out,
            f"{PROG}: unexpected error: {type(exc).__name__}: {_first_line(exc)} "
            "(set REGISTRY_TUI_DEBUG=1 to see the traceback)",
        )
    return 1


def _database_errors() -> tuple[type[BaseException], ...]:
    """Error types of the database drivers that are loaded (never imports one)."""
    found: list[type[BaseException]] = []
    for module_name, attribute in (
        ("peewee", "PeeweeException"),
        ("sqlite3", "Error"),
        ("psycopg2", "Error"),
    ):
        module = sys.modules.get(module_name)
        error_type = getattr(module, attribute, None) if module is not None else None
        if isinstance(error_type, type) and issubclass(error_type, BaseException):
            found.append(error_type)
    return tuple(found)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _error(out: Output, message: str) -> None:
    from registry_tui.escapes import visible

    out.stderr.write(visible(message) + "\n")


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
