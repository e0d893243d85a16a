"""``check --remote``: every checkpoint and export in an object store, asked of the store.

Each remote checkpoint is looked up (:func:`registry_tui.checkpoints.remote.stat`,
never downloaded): missing, a size other than the one recorded, a content
fingerprint other than ``metadata["checkpoint"]["fingerprint"]``, or one the
store cannot vouch for (a multipart ETag: "cannot verify", advisory). Remote
exports are looked up for presence. A scheme whose extra is not installed is
reported once, with the ``pip install`` line that brings it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from registry_tui.checkpoints import facts
from registry_tui.checkpoints.errors import CheckpointFormatError, MissingExtraError
from registry_tui.db import check_rows
from registry_tui.errors import CheckpointNotFoundError, RegistryError
from registry_tui.ops.findings import CheckRun

if TYPE_CHECKING:
    from registry_tui.checkpoints.remote import RemoteObject


def recorded_facts(metadata: Any) -> dict[str, Any]:
    """The recorded facts (:func:`~registry_tui.checkpoints.facts.recorded_facts`) of a
    stored metadata text, or ``{}``."""
    if not isinstance(metadata, str) or not metadata:
        return {}
    try:
        decoded = json.loads(metadata)
    except (ValueError, RecursionError):
        return {}
    return facts.recorded_facts(decoded) or {}


class _Unavailable:
    """Schemes this machine cannot read (their extra is missing): one problem each."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def add(self, uri: str, error: MissingExtraError) -> None:
        scheme = uri.split("://", 1)[0].lower()
        self.errors.setdefault(scheme, str(error))
        self.counts[scheme] = self.counts.get(scheme, 0) + 1

    def report(self, run: CheckRun) -> None:
        for scheme, error in self.errors.items():
            subject = f"{self.counts[scheme]} {scheme}:// path(s)"
            run.problem("remote_unreadable", subject, f"not verified: {error}")


def remote_checkpoints(run: CheckRun) -> None:
    """Every remote checkpoint present, of its recorded size and content."""
    from registry_tui.checkpoints import remote

    rows = [row for row in check_rows.uri_checkpoint_rows(run.t) if remote.is_remote(row[3])]
    unavailable = _Unavailable()
    for done, (model_id, name, version, path, size_mb, metadata) in enumerate(rows, 1):
        run.progress("remote checkpoints", done, len(rows))
        subject = f"model {model_id} ({name} {version})"
        try:
            found = remote.stat(path)
        except MissingExtraError as exc:
            unavailable.add(path, exc)
            continue
        except CheckpointNotFoundError:
            detail = f"checkpoint not found: {remote.shown(path)}"
            run.problem("checkpoint_missing", subject, detail, model_id)
            continue
        except RegistryError as exc:
            run.problem("checkpoint_unreadable", subject, str(exc), model_id)
            continue
        run.count("remote_present")
        _compare(run, subject, model_id, found, size_mb, recorded_facts(metadata))
    unavailable.report(run)


def _compare(
    run: CheckRun,
    subject: str,
    model_id: int,
    found: RemoteObject,
    size_mb: float | None,
    recorded: dict[str, Any],
) -> None:
    """Size, then content: one finding at most for each."""
    from registry_tui.ops.files import compare_size

    recorded_bytes = recorded.get("file_bytes")
    if isinstance(recorded_bytes, int) and not isinstance(recorded_bytes, bool):
        if recorded_bytes != found.size:
            detail = f"size changed: {recorded_bytes:,} bytes recorded, now {found.size:,}"
            run.problem("checkpoint_size", subject, detail, model_id)
            return
    elif not compare_size(run, subject, model_id, found.size, size_mb):
        return
    finding = content_finding(recorded.get("fingerprint"), found.fingerprint, found.verifiable)
    if finding is None:
        run.count("remote_verified")
    elif finding[0] == "":
        run.count("remote_unrecorded")
    else:
        run.problem(finding[0], subject, finding[1], model_id)


def content_finding(
    before: Any, now: dict[str, str] | None, verifiable: bool
) -> tuple[str, str] | None:
    """``(kind, detail)`` of a content finding, ``("", "")`` when no fingerprint was
    recorded to compare with, None when the content is as recorded."""
    if not verifiable or now is None:
        why = "multipart ETag" if now is not None else "the store keeps no fingerprint"
        return "checkpoint_unverifiable", f"cannot verify content ({why}); size as recorded"
    if not isinstance(before, dict):
        return "", ""
    if before.get("kind") != now["kind"]:
        kinds = f"{before.get('kind')} recorded, the store now gives {now['kind']}"
        return "checkpoint_unverifiable", f"cannot verify content: {kinds}"
    if before.get("value") != now["value"]:
        change = f"{_short(before.get('value'))} -> {_short(now['value'])}"
        return "checkpoint_changed", f"content changed: {now['kind']} {change}"
    return None


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 16 else text[:12] + "..."


def remote_exports(run: CheckRun) -> None:
    """Every remote export present."""
    from registry_tui.checkpoints import remote

    unavailable = _Unavailable()
    for export_id, model_id, export_format, path in check_rows.uri_export_rows(run.t):
        if not remote.is_remote(path):
            continue
        subject = f"export {export_id} of model {model_id}"
        try:
            remote.stat(path)
        except MissingExtraError as exc:
            unavailable.add(path, exc)
        except CheckpointNotFoundError:
            detail = f"{export_format} not found: {remote.shown(path)}"
            run.problem("export_missing", subject, detail, model_id)
        except CheckpointFormatError:  # a folder without weights: present all the same
            run.count("remote_exports")
        except RegistryError as exc:
            run.problem("export_unreadable", subject, str(exc), model_id)
        else:
            run.count("remote_exports")
    unavailable.report(run)
