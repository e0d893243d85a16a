"""Object stores served on this machine, for the remote-checkpoint tests.

* S3: moto's server (``moto.server.ThreadedMotoServer``) on 127.0.0.1 and a free
  port, started once a session; each test gets a fresh bucket, and the standard
  AWS variables point s3fs at it (``AWS_ENDPOINT_URL_S3``), as a user's would.
* GCS: ``gcp-storage-emulator`` on 127.0.0.1 (``STORAGE_EMULATOR_HOST``).
* The Hugging Face Hub: the routes ``HfFileSystem`` reads (:mod:`.hub_server`) on
  127.0.0.1, ``HF_ENDPOINT`` pointing at them.
* ``memory://``: fsspec's in-process store, emptied after each test.

A fixture whose package is missing skips its test, saying which package.
The fixtures are imported by this package's ``conftest.py``.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import struct
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.checkpoints.builders import safetensors_header
from tests.remote.hub_server import HubServer

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


@pytest.fixture(scope="session")
def hub_server() -> Iterator[HubServer]:
    """The Hub's routes on 127.0.0.1 (:class:`tests.remote.hub_server.HubServer`), with
    ``huggingface_hub`` pointed at them through ``HF_ENDPOINT``, for the whole session."""
    pytest.importorskip("fsspec", reason="fsspec is not installed (pip install 'registry-tui[hf]')")
    server = HubServer()
    server.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_ENDPOINT", server.url)
        patch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        if "huggingface_hub" in sys.modules:  # imported already: its constants were read
            constants = sys.modules["huggingface_hub.constants"]
            patch.setattr(constants, "ENDPOINT", server.url)
            template = server.url + "/{repo_id}/resolve/{revision}/{filename}"
            patch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
        pytest.importorskip("huggingface_hub", reason="huggingface_hub is not installed")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def hub(hub_server: HubServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """The local Hub, emptied, read through the real ``HfFileSystem`` with ``HF_TOKEN``
    set to :data:`SECRET`."""
    from huggingface_hub import HfFileSystem

    monkeypatch.setenv("HF_TOKEN", SECRET)
    HfFileSystem.clear_instance_cache()
    hub_server.files.clear()
    hub_server.ranges.clear()
    hub_server.authorizations.clear()
    yield hub_server
    hub_server.files.clear()
    HfFileSystem.clear_instance_cache()
