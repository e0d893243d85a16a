"""Inspecting 10 GB checkpoints reads a few of their bytes: time and bytes beside targets.

    python bench/bench_inspect.py            # files built once under /tmp, then reused
    python bench/bench_inspect.py --rebuild

Builds (once, cached under /tmp/registry-tui-bench-inspect) a 10 GB safetensors file
and a 10 GB GGUF file laid out like a 5B-parameter decoder (20 layers, a 128k-token
vocabulary in the GGUF metadata). They are sparse: the headers are written and the
files truncated to size, so no 10 GB is written. Each is inspected through the
readers' byte-source interface, counting every byte asked for. Figures: the median
time of an inspection, and the bytes read, each beside its target; exit 1 on a miss.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Figure, median, report

from registry_tui.checkpoints import FileSource, inspect_checkpoint

CACHE = Path("/tmp/registry-tui-bench-inspect")
TARGET_MS = 50.0
"""Well under 100 ms."""
TARGET_BYTES = 4_000_000
"""A few MB at most."""
RUNS = 15
HIDDEN, FFN, VOCAB, LAYERS = 4096, 11008, 128_256, 20


def layout() -> Iterator[tuple[str, tuple[int, ...]]]:
    """(name, shape) of every tensor of the decoder."""
    yield "model.embed_tokens.weight", (VOCAB, HIDDEN)
    for layer in range(LAYERS):
        prefix = f"model.layers.{layer}."
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            yield f"{prefix}self_attn.{name}.weight", (HIDDEN, HIDDEN)
        for name in ("gate_proj", "up_proj"):
            yield f"{prefix}mlp.{name}.weight", (FFN, HIDDEN)
        yield f"{prefix}mlp.down_proj.weight", (HIDDEN, FFN)
        yield f"{prefix}input_layernorm.weight", (HIDDEN,)
        yield f"{prefix}post_attention_layernorm.weight", (HIDDEN,)
    yield "model.norm.weight", (HIDDEN,)
    yield "lm_head.weight", (VOCAB, HIDDEN)


def _elements(shape: tuple[int, ...]) -> int:
    count = 1
    for size in shape:
        count *= size
    return count


def build_safetensors(path: Path) -> None:
    """A BF16 safetensors file: the header, then a sparse hole to the full size."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, shape in layout():
        size = _elements(shape) * 2
        header[name] = {
            "dtype": "BF16",
            "shape": list(shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    raw = json.dumps(header).encode()
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)
        handle.truncate(8 + len(raw) + offset)


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def build_gguf(path: Path) -> None:
    """An F16 GGUF file (version 3) with llama metadata and a 128k-token vocabulary."""
    kv = [
        _string("general.architecture") + struct.pack("<I", 8) + _string("llama"),
        _string("llama.context_length") + struct.pack("<II", 4, 8192),
        _string("llama.block_count") + struct.pack("<II", 4, LAYERS),
        _string("llama.embedding_length") + struct.pack("<II", 4, HIDDEN),
        _string("llama.attention.head_count") + struct.pack("<II", 4, 32),
        _string("tokenizer.ggml.tokens")
        + struct.pack("<IIQ", 9, 8, VOCAB)
        + b"".join(_string(f"tok{i}") for i in range(VOCAB)),
        _string("tokenizer.ggml.scores") + struct.pack("<IIQ", 9, 6, VOCAB) + b"\0" * (4 * VOCAB),
    ]
    tensors = list(layout())
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kv)) + b"".join(kv)
    offset = 0
    for name, shape in tensors:
        dims = tuple(reversed(shape))
        head += _string(name) + struct.pack("<I", len(dims))
        head += b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", 1, offset)
        offset += -(-_elements(shape) * 2 // 32) * 32
    start = -(-len(head) // 32) * 32
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(start + offset)


def measure(path: Path) -> tuple[float, int, int]:
    """(median ms, bytes read, parameters) of inspecting ``path``."""
    sources: list[FileSource] = []

    def opener(name: str) -> FileSource:
        sources.append(FileSource(name))
        return sources[-1]

    samples = []
    info = inspect_checkpoint(path, opener=opener)
    for _ in range(RUNS):
        sources.clear()
        start = time.perf_counter()
        info = inspect_checkpoint(path, opener=opener)
        samples.append((time.perf_counter() - start) * 1000)
    return median(samples), sum(s.bytes_read for s in sources), info.parameters


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="write the files again")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    figures: list[Figure] = []
    for name, build in (("model.safetensors", build_safetensors), ("model.gguf", build_gguf)):
        path = CACHE / name
        if args.rebuild or not path.exists():
            build(path)
        size_gb = path.stat().st_size / 1e9
        ms, read, params = measure(path)
        label = f"inspect {name} ({size_gb:.1f} GB, {params / 1e9:.2f} B params)"
        figures.append(Figure(f"{label}: median time", ms, TARGET_MS, "ms"))
        figures.append(Figure(f"{label}: bytes read", read / 1e6, TARGET_BYTES / 1e6, "MB"))
    return report("Checkpoint inspection (header reads only)", figures)


if __name__ == "__main__":
    sys.exit(main())
