"""The files a registry points at: checkpoints (present, sized, hashed) and exports."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from registry_tui.ops.findings import CheckRun

SIZE_TOLERANCE = 0.005
"""Relative difference between a checkpoint's size and ``model_size_mb`` still accepted."""
HASH_CHUNK = 1 << 20
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _models(run: CheckRun) -> Iterator[tuple[int, str, str, str, float | None]]:
    m = run.t.models
    query = m.select(m.model_id, m.name, m.version, m.checkpoint_path, m.model_size_mb)
    yield from query.order_by(m.model_id).tuples().iterator()


def checkpoints(run: CheckRun, hashes: bool) -> None:
    """Every checkpoint present and of its recorded size; with ``hashes``, unchanged."""
    known = _recorded_hashes(run) if hashes else {}
    total = run.counts.get("models", 0)
    pending: list[tuple[int, str, int]] = []
    for done, (model_id, name, version, path, size_mb) in enumerate(_models(run), 1):
        subject = f"model {model_id} ({name} {version})"
        if done % 100 == 0 or done == total:
            run.progress("checkpoints", done, total)
        if not path or _REMOTE.match(path):
            run.count("remote")
            continue
        file = Path(path)
        if not file.is_file():
            why = "is not a regular file" if file.exists() else "not found"
            why = "is a directory" if file.is_dir() else why
            run.problem("checkpoint_missing", subject, f"checkpoint {why}: {path}", model_id)
            continue
        try:
            size = file.stat().st_size
            _compare_size(run, subject, model_id, size, size_mb)
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


def _compare_size(
    run: CheckRun, subject: str, model_id: int, size: int, recorded_mb: float | None
) -> None:
    if recorded_mb is None:
        return
    actual_mb = size / (1024 * 1024)
    if abs(actual_mb - recorded_mb) > max(recorded_mb * SIZE_TOLERANCE, 1e-6):
        run.problem(
            "checkpoint_size",
            subject,
            f"checkpoint is {actual_mb:.6g} MB ({size:,} bytes); {recorded_mb:.6g} MB recorded",
            model_id,
        )


def _recorded_hashes(run: CheckRun) -> dict[int, tuple[str, int, str]]:
    h = run.t.hashes
    rows: Any = h.select(h.model_id, h.sha256, h.size_bytes, h.recorded_at).tuples()
    return {int(r[0]): (str(r[1]), int(r[2]), str(r[3])[:19]) for r in rows}


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
    h = run.t.hashes
    at = run.storage.now()
    with run.db.atomic():
        for start in range(0, len(rows), 500):
            chunk = [(mid, digest, size, at) for mid, digest, size in rows[start : start + 500]]
            h.insert_many(chunk, fields=[h.model_id, h.sha256, h.size_bytes, h.recorded_at])\
                .on_conflict_ignore().execute()  # fmt: skip
    run.counts["recorded"] = len(rows)


def exports(run: CheckRun) -> None:
    """Every export path present (remote URLs are counted, not checked)."""
    e = run.t.exports
    query = e.select(e.export_id, e.model_id, e.export_format, e.export_path).order_by(e.export_id)
    for export_id, model_id, export_format, path in query.tuples().iterator():
        if not path or _REMOTE.match(path):
            run.count("remote")
            continue
        if os.path.exists(path):
            run.count("exports")
        else:
            subject = f"export {export_id} of model {model_id}"
            run.problem(
                "export_missing", subject, f"{export_format} file not found: {path}", model_id
            )
