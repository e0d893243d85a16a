"""registry-tui import hf-cache: the local Hugging Face cache, read by the real
``huggingface_hub.scan_cache_dir`` over a cache layout written on disk, registered on
SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.cli import main
from tests.training.hf_cache_layout import PARAMETERS, add_revision, config, weights

pytest.importorskip("huggingface_hub", reason="huggingface_hub (the hf extra) is not installed")

A, B, C = "a" * 40, "b" * 40, "c" * 40


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A cache with a causal LM (one revision), a dataset and a space."""
    root = tmp_path / "hub"
    files = {"model.safetensors": weights(tmp_path), "config.json": config("GPT2LMHeadModel")}
    add_revision(root, "org/tiny-gpt", A, files)
    add_revision(root, "org/data", C, {"train.csv": b"x,y\n"}, kind="datasets")
    add_revision(root, "org/demo", C, {"app.py": b"print()\n"}, kind="spaces")
    return root


def test_a_cached_revision_becomes_an_inspected_lineage_root(
    registry: ModelRegistry, cache: Path, tmp_path: Path
) -> None:
    """The model revision is registered as org/tiny-gpt 1.0.0, a root, its snapshot the
    checkpoint with inspected parameters, its task type from config.json, and metadata["hf"]
    holding the commit, refs and each file's size and (LFS only) sha256."""
    report = registry.import_hf_cache(cache)
    assert len(report.registered) == 1
    assert report.skipped == {"dataset repo": 1, "space repo": 1}
    model = registry.get_model(model_id=report.registered[0])
    assert model is not None
    assert (model["name"], model["version"]) == ("org/tiny-gpt", "1.0.0")
    assert model["parent_model_id"] is None
    assert model["task_type"] == "language_modeling"
    assert model["checkpoint_path"] == str(cache / "models--org--tiny-gpt" / "snapshots" / A)
    assert model["params"] == PARAMETERS
    assert model["metadata"]["checkpoint"]["parameters"] == PARAMETERS
    weights_bytes = weights(tmp_path)
    hf = model["metadata"]["hf"]
    assert (hf["repo_id"], hf["revision"], hf["refs"]) == ("org/tiny-gpt", A, ["main"])
    assert hf["files"] == [
        {"name": "config.json", "size": len(config("GPT2LMHeadModel")), "sha256": None},
        {
            "name": "model.safetensors",
            "size": len(weights_bytes),
            "sha256": hashlib.sha256(weights_bytes).hexdigest(),
        },
    ]


def test_importing_twice_changes_nothing_and_a_new_revision_is_a_new_version(
    registry: ModelRegistry, cache: Path, tmp_path: Path
) -> None:
    """A second import registers nothing and writes no event; a newer revision cached
    later becomes 1.1.0 while 1.0.0 stays as it was."""
    first = registry.import_hf_cache(cache)
    events = len(registry.events(limit=None))
    again = registry.import_hf_cache(cache)
    assert again.registered == [] and again.unchanged == first.registered
    assert len(registry.events(limit=None)) == events
    files = {"model.safetensors": weights(tmp_path, rows=32), "config.json": config("X")}
    add_revision(cache, "org/tiny-gpt", B, files, mtime=1_800_000_000.0)
    third = registry.import_hf_cache(cache)
    assert third.unchanged == first.registered and len(third.registered) == 1
    newer = registry.get_model(model_id=third.registered[0])
    assert newer is not None and newer["version"] == "1.1.0"
    assert newer["metadata"]["hf"]["revision"] == B and newer["params"] == 2 * 32 * 8


def test_revisions_are_versioned_oldest_snapshot_first(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """Two revisions found in one import: the older snapshot (by its files' modification
    time, not its commit hash) is 1.0.0, the newer 1.1.0."""
    root = tmp_path / "hub"
    add_revision(root, "org/m", A, {"model.safetensors": weights(tmp_path)}, mtime=2e9, refs=())
    add_revision(root, "org/m", B, {"model.safetensors": weights(tmp_path, 24)}, mtime=1e9)
    registry.import_hf_cache(root)
    by_revision = {
        m["metadata"]["hf"]["revision"]: m["version"]
        for m in (registry.get_model(name="org/m", version=v) for v in ("1.0.0", "1.1.0"))
        if m is not None
    }
    assert by_revision == {B: "1.0.0", A: "1.1.0"}


def test_the_repo_glob_chooses_and_a_revision_without_weights_is_skipped(
    registry: ModelRegistry, cache: Path, tmp_path: Path
) -> None:
    """--repo 'other/*' leaves org/tiny-gpt out; a revision holding only its config
    (weights never downloaded) is counted, not registered."""
    add_revision(cache, "other/bert", A, {"config.json": config("BertForMaskedLM")})
    report = registry.import_hf_cache(cache, repo="other/*")
    assert report.registered == [] and report.skipped == {"revision without weights files": 1}
    assert registry.count_models(status=None) == 0


def test_the_task_type_comes_from_the_card_then_the_config(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """A cached card's pipeline_tag wins; else the config's architecture names the task;
    else the documented default, unknown."""
    root = tmp_path / "hub"
    card = b"---\npipeline_tag: image-classification\n---\n# A model\n"
    w, bert = weights(tmp_path), config("BertForMaskedLM")
    with_card = {"model.safetensors": w, "README.md": card, "config.json": bert}
    add_revision(root, "o/card", A, with_card)
    add_revision(root, "o/bert", A, {"model.safetensors": w, "config.json": bert})
    add_revision(root, "o/bare", A, {"model.safetensors": w})
    registry.import_hf_cache(root)
    tasks = {
        name: registry.get_model(name=name, version="1.0.0")["task_type"]  # type: ignore[index]
        for name in ("o/card", "o/bert", "o/bare")
    }
    assert tasks == {
        "o/card": "image_classification",
        "o/bert": "masked_language_modeling",
        "o/bare": "unknown",
    }


def test_a_missing_cache_is_one_clear_error(registry: ModelRegistry, tmp_path: Path) -> None:
    """A cache directory that does not exist is refused with its name, nothing written."""
    with pytest.raises(ValidationError, match="Hugging Face cache not found"):
        registry.import_hf_cache(tmp_path / "nowhere")
    assert registry.count_models(status=None) == 0


def test_without_huggingface_hub_the_error_names_the_extra(
    registry: ModelRegistry, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With huggingface_hub not importable, the import is one error naming the extra."""
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    with pytest.raises(ValidationError, match=r"pip install 'registry-tui\[hf\]'"):
        registry.import_hf_cache(cache)


def test_the_cli_imports_reports_and_prints_json(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import hf-cache prints what it registered and skipped, --json the report as JSON;
    a missing cache is one line on stderr, exit 1."""
    db = str(tmp_path / "models.db")
    assert main(["--db", db, "import", "hf-cache", "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert "Registered 1 model revision(s) (ids 1)" in out and "Skipped 1 dataset repo(s)" in out
    assert main(["--db", db, "import", "hf-cache", "--cache-dir", str(cache), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["registered"] == [] and report["unchanged"] == [1]
    assert main(["--db", db, "import", "hf-cache", "--cache-dir", str(tmp_path / "no")]) == 1
    err = capsys.readouterr().err
    assert "Hugging Face cache not found" in err and len(err.strip().splitlines()) == 1
