"""The checkpoint panel over hostile metadata: shown literally, never trusted, never stalled.

Every field of ``metadata["checkpoint"]`` and ``metadata["memory_estimate"]`` is
filled with markup, OSC 52 / OSC 2 sequences, C0/C1 controls, bidi overrides and
long CJK/emoji text, or with the wrong type, or with 10,000 entries.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

from registry_tui import ModelRegistry
from registry_tui.checkpoints import facts
from registry_tui.tui.app import RegistryApp
from tests.hostile import HOSTILE, OSC2, OSC52_BEL, WIDE, hostile, unsafe_in
from tests.tui.helpers import main_screen, run, screen_text, settle
from tests.tui.test_checkpoint_panel import lines_of
from tests.tui.test_detail import body_lines, open_detail

HOSTILE_FACTS = {
    "format": hostile("safetensors"),
    "file_bytes": 10**12,
    "weights_bytes": 10**12,
    "parameters": 5 * 10**11,
    "parameters_by_dtype": {hostile("BF16"): 5 * 10**11, WIDE: 1},
    "tensor_count": 3,
    "architecture": {hostile("layers"): hostile("32"), OSC52_BEL: {HOSTILE: [HOSTILE]}},
    "optimizer_bytes": 10,
    "epoch": 1,
    "git_commit": hostile("3f2c9e1"),
    "warnings": [HOSTILE, WIDE, "x" * 5000],
    "fingerprint": {hostile("etag"): hostile("abc")},
}
HOSTILE_ESTIMATE = {
    "mode": hostile("inference"),
    "rule": hostile("rule"),
    "dtype": OSC2 + "BF16",
    "source": "estimated",
    "reference": hostile("ref") * 20,
}
WRONG_TYPES: dict[str, Any] = {
    "format": 5,
    "file_bytes": "1 GB",
    "weights_bytes": [1],
    "parameters": "7B",
    "parameters_by_dtype": "BF16",
    "tensor_count": -3,
    "architecture": ["llama", HOSTILE],
    "optimizer_bytes": True,
    "epoch": 1.5,
    "git_commit": {"sha": HOSTILE},
    "warnings": HOSTILE,
    "fingerprint": 12,
}
HUGE = {"format": "gguf", "architecture": {f"[b]{OSC2}k{i}": i for i in range(10_000)}}

CASES = [
    pytest.param({facts.KEY: HOSTILE_FACTS, facts.ESTIMATE_KEY: HOSTILE_ESTIMATE}, id="hostile"),
    pytest.param({facts.KEY: WRONG_TYPES, facts.ESTIMATE_KEY: {"source": ["x"], "mode": 1}},
                 id="wrong-types"),
    pytest.param({facts.KEY: HOSTILE, facts.ESTIMATE_KEY: [HOSTILE]}, id="not-objects"),
    pytest.param({facts.KEY: HUGE, facts.ESTIMATE_KEY: HOSTILE_ESTIMATE}, id="10000-keys"),
]  # fmt: skip
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


def pane_text(app: RegistryApp) -> str:
    """Everything the main screen's detail pane holds, scrolled out or not."""
    body = main_screen(app).query_one("#detail-pane").query_one("#detail-body", Static)
    strips = body.render_lines(Region(0, 0, body.size.width, body.size.height))
    return "\n".join(strip.text for strip in strips)


def register(registry: ModelRegistry, metadata: dict[str, Any]) -> int:
    """A model whose checkpoint path is hostile too, holding ``metadata``."""
    return registry.register_model(
        "llama", "1.0.0", hostile("ckpt.pt"), "lm", metadata=metadata, memory_req_gb=14.2,
        verify_checkpoint=False,
    )  # fmt: skip


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("metadata", CASES)
def test_detail_screen_shows_hostile_facts_literally(
    sqlite_registry: ModelRegistry, metadata: dict[str, Any], size: tuple[int, int]
) -> None:
    """Whatever the metadata holds, the detail page (panel, tree, and ``i``'s answer for a
    hostile path) draws no character a terminal acts on, shows markup as typed, and the
    app keeps running."""
    model_id = register(sqlite_registry, metadata)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_detail(pilot, app, model_id)
        await pilot.press("i")
        await settle(pilot)
        await pilot.pause()
        page = "\n".join(body_lines(screen) + lines_of(screen, "#detail-inspection"))
        assert unsafe_in(page) == [] and unsafe_in(screen_text(app)) == []
        assert "[bold red]x[/]" in page and "\\x1b]52" in page
        assert "Cannot inspect the checkpoint: Checkpoint not found: [bold red]x[/]" in page
        assert app.is_running

    run(sqlite_registry, scenario, size=size)


def test_hostile_facts_reach_the_panel_not_just_the_tree(sqlite_registry: ModelRegistry) -> None:
    """The hostile strings are read as facts (the panel shows them, escaped) and the
    estimate's ``~`` survives hostile neighbours."""
    model_id = register(
        sqlite_registry, {facts.KEY: HOSTILE_FACTS, facts.ESTIMATE_KEY: HOSTILE_ESTIMATE}
    )

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        page = "\n".join(body_lines(await open_detail(pilot, app, model_id)))
        panel = page.split("Checkpoint, as recorded at registration", 1)[1]
        assert "~14.2 GB" in page
        assert "\\u202eevil" in panel and "模型注册表" in panel
        assert "x" * 240 + "...(5,000characters)" in "".join(panel.split())  # cut, folded

    run(sqlite_registry, scenario)


def test_a_10000_key_architecture_shows_its_first_rows_and_a_count(
    sqlite_registry: ModelRegistry,
) -> None:
    """A huge architecture object shows 30 facts and how many more there are, on the detail
    page; the main screen's pane caps each metadata branch the same way, so highlighting
    the model stays quick."""
    model_id = register(sqlite_registry, {facts.KEY: HUGE})

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await settle(pilot)
        assert "... 9,980 more" in pane_text(app)
        page = "\n".join(body_lines(await open_detail(pilot, app, model_id)))
        assert "... 9,970 more (get --format json has all)" in page
        assert len(page.splitlines()) < 200

    run(sqlite_registry, scenario)


def test_estimated_memory_is_marked_in_the_main_pane(sqlite_registry: ModelRegistry) -> None:
    """The main screen's detail pane writes the estimate as ``~14.2 GB``."""
    register(sqlite_registry, {facts.ESTIMATE_KEY: {"source": "estimated"}})

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await settle(pilot)
        assert main_screen(app).table.current is not None
        assert "~14.2 GB" in pane_text(app)

    run(sqlite_registry, scenario)
