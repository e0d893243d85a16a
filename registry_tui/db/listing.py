"""Run listings and counts in the shape :mod:`registry_tui.db.listing_sql` describes.

The shape of a query (driven by a few ids, or read in sort order) depends
only on how many models each filter matches; those probe results are cached
(a stale figure can only make a query slower, never wrong).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import peewee

from registry_tui.db import counts
from registry_tui.db.listing_sql import (
    COLUMN_RANK,
    COUNT_BUDGET,
    COUNT_CAP,
    DEEP_OFFSET,
    PROBE,
    Compiler,
    Driver,
    Plan,
    Sql,
    concat,
    direction,
    ids_of,
)
from registry_tui.db.migrations import SORT_INDEXED
from registry_tui.records import Count, ModelQuery

Row = Sequence[Any]
_COLUMN_REF = re.compile(r"\bm\.(\w+)")
_INDEX_COLUMNS = {"model_id", "name", "status", "created_at"}  # the covering name index
_PHASED = {"version": "version_key", **{column: column for column in SORT_INDEXED}}
"""Sort keys read through a ``(column, model_id)`` index: the field and its column."""
_Order = list[tuple[str, bool, str]]  # (expression, descending, "" | "LAST" | "FIRST")


class Lister:
    """Listings and counts over one database."""

    def __init__(self, db: peewee.Database, pg: bool, trigram: bool) -> None:
        self.db = db
        self.sql = Compiler(pg, trigram)
        self.pg = pg
        self._probes: OrderedDict[tuple[str, tuple[Any, ...], int], int] = OrderedDict()
        self._lock = threading.Lock()

    def execute(self, sql: Sql) -> Any:
        """Run ``sql`` with its values bound (``?`` becomes ``%s`` on PostgreSQL)."""
        text = sql.text.replace("?", "%s") if self.pg else sql.text.replace("LIMIT ALL", "LIMIT -1")
        return self.db.execute_sql(text, sql.params)

    # -- choosing a shape ---------------------------------------------------------------------
    def _plan(self, query: ModelQuery, with_sort: bool = True) -> Plan:
        """``query`` compiled, its task-type glob resolved to the task types it matches."""
        kinds = None
        if query.task_type is not None:
            rows = self.execute(self.sql.task_types(query.task_type)).fetchall()
            kinds = [str(row[0]) for row in rows]
        return self.sql.plan(query, with_sort, kinds)

    def _size(self, driver: Driver, cap: int | None = None) -> int:
        """How many ids ``driver`` yields, up to ``cap + 1`` (cached; ``cap`` defaults to PROBE)."""
        cap = PROBE if cap is None else cap
        key = (driver.ids.text, tuple(driver.ids.params), cap)
        size = self._probes.get(key)
        if size is None:
            size = int(self.execute(self.sql.probe(driver.ids, cap)).fetchone()[0])
            with self._lock:
                self._probes[key] = size
                while len(self._probes) > 512:
                    self._probes.popitem(last=False)
        return size

    def _driver(self, plan: Plan) -> tuple[Driver | None, bool]:
        """The filter with the fewest ids, and whether it is small enough to drive."""
        best: Driver | None = None
        best_size = PROBE + 2
        for driver in sorted(plan.drivers, key=lambda d: d.rank):
            size = self._size(driver)
            if size < best_size:
                best, best_size = driver, size
        return best, best_size <= PROBE

    # -- listings -----------------------------------------------------------------------------
    def select(self, query: ModelQuery, offset: int, limit: int | None) -> list[Row]:
        """Rows of the listing from ``offset``, at most ``limit``."""
        plan = self._plan(query)
        driver, small = self._driver(plan)
        sort = plan.sort
        if small:
            return self._single(plan, driver, self._order(plan, driven=True), offset, limit)
        if sort is not None and not sort.is_column:
            return self._two_phase(plan, offset, limit, self._metric_phases(plan))
        if sort is not None and sort.field in _PHASED:
            phases = self._column_phases(plan, _PHASED[sort.field])
            return self._two_phase(plan, offset, limit, phases)
        order = self._order(plan, driven=False)
        if limit is not None and offset >= DEEP_OFFSET:
            total = self.count_exact(query)
            if offset * 2 > total:
                return self._from_the_end(plan, order, total, offset, limit)
        return self._single(plan, None, order, offset, limit)

    def _single(
        self, plan: Plan, driver: Driver | None, order: _Order, offset: int, limit: int | None
    ) -> list[Row]:
        source = self.sql.source(None)
        sort = plan.sort
        if driver is None and not self.pg and sort is not None and sort.field == "name":
            # Read names in index order, sorting only within each name; left
            # to itself the planner sorts every row for the NULLS LAST term.
            source = Sql("FROM models m INDEXED BY idx_models_name")
        joins = Sql("")
        if sort is not None and not sort.is_column:
            joins = Sql(
                "LEFT JOIN model_metrics s ON s.model_id = m.model_id AND s.metric = ?",
                [sort.field],
            )
        checks = plan.checks_besides(driver)
        window = Sql(_order_by(order) + _window(offset, limit))
        if driver is None:
            where = self.sql.where(checks)
            sql = concat(Sql(f"SELECT {self.sql.projection}"), source, joins, where, window)
            return list(self.execute(sql).fetchall())
        # Driven: sort the candidates' ids, then read the page's rows only.
        narrow = sort is None and plan.covered() is not None
        filtered = self.sql.filtered(driver, checks, joins, narrow)
        page = concat(Sql("SELECT m.model_id AS page_id"), filtered, window)
        sql = concat(
            Sql(f"SELECT {self.sql.projection} FROM ("),
            page,
            Sql(f") AS page {self.sql.join} models m ON m.model_id = page.page_id"),
            joins,
            Sql(_order_by(order)),
        )
        return list(self.execute(sql).fetchall())

    def position(self, query: ModelQuery, model_id: int) -> int | None:
        """Row index of ``model_id`` in the listing of ``query``; None when it is not in it."""
        plan = self._plan(query)
        driver, small = self._driver(plan)
        if not small:
            driver = None
        ids = ids_of(driver)
        # Not in the listing at all: answered by the row checks alone.
        member = concat(
            Sql("SELECT 1"),
            self.sql.source(None),
            self.sql.where(plan.checks, [Sql("m.model_id = ?", [model_id])]),
        )
        if self.execute(member).fetchone() is None:
            return None
        joins = Sql("")
        sort = plan.sort
        if sort is not None and not sort.is_column:
            joins = Sql(
                "LEFT JOIN model_metrics s ON s.model_id = m.model_id AND s.metric = ?",
                [sort.field],
            )
        rank = f"ROW_NUMBER() OVER ({_order_by(self._order(plan, driven=small)).strip()})"
        narrow = sort is None and plan.covered() is not None
        inner = concat(
            Sql(f"SELECT {ids} AS mid, {rank} AS rn"),
            self.sql.filtered(driver, plan.checks_besides(driver), joins, narrow),
        )
        sql = Sql(
            f"SELECT rn FROM ({inner.text}) AS ranked WHERE mid = ?", [*inner.params, model_id]
        )
        row = self.execute(sql).fetchone()
        return None if row is None else int(row[0]) - 1

    def _from_the_end(
        self, plan: Plan, order: _Order, total: int, offset: int, limit: int
    ) -> list[Row]:
        """A page near the end, read backwards from the end (no skipping of a million rows)."""
        if offset >= total:
            return []
        count = min(limit, total - offset)
        start = total - offset - count
        reversed_order = [
            (e, not d, {"LAST": "FIRST", "FIRST": "LAST"}.get(n, "")) for e, d, n in order
        ]
        rows = self._single(plan, None, reversed_order, start, count)
        return rows[::-1]

    def _two_phase(
        self, plan: Plan, offset: int, limit: int | None, phases: tuple[Sql, Sql | None]
    ) -> list[Row]:
        """Rows that have the sort key, in index order, then those without it."""
        first, second = phases
        rows = list(self.execute(concat(first, Sql(_window(offset, limit)))).fetchall())
        if second is None or (limit is not None and len(rows) >= limit):
            return rows
        if rows or offset == 0:
            had_key = offset + len(rows)
        else:  # past the end of the first phase: how far did it reach?
            had_key = int(
                self.execute(
                    Sql(f"SELECT count(*) FROM ({first.text}) AS k", first.params)
                ).fetchone()[0]
            )
        rest = None if limit is None else limit - len(rows)
        more = self.execute(concat(second, Sql(_window(max(0, offset - had_key), rest))))
        return rows + list(more.fetchall())

    def _metric_phases(self, plan: Plan) -> tuple[Sql, Sql | None]:
        sort = plan.sort
        assert sort is not None
        way = direction(sort.descending)
        extra = [Sql("s.metric = ?", [sort.field]), *plan.sort_ranges]
        # The sorted metric's conditions are ranges of the index read: not checked again.
        checks = [c for c in plan.checks if not any(c is r for r in plan.sort_checks)]
        first = concat(
            Sql(
                f"SELECT {self.sql.projection} FROM model_metrics s {self.sql.join} models m "
                "ON m.model_id = s.model_id"
            ),
            self.sql.where(extra, checks, ids="s.model_id"),
            Sql(f"ORDER BY s.value {way}, s.model_id {way}"),
        )
        if plan.sort_ranges:
            return first, None  # a condition on the sorted metric: every row has it
        missing = Sql(
            "NOT EXISTS (SELECT 1 FROM model_metrics s2 WHERE s2.model_id = m.model_id "
            "AND s2.metric = ?)",
            [sort.field],
        )
        second = concat(
            Sql(f"SELECT {self.sql.projection} FROM models m"),
            self.sql.where(plan.checks, [missing]),
            Sql(f"ORDER BY m.model_id {way}"),
        )
        return first, second

    def _column_phases(self, plan: Plan, column: str) -> tuple[Sql, Sql | None]:
        """Rows with ``column`` set, read through its ``(column, model_id)`` index, then
        those without it (last in either direction, as NULLS LAST puts them)."""
        assert plan.sort is not None
        way = direction(plan.sort.descending)
        base = f"SELECT {self.sql.projection} FROM models m"
        first = concat(
            Sql(base),
            self.sql.where([Sql(f"m.{column} IS NOT NULL")], plan.checks),
            Sql(f"ORDER BY m.{column} {way}, m.model_id {way}"),
        )
        second = concat(
            Sql(base),
            self.sql.where([Sql(f"m.{column} IS NULL")], plan.checks),
            Sql(f"ORDER BY m.model_id {way}"),
        )
        return first, second

    @staticmethod
    def _order(plan: Plan, driven: bool) -> _Order:
        sort = plan.sort
        if sort is None:
            return [("m.created_at", True, ""), ("m.model_id", True, "")]
        down = sort.descending
        tiebreak = ("m.model_id", down, "")
        if not sort.is_column:
            return [("s.value", down, "LAST"), tiebreak]
        if sort.field == "model_id":
            return [tiebreak]
        if sort.field == "version":
            return [("m.version_key", down, "LAST"), tiebreak]
        if sort.field == "name":
            return [("m.name", down, "LAST"), ("m.version_key", down, "LAST"), tiebreak]
        return [(f"m.{sort.field}", down, "LAST"), tiebreak]

    # -- counts -------------------------------------------------------------------------------
    def count(self, query: ModelQuery, cap: int = COUNT_CAP) -> Count:
        """The listing's size: exact when cheap, else a lower bound (``exact=False``).

        Exact when a filter matching at most :data:`PROBE` models drives it,
        or when index ranges (the covering name index, the status, created_at
        and task indexes) answer every check: then exact up to ``cap``,
        reading at most ``cap + 1`` index entries, with no probe. Otherwise it
        reads at most :meth:`budget` ids of the filter that drives it
        (or of the status index): exact when those were all the candidates,
        else at least what was found, and never more than ``cap``.
        """
        known = counts.known_count(self, query)
        if known is not None:  # status, task and tag only: read from the count tables
            return Count(known, True)
        plan = self._plan(query, with_sort=False)
        covered = plan.covered()
        if covered is not None or plan.all_ranged():
            # Every index entry read is a match: count them up to the cap, no probe.
            checks = plan.checks_besides(covered)
            found = self._scalar(self._counting(covered, checks, cap + 1, narrow=True))
            return Count(cap, False) if found > cap else Count(found, True)
        driver, small = self._driver(plan)
        checks = plan.checks_besides(driver)
        if small:
            narrow = plan.covered() is not None
            return Count(self._scalar(self._counting(driver, checks, None, narrow)), True)
        # A large column index is read in value order, and its first ids (the smallest
        # values) may all fail the other checks: the newest models are counted too.
        by_column = 0
        if driver is not None and driver.rank == COLUMN_RANK:
            by_column = self._scalar(self._counting(driver, checks, cap + 1))
            driver = None
        if driver is None:
            driver = self._status_driver(plan)
            checks = plan.checks_besides(driver)
        found = max(by_column, self._scalar(self._counting(driver, checks, cap + 1)))
        if found > cap:
            return Count(cap, False)
        budget = self.budget()
        return Count(found, self._size(driver, budget) <= budget)

    def budget(self) -> int:
        """Candidates a capped count checks at most: :data:`COUNT_BUDGET` on SQLite,
        a third of it on PostgreSQL, where each check's index probe costs more."""
        return max(1, COUNT_BUDGET // 3) if self.pg else COUNT_BUDGET

    def _status_driver(self, plan: Plan) -> Driver:
        """Every model (of the status asked for), in index order, as a driver."""
        status = next((c for c in plan.checks if c.text.endswith("m.status = ?")), None)
        if status is None:
            return Driver(Sql("SELECT model_id FROM models"), Sql(""), 9)
        return Driver(Sql("SELECT model_id FROM models WHERE status = ?", status.params), status, 9)

    def _counting(
        self, driver: Driver | None, checks: list[Sql], cap: int | None, narrow: bool = False
    ) -> Sql:
        if driver is not None and driver.covered is not None and cap is not None and not narrow:
            # A covered driver beside other checks (``narrow``: the index answers all).
            return self._budgeted(driver, checks, cap)
        if driver is not None and driver.covered is None and cap is not None:
            driver = Driver(
                Sql(f"{driver.ids.text} LIMIT {self.budget()}", driver.ids.params),
                driver.check,
                driver.rank,
            )
        source = self.sql.filtered(driver, checks, narrow=narrow)
        if cap is None:  # counted directly: a subquery costs SQLite a row copy per match
            return concat(Sql("SELECT count(*)"), source)
        inner = concat(Sql("SELECT 1"), source)
        return Sql(f"SELECT count(*) FROM ({inner.text} LIMIT {cap}) AS n", inner.params)

    def _budgeted(self, driver: Driver, checks: list[Sql], cap: int) -> Sql:
        """A capped count over a covered name driver that reads at most :meth:`budget`
        of its index entries, so a check that few of them pass (a metric condition
        beside a common name) never walks every model of the names."""
        covered = driver.covered
        assert covered is not None
        index_only = all(set(_COLUMN_REF.findall(c.text)) <= _INDEX_COLUMNS for c in checks)
        columns = "m.model_id, m.name, m.status, m.created_at" if index_only else "m.*"
        source = self.sql.source(driver)
        inner = Sql(
            f"SELECT {columns} {source.text} WHERE {covered.text} LIMIT {self.budget()}",
            [*source.params, *covered.params],
        )
        where = self.sql.where(checks)
        body = Sql(f"SELECT 1 FROM ({inner.text}) AS m{where.text}", [*inner.params, *where.params])
        return Sql(f"SELECT count(*) FROM ({body.text} LIMIT {cap}) AS n", body.params)

    def count_exact(self, query: ModelQuery) -> int:
        """The listing's exact size (may read every matching row: off the critical path)."""
        known = counts.known_count(self, query)
        if known is not None:
            return known
        plan = self._plan(query, with_sort=False)
        driver, _ = self._driver(plan)
        return self._scalar(self._counting(driver, plan.checks_besides(driver), None))

    def _scalar(self, sql: Sql) -> int:
        return int(self.execute(sql).fetchone()[0] or 0)


def _order_by(order: _Order) -> str:
    terms = []
    for expr, down, nulls in order:
        terms.append(f"{expr} {direction(down)}" + (f" NULLS {nulls}" if nulls else ""))
    return " ORDER BY " + ", ".join(terms)


def _window(offset: int, limit: int | None) -> str:
    """``LIMIT``/``OFFSET``; SQLite spells ``LIMIT ALL`` as ``-1`` (see :meth:`Lister.execute`)."""
    text = f" LIMIT {int(limit)}" if limit is not None else (" LIMIT ALL" if offset else "")
    if offset:
        text += f" OFFSET {int(offset)}"
    return text
