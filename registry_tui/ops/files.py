"""The files a registry points at: checkpoints (present, sized, hashed) and exports."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from registry_tui.checkpoints.dispatch import is_remote
from registry_tui.db import check_rows
from registry_tui.ops.findings import CheckRun

SIZE_TOLERANCE = 0.005
"""Relative difference between a checkpoint's size and ``model_size_mb`` still accepted."""
HASH_CHUNK = 1 << 20
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def checkpoints(run: CheckRun, hashes: bool) -> None:
    """Every checkpoint present and of its recorded size; with ``hashes``, unchanged."""
    known = check_rows.recorded_hashes(run.t) if hashes else {}
    total = run.counts.get("models", 0)
    pending: list[tuple[int, str, int]] = []
    for done, (model_id, name, version, path, size_mb, metadata) in enumerate(
        check_rows.checkpoint_rows(run.t), 1
    ):
        subject = f"model {model_id} ({name} {version})"
        if done % 100 == 0 or done == total:
            run.progress("checkpoints", done, total)
        if not path or _REMOTE.match(path):
            if not (run.remote and is_remote(path)):
                run.count("remote")
            continue
        file = Path(path)
        if file.is_dir():  # a checkpoint folder: its content is what --inspect compares
            run.count("present")
            continue
        if not file.is_file():
            why = "is not a regular file" if file.exists() else "not found"
            run.problem("checkpoint_missing", subject, f"checkpoint {why}: {path}", model_id)
            continue
        try:
            size = file.stat().st_size
            recorded = _recorded_bytes(metadata)
            if recorded is None:
                compare_size(run, subject, model_id, size, size_mb)
            elif recorded != size:
                detail = f"checkpoint is {size:,} bytes; {recorded:,} recorded when inspected"
                run.problem("checkpoint_size", subject, detail, model_id)
            if hashes:
                new = _verify_hash(run, subject, model_id, file, size, known.get(model_id))
                if new is not None:
                    pending.append((model_id, new, size))
        except OSError as exc:
            detail = f"cannot read checkpoint {path}: {exc.strerror or exc}"
            run.problem("checkpoint_unreadable", subject, detail, model_id)
            continue
        run.count("present")
    if pending:
        _record_hashes(run, pending)


def _recorded_bytes(metadata: str | None) -> int | None:
    """The file size registration's inspection recorded (``metadata["checkpoint"]``),
    or None: then ``model_size_mb``, which is the weights' size, is compared instead."""
    if not metadata or '"file_bytes"' not in metadata:  # most rows: no JSON decoded
        return None
    from registry_tui.ops.remote_check import recorded_facts

    found = recorded_facts(metadata).get("file_bytes")
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def compare_size(
    run: CheckRun, subject: str, model_id: int, size: int, recorded_mb: float | None
) -> bool:
    """Report a checkpoint of ``size`` bytes whose ``model_size_mb`` says otherwise;
    True when the sizes agree (or none was recorded)."""
    if recorded_mb is None:
        return True
    actual_mb = size / (1024 * 1024)
    if abs(actual_mb - recorded_mb) > max(recorded_mb * SIZE_TOLERANCE, 1e-6):
        run.problem(
            "checkpoint_size",
            subject,
            f"checkpoint is {actual_mb:.6g} MB ({size:,} bytes); {recorded_mb:.6g} MB recorded",
            model_id,
        )
        return False
    return True


def _verify_hash(
    run: CheckRun,
    subject: str,
    model_id: int,
    file: Path,
    size: int,
    known: tuple[str, int, str] | None,
) -> str | None:
    """Compare with the recorded hash; return the new hash when none was recorded."""
    if known is not None and known[1] != size:
        run.problem(
            "checkpoint_changed",
            subject,
            f"checkpoint was {known[1]:,} bytes when hashed ({known[2]}), now {size:,}",
            model_id,
        )
        return None
    digest = sha256_file(file, lambda done: run.progress("hashing", done, size))
    if known is None:
        return digest
    run.count("verified")
    if digest != known[0]:
        run.problem(
            "checkpoint_changed",
            subject,
            f"checkpoint content changed since {known[2]} "
            f"(SHA-256 was {known[0][:12]}..., now {digest[:12]}...)",
            model_id,
        )
    return None


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """SHA-256 of a file, read in 1 MiB chunks; ``progress(bytes_done)`` after each."""
    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done)
    return digest.hexdigest()


def _record_hashes(run: CheckRun, rows: list[tuple[int, str, int]]) -> None:
    if run.storage.read_only:
        run.notes.append(f"{len(rows)} checkpoint hash(es) not recorded: registry is read-only")
        return
    check_rows.record_hashes(run.storage, rows, run.storage.now())
    run.counts["recorded"] = len(rows)


def exports(run: CheckRun) -> None:
    """Every local export path present (remote URLs are counted here; with
    ``remote`` :mod:`registry_tui.ops.remote_check` looks them up)."""
    for export_id, model_id, export_format, path in check_rows.export_rows(run.t):
        if not path or _REMOTE.match(path):
            if not (run.remote and is_remote(path)):
                run.count("remote")
            continue
        if os.path.exists(path):
            run.count("exports")
        else:
            subject = f"export {export_id} of model {model_id}"
            run.problem(
                "export_missing", subject, f"{export_format} file not found: {path}", model_id
            )
