"""The demo's model families: architectures, configs, plausible metrics, fine-tune lines."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Family:
    """A base architecture and the fine-tunes grown from it."""

    base: str
    task_type: str
    domains: tuple[str, str]
    tasks: tuple[str, str]
    size_mb: float
    config: dict[str, Any]
    metrics: Callable[[float, random.Random, float], dict[str, float]]


def _r(value: float, digits: int = 4) -> float:
    return round(value, digits)


def _common(q: float, rng: random.Random, base_loss: float, speed_ms: float) -> dict[str, float]:
    val_loss = base_loss * (1.0 - 0.42 * q) + rng.uniform(-0.01, 0.01)
    return {
        "val_loss": _r(val_loss),
        "train_loss": _r(val_loss * rng.uniform(0.86, 0.95)),
        "inference_time_ms": _r(speed_ms * rng.uniform(0.9, 1.1), 2),
    }


def lm_metrics(q: float, rng: random.Random, speed: float) -> dict[str, float]:
    """Language modeling: losses, perplexity, next-token accuracy, throughput."""
    metrics = _common(q, rng, 0.62, 14.0 * speed)
    metrics["perplexity"] = _r(math.exp(metrics["val_loss"]), 3)
    metrics["accuracy"] = _r(0.78 + 0.16 * q + rng.uniform(-0.005, 0.005))
    metrics["tokens_per_second"] = float(round(8000 / speed * rng.uniform(0.92, 1.08)))
    return metrics


def classification_metrics(q: float, rng: random.Random, speed: float) -> dict[str, float]:
    """Text classification: losses, accuracy, F1, precision, recall."""
    metrics = _common(q, rng, 0.55, 6.5 * speed)
    accuracy = 0.84 + 0.12 * q + rng.uniform(-0.006, 0.006)
    metrics["accuracy"] = _r(accuracy)
    metrics["f1_score"] = _r(accuracy - rng.uniform(0.005, 0.02))
    metrics["precision"] = _r(accuracy + rng.uniform(-0.01, 0.01))
    metrics["recall"] = _r(accuracy - rng.uniform(0.0, 0.025))
    return metrics


def vision_metrics(q: float, rng: random.Random, speed: float) -> dict[str, float]:
    """Image classification: losses, top-1/top-5 accuracy, F1."""
    metrics = _common(q, rng, 1.1, 9.0 * speed)
    accuracy = 0.74 + 0.18 * q + rng.uniform(-0.006, 0.006)
    metrics["accuracy"] = _r(accuracy)
    metrics["top5_accuracy"] = _r(min(0.995, accuracy + 0.15 + rng.uniform(0, 0.02)))
    metrics["f1_score"] = _r(accuracy - rng.uniform(0.004, 0.018))
    return metrics


def speech_metrics(q: float, rng: random.Random, speed: float) -> dict[str, float]:
    """Speech recognition: losses, word and character error rates."""
    metrics = _common(q, rng, 0.9, 38.0 * speed)
    wer = 0.19 - 0.11 * q + rng.uniform(-0.004, 0.004)
    metrics["word_error_rate"] = _r(wer)
    metrics["char_error_rate"] = _r(wer * rng.uniform(0.38, 0.46))
    return metrics


def summarization_metrics(q: float, rng: random.Random, speed: float) -> dict[str, float]:
    """Summarisation: losses, ROUGE and BLEU."""
    metrics = _common(q, rng, 1.35, 52.0 * speed)
    metrics["rouge_1"] = _r(0.36 + 0.09 * q + rng.uniform(-0.004, 0.004))
    metrics["rouge_l"] = _r(metrics["rouge_1"] - rng.uniform(0.06, 0.08))
    metrics["bleu"] = _r(0.18 + 0.09 * q + rng.uniform(-0.004, 0.004))
    return metrics


FAMILIES: tuple[Family, ...] = (
    Family(
        "gpt-small", "language_modeling", ("medical", "legal"), ("qa", "contracts"), 487.2,
        {"vocab_size": 50257, "d_model": 768, "num_layers": 12, "num_heads": 12,
         "max_seq_len": 1024, "dropout": 0.1, "optimizer": {"name": "adamw", "lr": 6e-4}},
        lm_metrics,
    ),
    Family(
        "bert-base", "classification", ("reviews", "support"), ("sentiment", "routing"), 418.0,
        {"vocab_size": 30522, "d_model": 768, "num_layers": 12, "num_heads": 12,
         "max_seq_len": 512, "dropout": 0.1, "optimizer": {"name": "adamw", "lr": 2e-5}},
        classification_metrics,
    ),
    Family(
        "resnet50", "vision_classification", ("food101", "satellite"), ("int8", "landuse"),
        97.8,
        {"depth": 50, "width": 64, "image_size": 224, "num_classes": 1000,
         "dropout": 0.0, "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9}},
        vision_metrics,
    ),
    Family(
        "vit-base", "vision_classification", ("xray", "retail"), ("pneumonia", "shelf"), 330.3,
        {"patch_size": 16, "d_model": 768, "num_layers": 12, "num_heads": 12,
         "image_size": 224, "dropout": 0.1, "optimizer": {"name": "adamw", "lr": 3e-4}},
        vision_metrics,
    ),
    Family(
        "whisper-tiny", "speech_recognition", ("en", "callcenter"), ("medical", "es"), 151.1,
        {"n_mels": 80, "d_model": 384, "encoder_layers": 4, "decoder_layers": 4,
         "num_heads": 6, "sample_rate": 16000, "optimizer": {"name": "adamw", "lr": 1e-4}},
        speech_metrics,
    ),
    Family(
        "t5-small", "summarization", ("news", "papers"), ("headlines", "abstracts"), 242.0,
        {"vocab_size": 32128, "d_model": 512, "num_layers": 6, "num_heads": 8,
         "max_seq_len": 512, "dropout": 0.1, "optimizer": {"name": "adafactor", "lr": 1e-3}},
        summarization_metrics,
    ),
)  # fmt: skip


# Each line of a family: (suffix, versions, parent (suffix, version) or None, quality range)
Line = tuple[str, tuple[str, ...], tuple[str, str] | None, tuple[float, float]]


def family_lines(family: Family) -> list[Line]:
    """The family's model lines, parents before children: chains three deep."""
    (d1, d2), (t1, t2) = family.domains, family.tasks
    return [
        ("", ("1.0.0", "1.0.1", "1.1.0", "1.2.0", "2.0.0"), None, (0.05, 0.55)),
        (f"-{d1}", ("1.0.0", "1.1.0", "1.2.0"), ("", "1.1.0"), (0.45, 0.75)),
        (f"-{d1}-{t1}", ("1.0.0", "1.0.1", "1.1.0"), (f"-{d1}", "1.1.0"), (0.65, 0.95)),
        (f"-{d2}", ("1.0.0", "1.1.0"), ("", "2.0.0"), (0.55, 0.8)),
        (f"-{d2}-{t2}", ("1.0.0",), (f"-{d2}", "1.1.0"), (0.75, 0.9)),
    ]


def plan_size() -> int:
    """How many models :func:`~registry_tui.demo.build_demo` registers."""
    return sum(len(line[1]) for family in FAMILIES for line in family_lines(family))
