"""The detail screen's checkpoint panel: the facts recorded at registration, the memory
estimate, and ``i``, which inspects the checkpoint file now in a worker."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

import registry_tui.checkpoints
from registry_tui import ModelRegistry
from registry_tui.checkpoints import facts
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.detail import DetailScreen
from tests.checkpoints.builders import write_safetensors, write_torch_zip
from tests.tui.helpers import run, settle
from tests.tui.test_detail import body_lines, open_detail

TENSORS = {"embed.weight": ("F32", [100, 8]), "head.weight": ("BF16", [8, 4])}

RECORDED = {
    "format": "safetensors",
    "file_bytes": 14_483_464_000,
    "weights_bytes": 14_483_456_000,
    "parameters": 7_241_732_096,
    "parameters_by_dtype": {"BF16": 7_241_728_000, "F32": 4_096},
    "tensor_count": 291,
    "architecture": {"model_type": "llama", "hidden_size": 4096, "kv_heads": 8},
    "optimizer_bytes": 363_000_000,
    "epoch": 10,
    "git_commit": "3f2c9e1",
    "warnings": ["tensor names repeat across shards"],
    "fingerprint": {"etag": "9b2cf535f27731c974343645a3985328"},
}
ESTIMATE = {
    "mode": "inference",
    "rule": "weights x 1.2 + KV cache at 4096 tokens",
    "dtype": "BF16",
    "source": "estimated",
    "reference": "EleutherAI transformer-math",
}


def register(registry: ModelRegistry, path: str, metadata: dict[str, Any], **kw: Any) -> int:
    """A model with ``metadata`` as registration would store it (no file needed)."""
    return registry.register_model(
        "llama-7b", "1.0.0", path, "language_modeling", metadata=metadata,
        verify_checkpoint=False, **kw,
    )  # fmt: skip


def lines_of(screen: DetailScreen, selector: str) -> list[str]:
    """Every line of a Static of the screen as drawn at its width, scrolled out or not."""
    widget = screen.query_one(selector, Static)
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return [strip.text.rstrip() for strip in strips]


def test_panel_shows_every_recorded_fact_and_how_memory_was_estimated(
    sqlite_registry: ModelRegistry,
) -> None:
    """Format, parameters (total and per dtype), weights and file size, optimizer state,
    architecture, warnings, fingerprint, epoch, commit, and the estimate's mode, rule,
    dtype and reference are on the detail screen; the memory reads ``~17.4 GB``."""
    metadata = {facts.KEY: RECORDED, facts.ESTIMATE_KEY: ESTIMATE, "notes": "kept"}
    model_id = register(sqlite_registry, "ckpt/llama.safetensors", metadata, memory_req_gb=17.4)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        text = "\n".join(body_lines(await open_detail(pilot, app, model_id)))
        for shown in [
            "Checkpoint, as recorded at registration", "safetensors", "7.24 B (7,241,732,096)",
            "BF16", "4.1 K", "14.5 GB", "363 MB (not counted as weights)", "hidden_size",
            "4096", "tensor names repeat across shards", "9b2cf535f27731c974343645a3985328",
            "3f2c9e1", "inference", "weights x 1.2 + KV cache at 4096 tokens",
            "EleutherAI transformer-math", "~17.4 GB", "notes: kept",
        ]:  # fmt: skip
            assert shown in text, shown
        # What the panel shows is not repeated in the raw metadata tree below it.
        assert "weights_bytes" not in text and "memory_estimate" not in text

    run(sqlite_registry, scenario)


def test_no_panel_without_recorded_facts(sqlite_registry: ModelRegistry) -> None:
    """A model registered without inspection (no checkpoint facts, no estimate) has no
    panel, and its user-given memory is plain."""
    model_id = register(sqlite_registry, "ckpt/a.pt", {"notes": "x"}, memory_req_gb=4.0)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        text = "\n".join(body_lines(await open_detail(pilot, app, model_id)))
        assert "as recorded at registration" not in text
        assert "4 GB" in text and "~4 GB" not in text

    run(sqlite_registry, scenario)


def inspect_now(registry: ModelRegistry, model_id: int, size: tuple[int, int] = (120, 36)) -> str:
    """Open the model's detail screen, press ``i``, and return the inspection panel's text."""
    found: list[str] = []

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_detail(pilot, app, model_id)
        await pilot.press("i")
        await settle(pilot)
        await pilot.pause()
        found.append("\n".join(lines_of(screen, "#detail-inspection")))
        assert app.is_running

    run(registry, scenario, size=size)
    return found[0]


def test_i_inspects_the_file_and_says_it_matches(
    sqlite_registry: ModelRegistry, tmp_path: Path
) -> None:
    """``i`` reads the checkpoint now and shows what ``registry-tui inspect`` shows
    (its tables), with a line saying it matches the facts recorded from it."""
    path = write_safetensors(tmp_path / "model.safetensors", TENSORS)
    recorded = facts.recorded(registry_tui.checkpoints.inspect_checkpoint(path))
    model_id = register(sqlite_registry, str(path), {facts.KEY: recorded})
    text = inspect_now(sqlite_registry, model_id)
    assert "Checkpoint file, inspected now" in text
    assert "matches what was recorded at registration" in text
    assert "Largest tensors (top 2)" in text and "embed.weight" in text
    assert "832" in text  # the parameters: 800 + 32


def test_i_names_what_changed_since_registration(
    sqlite_registry: ModelRegistry, tmp_path: Path
) -> None:
    """A file whose content no longer matches the recorded facts says which facts moved."""
    path = write_safetensors(tmp_path / "model.safetensors", TENSORS)
    recorded = facts.recorded(registry_tui.checkpoints.inspect_checkpoint(path))
    model_id = register(sqlite_registry, str(path), {facts.KEY: {**recorded, "parameters": 5}})
    text = inspect_now(sqlite_registry, model_id)
    assert "differs from what was recorded: parameters 5 -> 832" in text


def test_i_on_a_missing_file_says_so_in_one_line(sqlite_registry: ModelRegistry) -> None:
    """A checkpoint that is not there gives one red line, and the app keeps running."""
    model_id = register(sqlite_registry, "/nowhere/model.safetensors", {})
    text = inspect_now(sqlite_registry, model_id)
    assert text.strip().splitlines() == [
        "Cannot inspect the checkpoint: Checkpoint not found: /nowhere/model.safetensors"
    ]


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        import os

        return os.system, (f"touch {self.marker}",)


def test_i_on_an_unsafe_pickle_lists_its_globals_and_runs_nothing(
    sqlite_registry: ModelRegistry, tmp_path: Path
) -> None:
    """A ``.pt`` whose pickle calls ``os.system`` is refused, naming the global; the
    command it carries never runs."""
    marker = tmp_path / "pwned"
    path = write_torch_zip(tmp_path / "evil.pt", None, pickled=pickle.dumps(_Evil(marker), 2))
    model_id = register(sqlite_registry, str(path), {})
    text = inspect_now(sqlite_registry, model_id, size=(200, 36))
    message = " ".join(text.split())  # one sentence, wrapped to the screen's width
    assert message == (
        f"Cannot inspect the checkpoint: {path}: refused: its pickle names posix.system, "
        "which a state dict never needs (loading it with pickle or torch.load would run that code)"
    )
    assert not marker.exists()


def test_i_on_an_unrecognised_file_says_only_its_size_is_known(
    sqlite_registry: ModelRegistry, tmp_path: Path
) -> None:
    """A file of no known format is not an error: the panel says it was not recognised
    and shows the file's size."""
    path = tmp_path / "notes.txt"
    path.write_text("hello\n" * 100)
    model_id = register(sqlite_registry, str(path), {})
    text = inspect_now(sqlite_registry, model_id)
    assert "format not recognised: only the file's size is known" in text
    assert "600 B" in text


