"""Every command and every argument of the command line explains itself, and the README
lists every command."""

from __future__ import annotations

import argparse
from pathlib import Path

from registry_tui.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse has no public way to list subparsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _subparser_helps(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {choice.dest: choice.help for choice in action._choices_actions}
    return {}


def test_every_command_has_help() -> None:
    """Each command has a one-line help in ``registry-tui --help``."""
    helps = _subparser_helps(build_parser())
    assert helps, "no commands found"
    missing = [name for name, text in helps.items() if not (text or "").strip()]
    assert missing == []


def test_every_argument_has_its_own_help() -> None:
    """Each option and positional of each command has help text, and no two options of one
    command share the same text (``--lower-better`` and ``--higher-better`` both said
    "force")."""
    problems = []
    for name, sub in _commands(build_parser()).items():
        seen: dict[str, str] = {}
        for action in sub._actions:
            label = "/".join(action.option_strings) or action.dest
            text = (action.help or "").strip()
            if action.help == argparse.SUPPRESS:
                continue
            if not text:
                problems.append(f"{name} {label}: no help")
            elif text in seen:
                problems.append(f"{name} {label}: same help as {seen[text]} ({text!r})")
            seen[text] = label
    assert problems == []


def test_every_command_is_in_the_readme() -> None:
    """Every command ``--help`` lists appears in the README as ``registry-tui COMMAND``."""
    readme = README.read_text()
    missing = [c for c in _commands(build_parser()) if f"registry-tui {c}" not in readme]
    assert missing == []
