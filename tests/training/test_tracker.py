"""registry.track: a training loop's checkpoints registered, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry_tui import DuplicateModelError, ModelRegistry, ValidationError
from registry_tui.training import CheckpointTracker
from registry_tui.training.tracker import ROTATED

CONFIG = {"d_model": 64, "lr": 3e-4}
LOSSES = [0.9, 0.7, 0.75, 0.5, 0.6]


@pytest.fixture(autouse=True)
def _single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RANK", "LOCAL_RANK", "SLURM_PROCID", "OMPI_COMM_WORLD_RANK", "PMI_RANK"):
        monkeypatch.delenv(name, raising=False)


def _loop(tracker: CheckpointTracker, checkpoint: Callable[..., str], epochs: int) -> None:
    for epoch in range(epochs):
        path = checkpoint(f"epoch{epoch}.pt")
        tracker.saved(
            path, {"val_loss": LOSSES[epoch], "train_loss": 1.0 - epoch / 10}, epoch=epoch
        )


def test_every_nth_and_the_last_are_registered_as_the_guide_versions_them(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """every=2 over 5 epochs registers epochs 0, 2 and 4 (the last by finish) as 1.<epoch>.0,
    each with the run id, its metrics, the config, and the previous checkpoint as parent."""
    with registry.track(
        "run", "language_modeling", config=CONFIG, training_run_id=7, every=2
    ) as tracker:
        for epoch in range(5):
            path = checkpoint(f"epoch{epoch}.pt")
            result = tracker.saved(path, {"val_loss": LOSSES[epoch]}, epoch=epoch)
            assert (result is None) == (epoch % 2 == 1)
    assert tracker.state == "finished" and len(tracker.model_ids) == 3
    models = [registry.get_model(model_id=i) for i in tracker.model_ids]
    assert [m["version"] for m in models] == ["1.0.0", "1.2.0", "1.4.0"]  # type: ignore[index]
    assert {m["training_run_id"] for m in models} == {7}  # type: ignore[index]
    assert [m["parent_model_id"] for m in models] == [None, *tracker.model_ids[:2]]  # type: ignore[index]
    assert models[1]["metrics"] == {"val_loss": 0.75}  # type: ignore[index]
    assert models[2]["metadata"]["training"]["epoch"] == 4  # type: ignore[index]
    assert {m["config_hash"] for m in models} == {registry.compute_config_hash(CONFIG)}  # type: ignore[index]
    assert registry.get_config(tracker.model_ids[2]) == CONFIG


def test_the_config_is_passed_once_and_its_hash_afterwards(
    registry: ModelRegistry, checkpoint: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first registration stores the config; the later ones give its hash only."""
    calls: list[dict[str, Any]] = []
    original = registry.register_model

    def spy(*args: Any, **kwargs: Any) -> int:
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(registry, "register_model", spy)
    with registry.track("run", "lm", config=CONFIG) as tracker:
        _loop(tracker, checkpoint, 3)
    assert [("config" in c, c.get("config_hash")) for c in calls] == [
        (True, None),
        (False, registry.compute_config_hash(CONFIG)),
        (False, registry.compute_config_hash(CONFIG)),
    ]


