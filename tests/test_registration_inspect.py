"""Registration reads the checkpoint's headers: the weights' size, the parameter count,
the recorded facts and a memory estimate fill what the user left out, and never more."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from registry_tui.checkpoints import facts
from tests.checkpoints.builders import state_dict, write_safetensors, write_torch_zip

MIB = 1024 * 1024
TENSORS = {"embed": ("F32", (100_000, 1024)), "head": ("BF16", (1024, 10))}
PARAMS = 100_000 * 1024 + 1024 * 10
WEIGHTS = 100_000 * 1024 * 4 + 1024 * 10 * 2


@pytest.fixture
def weights(tmp_path: Path) -> str:
    """A safetensors checkpoint of two tensors (400 MB, sparse: written as a hole)."""
    return str(write_safetensors(tmp_path / "model.safetensors", TENSORS))


def _training_checkpoint(tmp_path: Path) -> str:
    """A PyTorch training checkpoint: 1,000 model parameters and twice that in Adam moments."""
    model, model_storages = state_dict({"w": ("FloatStorage", 4, (10, 100))})
    moments, moment_storages = state_dict(
        {"exp_avg": ("FloatStorage", 4, (10, 100)), "exp_avg_sq": ("FloatStorage", 4, (10, 100))},
        first_key=1,
    )
    value = {
        "model_state_dict": model,
        "optimizer_state_dict": {"state": {0: dict(moments)}, "param_groups": [{"lr": 0.1}]},
        "epoch": 3,
        "git_commit": "abc123",
    }
    path = tmp_path / "epoch_3.pt"
    return str(write_torch_zip(path, value, [*model_storages, *moment_storages]))


def test_the_checkpoint_fills_size_params_and_facts(registry: ModelRegistry, weights: str) -> None:
    """Size from the weights, params counted, facts recorded, memory estimated and said so."""
    model_id = registry.register_model("m", "1.0.0", weights, "classification")
    record = registry.records.require(model_id)
    assert record.params == PARAMS
    assert record.model_size_mb == pytest.approx(WEIGHTS / MIB)
    recorded = record.metadata[facts.KEY]
    assert recorded["format"] == "safetensors"
    assert recorded["parameters"] == PARAMS
    assert recorded["parameters_by_dtype"] == {"F32": 102_400_000, "BF16": 10_240}
    estimate = record.metadata[facts.ESTIMATE_KEY]
    assert estimate["source"] == "estimated" and estimate["mode"] == "inference"
    assert record.memory_req_gb is not None and record.memory_req_gb > 0


def test_values_the_user_passes_always_win(registry: ModelRegistry, weights: str) -> None:
    """A given size, memory or metadata["checkpoint"] is stored as given; no estimate added."""
    model_id = registry.register_model(
        "m", "1.0.0", weights, "classification", model_size_mb=12.5, memory_req_gb=3.0,
        metadata={"checkpoint": {"note": "mine"}, "team": "vision"},
    )  # fmt: skip
    record = registry.records.require(model_id)
    assert record.model_size_mb == 12.5 and record.memory_req_gb == 3.0
    assert record.metadata == {"checkpoint": {"note": "mine"}, "team": "vision"}
    assert record.params == PARAMS


def test_inspect_false_stores_the_file_size_and_nothing_inspected(
    registry: ModelRegistry, weights: str
) -> None:
    """``inspect=False``: the file's size as before, no params, no facts, no estimate."""
    model_id = registry.register_model("m", "1.0.0", weights, "classification", inspect=False)
    record = registry.records.require(model_id)
    assert record.model_size_mb == pytest.approx(Path(weights).stat().st_size / MIB)
    assert record.params is None and record.memory_req_gb is None and record.metadata == {}


def test_optimizer_state_is_not_the_model(registry: ModelRegistry, tmp_path: Path) -> None:
    """A training checkpoint's size is its model weights (4,000 bytes), not the file's 12,000+."""
    model_id = registry.register_model("m", "1.0.0", _training_checkpoint(tmp_path), "lm")
    record = registry.records.require(model_id)
    assert record.model_size_mb == pytest.approx(4000 / MIB)
    assert record.params == 1000
    recorded = record.metadata[facts.KEY]
    assert recorded["optimizer_bytes"] == 8000
    assert recorded["epoch"] == 3 and recorded["git_commit"] == "abc123"


def test_a_damaged_checkpoint_refuses_the_registration(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """A safetensors header running past the end: one line naming the file and the way
    round it, and nothing written; with inspect=False it registers."""
    path = tmp_path / "cut.safetensors"
    write_safetensors(path, TENSORS)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"cut\.safetensors.*--no-inspect") as caught:
        registry.register_model("m", "1.0.0", str(path), "lm")
    assert "\n" not in str(caught.value)
    assert registry.list_models().empty
    registry.register_model("m", "1.0.0", str(path), "lm", inspect=False)


