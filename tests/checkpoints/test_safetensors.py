"""safetensors: header-only reading, checked byte ranges, refused lying headers, shards."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import CheckpointFormatError, FileSource
from registry_tui.checkpoints.safetensors import HEADER_LIMIT
from tests.checkpoints.builders import (
    safetensors_header,
    write_safetensors,
    write_safetensors_header,
)

TENSORS = {
    "embed.weight": ("BF16", [1000, 64]),
    "layer.0.weight": ("F32", [64, 64]),
    "layer.0.bias": ("F32", [64]),
    "step": ("I64", []),
}


def test_counts_parameters_bytes_and_dtypes_from_the_header(tmp_path: Path) -> None:
    """Parameters in total and per dtype, weight bytes and the largest tensors come from
    the header alone; __metadata__ is kept."""
    path = write_safetensors(tmp_path / "m.safetensors", TENSORS, {"format": "pt"})
    info = inspect_checkpoint(path)
    assert info.format == "safetensors"
    assert info.parameters == 64_000 + 4096 + 64 + 1
    assert info.parameters_by_dtype == {"BF16": 64_000, "F32": 4160, "I64": 1}
    assert info.weights_bytes == 128_000 + 16_384 + 256 + 8
    assert info.file_bytes == path.stat().st_size
    assert info.tensor_count == 4
    assert [t.name for t in info.largest_tensors] == [
        "embed.weight", "layer.0.weight", "layer.0.bias", "step",
    ]  # fmt: skip
    assert info.largest_tensors[0].shape == (1000, 64)
    assert info.metadata == {"format": "pt"}
    assert info.warnings == ()


def test_a_file_written_by_the_safetensors_package_reads_the_same(tmp_path: Path) -> None:
    """The reader agrees with the safetensors library's own writer."""
    from safetensors.numpy import save_file

    path = tmp_path / "lib.safetensors"
    save_file(
        {"a": np.zeros((3, 5), np.float16), "b": np.ones(7, np.int32), "c": np.zeros((2, 2, 2))},
        str(path),
        metadata={"who": "tests"},
    )
    info = inspect_checkpoint(path)
    assert info.parameters == 15 + 7 + 8
    assert info.parameters_by_dtype == {"F64": 8, "I32": 7, "F16": 15}
    assert info.weights_bytes == 30 + 28 + 64
    assert info.metadata == {"who": "tests"}


def test_only_the_header_is_read_never_the_tensor_data(tmp_path: Path) -> None:
    """Inspecting a 1 GB sparse file reads the 8-byte length and the header, no more."""
    header, _ = safetensors_header({"big": ("F32", [250_000_000])})
    path = write_safetensors_header(tmp_path / "big.safetensors", header, 1_000_000_000)
    opened: list[FileSource] = []

    def opener(name: str) -> FileSource:
        opened.append(FileSource(name))
        return opened[-1]

    info = inspect_checkpoint(path, opener=opener)
    assert info.parameters == 250_000_000
    raw_header = len(json.dumps(header).encode())
    assert opened[0].bytes_read <= 16 + 8 + raw_header


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda h: h["w"].update(data_offsets=[0, 12]),
            "needs 16 bytes but its data_offsets span 12",
        ),
        (lambda h: h["w"].update(dtype="F99"), "unknown dtype 'F99'"),
        (lambda h: h["w"].update(shape=[2, -2]), "malformed shape"),
        (lambda h: h["w"].update(data_offsets=[8, 4]), "data_offsets span -4"),
        (lambda h: h["w"].update(data_offsets="0-16"), "malformed data_offsets"),
        (lambda h: h.update(__metadata__=[1]), "__metadata__ is not a JSON object"),
    ],
)
def test_a_lying_header_is_refused(tmp_path: Path, change: object, message: str) -> None:
    """A tensor whose shape x dtype differs from its byte range, or whose description
    is malformed, is refused with one line naming the tensor."""
    header, data = safetensors_header({"w": ("F32", [2, 2])})
    change(header)  # type: ignore[operator]
    path = write_safetensors_header(tmp_path / "lie.safetensors", header, data)
    with pytest.raises(CheckpointFormatError, match=message) as caught:
        inspect_checkpoint(path)
    assert "\n" not in str(caught.value)


