"""``check`` reports each legacy version that is not a semantic version, in one line."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from registry_tui import ModelRegistry
from registry_tui.cli import main
from tests.legacy import guide_file, insert_model


def _guide_file(path: Path) -> Path:
    """Versions as the guide's module accepts them: anything, semantic or not."""
    conn = guide_file(path)
    for name, version in (("ok", "1.0.0"), ("v", "v1"), ("short", "1.0"), ("date", "2024-01-01")):
        insert_model(conn, name, version, checkpoint_path="s3://bucket/x.pt")
    conn.close()
    return path


def test_check_names_each_version_that_is_not_semantic(tmp_path: Path) -> None:
    """One ``legacy`` finding per such model, naming the version and what to do; a
    semantic version gives none; the command exits 1 as for any problem."""
    path = _guide_file(tmp_path / "models.db")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(path), "check", "--format", "json"])
    assert code == 1
    found = [p for p in json.loads(out.getvalue())["problems"] if p["kind"] == "legacy"]
    assert sorted((p["model_id"], p["detail"].split(" is ")[0]) for p in found) == [
        (2, "version 'v1'"),
        (3, "version '1.0'"),
        (4, "version '2024-01-01'"),
    ]
    for problem in found:
        assert "\n" not in problem["detail"] and "by hand" in problem["detail"]


def test_a_registry_of_semantic_versions_has_no_such_finding(tmp_path: Path) -> None:
    """Versions the API accepts (pre-release and build included) are never reported."""
    with ModelRegistry(tmp_path / "models.db") as registry:
        for version in ("1.0.0", "1.1.0-rc.1", "2.0.0+build.5"):
            registry.register_model("m", version, "s3://b/m.pt", "t", verify_checkpoint=False)
        report = registry.check()
    assert report.ok, report.problems