def test_a_pickle_that_would_run_code_is_registered_uninspected(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """A checkpoint naming ``os.system`` is stored, never unpickled, with the warning kept."""

    class Boom:
        def __reduce__(self) -> Any:
            import os

            return os.system, ("echo hacked",)

    path = write_torch_zip(tmp_path / "evil.pt", None, pickled=pickle.dumps(Boom(), protocol=2))
    model_id = registry.register_model("m", "1.0.0", str(path), "lm")
    record = registry.records.require(model_id)
    warning = record.metadata[facts.KEY]["warnings"][0]
    assert warning.startswith("not inspected:") and "system" in warning
    assert record.params is None and record.memory_req_gb is None


def test_an_unknown_format_keeps_the_file_size(registry: ModelRegistry, tmp_path: Path) -> None:
    """A file of no known format: its size as before, and nothing recorded beside it."""
    path = tmp_path / "weights.bin2"
    path.write_bytes(b"\1" * 2048)
    record = registry.records.require(registry.register_model("m", "1.0.0", str(path), "lm"))
    assert record.model_size_mb == pytest.approx(2048 / MIB)
    assert record.metadata == {}
    assert record.params is None and record.memory_req_gb is None


def test_a_checkpoint_directory_registers_with_its_weights(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """A save_pretrained folder registers: its weights summed, config.json's facts kept;
    a directory without weights is refused."""
    folder = tmp_path / "run" / "checkpoint-500"
    folder.mkdir(parents=True)
    write_safetensors(folder / "model.safetensors", TENSORS)
    (folder / "config.json").write_text(json.dumps({"num_hidden_layers": 2, "hidden_size": 64}))
    record = registry.records.require(registry.register_model("m", "1.0.0", str(folder), "lm"))
    assert record.params == PARAMS
    assert record.metadata[facts.KEY]["architecture"]["layers"] == 2
    with pytest.raises(ValueError, match="weights"):
        registry.register_model("m", "2.0.0", str(tmp_path / "run"), "lm")


def test_an_unknown_memory_mode_is_refused_before_anything(
    registry: ModelRegistry, weights: str
) -> None:
    """A mistyped mode names the modes; nothing is registered."""
    with pytest.raises(ValueError, match="train-adamw"):
        registry.register_model("m", "1.0.0", weights, "lm", memory_mode="training")
    assert registry.list_models().empty


def test_train_mode_estimates_more_than_inference(registry: ModelRegistry, weights: str) -> None:
    """Full fine-tuning with Adam needs more than serving; the mode is recorded."""
    serve = registry.records.require(registry.register_model("m", "1.0.0", weights, "lm"))
    train = registry.records.require(
        registry.register_model("m", "2.0.0", weights, "lm", memory_mode="train-adamw")
    )
    assert train.metadata[facts.ESTIMATE_KEY]["mode"] == "train-adamw"
    assert train.memory_req_gb is not None and serve.memory_req_gb is not None
    assert train.memory_req_gb > serve.memory_req_gb


def test_params_filters_work_in_billions_too(registry: ModelRegistry, tmp_path: Path) -> None:
    """``params`` and ``params_b`` are numeric columns in where and order_by, on both backends."""
    small = write_safetensors(tmp_path / "s.safetensors", {"w": ("F32", (10, 10))})
    large = write_safetensors(tmp_path / "l.safetensors", {"w": ("F32", (1000, 1000))})
    a = registry.register_model("small", "1.0.0", str(small), "lm")
    b = registry.register_model("large", "1.0.0", str(large), "lm")
    registry.register_model("none", "1.0.0", str(small), "lm", inspect=False)
    assert registry.list_models(where="params > 1000")["model_id"].tolist() == [b]
    assert registry.list_models(where="params_b <= 0.0001")["model_id"].tolist() == [a]
    assert registry.list_models(where="params_b >= 0.001")["model_id"].tolist() == [b]
    ordered = registry.list_models(where="params >= 0", order_by="-params_b")
    assert ordered["model_id"].tolist() == [b, a]
    frame = registry.list_models(order_by="model_id")
    assert frame["params"].tolist()[:2] == [100, 1_000_000]


def test_every_argument_is_checked_before_the_checkpoint_is_read(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """A bad tag is reported as such even when the checkpoint is missing: the file (or a
    store's object) is looked at only once the arguments are valid."""
    with pytest.raises(ValueError, match="tag"):
        registry.register_model("m", "1.0.0", str(tmp_path / "gone.pt"), "lm", tags=["a b"])
