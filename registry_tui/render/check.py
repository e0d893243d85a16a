"""What ``check`` found, as a table: one row per problem, nothing cut."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from rich import box
from rich.table import Table

from registry_tui.render.text import safe_text


class CheckProblem(Protocol):
    """One finding of ``check`` (:class:`registry_tui.ops.findings.Problem` is one)."""

    @property
    def kind(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def detail(self) -> str: ...


def check_table(location: str, problems: Iterable[CheckProblem]) -> Table:
    """``check: models.db`` over Problem / Where / Detail columns, every value literal."""
    title = safe_text("check: ")
    title.append_text(safe_text(location))
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    for column in ("Problem", "Where", "Detail"):
        table.add_column(column, overflow="fold")
    for problem in problems:
        table.add_row(
            safe_text(problem.kind, "bold red"),
            safe_text(problem.subject),
            safe_text(problem.detail),
        )
    return table
