"""Remote checkpoints over fsspec: URIs, stat, ranged reads, folders, the Hub's fingerprints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import remote
from registry_tui.checkpoints.errors import MissingExtraError
from registry_tui.checkpoints.remote import RemoteSource
from registry_tui.errors import CheckpointNotFoundError, ValidationError
from tests.remote.stores import SECRET, safetensors_bytes

INDEX = {"weight_map": {"embed": "model-1.safetensors", "head": "model-2.safetensors"}}


def _folder(fs: Any, root: str) -> None:
    """A save_pretrained folder: config.json, a shard index and its two shards."""
    fs.pipe(f"{root}/model-1.safetensors", safetensors_bytes({"embed": ("F32", [100, 10])}))
    fs.pipe(f"{root}/model-2.safetensors", safetensors_bytes({"head": ("F32", [100, 10])}))
    fs.pipe(f"{root}/model.safetensors.index.json", json.dumps(INDEX).encode())
    fs.pipe(f"{root}/config.json", json.dumps({"hidden_size": 10, "num_hidden_layers": 2}).encode())


def test_is_remote_knows_the_object_store_schemes() -> None:
    """s3, gs, gcs, hf and memory URIs are remote, in any case; local paths and http are not."""
    for uri in ("s3://b/k", "gs://b/k", "GCS://b/k", "hf://org/repo", "memory://x"):
        assert remote.is_remote(uri)
    for path in ("/tmp/m.pt", "m.pt", "http://host/m.pt", "file:///m.pt", "s3:/b"):
        assert not remote.is_remote(path)


@pytest.mark.parametrize(
    ("uri", "secret"),
    [
        ("s3://AKIAEXAMPLE:wJalrXUtnFEMI@models/m.safetensors", "wJalrXUtnFEMI"),
        ("s3://AKIAEXAMPLE@models/m.safetensors", "AKIAEXAMPLE"),
        ("s3://models/m.safetensors?X-Amz-Signature=deadbeef42&X-Amz-Date=1", "deadbeef42"),
        ("gs://models/m.safetensors?token=ya29.secret-token", "ya29.secret-token"),
        ("hf://org/repo?hf_token=hf_abcdefsecret", "hf_abcdefsecret"),
    ],
)
def test_a_uri_holding_credentials_is_refused_without_echoing_them(uri: str, secret: str) -> None:
    """user:password@ or a secret-looking query parameter: a one-line ValidationError
    that names the problem and the standard chains, and never repeats the secret."""
    with pytest.raises(ValidationError) as caught:
        remote.check_uri(uri)
    message = str(caught.value)
    assert "holding credentials" in message and "HF_TOKEN" in message
    assert secret not in message and "\n" not in message
    with pytest.raises(ValidationError):
        inspect_checkpoint(uri)


def test_a_plain_uri_passes_check_uri() -> None:
    """A URI without credentials comes back as it is (a version query is no secret)."""
    for uri in ("s3://models/m.safetensors", "s3://models/m.pt?versionId=3", "hf://org/repo"):
        assert remote.check_uri(uri) == uri


def test_stat_of_an_object_and_of_a_missing_one(memory: Any) -> None:
    """stat gives the size and a fingerprint; a missing object is CheckpointNotFoundError."""
    data = safetensors_bytes({"w": ("F32", [10, 10])})
    memory.pipe("memory://bucket/m.safetensors", data)
    found = remote.stat("memory://bucket/m.safetensors")
    assert found.uri == "memory://bucket/m.safetensors" and found.size == len(data)
    assert found.fingerprint is not None and found.verifiable
    with pytest.raises(CheckpointNotFoundError, match=r"memory://bucket/gone\.pt"):
        remote.stat("memory://bucket/gone.pt")
    with pytest.raises(CheckpointNotFoundError):
        inspect_checkpoint("memory://bucket/gone.pt")


def test_a_large_object_is_inspected_from_a_few_kilobytes(memory: Any) -> None:
    """A 64 MB safetensors object: the header is read in one ranged request of at most
    16 KB, counted through the source; the tensor data is never fetched."""
    data = safetensors_bytes({"w": ("F32", [4096, 4096])})
    memory.pipe("memory://bucket/big.safetensors", data)
    source = RemoteSource("memory://bucket/big.safetensors")
    from registry_tui.checkpoints import inspect_source

    info = inspect_source(source)
    assert info.parameters == 4096 * 4096 and info.file_bytes == len(data)
    assert source.reads == 1 and source.bytes_read <= 16 * 1024


def test_a_remote_folder_reads_like_a_local_one(memory: Any) -> None:
    """A prefix with config.json, an index and shards: inspected as a directory; stat
    sizes it as its shards' total, with one combined fingerprint."""
    _folder(memory, "memory://bucket/llama")
    info = inspect_checkpoint("memory://bucket/llama/")
    assert info.format == "directory (safetensors)" and info.parameters == 2000
    assert info.architecture == {"hidden_size": 10, "layers": 2}
    assert info.files == ("model-1.safetensors", "model-2.safetensors")
    found = remote.stat("memory://bucket/llama")
    assert found.size == info.file_bytes
    assert found.fingerprint is not None and found.fingerprint["kind"] == "combined"


