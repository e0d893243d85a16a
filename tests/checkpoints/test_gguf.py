"""GGUF: header, metadata of every value type, quantised tensors, architecture facts."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import CheckpointFormatError, FileSource
from registry_tui.checkpoints.gguf import GGML_TYPES
from tests.checkpoints.builders import write_gguf

gguf = pytest.importorskip("gguf", reason="the gguf package is not installed (test extra)")


def test_the_block_table_matches_the_gguf_package() -> None:
    """Every GGML type's block size and block bytes agree with the reference package."""
    sizes = gguf.constants.GGML_QUANT_SIZES
    for type_id, (name, block, block_bytes) in GGML_TYPES.items():
        kind = gguf.GGMLQuantizationType(type_id)
        assert kind.name == name
        assert sizes[kind] == (block, block_bytes)
    assert {kind.value for kind in sizes} <= set(GGML_TYPES)


def _written_by_the_package(path: Path) -> Path:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_context_length(4096)
    writer.add_block_count(2)
    writer.add_embedding_length(64)
    writer.add_head_count(8)
    writer.add_head_count_kv(2)
    writer.add_name("tiny-llama")
    writer.add_token_list([f"tok{i}" for i in range(300)])
    writer.add_array("test.small", [1, 2, 3])
    writer.add_float64("test.f64", 0.5)
    writer.add_bool("test.flag", True)
    writer.add_tensor("token_embd.weight", np.zeros((300, 64), np.float16))
    q4 = np.zeros((64, 64 // 32 * 18), np.uint8)  # 64 rows of 64 Q4_0 values
    writer.add_tensor("blk.0.attn_q.weight", q4, raw_dtype=gguf.GGMLQuantizationType.Q4_0)
    writer.add_tensor("output_norm.weight", np.ones(64, np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_a_file_written_by_the_gguf_package(tmp_path: Path) -> None:
    """Architecture facts, quantised bytes from the block table, parameters from element
    counts, metadata of several value types, and the vocabulary summarised."""
    info = inspect_checkpoint(_written_by_the_package(tmp_path / "m.gguf"))
    assert info.format == "gguf"
    assert info.architecture == {
        "architecture": "llama",
        "context_length": 4096,
        "block_count": 2,
        "embedding_length": 64,
        "head_count": 8,
        "head_count_kv": 2,
        "name": "tiny-llama",
        "vocab_size": 300,
    }
    assert info.parameters_by_dtype == {"F16": 19_200, "Q4_0": 4096, "F32": 64}
    assert info.weights_bytes == 19_200 * 2 + 4096 // 32 * 18 + 64 * 4
    assert info.largest_tensors[0].shape == (300, 64)
    tokens = info.metadata["tokenizer.ggml.tokens"]
    assert tokens == {"type": "array", "element_type": "string", "length": 300}
    assert info.metadata["test.small"] == [1, 2, 3]
    assert info.metadata["test.f64"] == 0.5
    assert info.metadata["test.flag"] is True
    assert info.metadata["gguf.version"] == 3


def test_version_2_and_a_long_numeric_array_skipped_unread(tmp_path: Path) -> None:
    """A version 2 file reads; a 1M-item numeric array is summarised without being read."""
    ints = list(range(1_000_000))
    path = write_gguf(
        tmp_path / "v2.gguf",
        {"general.architecture": "gpt2", "gpt2.context_length": 1024, "big": ints},
        [("w", [32, 4], 8, 4 * 34)],
        version=2,
    )
    source = FileSource(str(path))
    info = inspect_checkpoint(path, opener=lambda _: source)
    assert info.metadata["big"] == {"type": "array", "element_type": "int32", "length": 1_000_000}
    assert info.architecture == {"architecture": "gpt2", "context_length": 1024}
    assert info.parameters_by_dtype == {"Q8_0": 128}
    assert source.bytes_read < 600_000  # the 4 MB array was jumped over


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"GGUF" + struct.pack("<I", 1), "version 1 is not supported"),
        (b"GGUF" + struct.pack("<IQQ", 3, 1 << 40, 0), "tensor count 1099511627776 is over"),
        (b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 10**12), "a string of"),
        (
            b"GGUF"
            + struct.pack("<IQQ", 3, 0, 1)
            + struct.pack("<Q", 1)
            + b"k"
            + struct.pack("<I", 99),
            "unknown metadata value type 99",
        ),
        (b"GGUF" + struct.pack("<IQQ", 3, 0, 3), "truncated"),
    ],
)
def test_a_malformed_header_is_refused_in_one_line(
    tmp_path: Path, head: bytes, message: str
) -> None:
    """Unsupported versions, absurd counts, huge strings, unknown types, truncation."""
    path = tmp_path / "bad.gguf"
    path.write_bytes(head)
    with pytest.raises(CheckpointFormatError, match=message) as caught:
        inspect_checkpoint(path)
    assert "\n" not in str(caught.value)


def test_a_tensor_past_the_end_of_the_file_is_refused(tmp_path: Path) -> None:
    """Tensor infos promising more data than the file holds are refused."""
    path = write_gguf(tmp_path / "cut.gguf", {}, [("w", [1024, 1024], 0, 4 << 20)], size=4096)
    with pytest.raises(CheckpointFormatError, match="'w' ends at byte"):
        inspect_checkpoint(path)


def test_an_unknown_ggml_type_is_refused(tmp_path: Path) -> None:
    """A tensor type outside the table cannot be sized: refused, naming the tensor."""
    path = write_gguf(tmp_path / "t.gguf", {}, [("w", [32], 77, 32)])
    with pytest.raises(CheckpointFormatError, match="'w' has unknown GGML type 77"):
        inspect_checkpoint(path)


def test_a_vocabulary_larger_than_the_read_window_is_skipped_exactly(tmp_path: Path) -> None:
    """100,000 tokens (over a megabyte, several read windows) are summarised, and the
    values after them still read correctly."""
    tokens = [f"token-{i:06d}-{'x' * (i % 7)}" for i in range(100_000)]
    path = write_gguf(
        tmp_path / "vocab.gguf",
        {"tokenizer.ggml.tokens": tokens, "after": "still here", "n": 5},
        [("w", [32], 0, 128)],
    )
    info = inspect_checkpoint(path)
    summary = {"type": "array", "element_type": "string", "length": 100_000}
    assert info.metadata["tokenizer.ggml.tokens"] == summary
    assert info.metadata["after"] == "still here" and info.metadata["n"] == 5
    assert info.parameters == 32


def test_a_vocabulary_cut_short_is_refused(tmp_path: Path) -> None:
    """A string array that runs past the end of the file is a one-line truncation error."""
    path = write_gguf(tmp_path / "v.gguf", {"tokenizer.ggml.tokens": ["a"] * 50_000}, [])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointFormatError, match="truncated"):
        inspect_checkpoint(path)
