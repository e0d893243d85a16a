"""The Lightning logger, driven by a faithful fake ModelCheckpoint and Trainer (always)
and by Lightning itself (when installed), on SQLite and PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from registry_tui import ModelRegistry
from registry_tui.integrations.lightning import RegistryLogger, numbered
from registry_tui.training.tracker import ROTATED
from tests.checkpoints.builders import state_dict, write_torch_zip
from tests.training.fakes import LightningTrainer, ModelCheckpoint, OtherLogger, cuda_torch

LOSSES = [0.8, 0.5, 0.9, 0.6]
HPARAMS = {"lr": 1e-3, "layers": [64, 64], "optimizer": "adam"}


@pytest.fixture(autouse=True)
def _single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RANK", "LOCAL_RANK", "SLURM_PROCID", "OMPI_COMM_WORLD_RANK", "PMI_RANK"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def ckpt_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A Lightning .ckpt as torch.save writes it (a state_dict, epoch and global_step)."""
    tensors, storages = state_dict({"layer.weight": ("FloatStorage", 4, (8, 8))})
    path = tmp_path_factory.mktemp("ckpt") / "template.ckpt"
    write_torch_zip(path, {"state_dict": tensors, "epoch": 0, "global_step": 50}, storages)
    return path.read_bytes()


def _fit(
    registry: ModelRegistry, tmp_path: Path, ckpt_bytes: bytes, **checkpoint: object
) -> tuple[RegistryLogger, OtherLogger, ModelCheckpoint]:
    logger, other = (
        RegistryLogger(registry, "resnet", "classification", training_run_id=9),
        OtherLogger(),
    )
    callback = ModelCheckpoint(str(tmp_path / "ckpts"), ckpt_bytes, **checkpoint)  # type: ignore[arg-type]
    LightningTrainer([other, logger], callback).fit(LOSSES, HPARAMS)
    return logger, other, callback


def test_each_saved_checkpoint_is_registered_beside_another_logger(
    registry: ModelRegistry, tmp_path: Path, ckpt_bytes: bytes
) -> None:
    """Each file ModelCheckpoint writes is registered as 1.<step>.0 with the logged metrics
    and its score, the hyperparameters as config; the other logger is told everything too."""
    logger, other, _ = _fit(registry, tmp_path, ckpt_bytes, save_top_k=10)
    assert logger.tracker is not None and logger.tracker.state == "finished"
    models = [registry.get_model(model_id=i) for i in logger.tracker.model_ids]
    assert [m["version"] for m in models] == ["1.50.0", "1.100.0", "1.150.0", "1.200.0"]  # type: ignore[index]
    first = models[0]
    assert first["checkpoint_path"] == str(tmp_path / "ckpts" / "epoch=0-step=50.ckpt")  # type: ignore[index]
    assert first["metrics"] == {"val_loss": 0.8, "val_acc": pytest.approx(0.2), "epoch": 0.0}  # type: ignore[index]
    assert first["metadata"]["lightning"] == {"epoch": 0, "global_step": 50}  # type: ignore[index]
    assert registry.get_config(first["model_id"]) == HPARAMS  # type: ignore[index]
    assert other.calls.count("after_save_checkpoint") == 4 and other.calls[-1] == "finalize:success"


def test_best_model_score_drives_the_best_tag_and_top_k_rotation_retires(
    registry: ModelRegistry, tmp_path: Path, ckpt_bytes: bytes
) -> None:
    """With save_top_k=2 the files ModelCheckpoint removed are retired with the reason, and
    the best tag is on ModelCheckpoint's best_model_path."""
    logger, _, callback = _fit(registry, tmp_path, ckpt_bytes, save_top_k=2)
    assert logger.tracker is not None
    ids = logger.tracker.model_ids
    records = registry.records.by_ids(ids)
    active = {r.checkpoint_path for r in records.values() if r.status == "active"}
    assert active == set(callback.best_k_models)
    retired = [i for i in ids if records[i].status == "retired"]
    assert len(retired) == 2
    assert registry.events(model_id=retired[0], limit=1)[0].details == {"reason": ROTATED}
    best = registry.records.tag_holders("best-run-9")
    assert [r.checkpoint_path for r in best] == [callback.best_model_path]