def test_a_reader_failing_unexpectedly_is_one_line(
    sqlite_registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error no reader expected (a bug, a strange file) is reported by its kind in
    one line instead of stopping the app."""

    def broken(path: str) -> Any:
        raise ZeroDivisionError("secret row data")

    monkeypatch.setattr(registry_tui.checkpoints, "inspect_checkpoint", broken)
    model_id = register(sqlite_registry, "ckpt/x.pt", {})
    text = inspect_now(sqlite_registry, model_id)
    assert text.strip() == (
        "Cannot inspect the checkpoint: the reader failed on this file (ZeroDivisionError)"
    )


def test_a_slow_inspection_shows_loading_and_never_blocks_the_screen(
    sqlite_registry: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a large checkpoint is read the panel says so and the screen still answers
    keys (it scrolls, and going back works); the result appears once the read ends."""
    path = write_safetensors(tmp_path / "model.safetensors", TENSORS)
    release = threading.Event()
    real = registry_tui.checkpoints.inspect_checkpoint

    def slow(location: str) -> Any:
        assert release.wait(10)
        return real(location)

    monkeypatch.setattr(registry_tui.checkpoints, "inspect_checkpoint", slow)
    model_id = register(sqlite_registry, str(path), {})

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_detail(pilot, app, model_id)
        await pilot.press("i")
        await pilot.pause(0.05)
        assert "Inspecting " + str(path) + "…" in "\n".join(lines_of(screen, "#detail-inspection"))
        await pilot.press("k", "j", "question_mark")  # the screen answers while the file is read
        await pilot.pause()
        assert app.screen is not screen
        await pilot.press("escape")
        assert app.screen is screen
        release.set()
        await settle(pilot)
        text = "\n".join(lines_of(screen, "#detail-inspection"))
        assert "Checkpoint file, inspected now" in text and "Inspecting" not in text

    run(sqlite_registry, scenario)


def test_an_unreadable_file_says_why_in_one_line(
    sqlite_registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operating-system error while reading (permissions, a vanished mount) is one
    line naming the path and the reason."""

    def denied(path: str) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(registry_tui.checkpoints, "inspect_checkpoint", denied)
    model_id = register(sqlite_registry, "ckpt/x.pt", {})
    text = inspect_now(sqlite_registry, model_id)
    assert (
        text.strip()
        == "Cannot inspect the checkpoint: ckpt/x.pt: cannot be read: Permission denied"
    )
