"""Registering a checkpoint in an object store: the object must exist, its size and the
store's fingerprint are recorded, its headers are read by ranges, and a URI holding
credentials is never stored."""

from __future__ import annotations

from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.checkpoints import facts
from registry_tui.errors import CheckpointNotFoundError
from tests.remote.stores import safetensors_bytes

TENSORS = {"embed": ("BF16", [5000, 200]), "head": ("F32", [200, 10])}
PARAMS = 5000 * 200 + 200 * 10


def test_an_s3_checkpoint_is_inspected_and_fingerprinted(registry: ModelRegistry, s3: Any) -> None:
    """moto's S3 on 127.0.0.1: params and facts from the header, the ETag recorded,
    and check --remote finds the registration as recorded."""
    body = safetensors_bytes(TENSORS)
    s3.put_object(Bucket="models", Key="llm/model.safetensors", Body=body)
    model_id = registry.register_model("m", "1.0.0", "s3://models/llm/model.safetensors", "lm")
    record = registry.records.require(model_id)
    assert record.params == PARAMS
    recorded = record.metadata[facts.KEY]
    assert recorded["format"] == "safetensors" and recorded["file_bytes"] == len(body)
    etag = s3.head_object(Bucket="models", Key="llm/model.safetensors")["ETag"].strip('"')
    assert recorded["fingerprint"] == {"kind": "etag", "value": etag}
    assert record.metadata[facts.ESTIMATE_KEY]["source"] == "estimated"
    report = registry.check(remote=True)
    assert report.ok, report.problems


def test_uninspected_remote_registration_still_records_size_and_fingerprint(
    registry: ModelRegistry, s3: Any
) -> None:
    """inspect=False: no params, but what check --remote needs is kept."""
    s3.put_object(Bucket="models", Key="a.bin", Body=b"\1" * 4096)
    record = registry.records.require(
        registry.register_model("m", "1.0.0", "s3://models/a.bin", "lm", inspect=False)
    )
    assert record.params is None and record.model_size_mb == pytest.approx(4096 / 2**20)
    assert record.metadata[facts.KEY]["file_bytes"] == 4096
    assert record.metadata[facts.KEY]["fingerprint"]["kind"] == "etag"


def test_a_missing_object_refuses_and_unverified_registers(
    registry: ModelRegistry, s3: Any
) -> None:
    """Checkpoint not found for a missing key; verify_checkpoint=False registers it as is."""
    with pytest.raises(CheckpointNotFoundError):
        registry.register_model("m", "1.0.0", "s3://models/none.safetensors", "lm")
    assert registry.list_models().empty
    model_id = registry.register_model(
        "m", "1.0.0", "s3://models/none.safetensors", "lm", verify_checkpoint=False
    )
    assert registry.records.require(model_id).metadata == {}


@pytest.mark.parametrize(
    "uri",
    ["s3://AKIA:hunter2@models/m.pt", "gs://models/m.pt?X-Goog-Signature=hunter2"],
)
def test_a_uri_holding_credentials_is_never_stored(registry: ModelRegistry, uri: str) -> None:
    """Refused even unverified, in one line that does not repeat the secret."""
    with pytest.raises(ValueError) as caught:
        registry.register_model("m", "1.0.0", uri, "lm", verify_checkpoint=False)
    assert "hunter2" not in str(caught.value) and "\n" not in str(caught.value)
    assert registry.list_models().empty


def test_a_memory_store_checkpoint_reads_by_ranges(registry: ModelRegistry, memory: Any) -> None:
    """fsspec's memory:// store: the same registration, without a server."""
    memory.pipe("/bucket/w.safetensors", safetensors_bytes(TENSORS))
    record = registry.records.require(
        registry.register_model("m", "1.0.0", "memory://bucket/w.safetensors", "lm")
    )
    assert record.params == PARAMS