def test_mode_max_follows_the_checkpoint_callback(
    registry: ModelRegistry, tmp_path: Path, ckpt_bytes: bytes
) -> None:
    """ModelCheckpoint(monitor='val_acc', mode='max') makes the tracker monitor val_acc, max."""
    logger, _, callback = _fit(
        registry, tmp_path, ckpt_bytes, monitor="val_acc", mode="max", save_top_k=10
    )
    assert logger.tracker is not None
    assert (logger.tracker.options.monitor, logger.tracker.options.mode) == ("val_acc", "max")
    best = registry.records.tag_holders("best-run-9")
    assert [r.checkpoint_path for r in best] == [callback.best_model_path]
    assert best[0].version == "1.100.0"


def test_last_ckpt_is_not_registered_twice(
    registry: ModelRegistry, tmp_path: Path, ckpt_bytes: bytes
) -> None:
    """save_last writes last.ckpt right after the epoch's file: the same checkpoint, kept once."""
    logger, _, _ = _fit(registry, tmp_path, ckpt_bytes, save_top_k=10, save_last=True)
    assert logger.tracker is not None and len(logger.tracker.model_ids) == 4


def test_a_failed_fit_marks_the_run_failed(
    registry: ModelRegistry, tmp_path: Path, ckpt_bytes: bytes
) -> None:
    """finalize('failed') marks the tracker failed; what was registered stays whole."""
    logger = RegistryLogger(registry, "resnet", every=2)
    callback = ModelCheckpoint(str(tmp_path / "ckpts"), ckpt_bytes, save_top_k=10)
    with pytest.raises(RuntimeError, match="NaN"):
        LightningTrainer([logger], callback).fit(LOSSES, HPARAMS, fail_at=3)
    assert logger.tracker is not None and logger.tracker.state == "failed"
    versions = [registry.get_model(model_id=i)["version"] for i in logger.tracker.model_ids]  # type: ignore[index]
    assert versions == ["1.50.0", "1.150.0"]
    last = registry.get_model(model_id=logger.tracker.model_ids[-1])
    assert last["metadata"]["training"]["state"] == "running"  # type: ignore[index]


def test_a_failure_after_a_skipped_save_registers_it_as_failed(
    registry: ModelRegistry, tmp_path: Path, ckpt_bytes: bytes
) -> None:
    """every=2 skipped epoch 1's file; the failed fit registers it, marked failed."""
    logger = RegistryLogger(registry, "resnet", every=2)
    callback = ModelCheckpoint(str(tmp_path / "ckpts"), ckpt_bytes, save_top_k=10)
    with pytest.raises(RuntimeError):
        LightningTrainer([logger], callback).fit(LOSSES, HPARAMS, fail_at=2)
    assert logger.tracker is not None
    last = registry.get_model(model_id=logger.tracker.model_ids[-1])
    assert last["version"] == "1.100.0"  # type: ignore[index]
    assert last["metadata"]["training"]["state"] == "failed"  # type: ignore[index]


def test_peak_cuda_memory_is_recorded_as_measured(
    registry: ModelRegistry, tmp_path: Path, ckpt_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch's peak CUDA memory becomes memory_req_gb, marked measured for training."""
    monkeypatch.setitem(sys.modules, "torch", cuda_torch(1024**3 // 2))
    logger, _, _ = _fit(registry, tmp_path, ckpt_bytes, save_top_k=10)
    assert logger.tracker is not None
    model = registry.get_model(model_id=logger.tracker.model_ids[0])
    assert model["memory_req_gb"] == 0.5  # type: ignore[index]
    assert model["metadata"]["memory_estimate"]["source"] == "measured"  # type: ignore[index]
    assert model["metadata"]["memory_estimate"]["mode"] == "train"  # type: ignore[index]


def test_the_logger_interface(tmp_path: Path) -> None:
    """name, version and save_dir answer as Lightning asks; checkpoint names are parsed."""
    logger = RegistryLogger(str(tmp_path / "models.db"), "resnet", training_run_id=4)
    assert (logger.name, logger.version, logger.save_dir) == ("registry", 4, None)
    assert RegistryLogger(str(tmp_path / "m.db"), "resnet").version == "resnet"
    assert numbered("/x/epoch=3-step=400.ckpt") == {"epoch": 3, "step": 400}
    assert numbered("/x/last.ckpt") == {}


def test_with_lightning_itself(tmp_path: Path) -> None:
    """With Lightning installed, the logger is a Lightning Logger a Trainer accepts."""
    loggers = pytest.importorskip(
        "lightning.pytorch.loggers", reason="lightning (and torch) are not installed"
    )
    logger = RegistryLogger(str(tmp_path / "models.db"), "resnet")
    assert isinstance(logger, loggers.Logger)
    logger.log_metrics({"val_loss": 0.5}, step=1)
    logger.finalize("success")