def test_a_folder_fingerprint_changes_with_any_of_its_files(hub: Any) -> None:
    """Rewriting one shard (same size), or the config, changes the folder's fingerprint."""
    _folder(hub, "hf://org/tiny")
    first = remote.stat("hf://org/tiny")
    hub.pipe("hf://org/tiny/model-2.safetensors", safetensors_bytes({"head": ("F32", [10, 100])}))
    second = remote.stat("hf://org/tiny")
    assert second.size == first.size and second.fingerprint != first.fingerprint
    hub.pipe("hf://org/tiny/config.json", b"{}")
    assert remote.stat("hf://org/tiny").fingerprint != second.fingerprint


def test_the_hub_fingerprint_is_the_lfs_sha256(hub: Any) -> None:
    """Through the real HfFileSystem and the Hub's routes on 127.0.0.1: a weights file's
    fingerprint is its LFS sha256, a small git file's its blob id; a repo is a checkpoint
    directory whose weights are read in 16 KB ranges, with HF_TOKEN as the credential."""
    import hashlib

    data = safetensors_bytes({"w": ("BF16", [256, 256])})
    hub.pipe("hf://org/repo/model.safetensors", data)
    hub.pipe("hf://org/repo/README.md", b"# a model")
    weights = remote.stat("hf://org/repo/model.safetensors")
    sha = hashlib.sha256(data).hexdigest()
    assert weights.fingerprint == {"kind": "sha256", "value": sha} and weights.verifiable
    readme = remote.stat("hf://org/repo/README.md")
    assert readme.fingerprint is not None and readme.fingerprint["kind"] == "git-blob"
    info = inspect_checkpoint("hf://org/repo")
    assert info.format == "directory (safetensors)" and info.parameters == 256 * 256
    assert hub.ranges == ["bytes=0-16383"]
    assert set(hub.authorizations) == {f"Bearer {SECRET}"}
    with pytest.raises(CheckpointNotFoundError):
        remote.stat("hf://org/repo/missing.safetensors")
    with pytest.raises(CheckpointNotFoundError):
        remote.stat("hf://org/no-such-repo")


def test_a_folder_without_weights_is_refused(memory: Any) -> None:
    """A prefix holding no weights file: the same one-line error as a local directory."""
    memory.pipe("memory://bucket/docs/README.md", b"hello")
    from registry_tui.checkpoints import CheckpointFormatError

    with pytest.raises(CheckpointFormatError, match="no weights files"):
        remote.stat("memory://bucket/docs")
    with pytest.raises(CheckpointFormatError, match="no weights files"):
        inspect_checkpoint("memory://bucket/docs")


def test_a_missing_extra_names_the_pip_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """s3:// without s3fs (or without fsspec at all): a one-line error naming the extra."""
    import importlib

    known = importlib.import_module("fsspec.registry")._registry
    monkeypatch.delitem(known, "s3", raising=False)
    monkeypatch.setitem(sys.modules, "s3fs", None)
    with pytest.raises(MissingExtraError) as caught:
        inspect_checkpoint("s3://models/m.safetensors")
    assert str(caught.value) == (
        "s3:// checkpoints need the s3 extra: pip install 'registry-tui[s3]'"
    )
    monkeypatch.setitem(sys.modules, "fsspec", None)
    with pytest.raises(MissingExtraError, match=r"registry-tui\[gcs\]"):
        remote.stat("gs://models/m.safetensors")


def test_fsspec_is_imported_only_for_a_remote_uri(tmp_path: Any) -> None:
    """Inspecting a local file imports neither fsspec nor any store's package."""
    import subprocess

    path = tmp_path / "m.safetensors"
    path.write_bytes(safetensors_bytes({"w": ("F32", [4])}))
    code = (
        "import sys\n"
        "from registry_tui import inspect_checkpoint\n"
        f"inspect_checkpoint({str(path)!r})\n"
        "names = ('fsspec', 's3fs', 'gcsfs', 'huggingface_hub')\n"
        "print(sorted(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_gguf_and_pytorch_objects_are_read_through_ranged_reads(
    memory: Any, tmp_path: Path
) -> None:
    """A GGUF and a PyTorch zip in a store read as the local files do, from their headers
    (the zip's directory and pickle): two reads, at most the GGUF reader's 256 KB
    window and a 16 KB fetch, not their megabytes of tensor data."""
    from registry_tui.checkpoints import inspect_source
    from tests.checkpoints.builders import state_dict, write_gguf, write_torch_zip

    local_gguf = write_gguf(
        tmp_path / "m.gguf",
        {"general.architecture": "llama", "llama.block_count": 2},
        [("tok_embd", [64, 1000], 0, 256_000)],
        size=8_000_000,
    )
    tensors, storages = state_dict({"w": ("FloatStorage", 4, (500, 1000))})
    local_pt = write_torch_zip(tmp_path / "m.pt", tensors, storages)
    for local in (local_gguf, local_pt):
        uri = f"memory://bucket/{local.name}"
        memory.pipe(uri, local.read_bytes())
        source = RemoteSource(uri)
        info = inspect_source(source)
        assert info.parameters == inspect_checkpoint(local).parameters > 0
        assert source.bytes_read <= 256 * 1024 + 16 * 1024 and source.reads <= 2
