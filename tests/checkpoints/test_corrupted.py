"""Any corruption of a valid checkpoint gives a CheckpointInfo or a one-line
CheckpointFormatError: never another exception, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry_tui.checkpoints import CheckpointFormatError, CheckpointInfo, inspect_checkpoint
from tests.checkpoints.builders import state_dict, write_gguf, write_safetensors, write_torch_zip


def _originals(folder: Path) -> dict[str, bytes]:
    st_path = write_safetensors(folder / "a.safetensors", {"w": ("F32", [4, 4]), "b": ("F16", [3])})
    gguf_path = write_gguf(
        folder / "a.gguf",
        {"general.architecture": "llama", "llama.block_count": 2, "tok": ["a", "b"] * 20},
        [("w", [32, 2], 8, 68), ("n", [4], 0, 16)],
    )
    tensors, storages = state_dict({"w": ("FloatStorage", 4, (4, 4))})
    pt_path = write_torch_zip(folder / "a.pt", {"model_state_dict": tensors, "epoch": 1}, storages)
    return {p.suffix: p.read_bytes() for p in (st_path, gguf_path, pt_path)}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _originals(tmp_path_factory.mktemp("originals"))


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    suffix=st.sampled_from([".safetensors", ".gguf", ".pt"]),
    cut=st.integers(min_value=0, max_value=2000),
    flips=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), max_size=4),
)
def test_corrupted_files_are_read_or_refused_in_one_line(
    tmp_path: Path,
    originals: dict[str, bytes],
    suffix: str,
    cut: int,
    flips: list[tuple[int, int]],
) -> None:
    """Truncating a file anywhere and overwriting a few bytes anywhere (seeded) never
    raises anything but CheckpointFormatError, whose message is one line."""
    data = bytearray(originals[suffix])
    for position, byte in flips:
        if position < len(data):
            data[position] = byte
    path = tmp_path / f"corrupt{suffix}"
    path.write_bytes(bytes(data[: max(len(data) - cut, 0)] if cut % 3 else data))
    try:
        info = inspect_checkpoint(path)
    except CheckpointFormatError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(info, CheckpointInfo)
