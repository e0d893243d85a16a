"""What a real ``models.db`` holds: odd values written by the guide's original module
(plain sqlite3, no type checks) never crash a face, and are shown marked."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.cli import main
from registry_tui.records import ModelQuery
from tests.legacy import guide_file, insert_model, insert_tag

ODD_IDS = range(1, 13)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def make_odd_file(path: Path) -> Path:
    """Every odd value at once, one model each (ids 1-12), as the original module writes."""
    conn = guide_file(path)
    insert_model(conn, "nested", "1.0.0", metrics={"val_loss": 0.5, "sub": {"a": 1}, "s": "n/a"})
    insert_model(conn, "textsize", "1.0.0", model_size_mb="12.5 MB", memory_req_gb="4",
                 training_run_id="run-7")  # fmt: skip
    insert_model(conn, "fmt", "1.0.0", export_formats=[1, None, {"x": 1}], metrics=[1, 2])
    conn.execute(
        "INSERT INTO models (name, version, checkpoint_path, task_type, config_hash, status) "
        "VALUES (?, '1.0.0', '/x', 'lm', '', NULL)",
        (b"blob\xffname",),
    )
    insert_model(conn, "exp", "1.0.0", status="experimental")
    insert_model(conn, "cyc1", "1.0.0", parent_model_id=7)
    insert_model(conn, "cyc2", "1.0.0", parent_model_id="6")
    insert_model(conn, "dup", "1.0.0", created_at=1700000000)
    insert_model(conn, "garb", "1.0.0", created_at="yesterday-ish")
    insert_model(conn, "iso", "1.0.0", created_at="2026-01-01T12:00:00+02:00")
    insert_model(conn, "badjson", "1.0.0", metrics="{not json", metadata="[1,2]")
    insert_model(conn, "inf", "1.0.0", metrics='{"val_loss": NaN, "acc": Infinity}')
    insert_tag(conn, 8, "production")
    insert_tag(conn, 8, "production")
    insert_tag(conn, 1, "staging")
    conn.execute(
        "INSERT INTO model_exports (model_id, export_format, export_path, metadata) "
        "VALUES (3, 5, '/e2', 'zz')"
    )
    conn.close()
    return path


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    """A guide-made file holding every odd value (see :func:`make_odd_file`)."""
    return make_odd_file(tmp_path / "models.db")


def _commands() -> list[tuple[str, ...]]:
    commands: list[tuple[str, ...]] = []
    for fmt in ("table", "json", "csv"):
        commands.append(("list", "--status", "all", "--format", fmt))
        commands.append(("list", "--status", "all", "--verbose", "--format", fmt))
        commands.append(("compare", "--model-ids", ",".join(map(str, ODD_IDS)), "--format", fmt))
        commands.append(("history", "--format", fmt))
        for model_id in ODD_IDS:
            commands.append(("get", "--model-id", str(model_id), "--format", fmt))
            commands.append(("lineage", "--model-id", str(model_id), "--family", "--format", fmt))
    return commands


def test_every_read_command_shows_odd_values(odd: Path) -> None:
    """list, get, compare, lineage and history in every format, for every odd model: exit 0
    (history: 1, nothing recorded), never an unexpected error; JSON parses strictly."""
    failures = []
    for argv in _commands():
        code, out, err = _run("--db", str(odd), *argv)
        if code != 0 and not (argv[0] == "history" and "No history" in err):
            failures.append((argv, err))
        if "--format" in argv and argv[-1] == "json" and code == 0:
            assert "NaN" not in out and "Infinity" not in out, argv
            json.loads(out)
    assert failures == []


def test_the_api_reads_odd_values(odd: Path) -> None:
    """The guide's read methods return for every odd model; a parent cycle stops."""
    with ModelRegistry(odd) as registry:
        frame = registry.list_models(status=None, limit=None)
        assert sorted(frame["model_id"]) == list(ODD_IDS)
        for model_id in ODD_IDS:
            assert registry.get_model(model_id) is not None
        registry.compare_models(list(ODD_IDS))
        assert [m["model_id"] for m in registry.get_model_lineage(6)] == [7, 6]
        assert [m["model_id"] for m in registry.get_descendants(6)] == [7]


