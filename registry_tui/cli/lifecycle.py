"""Commands that create and end models: ``register``, ``register-bundle``, ``export-add``,
``retire``, ``restore``, ``delete``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from registry_tui.cli.common import (
    CommandError,
    Output,
    add_model_id,
    confirm,
    json_object,
    name_list,
    open_registry,
)

if TYPE_CHECKING:
    from registry_tui.cli.common import Subparsers


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    _add_register(subparsers, parents)
    _add_bundle(subparsers, parents)
    _add_export(subparsers, parents)
    retire = subparsers.add_parser(
        "retire", parents=parents, help="mark a model retired (kept, hidden from default lists)"
    )
    add_model_id(retire)
    retire.set_defaults(handler=run_retire)
    restore = subparsers.add_parser(
        "restore", parents=parents, help="make a retired model active again"
    )
    add_model_id(restore)
    restore.set_defaults(handler=run_restore)
    delete = subparsers.add_parser(
        "delete",
        parents=parents,
        help="delete a model (asks first; tagged ones and parents need --force)",
    )
    add_model_id(delete)
    delete.add_argument(
        "--force",
        action="store_true",
        help="delete even if the model is tagged or has fine-tunes (they lose their parent)",
    )
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=run_delete)


def _add_register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("register", parents=parents, help="register a model; prints its id")
    p.add_argument("--name", required=True, help="model name, e.g. gpt-small")
    p.add_argument("--version", required=True, help="semantic version, e.g. 1.0.0")
    p.add_argument(
        "--checkpoint", required=True, metavar="PATH", help="checkpoint file or directory"
    )
    p.add_argument("--task-type", required=True, help="e.g. language_modeling")
    p.add_argument("--metrics", type=json_object("--metrics"), metavar="JSON", help="metrics")
    p.add_argument("--config", type=json_object("--config"), metavar="JSON", help="model config")
    p.add_argument("--tags", type=name_list, default=[], metavar="A,B", help="tags")
    p.add_argument("--parent-id", type=int, metavar="ID", help="model this one was tuned from")
    p.add_argument("--training-run-id", type=int, metavar="ID", help="experiment run id")
    p.add_argument("--export-formats", type=name_list, metavar="A,B", help="e.g. onnx,torchscript")
    p.add_argument(
        "--model-size-mb", type=float, metavar="MB", help="weights' size (default: inspected)"
    )
    p.add_argument(
        "--memory-req-gb", type=float, metavar="GB", help="memory needed (default: estimated)"
    )
    p.add_argument("--metadata", type=json_object("--metadata"), metavar="JSON", help="anything")
    p.add_argument(
        "--no-verify-checkpoint",
        dest="verify_checkpoint",
        action="store_false",
        help="register even if the checkpoint file is not here",
    )
    p.add_argument(
        "--no-inspect",
        dest="inspect",
        action="store_false",
        help="do not read the checkpoint's headers (size, parameters, memory estimate)",
    )
    p.add_argument(
        "--memory-mode",
        default="inference",
        metavar="MODE",
        help="what the memory estimate is for: inference (default) or train-adamw",
    )
    p.set_defaults(handler=run_register)


def _add_bundle(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "register-bundle",
        parents=parents,
        help="register an export bundle directory as one model with its exports; prints its id",
    )
    p.add_argument("directory", metavar="DIR", help="the bundle (artifacts/, config.json ...)")
    p.add_argument("--name", required=True, help="model name, e.g. production-model")
    p.add_argument("--version", required=True, help="semantic version, e.g. 2.0.0")
    p.add_argument("--task-type", required=True, help="e.g. vision_classification")
    p.add_argument("--metrics", type=json_object("--metrics"), metavar="JSON", help="metrics")
    p.add_argument("--config", type=json_object("--config"), metavar="JSON", help="model config")
    p.add_argument("--tags", type=name_list, default=[], metavar="A,B", help="tags")
    p.add_argument("--parent-id", type=int, metavar="ID", help="model this one was tuned from")
    p.add_argument("--training-run-id", type=int, metavar="ID", help="experiment run id")
    p.add_argument("--metadata", type=json_object("--metadata"), metavar="JSON", help="anything")
    p.set_defaults(handler=run_register_bundle)


def _add_export(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "export-add", parents=parents, help="record an export of a model; prints the export id"
    )
    add_model_id(p)
    p.add_argument("--format", required=True, dest="export_format", help="e.g. onnx")
    p.add_argument("--path", required=True, dest="export_path", help="exported file")
    p.add_argument("--metadata", type=json_object("--metadata"), metavar="JSON", help="details")
    p.set_defaults(handler=run_export_add)


def run_register(args: argparse.Namespace, out: Output) -> int:
    """Register a model and print its new id."""
    kwargs: dict[str, Any] = {
        "metrics": args.metrics,
        "config": args.config,
        "tags": args.tags or None,
        "parent_model_id": args.parent_id,
        "training_run_id": args.training_run_id,
        "export_formats": args.export_formats,
        "model_size_mb": args.model_size_mb,
        "memory_req_gb": args.memory_req_gb,
        "metadata": args.metadata,
        "verify_checkpoint": args.verify_checkpoint,
        "inspect": args.inspect,
        "memory_mode": args.memory_mode,
    }
    with open_registry(args) as registry:
        model_id = registry.register_model(
            args.name, args.version, args.checkpoint, args.task_type, **kwargs
        )
    out.write(str(model_id))
    return 0


def run_register_bundle(args: argparse.Namespace, out: Output) -> int:
    """Register a bundle and print the new model's id."""
    with open_registry(args) as registry:
        model_id = registry.register_bundle(
            args.directory, args.name, args.version, args.task_type,
            metrics=args.metrics, config=args.config, tags=args.tags or None,
            parent_model_id=args.parent_id, training_run_id=args.training_run_id,
            metadata=args.metadata,
        )  # fmt: skip
    out.write(str(model_id))
    return 0


