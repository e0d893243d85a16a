"""A realistic demo registry: model families, fine-tune chains, tags, exports, history.

``build_demo("demo.db")`` registers about 90 models in six families (language
modeling, text classification, vision, speech recognition, summarisation),
each with a base model in several versions, domain fine-tunes and task
fine-tunes below them (chains three deep), stored configs, five or more
plausible metrics, exports with metadata, a few retired models, and a history
of promotions: ``staging`` and ``production`` move from version to version, one
``production`` holder per family at the end, and one rollback.

The result is the same on every run for a given seed: random numbers come
from ``random.Random(seed)`` and time from a clock that the builder moves
(``ModelRegistry(..., clock=...)``), so screenshots and snapshot tests are
stable. Checkpoints are not created: models are registered with
``verify_checkpoint=False`` and an explicit ``model_size_mb``.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from registry_tui.demo.builder import ACTORS, FAMILY_SPACING_DAYS, START, Builder, DemoClock
from registry_tui.demo.families import FAMILIES, plan_size
from registry_tui.errors import ValidationError
from registry_tui.records import ModelQuery
from registry_tui.registry import ModelRegistry

__all__ = ["FAMILIES", "build_demo", "plan_size"]


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[], None]]:
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("Building demo"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(file=sys.stderr), transient=True) as progress:
        task = progress.add_task("demo", total=total)
        yield lambda: progress.advance(task)


def build_demo(
    path_or_url: str,
    *,
    seed: int = 0,
    progress: bool | None = None,
) -> int:
    """Build the demo registry at ``path_or_url``; returns the number of models.

    Args:
        path_or_url: a SQLite path or a database URL; the registry must be empty.
        seed: the same seed builds the same registry, timestamps included.
        progress: show a progress bar on stderr; by default only when stderr is a terminal.

    Raises:
        ValidationError: when the registry already has models.
    """
    show = sys.stderr.isatty() if progress is None else progress
    clock = DemoClock(START)
    registries = {a: ModelRegistry(path_or_url, clock=clock, actor=a) for a in ACTORS}
    try:
        first = registries[ACTORS[0]]
        if first.records.count(ModelQuery(status=None)):
            raise ValidationError(f"{first.location} already has models; the demo needs none")
        # Each family keeps its own production model, so the tag is shared here.
        first.set_tag_policy("production", False)
        builder = Builder(registries, clock, random.Random(seed))
        for index, family in enumerate(FAMILIES):
            start = START + timedelta(days=FAMILY_SPACING_DAYS * index)
            builder.plan_family(family, start, regress=index % 2 == 0)
        with _progress(show, len(builder.actions)) as advance:
            builder.run(advance)
        return len(builder.ids)
    finally:
        for registry in registries.values():
            registry.close()
