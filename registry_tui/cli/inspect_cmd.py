"""``inspect``: what a checkpoint file or directory says about itself (no registry needed)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from registry_tui.cli.common import Output

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers

NATURAL_WIDTH = 10**9
"""Piped tables keep their natural width: a 3,000-character tensor name stays on its line."""


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    command = subparsers.add_parser(
        "inspect",
        parents=parents,
        help="read a checkpoint's headers: format, parameters, dtypes, largest tensors",
        description=(
            "Read what a checkpoint says about itself from its headers, never its weights: "
            "safetensors (single or sharded), GGUF, PyTorch .pt/.pth/.ckpt (its pickle is "
            "never run: one naming code outside a state dict's needs is refused), ONNX "
            "(with the onnx extra) and checkpoint directories, local or in an object store "
            "(s3://, gs://, hf://, read with ranged requests; extras s3, gcs, hf). "
            "Exit 1 on a refused file."
        ),
    )
    command.add_argument(
        "path",
        metavar="PATH",
        help="a checkpoint file or directory, or an s3://, gs:// or hf:// URI",
    )
    command.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="output: tables for people (default) or JSON for scripts",
    )
    command.set_defaults(handler=run_inspect)


def run_inspect(args: argparse.Namespace, out: Output) -> int:
    """Inspect the checkpoint and print what it holds."""
    from registry_tui.checkpoints import inspect_checkpoint
    from registry_tui.render import checkpoint

    info = inspect_checkpoint(args.path)
    if args.format == "json":
        out.write(checkpoint.checkpoint_json(info))
        return 0
    text = (
        checkpoint.checkpoint_text(info, max_width=NATURAL_WIDTH)
        if out.takes_plain_text()
        else None
    )
    if text is not None:
        out.stdout.write(text)
    else:
        out.emit(checkpoint.checkpoint_renderable(info))
    return 0
