"""Checkpoint directories: weights files summed, optimizer apart, config.json facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import CheckpointFormatError
from tests.checkpoints.builders import state_dict, write_safetensors, write_torch_zip

CONFIG = {
    "model_type": "llama",
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 8,
    "num_key_value_heads": 2,
    "vocab_size": 1000,
    "max_position_embeddings": 2048,
    "torch_dtype": "bfloat16",
}


def test_a_save_pretrained_folder(tmp_path: Path) -> None:
    """A folder with config.json and two safetensors shards (through the index)."""
    write_safetensors(tmp_path / "model-1.safetensors", {"embed": ("BF16", [1000, 64])})
    write_safetensors(tmp_path / "model-2.safetensors", {"head": ("BF16", [1000, 64])})
    index = {"weight_map": {"embed": "model-1.safetensors", "head": "model-2.safetensors"}}
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps(index))
    (tmp_path / "config.json").write_text(
        json.dumps({**CONFIG, "architectures": ["LlamaForCausalLM"]})
    )
    info = inspect_checkpoint(tmp_path)
    assert info.format == "directory (safetensors)"
    assert info.parameters == 128_000
    assert info.weights_bytes == 256_000
    assert info.architecture == {
        "model_type": "llama", "hidden_size": 64, "layers": 2, "heads": 8, "kv_heads": 2,
        "vocab_size": 1000, "max_positions": 2048, "torch_dtype": "bfloat16",
        "architectures": ["LlamaForCausalLM"],
    }  # fmt: skip
    assert info.files == ("model-1.safetensors", "model-2.safetensors")


def test_a_trainer_checkpoint_counts_the_optimizer_apart(tmp_path: Path) -> None:
    """checkpoint-500/: model.safetensors is the weights, optimizer.pt is optimizer state
    (not weights), trainer_state.json gives the epoch; rng_state.pth is not weights."""
    folder = tmp_path / "checkpoint-500"
    folder.mkdir()
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [100, 10]), "b": ("F32", [100])})
    moments, storages = state_dict(
        {"exp_avg": ("FloatStorage", 4, (100, 10)), "exp_avg_sq": ("FloatStorage", 4, (100, 10))}
    )
    write_torch_zip(folder / "optimizer.pt", {"state": {0: moments}, "param_groups": []}, storages)
    rng, rng_storages = state_dict({"cpu": ("ByteStorage", 1, (5056,))})
    write_torch_zip(folder / "rng_state.pth", rng, rng_storages)
    (folder / "trainer_state.json").write_text(json.dumps({"epoch": 3.0, "global_step": 500}))
    (folder / "config.json").write_text(json.dumps({"text_config": CONFIG}))
    info = inspect_checkpoint(folder)
    assert info.parameters == 1100
    assert info.weights_bytes == 4400
    assert info.optimizer_bytes == 8000
    assert info.optimizer_tensors == 2
    assert info.epoch == 3
    assert info.architecture["layers"] == 2
    assert info.files == ("model.safetensors",)


def test_pytorch_weights_files_when_there_is_no_safetensors(tmp_path: Path) -> None:
    """pytorch_model.bin is read when no safetensors file is present."""
    tensors, storages = state_dict({"w": ("FloatStorage", 4, (8, 8))})
    write_torch_zip(tmp_path / "pytorch_model.bin", tensors, storages)
    info = inspect_checkpoint(tmp_path)
    assert info.format == "directory (pytorch)"
    assert info.parameters == 64


def test_a_directory_without_weights_is_refused(tmp_path: Path) -> None:
    """A folder holding no weights file is a one-line error."""
    (tmp_path / "config.json").write_text(json.dumps(CONFIG))
    with pytest.raises(CheckpointFormatError, match="no weights files"):
        inspect_checkpoint(tmp_path)
