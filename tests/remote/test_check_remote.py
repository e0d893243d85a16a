"""``check --remote`` and ``check --inspect``: remote checkpoints asked of their store,
local checkpoints inspected again, in the same report as every other finding."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry, inspect_checkpoint
from registry_tui.checkpoints import facts, remote
from tests.checkpoints.builders import write_safetensors
from tests.faults.workers import cli
from tests.remote.stores import SECRET, safetensors_bytes

SMALL = {"w": ("F32", [100, 70])}  # 7,000 parameters


def _register_remote(registry: ModelRegistry, name: str, uri: str) -> int:
    """Register ``uri`` as registration records a remote checkpoint: its facts and its
    store fingerprint under metadata["checkpoint"]."""
    found = remote.stat(uri)
    recorded = {**facts.recorded(inspect_checkpoint(uri)), "fingerprint": found.fingerprint}
    return registry.register_model(
        name, "1.0.0", uri, "t", verify_checkpoint=False, metadata={"checkpoint": recorded}
    )


def _multipart(s3: Any, key: str) -> None:
    upload = s3.create_multipart_upload(Bucket="models", Key=key)["UploadId"]
    body = safetensors_bytes(SMALL)
    first = body + b"\0" * (5 * 1024 * 1024)
    parts = []
    for number, chunk in ((1, first), (2, b"\0" * 8)):
        part = s3.upload_part(
            Bucket="models", Key=key, PartNumber=number, UploadId=upload, Body=chunk
        )
        parts.append({"ETag": part["ETag"], "PartNumber": number})
    s3.complete_multipart_upload(
        Bucket="models", Key=key, UploadId=upload, MultipartUpload={"Parts": parts}
    )


def _s3_models(registry: ModelRegistry, s3: Any) -> dict[str, int]:
    for key in ("intact", "gone", "resized", "rewritten"):
        s3.put_object(Bucket="models", Key=f"{key}.safetensors", Body=safetensors_bytes(SMALL))
    _multipart(s3, "multipart.safetensors")
    names = ("intact", "gone", "resized", "rewritten", "multipart")
    ids = {n: _register_remote(registry, n, f"s3://models/{n}.safetensors") for n in names}
    registry.add_export_format(ids["intact"], "onnx", "s3://models/intact.safetensors")
    registry.add_export_format(ids["intact"], "gguf", "s3://models/missing.gguf")
    s3.delete_object(Bucket="models", Key="gone.safetensors")
    s3.put_object(
        Bucket="models",
        Key="resized.safetensors",
        Body=safetensors_bytes({"w": ("F32", [100, 71])}),
    )
    s3.put_object(  # the same size, other bytes
        Bucket="models",
        Key="rewritten.safetensors",
        Body=safetensors_bytes({"w": ("F32", [70, 100])}),
    )
    return ids


def test_check_remote_reports_each_kind_of_change(registry: ModelRegistry, s3: Any) -> None:
    """On S3 (moto): a deleted object is missing, a resized one has its size changed, a
    same-size rewrite has its content changed (ETag), a multipart upload cannot be
    verified (advisory), a missing remote export is reported, the intact one verified."""
    ids = _s3_models(registry, s3)
    report = registry.check(remote=True)
    found = {(p.kind, p.model_id) for p in report.problems}
    assert found == {
        ("checkpoint_missing", ids["gone"]),
        ("checkpoint_size", ids["resized"]),
        ("checkpoint_changed", ids["rewritten"]),
        ("checkpoint_unverifiable", ids["multipart"]),
        ("export_missing", ids["intact"]),
    }
    details = {p.kind: p.detail for p in report.problems}
    assert details["checkpoint_changed"].startswith("content changed: etag ")
    assert "multipart ETag" in details["checkpoint_unverifiable"]
    assert "bytes recorded, now" in details["checkpoint_size"]
    assert report.remote_verified == 1 and report.remote_skipped == 0
    assert not report.ok


def test_cannot_verify_alone_leaves_the_registry_ok(registry: ModelRegistry, s3: Any) -> None:
    """A multipart object as recorded: reported as cannot verify, yet check is ok."""
    _multipart(s3, "m.safetensors")
    _register_remote(registry, "m", "s3://models/m.safetensors")
    report = registry.check(remote=True)
    assert [p.kind for p in report.problems] == ["checkpoint_unverifiable"]
    assert report.ok and report.to_dict()["ok"] is True


def test_without_remote_the_cli_says_how_many_were_not_verified(
    sqlite_registry: ModelRegistry, db_path: Path
) -> None:
    """Remote paths are never reported as missing local files; the summary counts them
    and names --remote."""
    model = sqlite_registry.register_model(
        "m", "1.0.0", "s3://nowhere/m.pt", "t", verify_checkpoint=False
    )
    sqlite_registry.add_export_format(model, "onnx", "hf://org/repo/m.onnx")
    result = cli({"argv": ["--db", str(db_path), "check"]})
    assert result["code"] == 0
    assert "2 remote paths not verified (--remote verifies them)" in result["stdout"]
    assert "missing" not in result["stdout"]


def test_cli_check_remote_table_json_and_exit_status(
    sqlite_registry: ModelRegistry, db_path: Path, s3: Any
) -> None:
    """check --remote prints the findings in the one table, exits 1; JSON holds the same."""
    ids = _s3_models(sqlite_registry, s3)
    result = cli({"argv": ["--db", str(db_path), "check", "--remote"]})
    assert result["code"] == 1
    assert "checkpoint_changed" in result["stdout"] and "cannot verify" in result["stdout"]
    assert "5 problem(s) found" in result["stdout"]
    result = cli({"argv": ["--db", str(db_path), "check", "--remote", "--format", "json"]})
    data = json.loads(result["stdout"])
    assert result["code"] == 1 and data["ok"] is False and data["remote_verified"] == 1
    assert {p["model_id"] for p in data["problems"]} == set(ids.values())


def test_content_change_on_the_hub_is_seen_by_its_sha256(registry: ModelRegistry, hub: Any) -> None:
    """An hf:// repo and a file in it, rewritten at the same size: content changed."""
    hub.pipe("hf://org/tiny/model.safetensors", safetensors_bytes(SMALL))
    hub.pipe("hf://org/tiny/config.json", b'{"hidden_size": 70}')
    repo = _register_remote(registry, "repo", "hf://org/tiny")
    file = _register_remote(registry, "file", "hf://org/tiny/model.safetensors")
    assert registry.check(remote=True).remote_verified == 2
    hub.pipe("hf://org/tiny/model.safetensors", safetensors_bytes({"w": ("F32", [70, 100])}))
    report = registry.check(remote=True)
    changed = {p.model_id: p.detail for p in report.problems if p.kind == "checkpoint_changed"}
    assert set(changed) == {repo, file}
    assert changed[file].startswith("content changed: sha256 ")


