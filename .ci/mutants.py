#!/usr/bin/env python3
"""Plant known kinds of bugs one at a time and check the fast suite kills each.

Each mutant names a file, an exact source snippet that must occur in it exactly
once, its mutated replacement, and the fast tests that must fail with it. The
tree is copied into a temporary directory first (``registry_tui/``, ``tests/``,
``pyproject.toml``, ``README.md``) and mutants are planted in that copy only,
so the checkout is never left mutated, even when the run is interrupted.

Usage::

    python .ci/mutants.py            # every mutant
    python .ci/mutants.py --list     # names, kinds and files
    python .ci/mutants.py --only NAME [--only NAME ...]

Exit status 1 when a mutant survives, a snippet went stale (not found exactly
once: re-anchor it), or the named tests fail on the unmutated tree.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("registry_tui", "tests", "pyproject.toml", "README.md")
PYTEST = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not slow"]


@dataclass(frozen=True)
class Mutant:
    """One planted bug: ``snippet`` in ``path`` replaced by ``replacement``."""

    name: str
    kind: str
    path: str
    snippet: str
    replacement: str
    tests: tuple[str, ...]


def _m(name: str, kind: str, path: str, snippet: str, replacement: str, *tests: str) -> Mutant:
    return Mutant(name, kind, path, snippet, replacement, tests)


W = "registry_tui/db/writes.py"
REG = "registry_tui/registry_core.py"
RECORDS = "registry_tui/record_api.py"
SESSION = "registry_tui/db/session.py"
LST = "registry_tui/db/listing.py"
SQL = "registry_tui/db/listing_sql.py"
CHECKS = "registry_tui/registration_checks.py"
MAIN = "registry_tui/tui/screens/main.py"

LOAD = "registry_tui/ops/load.py"
LIN = "registry_tui/render/lineage.py"
TXT = "registry_tui/render/text.py"
TABLE = "registry_tui/tui/widgets/model_table.py"
NO_TAG = '__import__("dataclasses").replace(query, tag=None)'

# fmt: off
# Test ids are filled in per mutant: the few fast tests that must fail with it.
EXCLUSIVE = (
    _m("promote-keeps-other-holders", "non-exclusive promotion", W,
       "if exclusive and others:\n"
       "            self.store.run(_untag_others, tag=tag, id=model_id)",
       "if False:\n"
       "            self.store.run(_untag_others, tag=tag, id=model_id)",
       "tests/test_registry.py::test_promote_is_exclusive_by_default[sqlite]"),
    _m("promote-ignores-tag-policy", "non-exclusive promotion", W,
       "exclusive = exclusive or self.is_exclusive(tag)",
       "exclusive = bool(exclusive)",
       "tests/test_policies.py::test_marked_exclusive_tags_are_exclusive_everywhere[sqlite]"),
    _m("register-tag-not-moved", "non-exclusive promotion", W,
       "if self.is_exclusive(tag):\n"
       "            self.lock_tag(tag)",
       "if False:\n"
       "            self.lock_tag(tag)",
       "tests/test_policies.py::test_registering_with_production_moves_the_tag[sqlite]"),
)
TRANSACTION = (
    _m("write-without-transaction", "no write transaction", "registry_tui/db/storage.py",
       "with self.db.atomic():\n"
       "            yield",
       "if True:\n"
       "            yield",
       "tests/test_guarantees.py::test_every_write_is_all_or_nothing[sqlite-register]",
       "tests/test_guarantees.py::test_every_write_is_all_or_nothing[sqlite-promote]"),
    _m("batch-without-transaction", "no write transaction", SESSION,
       "with self.storage.db.atomic():\n"
       "                yield",
       "if True:\n"
       "                yield",
       "tests/test_registry.py::test_a_failed_batch_keeps_none_of_its_writes"),
    _m("load-without-transaction", "no write transaction", LOAD,
       "with db.atomic():\n"
       "        if storage.backend",
       "if True:\n"
       "        if storage.backend",
       "tests/test_ops_bundle.py::test_a_load_that_fails_midway_writes_nothing",
       "tests/test_ops_bundle.py::test_round_trip_through_postgres"),
)
LIMIT = (
    _m("sql-limit-plus-one", "off-by-one limit", LST,
       'text = f" LIMIT {int(limit)}"',
       'text = f" LIMIT {int(limit) + 1}"',
       "tests/db/test_listing.py::test_short_windows_across_the_missing_keys_and_near_the_end[sqlite]",
       "tests/test_registry.py::test_list_models_filters[sqlite]"),
    _m("second-phase-limit-plus-one", "off-by-one limit", LST,
       "rest = None if limit is None else limit - len(rows)",
       "rest = None if limit is None else limit - len(rows) + 1",
       "tests/db/test_listing.py::test_short_windows_across_the_missing_keys_and_near_the_end"),
    _m("page-from-end-plus-one", "off-by-one limit", LST,
       "count = min(limit, total - offset)",
       "count = min(limit + 1, total - offset)",
       "tests/db/test_listing.py::test_short_windows_across_the_missing_keys_and_near_the_end"),
    _m("core-limit-plus-one", "off-by-one limit", REG,
       'limit = validate.count(limit, "limit")\n        checked = checked_query',
       'limit = validate.count(limit, "limit") + 1\n        checked = checked_query',
       "tests/test_registry.py::test_list_models_filters[sqlite]"),
    _m("records-limit-plus-one", "off-by-one limit", RECORDS,
       'limit = validate.count(limit, "limit")\n        offset = validate.count',
       'limit = validate.count(limit, "limit") + 1\n        offset = validate.count',
       "tests/test_registry.py::test_record_api_pages_and_counts[sqlite]"),
    _m("history-limit-plus-one", "off-by-one limit", RECORDS,
       'count = None if limit is None else validate.count(limit, "limit")',
       'count = None if limit is None else validate.count(limit, "limit") + 1',
       "tests/test_registry.py::test_history_records_every_change[sqlite]"),
    _m("cli-limit-plus-one", "off-by-one limit", "registry_tui/cli/browse.py",
       "limit = args.limit or None",
       "limit = args.limit + 1 if args.limit else None",
       "tests/test_cli.py::test_list_where_sort_and_limit",
       "tests/test_cli.py::test_list_table_caption_says_when_limited"),
)
BEST = (
    _m("best-picks-worst", "wrong best direction", "registry_tui/metrics.py",
       "pick = min if lower_better else max",
       "pick = max if lower_better else min",
       "tests/test_render.py::test_comparison_rows_pick_best_by_direction"),
    _m("recorded-direction-inverted", "wrong best direction", "registry_tui/metrics.py",
       "if low and m not in forced]",
       "if not low and m not in forced]",
       "tests/test_policies.py::test_recorded_direction_decides_the_best_in_compare",
       "tests/test_policies.py::test_lineage_deltas_use_the_recorded_direction"),
    _m("default-seconds-higher", "wrong best direction", "registry_tui/metrics.py",
       '"_ms", "_time", "_s", "_sec",',
       '"_ms", "_time", "_sec",',
       "tests/test_metrics.py::test_error_rates_distances_and_durations_are_lower_is_better"),
    _m("compare-ignores-overrides", "wrong best direction", LIN,
       "lower_better = lower_is_better(name, lower=lower, higher=higher)",
       "lower_better = lower_is_better(name)",
       "tests/test_render.py::test_comparison_overrides_and_metric_selection"),
    _m("delta-improvement-inverted", "wrong best direction", LIN,
       "improved = delta < 0 if lower_better else delta > 0",
       "improved = delta > 0 if lower_better else delta < 0",
       "tests/test_render.py::test_delta_text_colours_improvement_and_regression"),
    _m("lineage-delta-ignores-overrides", "wrong best direction", LIN,
       "lower_better = lower_is_better(metric, lower=lower, higher=higher)",
       "lower_better = lower_is_better(metric)",
       "tests/test_render.py::test_lineage_node_delta_follows_the_forced_direction"),
    _m("lineage-table-ignores-overrides", "wrong best direction", LIN,
       "lower_better=lower_is_better(name, lower=lower, higher=higher),",
       "lower_better=lower_is_better(name),",
       "tests/test_policies.py::test_lineage_deltas_use_the_recorded_direction"),
    _m("compare-bar-inverted", "wrong best direction", "registry_tui/render/comparison.py",
       "best = low if lower_better else high",
       "best = high if lower_better else low",
       "tests/test_render_comparison.py::test_the_best_value_gets_the_longest_bar_in_either_direction"),
)
MARKUP = (
    _m("safe-text-parses-markup", "markup in a renderer", TXT,
       "return Text(visible(value), style=style)",
       "return Text.from_markup(str(value), style=style)",
       "tests/test_render.py::test_safe_text_keeps_markup_literal"),
    _m("model-label-markup", "markup in a renderer", TXT,
       'text.append(visible(record.name), style="bold")',
       'text.append(Text.from_markup(str(record.name)), style="bold")',
       "tests/test_render.py::test_every_user_string_of_the_full_detail_keeps_markup_literal"),
    _m("tags-markup", "markup in a renderer", TXT,
       "text.append(visible(tag), style=",
       "text.append(Text.from_markup(str(tag)), style=",
       "tests/test_render.py::test_every_user_string_of_the_full_detail_keeps_markup_literal"),
    _m("compare-metric-markup", "markup in a renderer", "registry_tui/render/comparison.py",
       'text = safe_text(row.metric, "bold")',
       'text = Text.from_markup(row.metric, style="bold")',
       "tests/tui/test_escapes.py::test_no_unsafe_character_reaches_any_screen"),
    _m("lineage-metric-cell-markup", "markup in a renderer", LIN,
       "table.add_row(safe_text(row.metric), *cells, direction)",
       "table.add_row(row.metric, *cells, direction)",
       "tests/test_render.py::test_no_renderable_sends_injected_escapes_to_the_terminal"),
    _m("history-actor-markup", "markup in a renderer", "registry_tui/render/events.py",
       "            safe_text(event.actor),\n",
       "            event.actor,\n",
       "tests/test_render.py::test_no_renderable_sends_injected_escapes_to_the_terminal"),
    _m("export-path-markup", "markup in a renderer", "registry_tui/render/detail.py",
       "safe_text(export.export_path),",
       "export.export_path,",
       "tests/test_render.py::test_every_user_string_of_the_full_detail_keeps_markup_literal"),
)
LIKE = (
    _m("free-text-unescaped", "unescaped LIKE", SQL,
       'like = "%" + escape_like(word) + "%"',
       'like = "%" + word + "%"',
       "tests/test_listing_filters.py::test_free_text_is_literal"),
    _m("glob-unescaped", "unescaped LIKE", "registry_tui/query.py",
       'if char in "%_\\\\":',
       'if char in "\\\\":',
       "tests/test_query.py::test_glob_to_like_escapes_like_wildcards",
       "tests/test_listing_filters.py::test_free_text_is_literal"),
    _m("like-without-escape-clause", "unescaped LIKE", SQL,
       'return Sql(f"{column} {self.like} ? ESCAPE \'\\\\\'", [like])',
       'return Sql(f"{column} {self.like} ?", [like])',
       "tests/test_listing_filters.py::test_free_text_is_literal"),
)
MIGRATION = (
    _m("migration-no-advisory-lock", "no migration lock", "registry_tui/db/migrations.py",
       'db.execute_sql("SELECT pg_advisory_xact_lock(727274001)")',
       'db.execute_sql("SELECT 1")',
       "tests/db/test_migration_lock.py::test_a_migration_waits_for_the_migration_lock"),
    _m("migration-no-reread", "no migration lock", "registry_tui/db/migrations.py",
       "found = read_version(db)  # another process",
       "pass  # another process",
       "tests/db/test_migrations.py::test_a_migration_finished_meanwhile_is_not_run_again"),
    _m("migration-no-transaction", "no migration lock", "registry_tui/db/migrations.py",
       "with db.atomic():\n"
       "        if _is_pg(db):",
       "if True:\n"
       "        if _is_pg(db):",
       "tests/db/test_migrations.py::test_a_failed_migration_leaves_the_file_as_it_was",
       "tests/db/test_migration_lock.py::test_processes_opening_a_fresh_schema_together_all_succeed"),
)
STALE = (
    _m("older-listing-applied", "stale result applied", MAIN,
       "def on_main_screen_loaded(self, message: Loaded) -> None:\n"
       "        if message.generation != self.generation:",
       "def on_main_screen_loaded(self, message: Loaded) -> None:\n"
       "        if False:",
       "tests/tui/test_connection.py::test_a_stale_listing_result_is_ignored"),
    _m("older-count-applied", "stale result applied", MAIN,
       "if message.generation != self.generation or message.generation != self.table.generation:",
       "if False:",
       "tests/tui/test_connection.py::test_a_stale_count_or_rows_result_is_ignored"),
    _m("older-rows-added", "stale result applied", TABLE,
       'stale generations are ignored."""\n'
       "        if generation != self.generation:",
       'stale generations are ignored."""\n'
       "        if False:",
       "tests/tui/test_connection.py::test_a_stale_count_or_rows_result_is_ignored"),
    _m("older-total-set", "stale result applied", TABLE,
       "if generation != self.generation or total == self.total:",
       "if total == self.total:",
       "tests/tui/test_connection.py::test_a_stale_count_or_rows_result_is_ignored"),
)
PARENT = (
    _m("load-drops-parent", "dropped parent on load", LOAD,
       'row["version_key"] = versions.sort_key_or_none(row["version"])',
       'row["version_key"] = versions.sort_key_or_none(row["version"])\n'
       '        row["parent_model_id"] = None',
       "tests/test_ops_bundle.py::test_round_trip_between_sqlite_files"),
    _m("dump-drops-parent", "dropped parent on load", "registry_tui/ops/bundle.py",
       "row = dict(zip(spec.columns, values, strict=True))",
       "row = dict(zip(spec.columns, values, strict=True))\n"
       '        row.pop("parent_model_id", None)',
       "tests/test_ops_bundle.py::test_round_trip_between_sqlite_files"),
)
IDS = (
    _m("plain-table-id-unclaimed", "reused id", "registry_tui/db/sequences.py",
       "+ 1, not automatic", "+ 1, False",
       "tests/test_legacy_ids.py::test_ids_of_deleted_models_are_never_handed_out_again"),
    _m("registration-skips-orphans", "reused id", "registry_tui/db/orphans.py",
       "return db.execute_sql(f\"SELECT EXISTS ({probe})\", args).fetchone()[0] in (1, True)",
       "return False",
       "tests/test_legacy_ids.py::test_orphans_written_after_migration_are_not_inherited"),
)
COUNT = (
    _m("count-ignores-tag", "unfiltered count", LST,
       "plan = self._plan(query, with_sort=False)\n"
       "        covered = plan.covered()",
       f"plan = self._plan({NO_TAG}, with_sort=False)\n"
       "        covered = plan.covered()",
       "tests/test_guarantees.py::test_tag_counts_combined_with_filters_the_count_tables_cannot_answer",
       "tests/test_guarantees.py::test_tag_filtered_counts_of_every_status_in_the_cli",
       "tests/test_guarantees.py::test_capped_counts_and_page_totals_honour_the_tag"),
    _m("exact-count-ignores-tag", "unfiltered count", LST,
       "plan = self._plan(query, with_sort=False)\n"
       "        driver, _",
       f"plan = self._plan({NO_TAG}, with_sort=False)\n"
       "        driver, _",
       "tests/test_guarantees.py::test_tag_counts_combined_with_filters_the_count_tables_cannot_answer",
       "tests/test_guarantees.py::test_capped_counts_and_page_totals_honour_the_tag"),
    _m("count-tables-ignore-tag", "unfiltered count", "registry_tui/db/counts.py",
       "return exact_count(lister.db, lister.pg, query.status, query.tag, task)",
       "return exact_count(lister.db, lister.pg, query.status, None, task)",
       "tests/test_guarantees.py::test_capped_counts_and_page_totals_honour_the_tag",
       "tests/db/test_counts.py"),
    _m("capped-count-ignores-tag", "unfiltered count", RECORDS,
       "return self._store.count_capped(checked_query(self._store, self._storage, query), cap)",
       f"return self._store.count_capped(checked_query(self._store, self._storage, {NO_TAG}), cap)",
       "tests/test_guarantees.py::test_capped_counts_and_page_totals_honour_the_tag"),
    _m("app-count-ignores-tag", "unfiltered count", MAIN,
       "lambda: self.registry.records.count_capped(query),",
       f"lambda: self.registry.records.count_capped({NO_TAG}),",
       "tests/tui/test_main_screen.py::test_the_status_line_counts_only_the_tags_holders"),
)
# Checkpoint facts: what registration fills, and the columns it fills.
CHECKPOINT = (
    _m("params-b-not-scaled", "wrong unit", "registry_tui/query.py",
       "        field, scale = SCALED_COLUMNS[field]\n        value *= scale",
       "        field, scale = SCALED_COLUMNS[field]",
       "tests/test_query.py::test_params_b_is_params_in_billions",
       "tests/test_registration_inspect.py::test_params_filters_work_in_billions_too"),
    _m("inspection-overwrites-user-values", "user value lost", CHECKS,
       "if not (metadata and key in metadata)}",
       "if True}",
       "tests/test_registration_inspect.py::test_values_the_user_passes_always_win"),
    _m("size-includes-optimizer", "wrong size", CHECKS,
       "size = (info.weights_bytes or info.file_bytes) / MIB",
       "size = info.file_bytes / MIB",
       "tests/test_registration_inspect.py::test_optimizer_state_is_not_the_model"),
    _m("integer-bound-rounds-the-wrong-way", "wrong rows", SQL,
       'return ">=", math.ceil(value)',
       'return ">=", math.floor(value)',
       "tests/db/test_listing.py::test_every_shape_lists_what_a_plain_scan_finds"),
    _m("column-sort-ignores-direction", "wrong order", LST,
       'Sql(f"ORDER BY m.{column} {way}, m.model_id {way}"),',
       'Sql(f"ORDER BY m.{column} ASC, m.model_id {way}"),',
       "tests/db/test_listing.py::test_every_shape_lists_what_a_plain_scan_finds"),
)
# Importers: idempotent, one transaction, never taking an exclusive tag.
MLI = "registry_tui/training/mlflow_import.py"
IMPORTS = (
    _m("hf-revision-imported-again", "duplicate writes", "registry_tui/training/hf_cache.py",
       "if revision.commit in imported:",
       "if False:",
       "tests/training/test_hf_cache.py::test_importing_twice_changes_nothing_and_a_new_revision_is_a_new_version"),
    _m("mlflow-alias-takes-production", "exclusive tag stolen", MLI,
       'if policies.get(tag, tag == "production"):',
       "if False:",
       "tests/training/test_mlflow_import.py::test_aliases_become_tags_of_each_model_and_production_is_not_taken"),
    _m("mlflow-import-not-one-transaction", "half-written", MLI,
       "    with registry.transaction():\n        for model in models:",
       "    if True:\n        for model in models:",
       "tests/training/test_mlflow_import.py::test_a_version_already_held_from_elsewhere_refuses_the_whole_import"),
)
# fmt: on
MUTANTS = (
    EXCLUSIVE
    + TRANSACTION
    + LIMIT
    + BEST
    + MARKUP
    + LIKE
    + MIGRATION
    + STALE
    + PARENT
    + IDS
    + COUNT
    + CHECKPOINT
    + IMPORTS
)