def test_a_base_model_is_every_checkpoints_parent(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """With parent_model_id, each checkpoint is a fine-tune of the base, not of the previous."""
    base = registry.register_model("base", "1.0.0", checkpoint("base.pt"), "lm")
    with registry.track("ft", "lm", parent_model_id=base, base_version="2.0.0") as tracker:
        _loop(tracker, checkpoint, 2)
    models = [registry.get_model(model_id=i) for i in tracker.model_ids]
    assert [(m["version"], m["parent_model_id"]) for m in models] == [  # type: ignore[index]
        ("2.0.0", base),
        ("2.1.0", base),
    ]


def test_the_best_tag_follows_the_runs_best_and_only_its_own(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """best-run-<id> moves to each new best by val_loss (min) and stays put on a worse
    checkpoint; another run's best tag and production are never touched."""
    production = registry.register_model(
        "prod", "1.0.0", checkpoint("prod.pt"), "lm", tags=["production"]
    )
    with registry.track("other", "lm", training_run_id=1) as other:
        other.saved(checkpoint("other.pt"), {"val_loss": 0.1}, epoch=0)
    with registry.track("run", "lm", training_run_id=2) as tracker:
        _loop(tracker, checkpoint, 5)
    holders = [r.model_id for r in registry.records.tag_holders("best-run-2")]
    assert holders == [tracker.model_ids[3]] == [tracker.best_model_id]
    assert [r.model_id for r in registry.records.tag_holders("best-run-1")] == other.model_ids
    assert [r.model_id for r in registry.records.tag_holders("production")] == [production]


def test_a_best_tag_removed_by_hand_does_not_stop_the_run(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """When someone took the best tag off the run's best, the next best still registers
    and takes the tag (there was nothing to take back)."""
    with registry.track("run", "lm") as tracker:
        first = tracker.saved(checkpoint("a.pt"), {"val_loss": 0.5}, epoch=0)
        assert first is not None
        registry.remove_tag(first, "best-run")
        second = tracker.saved(checkpoint("b.pt"), {"val_loss": 0.4}, epoch=1)
    assert [r.model_id for r in registry.records.tag_holders("best-run")] == [second]


def test_a_resumed_run_carries_on_where_it_stopped(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """A second session of the run re-saving its last epoch takes that checkpoint as its
    own (no duplicate refused), links the next to it, and keeps the run's best tag on the
    earlier session's best until a better one comes: one holder throughout."""
    with registry.track("run", "lm", training_run_id=5) as first:
        for epoch, loss in enumerate([0.9, 0.5, 0.7]):
            first.saved(checkpoint(f"e{epoch}.pt"), {"val_loss": loss}, epoch=epoch)
    best_so_far = first.model_ids[1]
    with registry.track("run", "lm", training_run_id=5) as resumed:
        again = resumed.saved(checkpoint("e2.pt"), {"val_loss": 0.7}, epoch=2)
        worse = resumed.saved(checkpoint("e3.pt"), {"val_loss": 0.6}, epoch=3)
        holders = [r.model_id for r in registry.records.tag_holders("best-run-5")]
        assert again == first.model_ids[2] and holders == [best_so_far]
        better = resumed.saved(checkpoint("e4.pt"), {"val_loss": 0.3}, epoch=4)
    assert registry.get_model(model_id=worse)["parent_model_id"] == again  # type: ignore[index]
    assert [r.model_id for r in registry.records.tag_holders("best-run-5")] == [better]


def test_the_same_version_of_another_file_is_still_refused(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """A different checkpoint under a version the run already has is a real conflict."""
    with registry.track("run", "lm") as first:
        first.saved(checkpoint("a.pt"), {"val_loss": 0.5}, epoch=0)
    tracker = registry.track("run", "lm")
    with pytest.raises(DuplicateModelError, match="already exists"):
        tracker.saved(checkpoint("other.pt"), {"val_loss": 0.4}, epoch=0)
    assert registry.count_models() == 1 and tracker.model_ids == []


def test_mode_max_and_a_custom_tag(registry: ModelRegistry, checkpoint: Callable[..., str]) -> None:
    """mode='max' picks the highest value of the monitored metric; a checkpoint without it
    never takes the tag."""
    with registry.track("run", "cls", monitor="accuracy", mode="max", best_tag="best-acc") as t:
        first = t.saved(checkpoint("a.pt"), {"accuracy": 0.8}, epoch=0)
        t.saved(checkpoint("b.pt"), {"accuracy": 0.7}, epoch=1)
        t.saved(checkpoint("c.pt"), {"loss": 0.1}, epoch=2)
    assert [r.model_id for r in registry.records.tag_holders("best-acc")] == [first]


def test_an_exclusive_best_tag_is_refused(registry: ModelRegistry) -> None:
    """A tracker never promotes to production (or any tag exclusive across the registry)."""
    with pytest.raises(ValidationError, match="exclusive across the registry"):
        registry.track("run", "lm", best_tag="production")
    registry.set_tag_policy("champion", True)
    with pytest.raises(ValidationError, match="champion"):
        registry.track("run", "lm", best_tag="champion")


def test_rotated_checkpoints_are_retired_with_the_reason(
    registry: ModelRegistry, checkpoint: Callable[..., str], tmp_path: Path
) -> None:
    """A checkpoint under keep_files_of whose file a keep-last-2 rotation deleted is retired
    at the next registration, its retire event saying why; files elsewhere are not followed."""
    folder = tmp_path / "checkpoints"
    outside = tmp_path / "elsewhere.pt"
    outside.write_bytes(b"weights")
    with registry.track("run", "lm", keep_files_of=folder) as tracker:
        tracker.saved(outside, {"val_loss": 1.0}, epoch=9)
        for epoch in range(4):
            tracker.saved(checkpoint(f"epoch{epoch}.pt"), {"val_loss": 1.0}, epoch=epoch)
            if epoch >= 2:
                (folder / f"epoch{epoch - 2}.pt").unlink()
        outside.unlink()
    statuses = [registry.get_model(model_id=i)["status"] for i in tracker.model_ids]  # type: ignore[index]
    assert statuses == ["active", "retired", "retired", "active", "active"]
    event = registry.events(model_id=tracker.model_ids[1], limit=1)[0]
    assert event.event == "retire" and event.details == {"reason": ROTATED}


def test_only_the_main_process_registers(
    registry: ModelRegistry, checkpoint: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On rank 1 of a torchrun or SLURM job saved and finish register nothing."""
    for variable in ("RANK", "SLURM_PROCID"):
        monkeypatch.setenv(variable, "1")
        with registry.track("run", "lm") as tracker:
            assert tracker.saved(checkpoint("a.pt"), {"val_loss": 0.1}, epoch=0) is None
        monkeypatch.delenv(variable)
        assert not tracker.active and tracker.model_ids == []
    monkeypatch.setenv("RANK", "0")
    with registry.track("run", "lm") as tracker:
        assert tracker.saved(checkpoint("a.pt"), {"val_loss": 0.1}, epoch=0) is not None
    assert registry.count_models() == 1


def test_an_exception_registers_the_skipped_last_checkpoint_as_failed(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """An exception in the loop propagates, marks the tracker failed, and registers the
    last saved checkpoint every had skipped, with the run's state and error."""
    tracker = registry.track("run", "lm", every=5)
    with pytest.raises(RuntimeError, match="CUDA out of memory"), tracker:
        _loop(tracker, checkpoint, 3)
        raise RuntimeError("CUDA out of memory")
    assert tracker.state == "failed" and len(tracker.model_ids) == 2
    last = registry.get_model(model_id=tracker.model_ids[-1])
    assert last["version"] == "1.2.0"  # type: ignore[index]
    assert last["metadata"]["training"]["state"] == "failed"  # type: ignore[index]
    assert last["metadata"]["training"]["error"] == "RuntimeError: CUDA out of memory"  # type: ignore[index]
    with pytest.raises(ValidationError, match="failed"):
        tracker.saved(checkpoint("late.pt"), {}, epoch=9)


def test_a_registration_failing_midway_leaves_nothing(
    registry: ModelRegistry, checkpoint: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a step after the model's insert fails (moving the best tag), the whole
    registration rolls back: no model, no tag, the tracker's state unchanged."""
    tracker = registry.track("run", "lm")
    first = tracker.saved(checkpoint("a.pt"), {"val_loss": 0.5}, epoch=0)

    def broken(*_: Any, **__: Any) -> None:
        raise OSError("disk vanished")

    monkeypatch.setattr(registry, "remove_tag", broken)
    with pytest.raises(OSError, match="disk vanished"):
        tracker.saved(checkpoint("b.pt"), {"val_loss": 0.4}, epoch=1)
    assert registry.count_models() == 1 and tracker.model_ids == [first]
    assert registry.get_model(name="run", version="1.1.0") is None
    assert [r.model_id for r in registry.records.tag_holders("best-run")] == [first]


def test_versions_by_step_or_by_a_scheme(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """Without an epoch the step numbers the version; a callable gives any scheme."""
    with registry.track("steps", "lm") as tracker:
        tracker.saved(checkpoint("s500.pt"), {}, step=500)
    with registry.track("scheme", "lm", base_version=lambda e, s: f"0.0.{s}") as other:
        other.saved(checkpoint("s10.pt"), {}, step=10)
    assert registry.get_model(model_id=tracker.model_ids[0])["version"] == "1.500.0"  # type: ignore[index]
    assert registry.get_model(model_id=other.model_ids[0])["version"] == "0.0.10"  # type: ignore[index]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every": 0}, "every must be"),
        ({"mode": "avg"}, "mode must be"),
        ({"base_version": "one"}, "version"),
        ({"best_tag": "best run"}, "best_tag"),
        ({"config": {"x": float("nan")}}, "config"),
    ],
)
def test_bad_options_are_refused_at_once(
    registry: ModelRegistry, kwargs: dict[str, Any], message: str
) -> None:
    """Each bad option is one clear ValidationError when the tracker is made."""
    with pytest.raises(ValidationError, match=message):
        registry.track("run", "lm", **kwargs)


def test_a_checkpoint_without_epoch_or_step_is_refused(
    registry: ModelRegistry, checkpoint: Callable[..., str]
) -> None:
    """The default scheme needs an epoch or a step; nothing is registered without one."""
    tracker = registry.track("run", "lm")
    with pytest.raises(ValidationError, match="epoch or step"):
        tracker.saved(checkpoint("a.pt"), {})
    assert registry.count_models() == 0
