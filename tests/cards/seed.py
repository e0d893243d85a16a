"""A small seeded registry for card tests: a Hub base model, a fine-tune with every fact a
card shows, a quantized child, and a promotion history."""

from __future__ import annotations

from typing import Any

from registry_tui import ModelRegistry
from registry_tui.db import check_rows

HUB_REPO = "openai-community/gpt2"
SHA = "9f" * 32
CHECKPOINT_FACTS: dict[str, Any] = {
    "format": "safetensors",
    "file_bytes": 14_483_464,
    "weights_bytes": 14_483_456,
    "parameters": 3_621_864,
    "parameters_by_dtype": {"F32": 3_621_864},
    "tensor_count": 12,
    "architecture": {"layers": 2, "hidden_size": 256},
}
MEMORY_ESTIMATE = {
    "mode": "inference",
    "rule": "weights x 1.2",
    "dtype": "float16",
    "source": "checkpoint header",
    "reference": "registry-tui inspect",
}
AUTHORED = {
    "intended_use": "Answering questions about medical literature.\n\nNot for diagnosis.",
    "limitations": "English only.\nHallucinates drug names under long prompts.",
    "training_data": "PubMed abstracts up to 2023, deduplicated.",
}


def seed(registry: ModelRegistry) -> dict[str, int]:
    """Register the three models and their history; return their ids by role."""
    base = registry.register_model(
        "gpt-small", "1.0.0", "checkpoints/gpt-small/1.0.0/model.safetensors",
        "language_modeling", metrics={"val_loss": 0.5, "accuracy": 0.8, "perplexity": 21.5},
        metadata={"huggingface": {"repo_id": HUB_REPO, "revision": "607a30d"}, "license": "mit"},
        config={"d_model": 256, "layers": 2, "optimizer": {"name": "adamw", "lr": 3e-4}},
        model_size_mb=13.8, tags=["production"], verify_checkpoint=False,
    )  # fmt: skip
    tuned = registry.register_model(
        "gpt-small-medical",
        "1.1.0",
        "checkpoints/gpt-small-medical/1.1.0/model.safetensors",
        "language_modeling",
        metrics={"val_loss": 0.42, "accuracy": 0.85, "perplexity": 23.0},
        metadata={
            "license": "apache-2.0",
            "library_name": "transformers",
            "eval_dataset": {"type": "pubmed_qa", "name": "PubMedQA", "split": "test"},
            "metric_datasets": {"perplexity": "wikitext"},
            "card": AUTHORED,
            "checkpoint": CHECKPOINT_FACTS,
            "memory_estimate": MEMORY_ESTIMATE,
            "dataset": "pubmed",
            "hardware": "1x A100",
        },
        config={"d_model": 256, "layers": 2, "optimizer": {"name": "adamw", "lr": 1e-4}},
        parent_model_id=base,
        model_size_mb=13.8,
        memory_req_gb=0.5,
        tags=["staging"],
        training_run_id=42,
        verify_checkpoint=False,
    )
    registry.add_export_format(
        tuned, "onnx", "exports/gpt-small-medical/1.1.0/model.onnx",
        {"size_bytes": 14_600_000, "opset_version": 17},
    )  # fmt: skip
    registry.add_export_format(tuned, "gguf", "exports/gpt-small-medical/1.1.0/model.gguf")
    registry.promote_model(tuned, "production")
    quantized = registry.register_model(
        "gpt-small-medical-int8", "1.1.0", "checkpoints/int8/model.gguf", "language_modeling",
        metrics={"val_loss": 0.44}, parent_model_id=tuned,
        config={"quantization": {"dtype": "int8"}}, verify_checkpoint=False,
    )  # fmt: skip
    check_rows.record_hashes(registry._storage, [(tuned, SHA, 14_483_464)], "2026-01-02 09:00:00")
    return {"base": base, "tuned": tuned, "quantized": quantized}
