"""Which direction of a metric is better, by name and by what the caller forces."""

from __future__ import annotations

import pytest

from registry_tui.metrics import lower_is_better

LOWER = [
    "val_loss", "train_loss", "error_rate", "perplexity", "latency_p50", "latency_ms",
    "wer", "cer", "test_wer", "mse", "val_mae", "rmse", "mape", "training_time_hours",
    "inference_time", "step_s", "epoch_seconds", "eval_duration_sec", "fid", "nll",
]  # fmt: skip
HIGHER = [
    "accuracy", "val_accuracy", "f1", "bleu", "rouge_l", "auc", "precision", "recall",
    "tokens_per_sec", "samples_per_second", "throughput", "power", "answer", "mAP",
]  # fmt: skip


@pytest.mark.parametrize("name", LOWER)
def test_error_rates_distances_and_durations_are_lower_is_better(name: str) -> None:
    """wer/cer/mse/mae/rmse, durations (the guide's training_time_hours) and *_s /
    *_seconds are lower-is-better by default, not marked best when worst."""
    assert lower_is_better(name)


@pytest.mark.parametrize("name", HIGHER)
def test_scores_and_rates_are_higher_is_better(name: str) -> None:
    """Scores and throughput rates stay higher-is-better (a word containing 'wer' or
    'per' does not count)."""
    assert not lower_is_better(name)


def test_forced_directions_win_over_the_name() -> None:
    """``lower``/``higher`` override the guess from the name, both ways."""
    assert lower_is_better("accuracy", lower=["accuracy"])
    assert not lower_is_better("val_loss", higher=["val_loss"])