def test_a_scheme_without_its_extra_is_reported_once(
    sqlite_registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three gs:// checkpoints, gcsfs missing: one problem naming the pip line, not three."""
    import importlib

    for n in range(3):
        sqlite_registry.register_model(
            f"m{n}", "1.0.0", f"gs://models/m{n}.pt", "t", verify_checkpoint=False
        )
    known = importlib.import_module("fsspec.registry")._registry
    monkeypatch.delitem(known, "gs", raising=False)
    monkeypatch.setitem(sys.modules, "gcsfs", None)
    problems = sqlite_registry.check(remote=True).problems
    assert [(p.kind, p.subject) for p in problems] == [("remote_unreadable", "3 gs:// path(s)")]
    assert "pip install 'registry-tui[gcs]'" in problems[0].detail


def test_no_secret_reaches_output_errors_or_rows(
    sqlite_registry: ModelRegistry, db_path: Path, s3: Any, hub: Any
) -> None:
    """AWS_SECRET_ACCESS_KEY and HF_TOKEN set: no CLI output, error or stored row holds
    them, whatever the command (check --remote, inspect, a missing object, a refused URI)."""
    ids = _s3_models(sqlite_registry, s3)
    sqlite_registry.promote_model(ids["intact"], "production")
    said = []
    for argv in (
        ["check", "--remote"],
        ["check", "--remote", "--format", "json"],
        ["inspect", "s3://models/intact.safetensors"],
        ["inspect", "s3://models/nothing-here.safetensors"],
        ["inspect", f"s3://AKIA:{SECRET}@models/intact.safetensors"],
        ["inspect", f"hf://org/repo?token={SECRET}"],
    ):
        result = cli({"argv": ["--db", str(db_path), *argv]})
        said.extend([result["stdout"], result["stderr"]])
    assert "Checkpoint not found" in "".join(said) and "holding credentials" in "".join(said)
    assert all(SECRET not in text for text in said)
    sqlite_registry.close()
    for suffix in ("", "-wal"):
        stored = Path(str(db_path) + suffix)
        assert not stored.exists() or SECRET.encode() not in stored.read_bytes()


def test_a_store_error_never_carries_a_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    """A store client's error that quotes a credential set in the environment comes out
    with it replaced by ***, on one line."""
    from registry_tui.checkpoints.errors import RemoteStoreError
    from registry_tui.checkpoints.remote_fs import Store

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    store = Store("memory://x")

    def leaky() -> None:
        raise RuntimeError(f"signature mismatch for key {SECRET}\nmore detail")

    with pytest.raises(RemoteStoreError) as caught:
        store.call("memory://x/m.pt", leaky)
    assert SECRET not in str(caught.value) and "***" in str(caught.value)
    assert "\n" not in str(caught.value)


# -- check --inspect -------------------------------------------------------------------------


def _register_inspected(registry: ModelRegistry, path: Path) -> int:
    recorded = facts.recorded(inspect_checkpoint(path))
    return registry.register_model(
        path.stem, "1.0.0", str(path), "t", metadata={"checkpoint": recorded, "owner": "me"}
    )


def test_check_inspect_reports_content_that_no_longer_matches(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """A checkpoint rewritten with more parameters is reported with what changed; a
    truncated one cannot be inspected; an intact one, and one without facts, pass."""
    paths = {n: write_safetensors(tmp_path / f"{n}.safetensors", SMALL) for n in "abc"}
    ids = {n: _register_inspected(registry, p) for n, p in paths.items()}
    registry.register_model("plain", "1.0.0", str(paths["a"]), "t", inspect=False)
    write_safetensors(paths["b"], {"w": ("F32", [100, 71])})
    paths["c"].write_bytes(paths["c"].read_bytes()[:20])
    stages: list[str] = []
    report = registry.check(inspect=True, progress=lambda stage, *_: stages.append(stage))
    kinds = {(p.kind, p.model_id) for p in report.problems}
    assert ("checkpoint_changed", ids["b"]) in kinds
    assert ("checkpoint_unreadable", ids["c"]) in kinds
    assert all(model_id != ids["a"] for _, model_id in kinds)
    changed = next(p for p in report.problems if p.kind == "checkpoint_changed")
    assert changed.detail.startswith("content changed: ")
    assert "parameters 7,000 -> 7,100" in changed.detail
    assert report.checkpoints_inspected == 2
    assert "inspecting checkpoints" in stages
    assert all(p.kind != "checkpoint_changed" for p in registry.check().problems)


def test_cli_check_inspect_is_quiet_when_piped(
    sqlite_registry: ModelRegistry, db_path: Path, tmp_path: Path
) -> None:
    """Piped, check --inspect draws no progress bar; the summary counts what it inspected."""
    _register_inspected(sqlite_registry, write_safetensors(tmp_path / "a.safetensors", SMALL))
    result = cli({"argv": ["--db", str(db_path), "check", "--inspect"]})
    assert result["code"] == 0 and result["stderr"] == ""
    assert "1 checkpoints inspected, content as recorded" in result["stdout"]


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_cli_check_inspect_draws_its_progress_on_a_terminal(
    sqlite_registry: ModelRegistry, db_path: Path, tmp_path: Path
) -> None:
    """On a terminal, check --inspect draws a progress bar for its inspection stage."""
    from registry_tui.cli import main

    _register_inspected(sqlite_registry, write_safetensors(tmp_path / "a.safetensors", SMALL))
    terminal = _Terminal()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(terminal):
        assert main(["--db", str(db_path), "check", "--inspect"]) == 0
    assert "inspecting checkpoints" in terminal.getvalue()
