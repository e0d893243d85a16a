"""Object stores served on this machine, for the remote-checkpoint tests.

* S3: moto's server (``moto.server.ThreadedMotoServer``) on 127.0.0.1 and a free
  port, started once a session; each test gets a fresh bucket, and the standard
  AWS variables point s3fs at it (``AWS_ENDPOINT_URL_S3``), as a user's would.
* GCS: ``gcp-storage-emulator`` on 127.0.0.1 (``STORAGE_EMULATOR_HOST``).
* The Hugging Face Hub: :class:`FakeHub`, an fsspec filesystem registered for
  ``hf://`` whose ``ls`` and ``info`` entries have the shape ``HfFileSystem``
  gives (``blob_id``, ``lfs`` with the file's sha256), over an in-memory tree.
* ``memory://``: fsspec's in-process store, emptied after each test.

A fixture whose package is missing skips its test, saying which package.
The fixtures are imported by this package's ``conftest.py``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import socket
import struct
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.checkpoints.builders import safetensors_header

# No test reaches past this machine: the Google and AWS clients' metadata-server
# probes (link-local addresses) are turned off before either client is imported.
os.environ["NO_GCE_CHECK"] = "true"
os.environ["GCE_METADATA_HOST"] = "127.0.0.1:9"
os.environ["GCE_METADATA_IP"] = "127.0.0.1:9"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

SECRET = "s3cr3t-never-shown-9f2c41"
"""The AWS secret key (and Hugging Face token) the tests set: it must appear nowhere."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def safetensors_bytes(tensors: Mapping[str, tuple[str, Sequence[int]]]) -> bytes:
    """A whole safetensors file of zero-filled tensors, as bytes."""
    header, data = safetensors_header(tensors)
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + bytes(data)


def _fsspec() -> Any:
    return pytest.importorskip("fsspec", reason="fsspec is not installed (the s3/gcs/hf extras)")


# -- S3 -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1, for the whole session."""
    pytest.importorskip("s3fs", reason="s3fs is not installed (pip install 'registry-tui[s3]')")
    server_module = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A boto3 S3 client on a fresh bucket ``models`` (moto), the AWS variables set."""
    import boto3
    import s3fs

    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    s3fs.S3FileSystem.clear_instance_cache()
    client = boto3.client("s3", endpoint_url=moto_endpoint)
    client.create_bucket(Bucket="models")
    yield client
    listed = client.list_object_versions(Bucket="models")
    for item in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
        client.delete_object(Bucket="models", Key=item["Key"], VersionId=item["VersionId"])
    client.delete_bucket(Bucket="models")
    s3fs.S3FileSystem.clear_instance_cache()


# -- GCS ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    """gcp-storage-emulator on 127.0.0.1, in memory, for the whole session."""
    # gcsfs reads this once, when imported: its gRPC probe of the bucket type would
    # wait a minute on an emulator that speaks only HTTP.
    os.environ["GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT"] = "false"
    pytest.importorskip("gcsfs", reason="gcsfs is not installed (pip install 'registry-tui[gcs]')")
    emulator = pytest.importorskip(
        "gcp_storage_emulator.server", reason="gcp-storage-emulator is not installed"
    )
    port = free_port()
    server = emulator.create_server("127.0.0.1", port, in_memory=True, default_bucket="models")
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def gcs(gcs_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """gcsfs pointed at the emulator (bucket ``models``); its objects removed afterwards.

    The plain HTTP ``GCSFileSystem`` serves ``gs://`` even where gcsfs was imported
    earlier with its experimental (gRPC) class in place."""
    from gcsfs.core import GCSFileSystem

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
    known = importlib.import_module("fsspec.registry")._registry
    for name in ("gs", "gcs"):
        monkeypatch.setitem(known, name, GCSFileSystem)
    GCSFileSystem.clear_instance_cache()
    fs = GCSFileSystem(token="anon")  # the emulator takes no credentials
    yield fs
    for path in fs.find("models"):
        fs.rm(path)
    GCSFileSystem.clear_instance_cache()


# -- memory:// and the Hub --------------------------------------------------------------------


@pytest.fixture
def memory() -> Iterator[Any]:
    """fsspec's ``memory://`` filesystem, emptied afterwards."""
    fsspec = _fsspec()
    fs = fsspec.filesystem("memory")
    yield fs
    fs.store.clear()
    fs.pseudo_dirs[:] = [""]


def _hub_class() -> Any:
    from fsspec.implementations.memory import MemoryFileSystem

    class FakeHub(MemoryFileSystem):  # type: ignore[misc]
        """``hf://`` over memory, its entries shaped as ``HfFileSystem`` gives them:
        files have a ``blob_id`` (git's sha1) and, when stored in LFS (weights), an
        ``lfs`` dict with ``size``, ``sha256`` and ``pointer_size``."""

        protocol = "hf"
        store: ClassVar[dict[str, Any]] = {}
        pseudo_dirs: ClassVar[list[str]] = [""]
        lfs_suffixes = (".safetensors", ".bin", ".gguf", ".pt", ".onnx")

        def _entry(self, entry: dict[str, Any]) -> dict[str, Any]:
            name = entry["name"].lstrip("/")
            if entry["type"] != "file":
                return {"name": name, "size": 0, "type": "directory", "tree_id": None,
                        "last_commit": None}  # fmt: skip
            data = bytes(self.store[entry["name"]].getbuffer())
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            lfs = None
            if name.endswith(self.lfs_suffixes):
                sha = hashlib.sha256(data).hexdigest()
                lfs = {"size": len(data), "sha256": sha, "pointer_size": 134}
            return {"name": name, "size": len(data), "type": "file", "blob_id": blob, "lfs": lfs,
                    "xet_hash": None, "last_commit": None, "security": None}  # fmt: skip

        def ls(self, path: str, detail: bool = True, **kwargs: Any) -> Any:
            entries = [self._entry(e) for e in super().ls(path, detail=True, **kwargs)]
            return entries if detail else [e["name"] for e in entries]

        def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
            return self._entry(dict(super().info(path, **kwargs)))

    return FakeHub


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fake Hub for ``hf://`` (see :func:`_hub_class`), ``HF_TOKEN`` set to :data:`SECRET`."""
    _fsspec()
    known = importlib.import_module("fsspec.registry")._registry  # the module, not fsspec.registry
    hub_class = _hub_class()
    monkeypatch.setitem(known, "hf", hub_class)
    monkeypatch.setenv("HF_TOKEN", SECRET)
    fs = hub_class()
    yield fs
    fs.store.clear()
    hub_class.clear_instance_cache()
