"""How much memory a checkpoint needs, estimated from what inspecting it found.

Pure functions over a :class:`~registry_tui.checkpoints.record.CheckpointInfo`: no
I/O, no framework. Every figure is in GiB (2**30 bytes) and says how it was made
(:attr:`MemoryEstimate.rule`) and where its rule comes from
(:attr:`MemoryEstimate.reference`)::

    >>> estimate(info).gb, estimate(info).rule
    (20.2, 'weights 16.0 GiB x 1.2 + KV cache 1.0 GiB (32 layers, 8 kv heads, ...)')

Modes and their constants:

``inference`` (serving one sequence, batch size 1)
    *Weights as stored*: the checkpoint's weights bytes (a quantised GGUF's stored
    block bytes, never its parameters at 16 bits), times :data:`INFERENCE_OVERHEAD`
    (1.2: activations, buffers and the framework's own use; inference needs about
    1.2 x the model's weights, after EleutherAI's *Transformer Math 101*,
    https://blog.eleuther.ai/transformer-math/).
    *Plus the KV cache* at the recorded context length when the architecture is
    known: ``2 (keys and values) x layers x kv heads x head dim x tokens x bytes``
    (the cache size of Pope et al., *Efficiently Scaling Transformer Inference*,
    2022, https://arxiv.org/abs/2211.05102). Layers, heads, kv heads (heads when
    absent: multi-head attention), hidden size and context length come from
    ``config.json`` (``num_hidden_layers``, ``num_attention_heads``,
    ``num_key_value_heads``, ``hidden_size``, ``max_position_embeddings``) or GGUF
    (``block_count``, ``head_count``, ``head_count_kv``, ``embedding_length``,
    ``context_length``); head dim is ``config.json``'s ``head_dim`` or GGUF's
    ``attention.key_length`` when recorded, else hidden size / heads. The cache holds
    the weights' dominant float dtype (BF16, F16, F32 or F64, the one most parameters
    have), F16 when no weight has one of those, and F16 for GGUF (llama.cpp's default
    ``--cache-type-k``/``--cache-type-v``). The full context of every layer is counted,
    so for sliding-window models it is an upper bound.

``train-adamw`` (full fine-tuning in mixed precision with Adam or AdamW)
    :data:`ADAM_BYTES_PER_PARAMETER` (16) bytes per parameter: 16-bit weights (2) and
    gradients (2), FP32 master weights (4) and the two FP32 Adam moments (4 + 4), as
    in Rajbhandari et al., *ZeRO: Memory Optimizations Toward Training Trillion
    Parameter Models*, section 3.1, https://arxiv.org/abs/1910.02054. Activations
    (which depend on batch size, sequence length and checkpointing) are not counted,
    and the rule says so.

An architecture value that is not a sane positive integer (text, a negative, zero
heads, a context over :data:`LIMITS`) is ignored and the rule names it; without
the facts a KV cache needs, the estimate is the weights and overhead only. Figures
are rounded to two decimals from 1 GiB up and to three significant digits below, and
the rule writes the same numbers as ``parts``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from registry_tui.checkpoints.record import CheckpointInfo
from registry_tui.errors import ValidationError

MODES = ("inference", "train-adamw")
"""The estimates :func:`estimate` makes."""

GIB = 2**30
INFERENCE_OVERHEAD = 1.2
"""Inference memory per byte of weights (EleutherAI, Transformer Math 101)."""
ADAM_BYTES_PER_PARAMETER = 16
"""Mixed-precision Adam training bytes per parameter (ZeRO, section 3.1)."""
ADAM_PARTS = (("weights", 2), ("gradients", 2), ("master_weights", 4), ("adam_moments", 8))
"""How those 16 bytes divide: 16-bit weights and gradients, FP32 master weights, two
FP32 Adam moments."""

INFERENCE_REFERENCE = (
    "EleutherAI, Transformer Math 101 (https://blog.eleuther.ai/transformer-math/)"
)
KV_REFERENCE = (
    "Pope et al., Efficiently Scaling Transformer Inference (https://arxiv.org/abs/2211.05102)"
)
TRAINING_REFERENCE = (
    "Rajbhandari et al., ZeRO: Memory Optimizations Toward Training Trillion Parameter "
    "Models, section 3.1 (https://arxiv.org/abs/1910.02054)"
)

FLOAT_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2}
"""The float dtypes a KV cache is held in, with their bytes per value."""
DTYPE_NAMES = {
    "float64": "F64", "double": "F64", "f64": "F64",
    "float32": "F32", "float": "F32", "f32": "F32",
    "float16": "F16", "half": "F16", "f16": "F16",
    "bfloat16": "BF16", "bf16": "BF16",
}  # fmt: skip
"""Each reader's spelling of a float dtype (safetensors ``F32``, PyTorch ``float32``,
ONNX ``FLOAT``, GGUF ``F32``) -> the name used here."""
DEFAULT_KV_DTYPE = "F16"
MAX_PARAMETERS = 10**15
"""A parameter count past this (a quadrillion) is not taken as real: no estimate."""

LIMITS = {
    "layers": 10_000,
    "heads": 10_000,
    "kv heads": 10_000,
    "hidden size": 1 << 20,
    "head dim": 1 << 16,
    "context length": 1 << 24,
}
"""The largest value of each architecture fact taken as sane (a context of 16M tokens)."""
FACT_KEYS = {
    "layers": ("layers", "block_count"),
    "heads": ("heads", "head_count"),
    "kv heads": ("kv_heads", "head_count_kv"),
    "hidden size": ("hidden_size", "embedding_length"),
    "head dim": ("head_dim", "key_length"),
    "context length": ("max_positions", "context_length"),
}
"""Each fact the KV cache needs -> its keys in ``CheckpointInfo.architecture``
(``config.json``'s, then GGUF's)."""


@dataclass(frozen=True)
class MemoryEstimate:
    """An estimated memory requirement: the figure, how it was made, and its source.

    ``gb`` is in GiB; ``parts`` gives the GiB of each component (``weights``,
    ``overhead``, ``kv_cache``; or the training state's parts), which sum to it.
    """

    gb: float
    mode: str
    rule: str
    dtype: str
    reference: str
    parts: Mapping[str, float] = field(default_factory=dict)

    def to_metadata(self) -> dict[str, Any]:
        """What registration stores under ``metadata["memory_estimate"]`` (JSON-ready)."""
        return {
            "mode": self.mode,
            "rule": self.rule,
            "dtype": self.dtype,
            "source": "estimated",
            "reference": self.reference,
            "parts": dict(self.parts),
        }


def check_mode(mode: str) -> str:
    """``mode`` when it is one of :data:`MODES`; else a ValidationError naming them."""
    if mode not in MODES:
        raise ValidationError(
            f"Unknown memory mode {str(mode)!r:.60}: choose one of {', '.join(MODES)}"
        )
    return mode


def estimate(info: CheckpointInfo, mode: str = "inference") -> MemoryEstimate | None:
    """The memory ``info``'s checkpoint needs in ``mode`` (one of :data:`MODES`).

    None when the checkpoint gave no parameter count (nothing to estimate from), or
    one past :data:`MAX_PARAMETERS`.

    Raises:
        ValidationError: ``mode`` is not one of :data:`MODES`.
    """
    check_mode(mode)
    if not _sane(info.parameters, MAX_PARAMETERS):
        return None
    if mode == "train-adamw":
        return _training(info)
    return _inference(info)


def _inference(info: CheckpointInfo) -> MemoryEstimate:
    weights = _weights_bytes(info) / GIB
    overhead = weights * (INFERENCE_OVERHEAD - 1)
    kv_dtype = "F16" if "gguf" in info.format else _float_dtype(info)
    kv = _kv_cache(info.architecture, kv_dtype)
    rule = f"weights {_shown(weights)} GiB x {INFERENCE_OVERHEAD}"
    parts = {"weights": weights, "overhead": overhead}
    reference = INFERENCE_REFERENCE
    if isinstance(kv, str):
        rule += f" (no KV cache: {kv})"
    else:
        gib, described = kv
        parts["kv_cache"] = gib
        rule += f" + KV cache {_shown(gib)} GiB ({described})"
        reference += "; " + KV_REFERENCE
    return _made(parts, "inference", rule, _dominant(info), reference)


def _training(info: CheckpointInfo) -> MemoryEstimate:
    parameters = info.parameters
    parts = {name: parameters * size / GIB for name, size in ADAM_PARTS}
    total = sum(parts.values())
    rule = (
        f"{ADAM_BYTES_PER_PARAMETER} bytes x {_count(parameters)} parameters = "
        f"{_shown(total)} GiB (16-bit weights + gradients, FP32 master weights + "
        "2 Adam moments; activations not counted)"
    )
    return _made(parts, "train-adamw", rule, "FP16/BF16 + FP32", TRAINING_REFERENCE)


def _made(
    parts: dict[str, float], mode: str, rule: str, dtype: str, reference: str
) -> MemoryEstimate:
    total = sum(parts.values())
    rounded = {name: _rounded(gib) for name, gib in parts.items()}
    return MemoryEstimate(_rounded(total), mode, rule, dtype, reference, rounded)


def _weights_bytes(info: CheckpointInfo) -> int:
    """The stored weights' bytes; from the parameters (2 bytes each where the dtype's
    width is unknown) when the reader could not size them."""
    if _sane(info.weights_bytes, 16 * MAX_PARAMETERS):
        return info.weights_bytes
    widths = {**FLOAT_BYTES, "F8": 1, "I8": 1, "U8": 1}
    return (
        sum(
            count * widths.get(_canonical(dtype), 2)
            for dtype, count in info.parameters_by_dtype.items()
            if _sane(count, math.inf)
        )
        or 2 * info.parameters
    )


def _canonical(dtype: str) -> str:
    name = str(dtype).lower()
    if name.startswith(("f8", "float8")):
        return "F8"
    return DTYPE_NAMES.get(name, str(dtype).upper())


def _dominant(info: CheckpointInfo) -> str:
    """The dtype most parameters have, as the reader spelled it."""
    counts = [(count, str(dtype)) for dtype, count in info.parameters_by_dtype.items()]
    sane = [(count, dtype) for count, dtype in counts if _sane(count, math.inf)]
    return max(sane, key=lambda item: item[0])[1] if sane else "unknown"


def _float_dtype(info: CheckpointInfo) -> str:
    """The KV cache's dtype: the float dtype most of the weights have, else F16."""
    floats: dict[str, int] = {}
    for dtype, count in info.parameters_by_dtype.items():
        name = _canonical(dtype)
        if name in FLOAT_BYTES and _sane(count, math.inf):
            floats[name] = floats.get(name, 0) + count
    if not floats:
        return DEFAULT_KV_DTYPE
    return max(floats.items(), key=lambda item: item[1])[0]


