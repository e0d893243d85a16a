"""``registry-tui import SOURCE``: models registered from where training and tools left them:
a CheckpointManager directory, the Hugging Face cache, an MLflow registry."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from registry_tui.cli.common import Output, open_registry

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers
    from registry_tui.training.report import ImportReport

SCHEME_HELP = (
    "how MLflow version N becomes a semantic version: major (N.0.0, the default), "
    "minor (1.N.0), patch (1.0.N), or a template such as 2.{N}.0"
)


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``import`` and its sources to the parser."""
    command = subparsers.add_parser(
        "import", parents=parents, help="register models from where training left them"
    )
    sources = command.add_subparsers(
        dest="source",
        metavar="SOURCE",
        required=True,
        help="where the models are: checkpoints, hf-cache, mlflow",
    )
    _checkpoints(sources, parents)
    p = sources.add_parser(
        "hf-cache",
        parents=parents,
        help="the local Hugging Face cache: each cached model revision a model (offline)",
    )
    p.add_argument("--cache-dir", metavar="DIR", help="the cache (default: HF_HUB_CACHE)")
    p.add_argument("--repo", metavar="PATTERN", help="a glob on the repo id, e.g. 'org/*'")
    _json_option(p)
    p.set_defaults(handler=run_import_hf_cache)
    p = sources.add_parser(
        "mlflow",
        parents=parents,
        help="an MLflow model registry: registered models, versions, aliases, run metrics",
    )
    p.add_argument(
        "uri", metavar="URI", help="sqlite:///mlflow.db, postgresql://..., or http://host:5000"
    )
    p.add_argument("--version-scheme", default="major", metavar="SCHEME", help=SCHEME_HELP)
    _json_option(p)
    p.set_defaults(handler=run_import_mlflow)


def _checkpoints(sources: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    p = sources.add_parser(
        "checkpoints",
        parents=parents,
        help="a CheckpointManager directory, from its checkpoint_registry.json",
    )
    p.add_argument("directory", metavar="DIR", help="the directory of the checkpoints")
    p.add_argument("--name", required=True, help="the models' name, e.g. training-run")
    p.add_argument("--task-type", required=True, help="e.g. language_modeling")
    p.add_argument(
        "--every", type=int, default=1, metavar="N", help="every N-th epoch and the last"
    )
    p.add_argument("--run-id", type=int, metavar="ID", help="the experiment run's id")
    p.add_argument("--monitor", default="val_loss", help="the metric of the best (val_loss)")
    p.add_argument(
        "--mode", choices=("min", "max"), default="min", help="lower or higher is better"
    )
    _json_option(p)
    p.set_defaults(handler=run_import_checkpoints)


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as JSON, for scripts")


def run_import_checkpoints(args: argparse.Namespace, out: Output) -> int:
    """Import the directory and say what was registered, left alone and retired."""
    with open_registry(args) as registry:
        report = registry.import_checkpoints(
            args.directory, args.name, args.task_type, every=args.every,
            training_run_id=args.run_id, monitor=args.monitor, mode=args.mode,
        )  # fmt: skip
    return _report(report, args, out)


def run_import_hf_cache(args: argparse.Namespace, out: Output) -> int:
    """Import the Hugging Face cache and say what was registered and skipped."""
    with open_registry(args) as registry:
        report = registry.import_hf_cache(args.cache_dir, args.repo)
    return _report(report, args, out)


def run_import_mlflow(args: argparse.Namespace, out: Output) -> int:
    """Import an MLflow registry and say what was mapped how."""
    with open_registry(args) as registry:
        report = registry.import_mlflow(args.uri, version_scheme=args.version_scheme)
    return _report(report, args, out)


def _report(report: ImportReport, args: argparse.Namespace, out: Output) -> int:
    if args.json:
        from registry_tui.jsontext import to_json

        out.write(to_json(report.to_dict()))
        return 0
    for line in report.lines():
        out.say(line)
    return 0
