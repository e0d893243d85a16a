"""Memory estimates from checkpoint facts, against figures computed by hand.

GiB throughout (2**30 bytes). Inference: weights x 1.2 + KV cache (2 x layers x kv
heads x head dim x tokens x bytes); train-adamw: 16 bytes per parameter.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from registry_tui import inspect_checkpoint
from registry_tui.checkpoints import CheckpointInfo
from registry_tui.checkpoints.memory import (
    INFERENCE_REFERENCE,
    KV_REFERENCE,
    MODES,
    MemoryEstimate,
    estimate,
)
from registry_tui.errors import ValidationError
from tests.checkpoints.builders import write_gguf, write_safetensors

GIB = 2**30
LLAMA = {
    "layers": 32,
    "heads": 32,
    "kv_heads": 8,
    "hidden_size": 4096,
    "max_positions": 8192,
}


def _llama(architecture: dict[str, Any] | None = None) -> CheckpointInfo:
    """8 Gi parameters in BF16: exactly 16 GiB of weights."""
    return CheckpointInfo(
        path="llama",
        format="directory (safetensors)",
        file_bytes=16 * GIB,
        weights_bytes=16 * GIB,
        parameters=8 * GIB,
        parameters_by_dtype={"BF16": 8 * GIB},
        architecture=LLAMA if architecture is None else architecture,
    )


def test_a_llama_like_checkpoint_for_inference() -> None:
    """16 GiB x 1.2 = 19.2 GiB, plus the KV cache 2 x 32 layers x 8 kv heads x 128
    (4096 / 32) x 8192 tokens x 2 bytes = 2**30 bytes = 1 GiB: 20.2 GiB."""
    found = estimate(_llama())
    assert found == MemoryEstimate(
        gb=20.2,
        mode="inference",
        rule="weights 16.0 GiB x 1.2 + KV cache 1.0 GiB "
        "(32 layers, 8 kv heads, head dim 128, 8192 tokens, BF16)",
        dtype="BF16",
        reference=INFERENCE_REFERENCE + "; " + KV_REFERENCE,
        parts={"weights": 16.0, "overhead": 3.2, "kv_cache": 1.0},
    )
    assert found is not None
    assert "Transformer Math 101" in found.reference and "2211.05102" in found.reference


def test_train_adamw_is_sixteen_bytes_a_parameter() -> None:
    """8 Gi parameters x 16 bytes = 128 GiB: 16-bit weights 16 + gradients 16, FP32
    master weights 32 + two Adam moments 64; activations are said not to be counted."""
    found = estimate(_llama(), "train-adamw")
    assert found is not None
    assert found.gb == 128.0
    assert found.parts == {
        "weights": 16.0,
        "gradients": 16.0,
        "master_weights": 32.0,
        "adam_moments": 64.0,
    }
    assert found.mode == "train-adamw"
    assert found.rule.startswith("16 bytes x 8.6 B parameters = 128.0 GiB")
    assert "activations not counted" in found.rule
    assert "ZeRO" in found.reference and "1910.02054" in found.reference


def test_to_metadata_is_what_registration_stores() -> None:
    """The stored form: mode, rule, dtype, source 'estimated', reference and parts, and
    nothing JSON cannot hold."""
    found = estimate(_llama())
    assert found is not None
    stored = found.to_metadata()
    assert list(stored) == ["mode", "rule", "dtype", "source", "reference", "parts"]
    assert stored["source"] == "estimated"
    assert stored["parts"] == {"weights": 16.0, "overhead": 3.2, "kv_cache": 1.0}
    assert json.loads(json.dumps(stored)) == stored


def test_a_folder_with_config_json(tmp_path: Path) -> None:
    """Read from disk: 1 GiB of BF16 weights x 1.2, plus 2 x 16 layers x 4 kv heads x
    128 x 8192 tokens x 2 bytes = 0.25 GiB: 1.45 GiB."""
    write_safetensors(tmp_path / "model.safetensors", {"w": ("BF16", [32768, 16384])})
    config = {"num_hidden_layers": 16, "num_attention_heads": 16, "num_key_value_heads": 4}
    config |= {"hidden_size": 2048, "max_position_embeddings": 8192}
    (tmp_path / "config.json").write_text(json.dumps(config))
    found = estimate(inspect_checkpoint(tmp_path))
    assert found is not None
    assert found.gb == 1.45
    assert found.parts == {"weights": 1.0, "overhead": 0.2, "kv_cache": 0.25}


def test_an_explicit_head_dim_wins_over_hidden_by_heads(tmp_path: Path) -> None:
    """config.json's head_dim (256, where 2304 / 8 heads would be 288) sizes the cache:
    2 x 2 layers x 4 kv heads x 256 x 8192 tokens x 2 bytes = 64 MiB."""
    write_safetensors(tmp_path / "model.safetensors", {"w": ("BF16", [1024, 1024])})
    config = {"num_hidden_layers": 2, "num_attention_heads": 8, "num_key_value_heads": 4}
    config |= {"hidden_size": 2304, "head_dim": 256, "max_position_embeddings": 8192}
    (tmp_path / "config.json").write_text(json.dumps(config))
    found = estimate(inspect_checkpoint(tmp_path))
    assert found is not None
    assert found.parts["kv_cache"] == 0.0625
    assert "head dim 256" in found.rule


def _q4_gguf(path: Path, **extra: int) -> Path:
    prefix = "llama."
    metadata: dict[str, Any] = {"general.architecture": "llama"}
    facts = {"block_count": 32, "context_length": 4096, "embedding_length": 4096}
    facts |= {"attention.head_count": 32, "attention.head_count_kv": 8, **extra}
    metadata |= {prefix + key: value for key, value in facts.items()}
    q4_bytes = 4096 * 65536 // 32 * 18  # Q4_0: 18 bytes a block of 32 values
    tensors = [("blk.0.attn_q.weight", [65536, 4096], 2, q4_bytes)]
    tensors.append(("output_norm.weight", [4096], 0, 4096 * 4))
    return write_gguf(path, metadata, tensors)


def test_a_quantised_gguf(tmp_path: Path) -> None:
    """Q4_0 weights sized from their stored bytes (150,994,944 + 16,384 of F32 norm),
    x 1.2 = 0.16877 GiB; the KV cache in F16 (llama.cpp's default): 2 x 32 x 8 x 128 x
    4096 x 2 bytes = 0.5 GiB; 0.669 GiB in all."""
    info = inspect_checkpoint(_q4_gguf(tmp_path / "q4.gguf"))
    found = estimate(info)
    assert found is not None
    weights = (150_994_944 + 16_384) / GIB
    assert found.gb == 0.669 == float(f"{weights * 1.2 + 0.5:.3g}")
    assert found.dtype == "Q4_0"
    assert found.parts["kv_cache"] == 0.5
    assert "32 layers, 8 kv heads, head dim 128, 4096 tokens, F16" in found.rule
    training = estimate(info, "train-adamw")
    assert training is not None
    assert training.gb == round((4096 * 65536 + 4096) * 16 / GIB, 2)


def test_a_gguf_key_length_sizes_the_head_dim(tmp_path: Path) -> None:
    """GGUF's attention.key_length (256) is the head dim when recorded: the cache doubles
    from 0.5 to 1 GiB."""
    found = estimate(
        inspect_checkpoint(_q4_gguf(tmp_path / "k.gguf", **{"attention.key_length": 256}))
    )
    assert found is not None
    assert found.parts["kv_cache"] == 1.0


def test_a_checkpoint_without_architecture_is_weights_and_overhead(tmp_path: Path) -> None:
    """No config.json: 2,052,000 bytes of F32 weights x 1.2 only, and the rule says why
    there is no KV cache."""
    path = write_safetensors(
        tmp_path / "head.safetensors",
        {"fc.weight": ("F32", [1000, 512]), "fc.bias": ("F32", [1000])},
    )
    found = estimate(inspect_checkpoint(path))
    assert found is not None
    assert found.gb == 0.00229 == float(f"{2_052_000 / GIB * 1.2:.3g}")
    assert list(found.parts) == ["weights", "overhead"]
    assert found.rule == "weights 0.00191 GiB x 1.2 (no KV cache: architecture not recorded)"
    assert found.reference.startswith("EleutherAI") and "Pope" not in found.reference


def test_an_fp32_classifier_keeps_its_cache_in_fp32(tmp_path: Path) -> None:
    """A BERT-like FP32 encoder without kv heads (multi-head attention): 0.25 GiB x 1.2 +
    2 x 12 layers x 12 heads x 64 x 512 tokens x 4 bytes (0.03515625 GiB) = 0.335 GiB."""
    write_safetensors(tmp_path / "model.safetensors", {"w": ("F32", [8192, 8192])})
    config = {"num_hidden_layers": 12, "num_attention_heads": 12, "hidden_size": 768}
    config |= {"max_position_embeddings": 512, "architectures": ["BertForSequenceClassification"]}
    (tmp_path / "config.json").write_text(json.dumps(config))
    found = estimate(inspect_checkpoint(tmp_path))
    assert found is not None
    assert found.gb == 0.335
    assert found.parts["kv_cache"] == 0.0352
    assert found.dtype == "F32"
    assert "12 layers, 12 kv heads, head dim 64, 512 tokens, F32" in found.rule


def test_pytorch_dtypes_are_recognised() -> None:
    """PyTorch spells dtypes 'float16'; a mostly-F16 checkpoint with F32 norms keeps its
    cache in F16 (the float dtype most parameters have)."""
    info = CheckpointInfo(
        path="m.pt", format="pytorch", file_bytes=0, weights_bytes=2 * GIB, parameters=GIB,
        parameters_by_dtype={"float16": GIB - 100, "float32": 100},
        architecture={"layers": 1, "heads": 1, "hidden_size": 128, "max_positions": 2048},
    )  # fmt: skip
    found = estimate(info)
    assert found is not None
    assert found.rule.endswith("2048 tokens, F16)")
    assert found.parts["kv_cache"] == float(f"{2 * 128 * 2048 * 2 / GIB:.3g}")


@pytest.mark.parametrize(
    ("facts", "said"),
    [
        ({"layers": "32"}, "layers '32'"),
        ({"layers": -32}, "layers -32"),
        ({"layers": True}, "layers True"),
        ({"layers": 32.0}, "layers 32.0"),
        ({"layers": [32]}, "layers [32]"),
        ({"heads": 0}, "heads 0"),
        ({"kv_heads": 0}, "kv heads 0"),
        ({"hidden_size": -4096}, "hidden size -4096"),
        ({"max_positions": 10**30}, "context length 100000000000000000000..."),
        ({"max_positions": math.inf}, "context length inf"),
        ({"max_positions": float("nan")}, "context length nan"),
        ({"head_dim": -1, "max_positions": "8k"}, "head dim -1, context length '8k'"),
        ({"hidden_size": 4097}, "not divisible"),
    ],
)
def test_adversarial_architecture_values_are_ignored_and_named(
    facts: dict[str, Any], said: str
) -> None:
    """A value that is not a sane positive integer never crashes the estimate and never
    makes it negative or infinite: it is left out, and the rule names it."""
    found = estimate(_llama({**LLAMA, **facts}))
    assert found is not None
    assert said in found.rule
    assert all(math.isfinite(gib) and gib >= 0 for gib in found.parts.values())
    assert math.isfinite(found.gb) and found.gb >= 19.2
    assert json.loads(json.dumps(found.to_metadata()))["rule"] == found.rule


def test_an_explicit_bad_head_dim_falls_back_to_hidden_by_heads() -> None:
    """head_dim -1 is ignored (and named) and 4096 / 32 = 128 used: the cache is still 1 GiB."""
    found = estimate(_llama({**LLAMA, "head_dim": -1}))
    assert found is not None
    assert found.parts["kv_cache"] == 1.0
    assert "head dim -1" in found.rule


def test_more_kv_heads_than_heads_counts_every_head() -> None:
    """kv heads 64 with 32 heads is impossible: the 32 heads are used (4 GiB of cache,
    an upper bound), and the rule says the kv heads were ignored."""
    found = estimate(_llama({**LLAMA, "kv_heads": 64}))
    assert found is not None
    assert found.parts["kv_cache"] == 4.0
    assert "kv heads 64 ignored" in found.rule


def test_the_largest_sane_architecture_stays_finite() -> None:
    """Every fact at its limit (10,000 layers and heads, 2**20 hidden, 2**24 tokens) gives
    a large but finite figure."""
    big = {"layers": 10_000, "heads": 8192, "kv_heads": 8192, "hidden_size": 1 << 20}
    found = estimate(_llama({**big, "max_positions": 1 << 24}))
    assert found is not None
    assert math.isfinite(found.gb) and found.parts["kv_cache"] > 1e6


@pytest.mark.parametrize("parameters", [0, -5, 10**16])
def test_no_estimate_without_a_sane_parameter_count(parameters: int) -> None:
    """A checkpoint that gave no parameters (an unrecognised file), a negative count or an
    absurd one has no estimate, in either mode."""
    info = CheckpointInfo(path="x", format="unknown", file_bytes=10, parameters=parameters)
    assert estimate(info) is None
    assert estimate(info, "train-adamw") is None


def test_weights_unsized_by_the_reader_come_from_the_parameters() -> None:
    """A reader that could not size the weights (0 bytes): each dtype's width is used
    (F32 4 bytes, an unknown dtype 2)."""
    info = CheckpointInfo(
        path="m.onnx", format="onnx", file_bytes=0, parameters=3 * GIB,
        parameters_by_dtype={"FLOAT": GIB, "STRANGE": 2 * GIB},
    )  # fmt: skip
    found = estimate(info)
    assert found is not None
    assert found.parts["weights"] == 8.0


@pytest.mark.parametrize("mode", ["training", "", "inference\x1b[31m"])
def test_an_unknown_mode_is_a_validation_error_naming_the_modes(mode: str) -> None:
    """An unknown mode is refused in one line that lists the modes there are."""
    with pytest.raises(ValidationError) as caught:
        estimate(_llama(), mode)
    message = str(caught.value)
    assert all(known in message for known in MODES)
    assert "\n" not in message and "\x1b" not in message


def test_the_rule_writes_the_figures_the_parts_hold() -> None:
    """TinyLlama (1.1 B BF16, 22 layers, 4 kv heads, 2048 tokens): the rule's numbers are
    the rounded parts (2.05 GiB of weights, not a differently rounded 2.0)."""
    info = CheckpointInfo(
        path="tiny-llama", format="directory (safetensors)", file_bytes=2_200_096_768,
        weights_bytes=2_200_096_768, parameters=1_100_048_384,
        parameters_by_dtype={"BF16": 1_100_048_384},
        architecture={"layers": 22, "heads": 32, "kv_heads": 4, "hidden_size": 2048,
                      "max_positions": 2048},
    )  # fmt: skip
    found = estimate(info)
    assert found is not None
    assert found.parts == {"weights": 2.05, "overhead": 0.41, "kv_cache": 0.043}
    assert found.rule == (
        "weights 2.05 GiB x 1.2 + KV cache 0.043 GiB "
        "(22 layers, 4 kv heads, head dim 64, 2048 tokens, BF16)"
    )
    assert found.gb == 2.5
