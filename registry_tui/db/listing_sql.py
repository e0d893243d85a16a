"""Listing SQL: filters compiled to row checks and candidate drivers, for both backends.

A listing is compiled in one of two shapes, chosen per query from cheap,
capped probes of its filters (each probe reads at most :data:`PROBE` + 1
index entries):

* **driven**: when some filter (a tag, an exact name, a rare metric
  condition, a name substring through the trigram index) matches at most
  :data:`PROBE` models, those ids drive the query and the rest are checked on
  each of them; sorting a few thousand rows is cheap;
* **ordered**: otherwise every filter is dense, so the rows are read in the
  order asked for (an index on ``created_at``, on ``version_key``, or the
  ``(metric, value)`` index of a sorted metric) and the filters are checked
  row by row until the page is full.

Sort keys that may be missing (a model without the sorted metric, a legacy
version that is not semver) are read in two phases, the rows that have the key
through the index, then the others, so ``NULLS LAST`` never forces a sort of
every row. Counts never scan a million rows on a keystroke: :meth:`count`
stops at a cap and says so (:class:`Count`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from registry_tui.db.derived import NAME_INDEX, NAMES
from registry_tui.db.migrations import NAME_LISTING_INDEX, SORT_INDEXED
from registry_tui.query import (
    NUMERIC_COLUMNS,
    Condition,
    SortKey,
    escape_like,
    glob_to_like,
    is_glob,
)
from registry_tui.records import RECORD_COLUMNS, ModelQuery

_INTEGER_COLUMNS = frozenset(c.name for c in RECORD_COLUMNS if c.kind == "int")


def _bound(column: str, op: str, value: float) -> tuple[str, float | int]:
    """``op`` and ``value`` as an integer column is compared with them: an integer.

    PostgreSQL compares a ``BIGINT`` column with a float by casting the column, which
    no index serves (``params > 69.5e9`` read a million rows); so the bound becomes
    the integer that selects the same rows (``> 1000.5`` is ``>= 1001``).
    """
    if column not in _INTEGER_COLUMNS or not math.isfinite(value) or abs(value) >= 2**62:
        return op, value
    if value.is_integer():
        return op, int(value)
    if op in (">", ">="):
        return ">=", math.ceil(value)
    if op in ("<", "<="):
        return "<=", math.floor(value)
    return op, value  # = and != a fraction: no integer is equal; left as it is


COLUMN_RANK = 6
"""A numeric column's driver: read in value order, so it drives only when small; a
capped count of a large one reads the newest models instead (see ``Lister.count``)."""
PROBE = 4000
COUNT_CAP = 1000
COUNT_BUDGET = 1500  # driver rows a capped count reads at most
DEEP_OFFSET = 5000
_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "=", "!=": "!="}


@dataclass
class Sql:
    """SQL text with ``?`` placeholders and its bound values."""

    text: str
    params: list[Any] = field(default_factory=list)


@dataclass
class Driver:
    """Ids of the models one filter matches, and the row check it makes redundant.

    ``rank`` orders drivers that are all too large to drive: the usually more
    selective kind first (names, then tags, metric conditions, task types, dates,
    numeric columns: :data:`COLUMN_RANK`).
    """

    ids: Sql
    check: Sql
    rank: int
    # The same filter as a condition on ``models m`` that the covering name
    # index answers, so candidates are read from index entries, not rows.
    covered: Sql | None = None


@dataclass
class Plan:
    """A compiled listing: row checks, candidate drivers, the sort."""

    checks: list[Sql]
    drivers: list[Driver]
    sort: SortKey | None
    # Conditions on the sorted metric, read as ranges of its index, and the
    # row checks those ranges make redundant.
    sort_ranges: list[Sql] = field(default_factory=list)
    sort_checks: list[Sql] = field(default_factory=list)
    status: Sql | None = None  # the status check, when the query has one
    # Checks that index ranges answer together: the status, created_at bounds,
    # and one task type within a status (composite indexes start with them).
    ranged: list[Sql] = field(default_factory=list)

    def all_ranged(self) -> bool:
        """True when index ranges answer every check (each entry read is a match)."""
        return all(any(c is r for r in self.ranged) for c in self.checks)

    def covered(self) -> Driver | None:
        """A covered driver when the covering name index answers every check, else None.

        Name checks and the status read the index entries alone.
        """
        drivers = [d for d in self.drivers if d.covered is not None]
        inside = [self.status, *(d.check for d in drivers)]
        if drivers and all(any(c is i for i in inside) for c in self.checks):
            return drivers[0]
        return None

    def checks_besides(self, driver: Driver | None) -> list[Sql]:
        """The checks still needed on rows that ``driver`` yields."""
        return [c for c in self.checks if driver is None or c is not driver.check]


class Compiler:
    """Compile :class:`ModelQuery` objects for one backend."""

    def __init__(self, pg: bool, trigram: bool) -> None:
        self.pg = pg
        self.trigram = trigram
        self.projection = _projection(pg)
        self.like = "ILIKE" if pg else "LIKE"
        # Models read through the covering name index (its pages serve the probe and the listing).
        self.by_name = "models" + ("" if pg else f" INDEXED BY {NAME_LISTING_INDEX}")
        self.join = "JOIN" if pg else "CROSS JOIN"

    # -- filters ------------------------------------------------------------------------------
    def plan(
        self, query: ModelQuery, with_sort: bool = True, task_types: list[str] | None = None
    ) -> Plan:
        """Checks and drivers for ``query``'s filters, and its sort key.

        ``task_types``: the task types that ``query.task_type`` matches (see
        :meth:`task_types`), when known; they are then compared exactly.
        """
        plan = Plan([], [], query.sort if with_sort else None)
        plus = self.unindexed(plan.sort)
        if query.status is not None:
            plan.status = Sql(f"{plus}m.status = ?", [query.status])
            plan.checks.append(plan.status)
            plan.ranged.append(plan.status)
        if query.task_type is not None:
            if task_types is None:
                self._task(query.task_type, plan, plus)
            else:
                self._task_in(task_types, plan, plus, with_sort)
        if query.tag is not None:
            self._filter(
                plan,
                Sql(
                    "EXISTS (SELECT 1 FROM model_tags ft "
                    "WHERE ft.model_id = @id AND ft.tag_name = ?)",
                    [query.tag],
                ),
                Sql("SELECT model_id FROM model_tags WHERE tag_name = ?", [query.tag]),
                rank=2,
            )
        if query.name:
            self._name(query.name, plan)
        for word in (query.text or "").split():
            self._substring(word, plan)
        # A listing in the default order reads a date range straight from the
        # created_at indexes, so a date condition drives only counts and sorts.
        dates_drive = plan.sort is not None or not with_sort
        for cond in query.conditions:
            self._condition(cond, plan, dates_drive)
        return plan

    def unindexed(self, sort: SortKey | None) -> str:
        """SQLite's unary ``+``, which keeps a column's index out of the planner's choice.

        A listing read in a sort order other than the default must be read
        through that order's index; status and task are then checked row by
        row (the default order has composite indexes that start with them).
        """
        return "" if self.pg or sort is None else "+"

    @staticmethod
    def _filter(
        plan: Plan, check: Sql, ids: Sql | None, rank: int, covered: Sql | None = None
    ) -> None:
        plan.checks.append(check)
        if ids is not None:
            plan.drivers.append(Driver(ids, check, rank, covered))

    def task_types(self, pattern: str) -> Sql:
        """The distinct task types a glob matches, case-insensitive (one index probe each)."""
        kinds = self._like_check(glob_to_like(pattern), "t.x")
        return Sql(
            "WITH RECURSIVE t(x) AS (SELECT MIN(task_type) FROM models UNION ALL "
            "SELECT (SELECT MIN(task_type) FROM models WHERE task_type > t.x) "
            f"FROM t WHERE t.x IS NOT NULL) SELECT t.x FROM t WHERE {kinds.text}",
            kinds.params,
        )

    def _task(self, pattern: str, plan: Plan, plus: str) -> None:
        """Task types as globs, case-insensitive: the distinct task types are
        matched first (one index probe each), then their models are read."""
        check = self._like_check(glob_to_like(pattern), f"{plus}m.task_type")
        kinds = self.task_types(pattern)
        ids = Sql(f"SELECT model_id FROM models WHERE task_type IN ({kinds.text})", kinds.params)
        self._filter(plan, check, ids, rank=4)

    def _task_in(self, kinds: list[str], plan: Plan, plus: str, listing: bool) -> None:
        """Task types known by value: one is an equality, which the composite
        ``(task_type, status, created_at)`` index reads in order (so it need not
        drive a listing of one status in the default order); several are a
        list that SQLite checks row by row (reading each type's index range
        would mean sorting all their models)."""
        if not kinds:
            self._filter(plan, Sql("1 = 0"), Sql("SELECT model_id FROM models WHERE 1 = 0"), 4)
            return
        one = len(kinds) == 1
        test = "= ?" if one else f"IN ({', '.join('?' * len(kinds))})"
        unindexed = plus if one or self.pg else "+"
        check = Sql(f"{unindexed}m.task_type {test}", list(kinds))
        ids = Sql(f"SELECT model_id FROM models WHERE task_type {test}", list(kinds))
        in_order = one and listing and plan.sort is None and plan.status is not None
        self._filter(plan, check, None if in_order else ids, rank=4)
        if one and plan.status is not None:
            plan.ranged.append(check)

    def _name(self, pattern: str, plan: Plan) -> None:
        if not is_glob(pattern):
            check = Sql("m.name = ?", [pattern])
            ids = Sql(f"SELECT model_id FROM {self.by_name} WHERE name = ?", [pattern])
            self._filter(plan, check, ids, rank=0, covered=check)
            return
        like = glob_to_like(pattern)
        pieces = [p for p in pattern.replace("?", "*").split("*") if len(p) >= 3]
        self._by_names(plan, like, pieces)

    def _substring(self, word: str, plan: Plan) -> None:
        like = "%" + escape_like(word) + "%"
        self._by_names(plan, like, [word] if len(word) >= 3 else [])

    def _by_names(self, plan: Plan, like: str, pieces: list[str]) -> None:
        """A name pattern: checked on each row, or driven by the distinct names it matches."""
        names = self._names(pieces, like)
        ids = Sql(f"SELECT model_id FROM {self.by_name} WHERE name IN ({names.text})", names.params)
        if self.pg:  # fenced, as in filtered(): a LIMIT above must not turn it into a scan
            ids = Sql(f"SELECT model_id FROM ({ids.text} OFFSET 0) AS named", ids.params)
        covered = Sql(f"m.name IN ({names.text})", names.params)
        self._filter(plan, self._like_check(like), ids, rank=1, covered=covered)

    def _like_check(self, like: str, column: str = "m.name") -> Sql:
        """Case-insensitive LIKE, Unicode-aware on both backends.

        PostgreSQL's ILIKE folds every letter (``ÉCOLE`` matches ``école``);
        SQLite's LIKE folds ASCII only, so a non-ASCII pattern compares both
        sides lowered by Python (``registry_lower``, registered on each connection).
        """
        if not self.pg and not like.isascii():
            plus = "+" if column.startswith("+") else ""
            column, like = f"{plus}registry_lower({column.lstrip('+')})", like.lower()
        return Sql(f"{column} {self.like} ? ESCAPE '\\'", [like])

    def _names(self, pieces: list[str], like: str) -> Sql:
        """The distinct names that match (trigram-indexed), a few thousand at most."""
        names = self._like_check(like, "n.name")
        names = Sql(f"SELECT n.name FROM {NAMES} n WHERE {names.text}", names.params)
        # The trigram index folds ASCII case only; other pieces are matched by LIKE alone.
        pieces = [p for p in pieces if p.isascii()]
        if self.trigram and pieces and not self.pg:
            match = " AND ".join('"' + piece.replace('"', '""') + '"' for piece in pieces)
            names = Sql(
                f"{names.text} AND n.name_id IN "
                f"(SELECT rowid FROM {NAME_INDEX} WHERE {NAME_INDEX} MATCH ?)",
                [*names.params, match],
            )
        return names

    def _condition(self, cond: Condition, plan: Plan, dates_drive: bool) -> None:
        op = _OPS[cond.op]
        if cond.is_date:
            # An absolute bound as text (see query.resolve_dates); the
            # created_at index yields the models of a recent window.
            ids = Sql(f"SELECT model_id FROM models WHERE created_at {op} ?", [cond.value])
            check = Sql(f"m.created_at {op} ?", [cond.value])
            self._filter(plan, check, ids if dates_drive else None, rank=5)
            if op != "!=":
                plan.ranged.append(check)
            return
        if cond.field in NUMERIC_COLUMNS:
            # Checked row by row (``+``: its index must not replace the order's);
            # an indexed column's condition drives when it matches few models.
            op, value = _bound(cond.field, op, float(cond.value))
            check = Sql(f"{'' if self.pg else '+'}m.{cond.field} {op} ?", [value])
            drives = cond.field in SORT_INDEXED and op != "!="
            indexed = Sql(f"SELECT model_id FROM models WHERE {cond.field} {op} ?", [value])
            self._filter(plan, check, indexed if drives else None, rank=COLUMN_RANK)
            return
        check = Sql(
            "EXISTS (SELECT 1 FROM model_metrics w WHERE w.model_id = @id "
            f"AND w.metric = ? AND w.value {op} ?)",
            [cond.field, cond.value],
        )
        ids = Sql(
            f"SELECT model_id FROM model_metrics WHERE metric = ? AND value {op} ?",
            [cond.field, cond.value],
        )
        self._filter(plan, check, ids, rank=3)
        sort = plan.sort
        if sort is not None and not sort.is_column and sort.field == cond.field and op != "!=":
            plan.sort_ranges.append(Sql(f"s.value {op} ?", [cond.value]))
            plan.sort_checks.append(check)

    # -- pieces of SQL --------------------------------------------------------------------------
    def probe(self, driver: Sql, cap: int) -> Sql:
        """How many ids ``driver`` yields, counting at most ``cap + 1``."""
        return Sql(f"SELECT count(*) FROM ({driver.text} LIMIT {cap + 1}) AS p", driver.params)

    @staticmethod
    def where(checks: list[Sql], extra: list[Sql] | None = None, ids: str = "m.model_id") -> Sql:
        """``WHERE`` of every check (empty when none).

        Checks on other tables name the model as ``@id``, spelled here as the
        id column of the table that drives the query (``ids``), so SQLite
        applies them before it reads the model's row.
        """
        parts = [*checks, *(extra or [])]
        if not parts:
            return Sql("")
        text = " AND ".join(p.text for p in parts).replace("@id", ids)
        return Sql(" WHERE " + text, [v for p in parts for v in p.params])

    def source(self, driver: Driver | None) -> Sql:
        """``FROM`` models, driven by ``driver``'s ids when given.

        A covered driver reads models through the covering name index; its
        condition (:meth:`filtered` adds it) picks the index entries.
        """
        if driver is None:
            return Sql("FROM models m")
        if driver.covered is not None:
            return Sql("FROM models m" + ("" if self.pg else f" INDEXED BY {NAME_LISTING_INDEX}"))
        # OFFSET 0 keeps PostgreSQL from folding the ids into the outer query,
        # where it may prefer walking every model in created_at order.
        fence = " OFFSET 0" if self.pg else ""
        return Sql(
            f"FROM ({driver.ids.text}{fence}) AS c {self.join} models m ON m.model_id = c.model_id",
            list(driver.ids.params),
        )

    def filtered(
        self,
        driver: Driver | None,
        checks: list[Sql],
        joins: Sql | None = None,
        narrow: bool = False,
    ) -> Sql:
        """``FROM`` (driven by ``driver``), ``joins``, and ``WHERE`` of ``checks``.

        ``narrow``: the query reads no column of ``models`` but the covering
        name index's (name and status checks, the default order).
        """
        if driver is not None and driver.covered is not None and self.pg:
            # The covered models fenced (OFFSET 0), so that PostgreSQL reads them
            # through the name index instead of walking every model in created_at
            # order on a misestimate of how many names match.
            columns = "m.model_id, m.name, m.status, m.created_at" if narrow else "m.*"
            covered = driver.covered
            source = Sql(
                f"FROM (SELECT {columns} FROM models m WHERE {covered.text} OFFSET 0) AS m",
                list(covered.params),
            )
            return concat(source, joins or Sql(""), self.where(checks))
        source = self.source(driver)
        if driver is not None and driver.covered is not None:
            checks = [driver.covered, *checks]
        where = self.where(checks, ids=ids_of(driver))
        return concat(source, joins or Sql(""), where)


def _projection(pg: bool) -> str:
    """The columns every listing selects: :data:`RECORD_COLUMNS`, in order, as the store's."""
    agg = "string_agg(rt.tag_name, chr(31))" if pg else "group_concat(rt.tag_name, char(31))"
    tags = f"(SELECT {agg} FROM model_tags rt WHERE rt.model_id = m.model_id)"
    return ", ".join(tags if c.kind == "tags" else f"m.{c.name}" for c in RECORD_COLUMNS)


def ids_of(driver: Driver | None) -> str:
    """The id column of the rows ``driver`` yields (``m.model_id`` when read from models)."""
    return "c.model_id" if driver is not None and driver.covered is None else "m.model_id"


def direction(descending: bool) -> str:
    """``DESC`` or ``ASC``."""
    return "DESC" if descending else "ASC"


def concat(*parts: Sql) -> Sql:
    """Join pieces of SQL with spaces, params in order."""
    return Sql(" ".join(p.text for p in parts if p.text), [v for p in parts for v in p.params])
