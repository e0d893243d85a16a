"""``card``: a model card (a Hugging Face ``README.md``) written from the registry's records.

A read command: it imports neither textual nor pandas, nor rich (the card is plain text).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from registry_tui.cli.common import (
    CommandError,
    Output,
    UsageError,
    add_model_id,
    note_runs,
    open_registry,
)

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers

STDOUT = "-"


HELP_WIDTH = 78


def _fields_help() -> str:
    """The template fields, one a line (descriptions wrapped under their column)."""
    import textwrap

    from registry_tui.cards.template import FIELDS

    column = max(len(name) for name in FIELDS) + 5
    lines = [
        "template fields (string.Template: $name or ${name}, $$ for a literal $;",
        "every value is Markdown with user text already escaped):",
    ]
    for name, about in FIELDS.items():
        wrapped = textwrap.wrap(about, HELP_WIDTH - column) or [""]
        lines.append(f"  ${name:<{column - 3}}{wrapped[0]}")
        lines += [" " * column + more for more in wrapped[1:]]
    return "\n".join(lines)


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    from registry_tui.cli import _Formatter

    class FieldsFormatter(argparse.RawDescriptionHelpFormatter, _Formatter):
        """Keeps the field list's lines as written."""

    p = subparsers.add_parser(
        "card",
        parents=parents,
        help="write a model card (a Hugging Face README.md) from what the registry records",
        description=(
            "Write a Hugging Face compatible README.md for one model: YAML front matter\n"
            "(license, library_name, pipeline_tag, tags, base_model, model-index) and\n"
            "sections on its metrics, lineage, config, exports, checkpoint, promotion\n"
            "history and the author-written parts (from metadata, or marked placeholders).\n"
            "Exit 1 when the model is not found or a file cannot be read or written."
        ),
        epilog=_fields_help(),
        formatter_class=FieldsFormatter,
    )
    add_model_id(p, required=False)
    p.add_argument("--name", help="model name (with --version)")
    p.add_argument("--version", help="model version (with --name)")
    p.add_argument("--tag", help="the model holding this tag")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write the card to FILE, atomically (default: standard output; '-' too)",
    )
    p.add_argument(
        "--template", metavar="FILE", help="a string.Template file placing the fields below"
    )
    p.set_defaults(handler=run_card)


def _check_args(args: argparse.Namespace) -> None:
    ways = sum([args.model_id is not None, args.name is not None, args.tag is not None])
    if ways != 1:
        raise UsageError("give exactly one of --model-id, --name with --version, or --tag")
    if (args.name is None) != (args.version is None):
        raise UsageError("--name and --version go together")


def _missing(args: argparse.Namespace) -> str:
    if args.model_id is not None:
        return f"Model {args.model_id} not found"
    if args.tag:
        return f"No model has tag '{args.tag}'"
    return f"Model '{args.name}' version '{args.version}' not found"


def run_card(args: argparse.Namespace, out: Output) -> int:
    """Write the card to standard output or, atomically, to ``--out``."""
    from registry_tui.cards.files import check_destination, read_template, save_card

    _check_args(args)
    template = read_template(args.template) if args.template else None
    to_file = args.out not in (None, STDOUT)
    if to_file:
        check_destination(args.out)
    with open_registry(args, must_exist=True, reading=True) as registry:
        record = registry.records.find(
            model_id=args.model_id, name=args.name, version=args.version, tag=args.tag
        )
        if record is None:
            raise CommandError(_missing(args))
        text = registry.model_card(record.model_id, template)
        note_runs(registry, out)
    if not to_file:
        out.stdout.write(text)
        return 0
    target = save_card(args.out, text)
    out.say(f"Wrote the card of {record.label} (model {record.model_id}) to {target}")
    return 0
