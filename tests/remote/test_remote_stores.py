"""Remote checkpoints against real protocol servers on 127.0.0.1: S3 (moto) and GCS
(gcp-storage-emulator), through s3fs and gcsfs as a user's machine would reach them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import inspect_source, remote
from registry_tui.checkpoints.remote import RemoteSource
from registry_tui.errors import CheckpointNotFoundError
from tests.remote.stores import safetensors_bytes

BIG = {"w": ("F32", [2048, 2048])}  # 16 MB of tensor data behind a small header


def test_s3_object_stat_and_ranged_inspection(s3: Any) -> None:
    """A 16 MB object on S3: its single-part ETag is a verifiable fingerprint, and
    inspecting it fetches one range of at most 16 KB, never the weights."""
    data = safetensors_bytes(BIG)
    etag = s3.put_object(Bucket="models", Key="llama/model.safetensors", Body=data)["ETag"]
    found = remote.stat("s3://models/llama/model.safetensors")
    assert found.size == len(data) and found.verifiable
    assert found.fingerprint == {"kind": "etag", "value": etag.strip('"')}
    source = RemoteSource("s3://models/llama/model.safetensors")
    info = inspect_source(source)
    assert info.parameters == 2048 * 2048 and info.format == "safetensors"
    assert source.reads == 1 and source.bytes_read <= 16 * 1024
    assert inspect_checkpoint("s3://models/llama/model.safetensors").parameters == 2048 * 2048


def test_s3_missing_object_and_missing_bucket(s3: Any) -> None:
    """Neither a missing key nor a missing bucket is anything but CheckpointNotFoundError."""
    with pytest.raises(CheckpointNotFoundError, match=r"s3://models/none\.pt"):
        remote.stat("s3://models/none.pt")
    with pytest.raises(CheckpointNotFoundError):
        remote.stat("s3://no-such-bucket/model.pt")


def _multipart(s3: Any, key: str) -> None:
    upload = s3.create_multipart_upload(Bucket="models", Key=key)["UploadId"]
    parts = []
    for number, body in ((1, b"\1" * (5 * 1024 * 1024)), (2, b"\2" * 10)):
        part = s3.upload_part(
            Bucket="models", Key=key, PartNumber=number, UploadId=upload, Body=body
        )
        parts.append({"ETag": part["ETag"], "PartNumber": number})
    s3.complete_multipart_upload(
        Bucket="models", Key=key, UploadId=upload, MultipartUpload={"Parts": parts}
    )


def test_a_multipart_etag_cannot_verify_but_a_version_id_can(s3: Any) -> None:
    """A multipart upload's ETag ("...-2") is not a content hash: "cannot verify";
    once the bucket keeps versions, the version id is the fingerprint."""
    _multipart(s3, "big.bin")
    found = remote.stat("s3://models/big.bin")
    assert found.fingerprint is not None and found.fingerprint["value"].endswith("-2")
    assert not found.verifiable
    s3.put_bucket_versioning(Bucket="models", VersioningConfiguration={"Status": "Enabled"})
    _multipart(s3, "versioned.bin")
    versioned = remote.stat("s3://models/versioned.bin")
    assert versioned.verifiable and versioned.fingerprint is not None
    assert versioned.fingerprint["kind"] == "version_id"


def test_s3_prefix_holding_a_sharded_checkpoint(s3: Any) -> None:
    """An S3 prefix with config.json and an index of two shards is a checkpoint directory."""
    index = {"weight_map": {"a": "model-1.safetensors", "b": "model-2.safetensors"}}
    objects = {
        "tiny/model-1.safetensors": safetensors_bytes({"a": ("F32", [10, 10])}),
        "tiny/model-2.safetensors": safetensors_bytes({"b": ("BF16", [10, 10])}),
        "tiny/model.safetensors.index.json": json.dumps(index).encode(),
        "tiny/config.json": json.dumps({"model_type": "llama", "vocab_size": 10}).encode(),
    }
    for key, body in objects.items():
        s3.put_object(Bucket="models", Key=key, Body=body)
    info = inspect_checkpoint("s3://models/tiny")
    assert info.parameters == 200 and info.parameters_by_dtype == {"BF16": 100, "F32": 100}
    assert info.architecture == {"model_type": "llama", "vocab_size": 10}
    found = remote.stat("s3://models/tiny")
    assert found.size == info.file_bytes and found.verifiable
    assert found.fingerprint is not None and found.fingerprint["kind"] == "combined"


def test_gcs_object_md5_fingerprint_and_ranged_inspection(gcs: Any) -> None:
    """A GCS object (emulator): md5Hash is the fingerprint; inspection is one ranged read."""
    data = safetensors_bytes(BIG)
    gcs.pipe("models/m.safetensors", data)
    found = remote.stat("gs://models/m.safetensors")
    assert found.size == len(data) and found.verifiable
    assert found.fingerprint is not None and found.fingerprint["kind"] == "md5"
    source = RemoteSource("gs://models/m.safetensors")
    assert inspect_source(source).parameters == 2048 * 2048
    assert source.reads == 1 and source.bytes_read <= 16 * 1024
    with pytest.raises(CheckpointNotFoundError):
        remote.stat("gs://models/none.safetensors")
    gcs.pipe("models/m.safetensors", safetensors_bytes({"w": ("F32", [2048, 2047])}))
    assert remote.stat("gcs://models/m.safetensors").fingerprint != found.fingerprint