def test_the_listing_frame_reads_odd_values_as_the_records_do(odd: Path) -> None:
    """list_models cleans the listing column by column, taking a column whole when every
    value is plain: on a file of odd values its frame is exactly the records' frame."""
    from pandas.testing import assert_frame_equal

    from registry_tui.frames import models_frame

    with ModelRegistry(odd) as registry:
        frame = registry.list_models(status=None, limit=None)
        query = ModelQuery(status=None)
        records = list(registry.records.query(query))
    by_records = models_frame(records)
    assert len(frame) == len(ODD_IDS)
    assert_frame_equal(frame, by_records)


def test_odd_values_are_read_into_their_types(odd: Path) -> None:
    """Sizes and ids as text, BLOB names, non-dict metrics, odd statuses, duplicate tags and
    odd times become the record's types, each described in ``record.odd``."""
    with ModelRegistry(odd) as registry:
        records = registry.records.by_ids(ODD_IDS)
    assert records[1].metrics == {"val_loss": 0.5} and "n/a" in records[1].odd["metrics"]
    assert records[2].model_size_mb is None and records[2].memory_req_gb == 4.0
    assert records[2].training_run_id is None and "run-7" in records[2].odd["training_run_id"]
    assert records[3].export_formats == ("1", "{'x': 1}") and records[3].metrics == {}
    assert records[4].name == "blob\\xffname" and "BLOB" in records[4].odd["name"]
    assert records[4].status == "NULL" and records[5].status == "experimental"
    assert records[7].parent_model_id == 6
    assert records[8].tags == ("production",) and "duplicate" in records[8].odd["tags"]
    assert records[8].created_at == "2023-11-14 22:13:20"
    assert records[9].created_at == "yesterday-ish" and "not a time" in records[9].odd["created_at"]
    assert records[12].metrics == {}


def test_a_time_with_a_utc_offset_is_converted_not_dropped(odd: Path) -> None:
    """``2026-01-01T12:00:00+02:00`` is 10:00 UTC (the offset was dropped: two hours off)."""
    with ModelRegistry(odd) as registry:
        record = registry.records.require(10)
    assert record.created_at == "2026-01-01 10:00:00"
    assert "offset" in record.odd["created_at"]


def test_get_marks_odd_values(odd: Path) -> None:
    """``get`` shows each odd value beside its field, marked, pointing at ``check``."""
    code, out, _ = _run("--db", str(odd), "get", "--model-id", "2")
    assert code == 0
    assert "⚠ not a number: '12.5 MB'" in out and "registry-tui check" in out


def test_check_reports_each_odd_value_with_what_to_do(odd: Path) -> None:
    """``check`` lists every odd value by model and field, with the fix, and the cycle."""
    code, out, _ = _run("--db", str(odd), "check", "--format", "json")
    assert code == 1
    problems = json.loads(out)["problems"]
    legacy = {(p["model_id"], p["detail"].split(" ")[0]) for p in problems if p["kind"] == "legacy"}
    assert {(1, "metrics"), (2, "model_size_mb"), (2, "training_run_id"), (3, "export_formats"),
            (4, "name"), (4, "status"), (5, "status"), (8, "tags"), (8, "created_at"),
            (9, "created_at"), (10, "created_at"), (11, "metadata")} <= legacy  # fmt: skip
    assert all("check --repair" in p["detail"] or "by hand" in p["detail"]
               for p in problems if p["kind"] == "legacy")  # fmt: skip
    cycle = [p for p in problems if p["kind"] == "parent_cycle"]
    assert len(cycle) == 1 and "6 -> 7 -> 6" in cycle[0]["detail"]