def run_export_add(args: argparse.Namespace, out: Output) -> int:
    """Record an export and print its id."""
    with open_registry(args, must_exist=True) as registry:
        export_id = registry.add_export_format(
            args.model_id, args.export_format, args.export_path, metadata=args.metadata
        )
    out.write(str(export_id))
    return 0


def run_retire(args: argparse.Namespace, out: Output) -> int:
    """Retire a model; warn when an exclusive tag is left with no active holder."""
    from registry_tui.render.plans import consequences, model_ref, orphan_warnings

    with open_registry(args, must_exist=True) as registry:
        plan = registry.records.retire_plan(args.model_id)
        if plan.no_op:
            out.say(f"{consequences(plan)[0]}; nothing changed")
            return 0
        for warning in orphan_warnings(plan):
            out.note(f"warning: {warning}")
        if not registry.retire_model(args.model_id):
            out.say(f"Model {model_ref(plan.model)} is already retired; nothing changed")
            return 0
    out.say(f"Retired model {model_ref(plan.model)}")
    return 0


def run_restore(args: argparse.Namespace, out: Output) -> int:
    """Make a retired model active again; an active one is left as it is."""
    with open_registry(args, must_exist=True) as registry:
        record = registry.records.require(args.model_id)
        restored = registry.restore_model(args.model_id)
    if restored:
        out.say(f"Restored model {record.model_id} ({record.label}): active again")
    else:
        out.say(f"Model {record.model_id} ({record.label}) is already active: nothing changed")
    return 0


def run_delete(args: argparse.Namespace, out: Output) -> int:
    """Delete a model after saying everything it takes along (``--yes`` skips the question)."""
    from registry_tui.render.plans import consequences, force_reasons, model_ref, plural, question

    with open_registry(args, must_exist=True) as registry:
        plan = registry.records.delete_plan(args.model_id)
        ref = model_ref(plan.model)
        if plan.needs_force and not args.force:
            raise CommandError(
                f"Model {plan.model.model_id} {force_reasons(plan)}. Use --force to delete anyway"
            )
        if not args.yes:
            for line in consequences(plan):
                out.note(f"  {line}")
            if not confirm(question(plan), sys.stdin, out):
                raise CommandError(f"Model {plan.model.model_id} not deleted")
        registry.delete_model(args.model_id, force=args.force)
    unlinked = f"; {plural(len(plan.children), 'model')} lost their parent" if plan.children else ""
    out.say(f"Deleted model {ref}{unlinked}")
    return 0
