"""The demo's timeline: each family's year of work, planned, then replayed in time order."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from registry_tui.demo.families import Family, Line, family_lines
from registry_tui.registry import ModelRegistry

START = datetime(2024, 1, 8, 9, 0, 0)
ACTORS = ("alice@gpu-node-01", "bob@gpu-node-02", "ci@train-runner")
FAMILY_SPACING_DAYS = 34


class DemoClock:
    """A clock the builder sets: every write happens at the planned moment."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


Action = tuple[datetime, int, Callable[[], None]]


@dataclass
class Builder:
    """Plans each family's year of work, then replays every family's steps in time order."""

    registries: dict[str, ModelRegistry]
    clock: DemoClock
    rng: random.Random
    ids: dict[str, int] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    run_id: int = 1000

    def later(self, when: datetime, low: int, high: int) -> datetime:
        """A random moment ``low``..``high`` days after ``when``, in working hours."""
        day = when + timedelta(days=self.rng.randint(low, high))
        return day.replace(hour=self.rng.randint(8, 19), minute=self.rng.randint(0, 59))

    def schedule(self, when: datetime, action: Callable[[], None]) -> None:
        """Run ``action`` at ``when`` (after everything planned earlier)."""
        self.actions.append((when, len(self.actions), action))

    def run(self, advance: Callable[[], None]) -> None:
        """Replay every planned action in time order."""
        for when, _, action in sorted(self.actions, key=lambda a: (a[0], a[1])):
            self.clock.now = when
            action()
            advance()

    def registry(self, actor: str | None = None) -> ModelRegistry:
        """The registry of ``actor`` (a random one when None)."""
        return self.registries[actor or self.rng.choice(ACTORS)]

    # -- planning ------------------------------------------------------------------
    def plan_family(self, family: Family, start: datetime, *, regress: bool) -> None:
        """Registrations, promotions, a rollback, retirements: one family's timeline."""
        lines = family_lines(family)
        when = start
        for line in lines[:3]:
            when = self.plan_line(family, line, when)
        when = self.plan_story(family, when, regress=regress)
        for line in lines[3:]:
            when = self.plan_line(family, line, self.later(when, 2, 5))
        staging = f"{family.base}-{family.domains[1]}@1.1.0"
        self.plan_promote(family, staging, "staging", self.later(when, 1, 3))

    def plan_line(self, family: Family, line: Line, when: datetime) -> datetime:
        """Plan every version of one line; return the time of the last one."""
        suffix, versions, parent, (q_lo, q_hi) = line
        name = family.base + suffix
        for index, version in enumerate(versions):
            q = q_lo + (q_hi - q_lo) * index / max(1, len(versions) - 1)
            parent_key = family.base + parent[0] + "@" + parent[1] if parent else None
            if not suffix and index > 0 and version.endswith(".0") and version[0] == "1":
                parent_key = f"{name}@{versions[index - 1]}"
            if not suffix and index == 0:
                tags = ["baseline"]
            else:
                tags = ["experimental"] if index == len(versions) - 1 else []
            spec = Spec(family, name, version, q, parent_key, tags)
            when = self.later(when, 4, 11)
            self.schedule(when, lambda spec=spec: self.register(spec))  # type: ignore[misc]
        return when

    def plan_promote(self, family: Family, key: str, tag: str, when: datetime) -> None:
        """Plan a promotion of the model ``name@version`` to ``tag``."""
        self.schedule(when, lambda: self.promote(family, key, tag))

    def plan_story(self, family: Family, when: datetime, *, regress: bool) -> datetime:
        """Staging and production moving through versions; one rollback; retirements."""
        base, (d1, _), (t1, _) = family.base, family.domains, family.tasks
        chain = f"{base}-{d1}-{t1}"
        steps = (
            ("staging", f"{base}@1.0.1"),
            ("production", f"{base}@1.0.1"),
            ("staging", f"{base}@1.2.0"),
            ("production", f"{base}@1.2.0"),
            ("staging", f"{chain}@1.0.1"),
            ("production", f"{chain}@1.0.1"),
            ("staging", f"{chain}@1.1.0"),
        )
        for tag, key in steps:
            when = self.later(when, 1, 4)
            self.plan_promote(family, key, tag, when)
        if regress:
            when = self.later(when, 1, 3)
            self.plan_promote(family, f"{chain}@1.1.0", "production", when)
            when = self.later(when, 1, 2)
            self.schedule(when, lambda: self.rollback_or_revert(family, chain))
        for key in (f"{base}-{d1}@1.0.0", f"{chain}@1.0.0"):
            when = self.later(when, 2, 6)
            self.schedule(when, lambda key=key: self.retire(key))  # type: ignore[misc]
        when = self.later(when, 1, 2)
        self.schedule(when, lambda: self.deprecate(f"{base}@1.1.0"))
        return when

    # -- actions -------------------------------------------------------------------
    def register(self, spec: Spec) -> None:
        """Register one model with a config, metrics, metadata and exports."""
        family, name, version, q = spec.family, spec.name, spec.version, spec.q
        self.run_id += self.rng.randint(1, 7)
        quantized = name.endswith("int8")
        speed = 0.45 if quantized else 1.0 + (0.35 if version.startswith("2.") else 0.0)
        size = family.size_mb * (0.26 if quantized else speed) * self.rng.uniform(0.98, 1.02)
        registry = self.registry()
        model_id = registry.register_model(
            name,
            version,
            f"checkpoints/{name}/{version}/model.pt",
            family.task_type,
            metrics=family.metrics(q, self.rng, speed),
            model_size_mb=round(size, 1),
            memory_req_gb=round(max(0.5, size * 4.2 / 1024 + 0.75), 1),
            training_run_id=self.run_id,
            parent_model_id=self.ids[spec.parent_key] if spec.parent_key else None,
            metadata=self.metadata(family, name, version, q),
            tags=list(spec.tags),
            config=self.config(family, name, version),
            verify_checkpoint=False,
        )
        self.ids[f"{name}@{version}"] = model_id
        self.add_exports(registry, model_id, spec)

    def config(self, family: Family, name: str, version: str) -> dict[str, Any]:
        """The base config, varied by version and fine-tune."""
        config: dict[str, Any] = {
            k: (dict(v) if isinstance(v, dict) else v) for k, v in family.config.items()
        }
        optimizer = config["optimizer"]
        optimizer["lr"] = float(f"{optimizer['lr'] * self.rng.choice((0.5, 1.0, 1.0, 2.0)):.3g}")
        config["epochs"] = self.rng.choice((3, 5, 10, 20)) if name != family.base else 30
        config["seed"] = self.rng.randint(0, 9999)
        if version.startswith("2.") and "num_layers" in config:
            config["num_layers"] = int(config["num_layers"]) * 2
        if name != family.base:
            config["dataset"] = name.removeprefix(family.base + "-")
            config["freeze_layers"] = self.rng.choice((0, 2, 4, 6))
        if name.endswith("int8"):
            config["quantization"] = {"dtype": "int8", "calibration_samples": 512}
        return config

    def metadata(self, family: Family, name: str, version: str, q: float) -> dict[str, Any]:
        """Notes, dataset, epochs, parameter count, commit: what people record."""
        dataset = "base corpus" if name == family.base else name.removeprefix(family.base + "-")
        return {
            "notes": f"{name} {version} trained on {dataset}",
            "dataset": dataset,
            "epochs": self.rng.choice((3, 5, 8, 10, 20)),
            "num_parameters": int(family.size_mb * 262_144 * self.rng.uniform(0.99, 1.01)),
            "git_commit": f"{self.rng.getrandbits(28):07x}",
            "framework": {"name": "pytorch", "version": self.rng.choice(("2.2.1", "2.3.0"))},
            "hardware": self.rng.choice(("8x A100 80GB", "4x H100", "1x RTX 4090")),
            "training_time_hours": round(2 + 40 * self.rng.random() * (1 - q / 2), 1),
        }

    def add_exports(self, registry: ModelRegistry, model_id: int, spec: Spec) -> None:
        """ONNX for most models, TorchScript for some, TFLite for some vision models."""
        base = f"exports/{spec.name}/{spec.version}"
        start = self.clock.now
        if self.rng.random() < 0.7:
            self.clock.now = start + timedelta(minutes=40)
            meta: dict[str, Any] = {
                "opset_version": self.rng.choice((14, 17)),
                "quantized": "int8" in spec.name,
            }
            registry.add_export_format(model_id, "onnx", f"{base}/model.onnx", metadata=meta)
        if self.rng.random() < 0.4:
            self.clock.now = start + timedelta(minutes=55)
            jit = {"jit_mode": self.rng.choice(("trace", "script"))}
            registry.add_export_format(model_id, "torchscript", f"{base}/model.ts.pt", jit)
        if spec.family.task_type == "vision_classification" and self.rng.random() < 0.4:
            self.clock.now = start + timedelta(minutes=70)
            lite = {"delegate": "xnnpack", "float16": True}
            registry.add_export_format(model_id, "tflite", f"{base}/model.tflite", lite)

    def promote(self, family: Family, key: str, tag: str) -> None:
        """Move ``tag`` within the family: exclusive while no other family holds it.

        ``production`` is one model per family. A promotion with the default
        ``remove_from_others=True`` would take it from the other families too,
        so once another family holds the tag the move is made with
        ``remove_from_others=False`` followed by untagging the family's
        previous holder.
        """
        registry = self.registry()
        model_id = self.ids[key]
        holders = registry.records.tag_holders(tag)
        if all(_in_family(r.name, family) for r in holders):
            registry.promote_model(model_id, tag)
            return
        registry.promote_model(model_id, tag, remove_from_others=False)
        for record in holders:
            if _in_family(record.name, family) and record.model_id != model_id:
                self.clock.now += timedelta(seconds=self.rng.randint(20, 90))
                registry.remove_tag(record.model_id, tag)

    def rollback_or_revert(self, family: Family, chain: str) -> None:
        """The last release regressed: roll ``production`` back to the previous holder.

        ``rollback_tag`` hands the tag back to the previous holder in the
        history and takes it from every current holder, so it is used only
        while this family is the only one in production; otherwise the same
        step is made by hand.
        """
        registry = self.registry(ACTORS[0])
        holders = registry.records.tag_holders("production")
        if all(_in_family(r.name, family) for r in holders):
            registry.rollback_tag("production")
            return
        self.promote(family, f"{chain}@1.0.1", "production")

    def retire(self, key: str) -> None:
        """Untag and retire a superseded model."""
        registry = self.registry()
        model_id = self.ids[key]
        for tag in registry.records.require(model_id).tags:
            registry.remove_tag(model_id, tag)
        registry.retire_model(model_id)

    def deprecate(self, key: str) -> None:
        """Mark a model as scheduled for retirement."""
        self.registry().promote_model(self.ids[key], "deprecated", remove_from_others=False)


@dataclass(frozen=True)
class Spec:
    """One planned registration."""

    family: Family
    name: str
    version: str
    q: float
    parent_key: str | None
    tags: tuple[str, ...] | list[str]


def _in_family(name: str, family: Family) -> bool:
    return name == family.base or name.startswith(family.base + "-")
