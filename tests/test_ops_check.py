"""``check``: database integrity, references, checkpoint and export files, content hashes."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from registry_tui import ModelRegistry
from registry_tui.db.migrations import SCHEMA_VERSION
from tests.faults.workers import cli

Checkpoint = Callable[..., str]


def _kinds(registry: ModelRegistry, hashes: bool = False) -> list[str]:
    return [p.kind for p in registry.check(hashes=hashes).problems]


def test_a_sound_registry_is_ok(registry: ModelRegistry, checkpoint: Checkpoint) -> None:
    """Real checkpoints and exports, nothing wrong: ok, with what was looked at counted."""
    a = registry.register_model("a", "1.0.0", checkpoint("a.pt"), "t", tags=["production"])
    registry.register_model("b", "1.0.0", checkpoint("b.pt", 3000), "t", parent_model_id=a)
    registry.add_export_format(a, "onnx", checkpoint("a.onnx"))
    report = registry.check()
    assert report.ok and report.problems == ()
    assert (report.models, report.checkpoints_present, report.exports_present) == (2, 2, 1)
    assert report.schema_version == SCHEMA_VERSION
    expected_note = (
        "integrity_check: ok" if registry.backend == "sqlite" else "connected: PostgreSQL"
    )
    assert any(note.startswith(expected_note) for note in report.notes)
    assert report.to_dict()["ok"] is True


def test_missing_files_and_wrong_sizes_are_reported(
    registry: ModelRegistry, checkpoint: Checkpoint, tmp_path: Path
) -> None:
    """A vanished checkpoint, a resized file, a vanished export: one problem each; a
    checkpoint folder is present (its content is what --inspect compares)."""
    gone = checkpoint("gone.pt")
    resized = checkpoint("resized.pt", 4096)
    a = registry.register_model("gone", "1.0.0", gone, "t")
    b = registry.register_model("resized", "1.0.0", resized, "t")
    registry.register_model("dir", "1.0.0", str(tmp_path), "t", verify_checkpoint=False)
    registry.add_export_format(b, "onnx", str(tmp_path / "missing.onnx"))
    Path(gone).unlink()
    Path(resized).write_bytes(b"\0" * 1024)
    report = registry.check()
    found = {(p.kind, p.model_id) for p in report.problems}
    assert found == {
        ("checkpoint_missing", a),
        ("checkpoint_size", b),
        ("export_missing", b),
    }
    size = next(p for p in report.problems if p.kind == "checkpoint_size")
    assert "1,024 bytes" in size.detail and "0.00390625 MB recorded" in size.detail


def test_remote_paths_are_skipped(registry: ModelRegistry) -> None:
    """Object-store URLs (registered with verify_checkpoint=False) are counted, not checked."""
    model = registry.register_model("s3", "1.0.0", "s3://bucket/m.pt", "t", verify_checkpoint=False)
    registry.add_export_format(model, "onnx", "gs://bucket/m.onnx")
    report = registry.check()
    assert report.ok and report.remote_skipped == 2


def test_hashes_are_recorded_then_verified(registry: ModelRegistry, checkpoint: Checkpoint) -> None:
    """First run records SHA-256 baselines; later runs report same-size edits and resizes."""
    same_size, resized, intact = (checkpoint(f"{n}.pt", 2048) for n in ("s", "r", "i"))
    ids = [registry.register_model(n, "1.0.0", p, "t") for n, p in
           (("s", same_size), ("r", resized), ("i", intact))]  # fmt: skip
    first = registry.check(hashes=True)
    assert first.ok and first.hashes_recorded == 3 and first.hashes_verified == 0
    second = registry.check(hashes=True)
    assert second.ok and second.hashes_recorded == 0 and second.hashes_verified == 3
    Path(same_size).write_bytes(b"\xff" * 2048)
    Path(resized).write_bytes(b"\0" * 4096)
    problems = registry.check(hashes=True).problems
    changed = {p.model_id: p.detail for p in problems if p.kind == "checkpoint_changed"}
    assert set(changed) == {ids[0], ids[1]}
    assert "content changed since" in changed[ids[0]] and "SHA-256 was" in changed[ids[0]]
    assert "was 2,048 bytes when hashed" in changed[ids[1]]
    assert registry.check().problems[0].kind == "checkpoint_size"  # no hashing: sizes only


def test_read_only_check_does_not_record_hashes(db_path: Path, checkpoint: Checkpoint) -> None:
    """A read-only registry verifies but never writes baselines; it says so."""
    with ModelRegistry(db_path) as registry:
        registry.register_model("m", "1.0.0", checkpoint(), "t")
    with ModelRegistry(db_path, read_only=True) as registry:
        report = registry.check(hashes=True)
        assert report.ok and report.hashes_recorded == 0
        assert any("not recorded: registry is read-only" in n for n in report.notes)
    with ModelRegistry(db_path) as registry:
        assert registry.check(hashes=True).hashes_recorded == 1


def test_orphans_in_a_file_written_without_foreign_keys(db_path: Path) -> None:
    """Rows pointing at missing models (written by a tool without foreign keys) are listed."""
    with ModelRegistry(db_path) as registry:
        registry.register_model("m", "1.0.0", "s3://m", "t", verify_checkpoint=False)
    conn = sqlite3.connect(db_path)  # foreign keys are off by default in plain sqlite3
    conn.execute("INSERT INTO model_tags (model_id, tag_name, created_at) VALUES (77, 'x', '')")
    conn.execute(
        "INSERT INTO model_exports (model_id, export_format, export_path, created_at) "
        "VALUES (77, 'onnx', 's3://x', '')"
    )
    conn.execute("INSERT INTO model_metrics VALUES (77, 'acc', 1.0)")
    conn.execute("UPDATE models SET parent_model_id = 55")
    conn.commit()
    conn.close()
    with ModelRegistry(db_path) as registry:
        problems = registry.check().problems
    assert sorted((p.kind, p.subject) for p in problems) == [
        ("orphan", "model 77"),
        ("orphan", "model 77"),
        ("orphan", "model 77"),
        ("parent", "model 1"),
    ]


def test_a_file_that_will_not_open_is_reported(tmp_path: Path) -> None:
    """Not a database at all: the opening error and SQLite's own verdict, no exception."""
    bad = tmp_path / "models.db"
    bad.write_bytes(b"this is not a database" * 300)
    report = ModelRegistry.check_location(bad)
    assert not report.ok
    assert [p.kind for p in report.problems] == ["open", "integrity"]
    assert "not a database" in report.problems[0].detail


