"""The Hugging Face Trainer callback, driven by a faithful fake Trainer (always) and by
transformers' own objects (when it is installed), on SQLite and PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.integrations import hf
from registry_tui.integrations.hf import RegistryCallback, latest_eval_metrics
from registry_tui.training.tracker import ROTATED
from tests.checkpoints.builders import write_safetensors
from tests.training.fakes import Trainer, TrainingArguments, cuda_torch

LOSSES = [0.9, 0.5, 0.7, 0.6]


@pytest.fixture(autouse=True)
def _single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RANK", "LOCAL_RANK", "SLURM_PROCID", "OMPI_COMM_WORLD_RANK", "PMI_RANK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delitem(sys.modules, "torch", raising=False)


def _train(registry: ModelRegistry, tmp_path: Path, **args: object) -> RegistryCallback:
    callback = RegistryCallback(registry, "gpt-ft", "language_modeling", training_run_id=3)
    output = TrainingArguments(output_dir=str(tmp_path / "out"), **args)  # type: ignore[arg-type]
    Trainer(output, [callback], LOSSES).train()
    return callback


def test_each_save_registers_the_checkpoint_with_its_eval_metrics(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """Every on_save registers the folder checkpoint-<step> as 1.<step>.0 with the last
    evaluation's metrics (no timings), the run id, the previous save as parent, and
    (no accelerator measured) the registration's memory estimate."""
    callback = _train(registry, tmp_path)
    assert callback.tracker is not None and callback.tracker.state == "finished"
    models = [registry.get_model(model_id=i) for i in callback.tracker.model_ids]
    assert [m["version"] for m in models] == ["1.10.0", "1.20.0", "1.30.0", "1.40.0"]  # type: ignore[index]
    first = models[0]
    assert first["checkpoint_path"] == str(tmp_path / "out" / "checkpoint-10")  # type: ignore[index]
    assert first["metadata"]["checkpoint"]["format"] == "directory (safetensors)"  # type: ignore[index]
    assert first["metrics"] == {"eval_loss": 0.9, "eval_accuracy": pytest.approx(0.1)}  # type: ignore[index]
    assert first["metadata"]["hf"] == {  # type: ignore[index]
        "checkpoint_dir": str(tmp_path / "out" / "checkpoint-10"),
        "global_step": 10,
        "epoch": 1.0,
    }
    assert [m["parent_model_id"] for m in models[1:]] == callback.tracker.model_ids[:3]  # type: ignore[index]
    assert {m["training_run_id"] for m in models} == {3}  # type: ignore[index]
    assert first["metadata"]["memory_estimate"]["source"] == "estimated"  # type: ignore[index]


def test_save_total_limit_rotation_retires_the_deleted_checkpoints(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """With save_total_limit=2 the folders the Trainer deleted before on_save are retired,
    each with the reason, and the best by eval_loss holds the run's best tag."""
    callback = _train(registry, tmp_path, save_total_limit=2)
    assert callback.tracker is not None
    ids = callback.tracker.model_ids
    statuses = [registry.get_model(model_id=i)["status"] for i in ids]  # type: ignore[index]
    assert statuses == ["retired", "retired", "active", "active"]
    assert registry.events(model_id=ids[0], limit=1)[0].details == {"reason": ROTATED}
    assert [r.model_id for r in registry.records.tag_holders("best-run-3")] == [ids[1]]


def test_metric_for_best_model_and_greater_is_better_choose_the_best(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    """metric_for_best_model='accuracy' with greater_is_better monitors eval_accuracy, max."""
    callback = _train(registry, tmp_path, metric_for_best_model="accuracy", greater_is_better=True)
    assert callback.tracker is not None
    assert callback.tracker.options.monitor == "eval_accuracy"
    assert callback.tracker.options.mode == "max"
    best = registry.records.tag_holders("best-run-3")
    assert [r.version for r in best] == ["1.20.0"]


def test_only_the_world_main_process_registers(registry: ModelRegistry, tmp_path: Path) -> None:
    """A callback on a process whose state is not world process zero registers nothing."""
    callback = RegistryCallback(registry, "gpt-ft")
    output = TrainingArguments(output_dir=str(tmp_path / "out"))
    Trainer(output, [callback], LOSSES, world_zero=False).train()
    assert callback.tracker is None and registry.count_models() == 0


def test_peak_cuda_memory_is_recorded_as_measured(
    registry: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With torch reporting peak CUDA memory, each checkpoint's memory_req_gb is it, marked
    measured for training in metadata['memory_estimate']."""
    monkeypatch.setitem(sys.modules, "torch", cuda_torch(3 * 1024**3))
    callback = _train(registry, tmp_path)
    assert callback.tracker is not None
    model = registry.get_model(model_id=callback.tracker.model_ids[0])
    assert model["memory_req_gb"] == 3.0  # type: ignore[index]
    assert model["metadata"]["memory_estimate"] == {  # type: ignore[index]
        "mode": "train",
        "source": "measured",
        "peak_bytes": 3 * 1024**3,
        "measured_by": "torch.cuda.max_memory_allocated",
    }


def test_a_url_is_opened_at_the_first_save_and_closed_at_the_end(tmp_path: Path) -> None:
    """Given a path, the callback opens the registry itself and closes it when training ends."""
    db = tmp_path / "models.db"
    callback = RegistryCallback(str(db), "gpt-ft")
    Trainer(TrainingArguments(output_dir=str(tmp_path / "out")), [callback], LOSSES[:2]).train()
    with ModelRegistry(db) as registry:
        assert registry.count_models() == 2
    assert not callback._owned


def test_every_trainer_event_is_a_hook(tmp_path: Path) -> None:
    """The callback answers each TrainerCallback event the Trainer calls, with or without
    transformers installed."""
    callback = RegistryCallback(str(tmp_path / "models.db"), "gpt")
    for event in hf.HOOKS:
        assert callable(getattr(callback, event)), event


def test_latest_eval_metrics_reads_the_last_evaluation() -> None:
    """The last entry with eval_ values wins; training logs and timings are left out."""
    history = [
        {"eval_loss": 0.9, "epoch": 1.0},
        {"eval_loss": 0.5, "eval_bleu": 30.5, "eval_runtime": 2.0, "step": 20},
        {"loss": 0.4, "learning_rate": 1e-4},
    ]
    assert latest_eval_metrics(history) == {"eval_loss": 0.5, "eval_bleu": 30.5}
    assert latest_eval_metrics([{"loss": 1.0}]) == {}


def test_with_transformers_itself(registry: ModelRegistry, tmp_path: Path) -> None:
    """With transformers installed, the callback is a TrainerCallback and on_save works on
    the real TrainingArguments, TrainerState and TrainerControl."""
    transformers = pytest.importorskip(
        "transformers", reason="transformers (and torch) are not installed: the hf-trainer extra"
    )
    callback = RegistryCallback(registry, "gpt-real")
    assert isinstance(callback, transformers.TrainerCallback)
    args = transformers.TrainingArguments(output_dir=str(tmp_path / "out"), report_to=[])
    state = transformers.TrainerState(global_step=10, epoch=1.0)
    state.log_history.append({"eval_loss": 0.5, "step": 10})
    folder = tmp_path / "out" / "checkpoint-10"
    folder.mkdir(parents=True)
    write_safetensors(folder / "model.safetensors", {"w": ("F32", (2, 2))})
    callback.on_save(args, state, transformers.TrainerControl())
    callback.on_train_end(args, state, transformers.TrainerControl())
    assert registry.get_model(name="gpt-real", version="1.10.0") is not None
