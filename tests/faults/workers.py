"""Worker processes of the fault suite: ``python workers.py COMMAND JSON-ARGS``.

Each command prints ``ready`` once it is set up; when started with
``"barrier": true`` it then waits for a line on stdin, so the test can release
every worker at the same moment. The result is one JSON object on the last
line of stdout. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from registry_tui import ModelRegistry
from registry_tui.errors import RegistryError

DEADLINE_S = 60.0


def ready(args: dict[str, Any]) -> None:
    """Say ``ready``; with a barrier, wait until the test says go."""
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    if args.get("barrier"):
        sys.stdin.readline()


def describe(exc: BaseException) -> dict[str, str]:
    """An error as the test sees it: its type (and whether it is a registry error), its text."""
    import traceback

    cause = exc.__cause__ or exc.__context__
    return {
        "type": type(exc).__name__,
        "registry_error": str(isinstance(exc, RegistryError)),
        "message": str(exc),
        "origin": "".join(traceback.format_exception(cause))[-4000:] if cause else "",
    }


def register(args: dict[str, Any]) -> dict[str, Any]:
    """``count`` registrations of distinct models; every error is reported, none raised."""
    ids: list[int] = []
    errors: list[dict[str, str]] = []
    with ModelRegistry(args["db"], actor=f"w-{args['prefix']}@test") as registry:
        ready(args)
        deadline = time.monotonic() + DEADLINE_S
        for i in range(args["count"]):
            if time.monotonic() > deadline:
                errors.append({"type": "Timeout", "registry_error": "False", "message": ""})
                break
            try:
                ids.append(
                    registry.register_model(
                        args["prefix"],
                        f"1.0.{i}",
                        "ckpt.pt",
                        "language_modeling",
                        metrics={"val_loss": 1.0 / (i + 1), "accuracy": i / 1000},
                        tags=["candidate"] if i % 10 == 0 else None,
                        verify_checkpoint=False,
                    )
                )
            except Exception as exc:
                errors.append(describe(exc))
    return {"ids": ids, "errors": errors}


def register_same(args: dict[str, Any]) -> dict[str, Any]:
    """One registration of ``name``/``version``: its id, or the error."""
    with ModelRegistry(args["db"]) as registry:
        ready(args)
        try:
            return {"id": registry.register_model(
                args["name"], args["version"], "ckpt.pt", "t", verify_checkpoint=False
            )}  # fmt: skip
        except Exception as exc:
            return {"error": describe(exc)}


def promote(args: dict[str, Any]) -> dict[str, Any]:
    """``count`` exclusive promotions, each of a random model other than the previous one.

    Each worker owns its models, so every promotion changes the holder and
    records exactly one event.
    """
    rng = random.Random(args["seed"])
    promoted: list[int] = []
    errors: list[dict[str, str]] = []
    with ModelRegistry(args["db"]) as registry:
        ready(args)
        deadline = time.monotonic() + DEADLINE_S
        previous = None
        for _ in range(args["count"]):
            if time.monotonic() > deadline:
                break
            choice = rng.choice([i for i in args["ids"] if i != previous])
            try:
                registry.promote_model(choice, args["tag"])
                promoted.append(choice)
                previous = choice
            except Exception as exc:
                errors.append(describe(exc))
    return {"promoted": promoted, "errors": errors}


def reader(args: dict[str, Any]) -> dict[str, Any]:
    """Poll the holders of a tag until ``stop_file`` appears; count reads seeing != 1 holder."""
    reads = 0
    bad: list[list[int]] = []
    errors: list[dict[str, str]] = []
    worst = 0.0
    with ModelRegistry(args["db"], read_only=True) as registry:
        ready(args)
        deadline = time.monotonic() + DEADLINE_S
        while not os.path.exists(args["stop_file"]) and time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                holders = [r.model_id for r in registry.records.tag_holders(args["tag"])]
            except Exception as exc:
                errors.append(describe(exc))
                continue
            worst = max(worst, time.perf_counter() - start)
            reads += 1
            if len(holders) != 1:
                bad.append(holders)
            time.sleep(0.001)
    return {"reads": reads, "bad": bad[:20], "bad_count": len(bad), "errors": errors,
            "worst_ms": worst * 1000}  # fmt: skip


def chaos(args: dict[str, Any]) -> dict[str, Any]:
    """Register, export, promote and delete in a loop until killed (or a deadline)."""
    rng = random.Random(args["seed"])
    seed = args["seed"]
    pool = list(args["ids"])
    promoted: set[int] = set(pool)
    own: list[int] = []
    with ModelRegistry(args["db"], actor=f"chaos-{seed}@test") as registry:
        ready(args)
        deadline = time.monotonic() + args.get("seconds", 10.0)
        for i in range(100_000):
            if time.monotonic() > deadline:
                break
            roll = rng.random()
            if roll < 0.55:
                burst = rng.randint(1, 5)
                for j in range(burst):
                    model_id = registry.register_model(
                        f"chaos-{seed}",
                        f"{i}.{j}.0",
                        args["checkpoint"],
                        "language_modeling",
                        metrics={"val_loss": rng.random(), "accuracy": rng.random()},
                        tags=["candidate"],
                        export_formats=["onnx"],
                        config={"seed": seed, "i": i, "j": j},
                        metadata={"note": "x" * rng.randint(0, 2000)},
                    )
                    own.append(model_id)
                    pool.append(model_id)
                    if rng.random() < 0.5:
                        registry.add_export_format(
                            model_id, "torchscript", f"/exports/{model_id}.pt"
                        )
            elif roll < 0.9:
                choice = rng.choice(pool)
                registry.promote_model(choice, "production")
                promoted.add(choice)
            else:
                deletable = [m for m in own if m not in promoted]
                if deletable:
                    victim = rng.choice(deletable)
                    registry.delete_model(victim, force=True)
                    own.remove(victim)
                    pool.remove(victim)
    return {"finished": True}


def open_old(args: dict[str, Any]) -> dict[str, Any]:
    """Open a database of an older schema at the barrier; log each migration step run."""
    from registry_tui.db import migrations

    def logged(number: int, step: Callable[[Any], None]) -> Callable[[Any], None]:
        def run(db: Any) -> None:
            step(db)
            with open(args["log"], "a", encoding="utf-8") as log:
                log.write(f"{number} {os.getpid()}\n")

        return run

    migrations.STEPS[:] = [logged(n, s) for n, s in enumerate(migrations.STEPS, 1)]
    ready(args)
    try:
        with ModelRegistry(args["db"]) as registry:
            from registry_tui.records import ModelQuery

            total = registry.count_models(ModelQuery(status=None))
            tags = sum(count for _, count in registry.records.facets(status=None).tags)
            return {"models": total, "tags": tags}
    except Exception as exc:
        return {"error": describe(exc)}


def fill_disk(args: dict[str, Any]) -> dict[str, Any]:
    """Register big models under a file-size limit until a write fails, then lift the limit."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    registered: list[int] = []
    failures: list[dict[str, str]] = []
    with ModelRegistry(args["db"], actor="full@test") as registry:
        ready(args)
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (args["limit"], hard))
        for i in range(args.get("attempts", 400)):
            try:
                registered.append(
                    registry.register_model(
                        "big", f"1.0.{i}", "ckpt.pt", "t",
                        metadata={"blob": "x" * 60_000}, verify_checkpoint=False,
                    )
                )  # fmt: skip
            except Exception as exc:
                failures.append(describe(exc))
                if len(failures) >= 3:
                    break
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))  # space is free again
        after = registry.register_model("after", "1.0.0", "ckpt.pt", "t", verify_checkpoint=False)
    return {"registered": registered, "failures": failures, "after": after}


def cli(args: dict[str, Any]) -> dict[str, Any]:
    """Run the command line, optionally under a file-size limit; report its exit status."""
    import contextlib
    import io

    from registry_tui.cli import main

    argv = list(args["argv"])
    if "metadata_bytes" in args:  # built here: too big for the worker's own command line
        argv += ["--metadata", json.dumps({"blob": "x" * args["metadata_bytes"]})]
    if "limit" in args:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (args["limit"], hard))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


COMMANDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "register": register,
    "register_same": register_same,
    "promote": promote,
    "reader": reader,
    "chaos": chaos,
    "open_old": open_old,
    "fill_disk": fill_disk,
    "cli": cli,
}


if __name__ == "__main__":
    command, raw = sys.argv[1], sys.argv[2]
    result = COMMANDS[command](json.loads(raw))
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