def test_a_tensor_range_past_the_end_of_the_file_is_refused(tmp_path: Path) -> None:
    """A header promising more data than the file holds (a truncated file) is refused."""
    header, data = safetensors_header({"a": ("F32", [4]), "b": ("F32", [1000])})
    path = write_safetensors_header(tmp_path / "cut.safetensors", header, data - 100)
    with pytest.raises(CheckpointFormatError, match="'b' ends at byte 4016, past the 3916"):
        inspect_checkpoint(path)


def test_a_header_length_past_the_end_of_the_file_is_refused(tmp_path: Path) -> None:
    """An 8-byte length larger than the file is refused before anything else is read."""
    path = tmp_path / "short.safetensors"
    path.write_bytes(struct.pack("<Q", 5000) + b'{"a":')
    with pytest.raises(CheckpointFormatError, match="header length 5000 runs past the end"):
        inspect_checkpoint(path)


def test_a_header_over_the_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A length over the 100 MB limit is refused even when the (sparse) file is that long."""
    path = tmp_path / "huge.safetensors"
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", HEADER_LIMIT + 1) + b"{")
        handle.truncate(HEADER_LIMIT + 100)
    with pytest.raises(CheckpointFormatError, match="over the 100000000 byte limit"):
        inspect_checkpoint(path)


@pytest.mark.parametrize(
    "content", [b"", b"\x01\x00", struct.pack("<Q", 4) + b"[1] ", struct.pack("<Q", 3) + b"{\xff}"]
)
def test_garbage_named_safetensors_is_refused_in_one_line(tmp_path: Path, content: bytes) -> None:
    """Too short, not an object, not UTF-8: each a one-line CheckpointFormatError."""
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(CheckpointFormatError) as caught:
        inspect_checkpoint(path)
    assert "\n" not in str(caught.value)


def _sharded(
    tmp_path: Path, *, total: int | None = None, extra: dict[str, str] | None = None
) -> Path:
    write_safetensors(
        tmp_path / "model-00001-of-00002.safetensors", {"a": ("F16", [10, 10]), "b": ("F16", [10])}
    )
    write_safetensors(tmp_path / "model-00002-of-00002.safetensors", {"c": ("F32", [50])})
    weight_map = {
        "a": "model-00001-of-00002.safetensors",
        "b": "model-00001-of-00002.safetensors",
        "c": "model-00002-of-00002.safetensors",
        **(extra or {}),
    }
    index = {"metadata": {"total_size": 420 if total is None else total}, "weight_map": weight_map}
    path = tmp_path / "model.safetensors.index.json"
    path.write_text(json.dumps(index))
    return path


def test_a_sharded_checkpoint_sums_its_shards(tmp_path: Path) -> None:
    """Through the index: every shard read, parameters and bytes summed, shards listed."""
    info = inspect_checkpoint(_sharded(tmp_path))
    assert info.format == "safetensors"
    assert info.parameters == 160
    assert info.parameters_by_dtype == {"F16": 110, "F32": 50}
    assert info.weights_bytes == 420
    assert info.files == ("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")
    assert info.metadata["index.total_size"] == 420
    assert info.warnings == ()


def test_an_index_that_disagrees_with_its_shards_is_warned_about(tmp_path: Path) -> None:
    """A wrong total_size and a tensor the index lists but no shard holds are warnings."""
    info = inspect_checkpoint(
        _sharded(tmp_path, total=999, extra={"ghost": "model-00002-of-00002.safetensors"})
    )
    assert any("total_size 999" in w for w in info.warnings)
    assert any("in no shard (first: 'ghost')" in w for w in info.warnings)


@pytest.mark.parametrize(
    ("shard", "message"),
    [("../outside.safetensors", "not a file name"), ("gone.safetensors", "is missing")],
)
def test_an_index_naming_a_missing_or_outside_shard_is_refused(
    tmp_path: Path, shard: str, message: str
) -> None:
    """Shards must be files beside the index: a path out of the folder, or a missing
    file, is refused."""
    with pytest.raises(CheckpointFormatError, match=message):
        inspect_checkpoint(_sharded(tmp_path, extra={"x": shard}))
