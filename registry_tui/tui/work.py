"""Database work that fails unexpectedly: one line in a notification, never a crash.

Every thread worker of the app's screens is started with ``exit_on_error=False``
and a ``description`` ("Loading the history"). The workers catch the
registry's own errors and say what happened where it happened; anything else
reaches :func:`report_failed_work`, which each screen calls from its
``on_worker_state_changed`` (Textual does not bubble that message). The line
names the work and the kind of error, never the error's text, which may quote
row data.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState


def failed_work_notice(worker: Worker[object]) -> str:
    """``Loading the history failed unexpectedly (RuntimeError); ctrl+r tries again``."""
    kind = type(worker.error).__name__
    return f"{worker.description} failed unexpectedly ({kind}); ctrl+r tries again"


def report_failed_work(node: DOMNode, event: Worker.StateChanged) -> None:
    """Notify when ``event`` says a described worker of ``node`` ended in an error."""
    if event.state == WorkerState.ERROR and event.worker.description:
        node.app.notify(failed_work_notice(event.worker), severity="error")