def _kv_cache(architecture: Mapping[str, Any], dtype: str) -> tuple[float, str] | str:
    """(GiB, description) of the KV cache, or why there is none."""
    facts, ignored = _facts(architecture)
    problems = [f"ignored as not sane positive integers: {', '.join(ignored)}"] if ignored else []
    if "kv heads" not in facts and "heads" in facts:
        facts["kv heads"] = facts["heads"]
    if facts.get("kv heads", 0) > facts.get("heads", math.inf):
        problems.append(f"kv heads {facts.pop('kv heads')} ignored (more than the heads)")
        if "heads" in facts:
            facts["kv heads"] = facts["heads"]
    if "head dim" not in facts and "hidden size" in facts and "heads" in facts:
        if facts["hidden size"] % facts["heads"] == 0:
            facts["head dim"] = facts["hidden size"] // facts["heads"]
        else:
            problems.append("hidden size not divisible by the heads")
    needed = ("layers", "kv heads", "head dim", "context length")
    if any(name not in facts for name in needed):
        missing = [name for name in needed if name not in facts and not _named(name, ignored)]
        if not problems and len(missing) == len(needed):
            return "architecture not recorded"
        if missing:
            problems.append(f"{', '.join(missing)} not known")
        return "; ".join(problems)
    layers, kv_heads, head_dim, tokens = (facts[name] for name in needed)
    gib = 2 * layers * kv_heads * head_dim * tokens * FLOAT_BYTES[dtype] / GIB
    described = (
        f"{layers} layers, {kv_heads} kv heads, head dim {head_dim}, {tokens} tokens, {dtype}"
    )
    return gib, "; ".join([described, *problems])


