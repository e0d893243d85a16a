"""``check``'s report of odd legacy values, each with what to do about it."""

from __future__ import annotations

from registry_tui import versions
from registry_tui.db.legacy import short
from registry_tui.db.orphans import count_orphans
from registry_tui.db.repair import parent_cycles
from registry_tui.db.store import Store
from registry_tui.ops.findings import CheckRun
from registry_tui.records import ModelQuery

REPAIR = "registry-tui check --repair"
_ADVICE = {
    "name": f"{REPAIR} stores it as text",
    "version": f"{REPAIR} stores it as text",
    "checkpoint_path": f"{REPAIR} stores it as text",
    "task_type": f"{REPAIR} stores it as text",
    "training_run_id": f"{REPAIR} stores the number, or clears what is not one",
    "parent_model_id": f"{REPAIR} stores the number, or clears what is not one",
    "model_size_mb": f"{REPAIR} stores the number, or clears what is not one",
    "memory_req_gb": f"{REPAIR} stores the number, or clears what is not one",
    "metrics": f"{REPAIR} keeps the numbers and moves the column to metadata.legacy_metrics",
    "metadata": f"{REPAIR} moves it to metadata.legacy_metadata",
    "export_formats": f"{REPAIR} keeps the valid names (all kept in metadata)",
    "tags": f"{REPAIR} deletes the duplicate rows",
}


def _advice(field: str, detail: str) -> str:
    if field == "status":
        if detail.endswith("None"):
            return f"{REPAIR} sets the guide's default, active"
        return "listed with --status all; retire it (registry-tui retire) or set it by hand"
    if field == "created_at":
        if detail.startswith(("not a time", "NULL")):
            return (
                f"set it by hand (UTC, YYYY-MM-DD HH:MM:SS), or {REPAIR} sets the time of "
                "the repair and keeps the text in metadata.legacy_created_at"
            )
        return f"{REPAIR} stores it as UTC text"
    return _ADVICE.get(field, "set it by hand")


def _not_semver(version: str) -> str:
    return (
        f"version {short(version)} is not a semantic version: it sorts after every "
        "semantic version; set a MAJOR.MINOR.PATCH version by hand if the order matters"
    )


def legacy_values(run: CheckRun) -> None:
    """Odd values per model and field, versions that are not semantic, parent cycles,
    rows set aside at migration."""
    store = Store(run.db, run.t)
    records = {r.model_id: r for r in store.select_records(ModelQuery(status=None), 0, None)}
    for record in records.values():
        subject = f"model {record.model_id} ({record.label})"
        for field, detail in record.odd.items():
            run.problem("legacy", subject, f"{field} {detail}: {_advice(field, detail)}",
                        record.model_id)  # fmt: skip
        if versions.sort_key_or_none(record.version) is None:
            run.problem("legacy", subject, _not_semver(record.version), record.model_id)
    for cycle in parent_cycles(records):
        path = " -> ".join(str(i) for i in [*cycle, cycle[0]])
        run.problem("parent_cycle", f"model {cycle[0]}",
                    f"parent cycle {path}: {REPAIR} unlinks model {cycle[0]} from its parent",
                    cycle[0])  # fmt: skip
    for table, count in count_orphans(run.db).items():
        run.notes.append(
            f"{count} {table} row(s) of missing models set aside in legacy_orphans "
            "(never attached to a new model; inspect or delete them there)"
        )