def test_repair_normalises_in_one_transaction_with_history(odd: Path) -> None:
    """``check --repair`` normalises what can be (one ``repair`` event per model naming
    what was stored); afterwards only what needs a person is reported."""
    _, out, _ = _run("--db", str(odd), "check", "--repair", "--format", "json")
    problems = json.loads(out)["problems"]
    left = {(p["model_id"], p["detail"].split(" ")[0]) for p in problems
            if p["kind"] in ("legacy", "parent_cycle")}  # fmt: skip
    assert left == {(5, "status")}
    with ModelRegistry(odd) as registry:
        events = [e for e in registry.events(limit=None) if e.event == "repair"]
        nested = registry.records.require(1)
        blob = registry.records.require(4)
        assert registry.records.require(8).created_at == "2023-11-14 22:13:20"
        assert registry.records.require(6).parent_model_id is None
    assert sorted(e.model_id for e in events) == [1, 2, 3, 3, 4, 6, 8, 9, 10, 11, 12]
    assert nested.odd == {} and '"n/a"' in nested.metadata["legacy_metrics"]
    assert blob.name == "blob\\xffname" and blob.status == "active" and blob.odd == {}
    by_model = {e.model_id: e.details for e in events}
    assert by_model[2]["model_size_mb"] == {"was": "not a number: '12.5 MB'", "now": None}


def test_repair_is_all_or_nothing(odd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure part-way through a repair leaves every row and the history as they were."""
    from registry_tui.db import repair as repair_module

    before = odd.read_bytes()
    calls = []
    real = repair_module._apply

    def failing(*args: object) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("injected")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repair_module, "_apply", failing)
    with ModelRegistry(odd) as registry:
        with pytest.raises(RuntimeError, match="injected"):
            registry.repair()
        assert [e for e in registry.events(limit=None) if e.event == "repair"] == []
        assert "model_size_mb" in registry.records.require(2).odd
        assert "metrics" in registry.records.require(1).odd
    assert len(before) > 0


def test_a_guide_made_file_dumps_and_loads_after_repair(odd: Path, tmp_path: Path) -> None:
    """dump of a guide-made file, after ``check --repair``, loads into a new registry with
    the same models."""
    _run("--db", str(odd), "check", "--repair")
    bundle = tmp_path / "bundle.json"
    code, _, err = _run("--db", str(odd), "dump", str(bundle))
    assert code == 0, err
    target = tmp_path / "moved.db"
    code, _, err = _run("load", str(bundle), "--db", str(target))
    assert code == 0, err
    with ModelRegistry(odd) as a, ModelRegistry(target) as b:
        assert a.list_models(status=None, limit=None)["name"].tolist() == (
            b.list_models(status=None, limit=None)["name"].tolist()
        )


def test_a_garbage_schema_version_is_rewritten(tmp_path: Path) -> None:
    """A ``schema_version`` that is not a number no longer breaks every command: the
    idempotent steps run again and write a good one; check then passes the schema."""
    path = tmp_path / "models.db"
    with ModelRegistry(path) as registry:
        registry.register_model("a", "1.0.0", "a.pt", verify_checkpoint=False, task_type="lm")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE registry_meta SET value = 'three-ish' WHERE key = 'schema_version'")
    conn.close()
    code, out, err = _run("--db", str(path), "list", "--format", "csv")
    assert code == 0, err and "a,1.0.0" in out
    version = (
        sqlite3.connect(path)
        .execute("SELECT value FROM registry_meta WHERE key = 'schema_version'")
        .fetchone()
    )
    from registry_tui.db.migrations import SCHEMA_VERSION

    assert version == (str(SCHEMA_VERSION),)


def test_list_marks_models_with_odd_values(odd: Path) -> None:
    """The list table marks each model holding odd values with ⚠ beside its name."""
    code, out, _ = _run("--db", str(odd), "list", "--status", "all", "--limit", "0")
    assert code == 0
    lines = {
        line.split()[1]: line for line in out.splitlines() if line.strip()[:2].strip().isdigit()
    }
    assert "⚠" in lines["textsize"] and "⚠" in lines["iso"]
    assert "⚠" not in lines["cyc2"]
