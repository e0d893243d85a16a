"""``check --inspect``: read each local checkpoint's headers again and compare them with
the facts recorded at registration (``metadata["checkpoint"]``).

A checkpoint whose format, weights' bytes, parameters (in total or per dtype) or
tensor count differ is reported as ``checkpoint_changed`` with every difference
(``content changed: parameters 7,000 -> 7,100``); one that can no longer be
read is ``checkpoint_unreadable``. Only headers are read, as at registration.
A missing file was reported by the file check already and is passed over here.
"""

from __future__ import annotations

import os

from registry_tui.checkpoints import facts, inspect_checkpoint
from registry_tui.db import check_rows
from registry_tui.errors import CheckpointNotFoundError, RegistryError
from registry_tui.ops.findings import CheckRun
from registry_tui.ops.remote_check import recorded_facts

STAGE = "inspecting checkpoints"


def reinspect(run: CheckRun) -> None:
    """Every local checkpoint with recorded facts inspected again; changes reported."""
    total = check_rows.count_with_facts(run.t)
    for done, (model_id, name, version, path, metadata) in enumerate(
        check_rows.rows_with_facts(run.t), 1
    ):
        run.progress(STAGE, done, total)
        before = recorded_facts(metadata)
        if not before or not path or "://" in path or not os.path.exists(path):
            continue
        subject = f"model {model_id} ({name} {version})"
        try:
            now = inspect_checkpoint(path)
        except CheckpointNotFoundError:
            continue
        except RegistryError as exc:
            run.problem("checkpoint_unreadable", subject, f"cannot be inspected: {exc}", model_id)
            continue
        run.count("inspected")
        found = facts.changes(before, now)
        if found:
            detail = "content changed: " + "; ".join(found)
            run.problem("checkpoint_changed", subject, detail, model_id)