def test_check_command(db_path: Path, checkpoint: Checkpoint) -> None:
    """``registry-tui check``: exit 0 and a summary when sound; a table and exit 1 otherwise."""
    path = checkpoint("m.pt")
    with ModelRegistry(db_path) as registry:
        registry.register_model("gpt[bold]", "1.0.0", path, "t")
    ok = cli({"argv": ["--db", str(db_path), "check", "--hashes"]})
    assert ok["code"] == 0
    assert f"ok (integrity_check: ok; schema version {SCHEMA_VERSION}; 1 models" in ok["stdout"]
    assert "1 checkpoint hashes recorded" in ok["stdout"]
    Path(path).unlink()
    table = cli({"argv": ["--db", str(db_path), "check"]})
    assert table["code"] == 1
    assert "checkpoint_missing" in table["stdout"] and "gpt[bold] 1.0.0" in table["stdout"]
    assert "1 problem(s) found" in table["stdout"]
    as_json = json.loads(
        cli({"argv": ["--db", str(db_path), "check", "--format", "json"]})["stdout"]
    )
    assert as_json["ok"] is False and as_json["problems"][0]["model_id"] == 1
    missing = cli({"argv": ["--db", str(db_path.with_name("nope.db")), "check"]})
    assert missing["code"] == 1 and "No registry at" in missing["stderr"]
    assert not db_path.with_name("nope.db").exists()


def test_a_checkpoint_that_is_not_a_regular_file(
    sqlite_registry: ModelRegistry, tmp_path: Path
) -> None:
    """A FIFO where a checkpoint should be is reported as such, and never opened."""
    fifo = tmp_path / "pipe.pt"
    os.mkfifo(fifo)
    model = sqlite_registry.register_model("p", "1.0.0", str(fifo), "t", verify_checkpoint=False)
    [problem] = sqlite_registry.check(hashes=True).problems
    assert (problem.kind, problem.model_id) == ("checkpoint_missing", model)
    assert problem.detail == f"checkpoint is not a regular file: {fifo}"


def test_an_inspected_checkpoint_is_sized_by_its_file_not_its_weights(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """model_size_mb of an inspected checkpoint is its weights; check compares the file
    with the file size inspection recorded, so a safetensors header is no size change,
    and a rewritten file is reported in bytes."""
    from tests.checkpoints.builders import write_safetensors

    path = write_safetensors(tmp_path / "m.safetensors", {"w": ("F32", (10, 10))})
    model_id = registry.register_model("m", "1.0.0", str(path), "t")
    assert registry.check().ok
    write_safetensors(path, {"w": ("F32", (10, 11))})
    problem = next(p for p in registry.check().problems if p.kind == "checkpoint_size")
    assert problem.model_id == model_id and "recorded when inspected" in problem.detail
