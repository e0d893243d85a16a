"""From the training loop into the registry: :class:`CheckpointTracker`.

``registry.track(...)`` returns a tracker; the loop tells it of every checkpoint it
saves (``tracker.saved(path, metrics, epoch=epoch)``) and the tracker registers
them, versioned, linked and tagged, on the main process only::

    with registry.track("gpt-small", "language_modeling", config=config,
                        training_run_id=run_id, every=5) as tracker:
        for epoch in range(epochs):
            path = save_checkpoint(model, epoch)
            tracker.saved(path, {"val_loss": val_loss}, epoch=epoch)

Nothing here imports rich, textual or pandas; the framework hooks of
:mod:`registry_tui.integrations` are built on it.
"""

from __future__ import annotations

from registry_tui.training.ranks import is_main_process, process_rank
from registry_tui.training.schemes import VersionScheme, version_for
from registry_tui.training.tracker import CheckpointTracker

__all__ = [
    "CheckpointTracker",
    "VersionScheme",
    "is_main_process",
    "process_rank",
    "version_for",
]