def _facts(architecture: Mapping[str, Any]) -> tuple[dict[str, int], list[str]]:
    """The sane architecture facts, and each value ignored (its name and value)."""
    facts: dict[str, int] = {}
    problems: list[str] = []
    for name, keys in FACT_KEYS.items():
        present = [key for key in keys if key in architecture]
        if not present:
            continue
        value = architecture[present[0]]
        if value is None:
            continue
        if _sane(value, LIMITS[name]):
            facts[name] = value
        else:
            problems.append(f"{name} {_literal(value)}")
    return facts, problems


def _named(name: str, ignored: list[str]) -> bool:
    return any(item.startswith(name + " ") for item in ignored)


def _sane(value: Any, limit: float) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= limit


def _literal(value: Any) -> str:
    """A file's value as the rule quotes it: its repr, cut to 24 characters."""
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def _rounded(gib: float) -> float:
    """Two decimals from 1 GiB up, three significant digits below."""
    if not math.isfinite(gib) or gib <= 0:
        return 0.0
    return round(gib, 2) if gib >= 1 else float(f"{gib:.3g}")


def _shown(gib: float) -> str:
    """A figure as the rule writes it: as rounded in ``parts`` (16.0, 2.05, 0.043)."""
    if gib < 1:
        return f"{_rounded(gib):.3g}"
    text = f"{_rounded(gib):.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _count(parameters: int) -> str:
    for size, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if parameters >= size:
            return f"{parameters / size:.1f} {unit}"
    return str(parameters)