def _apply(source: str, mutant: Mutant) -> str | None:
    """``source`` with the mutant planted, or None when the snippet is not there exactly once."""
    if source.count(mutant.snippet) != 1:
        return None
    return source.replace(mutant.snippet, mutant.replacement)


def _first_failure(output: str) -> str:
    """The id of the first failing test in pytest's summary, or a short description."""
    match = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.MULTILINE)
    if match:
        return match.group(1)
    return "pytest exit status (no test id reported)"


def _pytest(tree: Path, tests: Sequence[str], timeout: float) -> tuple[bool, str]:
    """Run ``tests`` in ``tree``; return (passed, output)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run(
            [*PYTEST, *tests],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"FAILED (timeout after {timeout:.0f}s)"
    return done.returncode == 0, done.stdout + done.stderr


def _copy_tree(into: Path) -> Path:
    tree = into / "tree"
    tree.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=ignore)
        else:
            shutil.copy2(source, tree / name)
    return tree


@dataclass
class Outcome:
    """What happened to one mutant."""

    mutant: Mutant
    verdict: str  # KILLED, SURVIVED, STALE, UNTESTED, BROKEN (fails unmutated)
    detail: str
    seconds: float


def _run_one(tree: Path, mutant: Mutant, timeout: float, tests: Sequence[str]) -> Outcome:
    started = time.monotonic()
    if not tests:
        return Outcome(mutant, "UNTESTED", "no test names it", 0.0)
    target = tree / mutant.path
    if not target.is_file():
        return Outcome(mutant, "STALE", f"file {mutant.path} not found", 0.0)
    original = target.read_text(encoding="utf-8")
    mutated = _apply(original, mutant)
    if mutated is None:
        found = original.count(mutant.snippet)
        return Outcome(mutant, "STALE", f"snippet not found (occurs {found} times)", 0.0)
    passed, output = _pytest(tree, tests, timeout)
    if not passed:
        return Outcome(mutant, "BROKEN", _first_failure(output), time.monotonic() - started)
    try:
        target.write_text(mutated, encoding="utf-8")
        passed, output = _pytest(tree, tests, timeout)
    finally:
        target.write_text(original, encoding="utf-8")
    verdict = "SURVIVED" if passed else "KILLED"
    detail = "" if passed else _first_failure(output)
    return Outcome(mutant, verdict, detail, time.monotonic() - started)


def _print_summary(outcomes: Sequence[Outcome]) -> None:
    width = max(len(o.mutant.name) for o in outcomes)
    kinds = max(len(o.mutant.kind) for o in outcomes)
    print()
    print(f"{'mutant':<{width}}  {'kind':<{kinds}}  {'verdict':<8}  {'secs':>5}  detail")
    for o in outcomes:
        print(
            f"{o.mutant.name:<{width}}  {o.mutant.kind:<{kinds}}  {o.verdict:<8}  "
            f"{o.seconds:5.1f}  {o.detail}"
        )
    tally: dict[str, int] = {}
    for o in outcomes:
        tally[o.verdict] = tally.get(o.verdict, 0) + 1
    print(
        "\n" + ", ".join(f"{count} {verdict.lower()}" for verdict, count in sorted(tally.items()))
    )


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Plant each known bug; the fast suite must fail.")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only this mutant"
    )
    parser.add_argument(
        "--tests",
        nargs="+",
        metavar="TEST",
        help="run these tests instead of each mutant's own (to find the tests that kill one)",
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds allowed per pytest run"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mutants asked for; 0 when every one was killed."""
    args = _parse(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:<34} {m.kind:<22} {m.path}")
        return 0
    unknown = sorted(set(args.only) - {m.name for m in MUTANTS})
    if unknown:
        print(f"Unknown mutant(s): {', '.join(unknown)} (see --list)", file=sys.stderr)
        return 2
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    if not os.environ.get("REGISTRY_TUI_TEST_PG"):
        print("REGISTRY_TUI_TEST_PG is not set: mutants only PostgreSQL tests see will survive")
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="registry-tui-mutants-") as temp:
        tree = _copy_tree(Path(temp))
        for mutant in chosen:
            outcome = _run_one(tree, mutant, args.timeout, args.tests or mutant.tests)
            outcomes.append(outcome)
            tail = f" by {outcome.detail}" if outcome.verdict == "KILLED" else f": {outcome.detail}"
            print(f"{outcome.verdict} {mutant.name}{tail if outcome.detail else ''}", flush=True)
    _print_summary(outcomes)
    return 0 if all(o.verdict == "KILLED" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
