"""Reading the recorded checkpoint facts and the memory estimate back from a model's metadata."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from registry_tui.checkpoints.facts import (
    memory_estimate,
    memory_is_estimated,
    memory_source,
    recorded,
    recorded_facts,
    unread_metadata,
)
from registry_tui.checkpoints.record import CheckpointInfo

GOOD = {
    "format": "safetensors",
    "file_bytes": 1000,
    "weights_bytes": 992,
    "parameters": 248,
    "parameters_by_dtype": {"F32": 248},
    "tensor_count": 2,
    "architecture": {"layers": 2, "heads": 4},
    "optimizer_bytes": 64,
    "epoch": 3,
    "git_commit": "3f2c9e1",
    "warnings": ["odd header"],
    "fingerprint": {"etag": "abc"},
}


def test_well_formed_facts_come_back_whole() -> None:
    """Every fact of the recorded form, with the right types, is read back unchanged."""
    assert recorded_facts({"checkpoint": GOOD, "other": 1}) == GOOD


def test_what_registration_records_reads_back() -> None:
    """The output of ``recorded`` (what registration stores) is read back as stored."""
    info = CheckpointInfo("m.safetensors", "safetensors", 10, 8, 2, {"F32": 2}, 1)
    assert recorded_facts({"checkpoint": recorded(info)}) == recorded(info)


@pytest.mark.parametrize(
    "metadata",
    [None, [], "text", {}, {"checkpoint": None}, {"checkpoint": "safetensors"},
     {"checkpoint": [1, 2]}, {"checkpoint": {}}, {"checkpoint": {"format": 5, "parameters": "7B"}}],
)  # fmt: skip
def test_no_facts_when_none_are_well_formed(metadata: Any) -> None:
    """Metadata that is not an object, or a checkpoint entry with nothing of the right
    type, gives None instead of failing."""
    assert recorded_facts(metadata) is None


def test_wrong_types_are_left_out_and_the_rest_kept() -> None:
    """A string where a count belongs, booleans, negative counts, a non-object
    architecture and non-text warnings are dropped; the well-typed facts remain."""
    metadata = {
        "checkpoint": {
            "format": "gguf",
            "parameters": "7B",
            "file_bytes": -1,
            "weights_bytes": True,
            "tensor_count": 3.5,
            "parameters_by_dtype": {"Q4_K": 10, "F16": "many", "BF16": None},
            "architecture": ["llama"],
            "warnings": ["kept", 3, None],
            "fingerprint": 12,
            "git_commit": {"sha": 1},
            "epoch": 2,
        }
    }
    assert recorded_facts(metadata) == {
        "format": "gguf",
        "epoch": 2,
        "parameters_by_dtype": {"Q4_K": 10},
        "warnings": ["kept"],
    }


def test_memory_estimate_keeps_its_text_fields() -> None:
    """The estimate's mode, rule, dtype, source and reference are read; other keys and
    values of other types are not."""
    metadata = {
        "memory_estimate": {
            "mode": "inference",
            "rule": "weights x 1.2",
            "dtype": 16,
            "source": "estimated",
            "extra": "x",
        }
    }
    assert memory_estimate(metadata) == {
        "mode": "inference",
        "rule": "weights x 1.2",
        "source": "estimated",
    }
    assert memory_estimate({"memory_estimate": "estimated"}) is None
    assert memory_estimate({"memory_estimate": {"source": 1}}) is None


@pytest.mark.parametrize(
    ("metadata", "source"),
    [
        ({"memory_estimate": {"source": "estimated"}}, "estimated"),
        ({"memory_estimate": {"source": "measured"}}, "measured"),
        ({"memory_estimate": {"source": "guessed"}}, None),
        ({"memory_estimate": {"mode": "inference"}}, None),
        ({"memory_estimate": ["estimated"]}, None),
        ({}, None),
        ("not an object", None),
    ],
)
def test_memory_source(metadata: Any, source: str | None) -> None:
    """Only "estimated" and "measured" are sources; anything else reads as user-given."""
    assert memory_source(metadata) == source
    assert memory_is_estimated(metadata) is (source == "estimated")


def test_reading_the_facts_does_not_load_the_readers() -> None:
    """Importing the facts module (as the CLI's ``list`` does to mark estimates) loads
    none of the format readers: they load when a checkpoint is inspected."""
    code = (
        "import sys, registry_tui.checkpoints.facts\n"
        "print(sorted(m for m in sys.modules if m.startswith('registry_tui.checkpoints.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['registry_tui.checkpoints.facts']"


def test_unread_metadata_keeps_what_the_readers_left_out() -> None:
    """Other keys stay; of the checkpoint and memory entries only the values not read as
    they are (wrong type, unknown key) remain, and an entry read whole goes."""
    metadata = {
        "notes": "kept",
        "checkpoint": {"format": "gguf", "parameters": "7B", "extra": 1},
        "memory_estimate": {"mode": "inference", "source": "estimated"},
    }
    assert unread_metadata(metadata) == {
        "notes": "kept",
        "checkpoint": {"parameters": "7B", "extra": 1},
    }
    assert unread_metadata({"checkpoint": "text"}) == {"checkpoint": "text"}
    assert unread_metadata({"checkpoint": GOOD}) == {}
