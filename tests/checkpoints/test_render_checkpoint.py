"""The checkpoint renderer: humanised numbers, and plain text that falls back to rich."""

from __future__ import annotations

import pytest

from registry_tui.checkpoints import CheckpointInfo, TensorInfo
from registry_tui.render.checkpoint import (
    VALUE_LIMIT,
    checkpoint_sections,
    checkpoint_text,
    human_bytes,
    human_count,
)


@pytest.mark.parametrize(
    ("count", "params", "size"),
    [
        (0, "0", "0 B"),
        (999, "999", "999 B"),
        (1000, "1 K", "1 KB"),
        (1234, "1.23 K", "1.23 KB"),
        (999_500, "1 M", "1 MB"),
        (7_241_732_096, "7.24 B", "7.24 GB"),
        (13_500_000_000, "13.5 B", "13.5 GB"),
        (125_000_000, "125 M", "125 MB"),
    ],
)
def test_numbers_are_humanised(count: int, params: str, size: str) -> None:
    """Three significant digits, decimal units, never 1000 of a unit."""
    assert human_count(count) == params
    assert human_bytes(count) == size


def test_long_metadata_values_are_cut_in_tables() -> None:
    """A chat template of thousands of characters is cut in the table, saying its length."""
    info = CheckpointInfo(path="m", format="gguf", file_bytes=1, metadata={"t": "a" * 5000})
    (section,) = checkpoint_sections(info)
    assert section.rows[0][1] == "a" * VALUE_LIMIT + "... (5,000 characters)"


def test_plain_text_gives_way_to_rich_for_non_ascii() -> None:
    """Text whose terminal width is not its length is left to rich (None)."""
    tensor = TensorInfo("名前", "F32", (2,), 8)
    info = CheckpointInfo(
        path="m", format="safetensors", file_bytes=8, tensor_count=1, largest_tensors=(tensor,)
    )
    assert checkpoint_text(info, max_width=200) is None
    ascii_info = CheckpointInfo(path="m", format="safetensors", file_bytes=8)
    assert checkpoint_text(ascii_info, max_width=200) is not None


def test_an_unknown_file_shows_its_size_and_warning() -> None:
    """No parameter lines for a file that was not recognised, only the size and warning."""
    info = CheckpointInfo(
        path="x.bin", format="unknown", file_bytes=2048, warnings=("format not recognised",)
    )
    text = checkpoint_text(info, max_width=200)
    assert text is not None
    assert "parameters" not in text and "file size  2.05 KB" in text
    assert "format not recognised" in text


def test_lists_of_plain_values_read_as_lists() -> None:
    """A list of names in the metadata is shown comma-separated, not as JSON, and whole
    (a pickle's globals are a safety report)."""
    names = ["a.b", "c", *(f"module{i}.name" for i in range(40))]
    info = CheckpointInfo(path="m", format="pytorch", file_bytes=1, metadata={"g": names})
    (section,) = checkpoint_sections(info)
    assert section.rows[0] == ("g", ", ".join(names))
