"""The lineage screen (l): the family tree, where its keys go, and how it follows changes."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from registry_tui import ModelRegistry
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.screens.compare import CompareScreen
from registry_tui.tui.screens.detail import DetailScreen
from registry_tui.tui.screens.lineage import LineageScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.screens.promote import PromoteScreen
from registry_tui.tui.widgets.lineage_tree import LineageTree, placements
from tests.tui.helpers import main_screen, notifications, run, screen_text, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


def test_lineage_shows_the_whole_family_with_deltas(seeded: Seeded) -> None:
    """l shows root to leaves, the current model highlighted, each node's key-metric change."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "j", "l")  # v11, in the middle of the family
        await settle(pilot)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LineageScreen)
        tree = screen.query_one(LineageTree)
        assert list(tree.records) == [ids["base"], ids["v11"], ids["v12"]]
        assert tree.cursor_node is not None and tree.cursor_node.data == ids["v11"]
        text = screen_text(app)
        assert "gpt-small 1.0.0" in text and "gpt-small 1.2.0" in text
        assert "(-0.08)" in text  # v11's val_loss against v10's
        assert "vs parent" in text

    run(registry, scenario)


def test_o_in_lineage_shows_that_model_in_the_list(seeded: Seeded) -> None:
    """o on another node closes the tree and puts the table cursor on that model."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "l")  # v12
        await settle(pilot)
        await pilot.pause()
        await pilot.press("k", "k", "o")  # up to the root
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        current = table(app).current
        assert current is not None and current.model_id == ids["base"]

    run(registry, scenario)


def test_lineage_jump_to_a_model_outside_the_listing_opens_its_details(seeded: Seeded) -> None:
    """A family member the filter hides is shown on its detail screen instead."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        main_screen(app).filter_bar.set_text("name:gpt-small tag:staging")
        await settle(pilot, 0.05)
        await pilot.press("l")
        await settle(pilot)
        await pilot.pause()
        await pilot.press("k", "o")  # v11 is not in the filtered listing
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.model_id == ids["v11"]

    run(registry, scenario)


def test_enter_opens_the_details_and_esc_comes_back_to_the_tree(seeded: Seeded) -> None:
    """enter on a node opens that model's detail screen over the tree."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_lineage(pilot, ids["v12"])
        await pilot.press("k", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.model_id == ids["v11"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LineageScreen)
        assert app.screen.lineage.cursor_id == ids["v11"]

    run(registry, scenario)


def test_compare_with_parent_and_with_root_from_the_tree(seeded: Seeded) -> None:
    """c compares the node with its parent, R with the family's root; the root has neither."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_lineage(pilot, ids["v12"])
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.model_ids == [ids["v11"], ids["v12"]]
        await pilot.press("escape", "R")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.model_ids == [ids["base"], ids["v12"]]
        await pilot.press("escape", "k", "k", "c", "R")  # the root
        await settle(pilot)
        assert isinstance(app.screen, LineageScreen)
        assert any("has no parent" in n for n in notifications(app))
        assert any("is the root" in n for n in notifications(app))

    run(registry, scenario)


def test_compare_with_production_from_the_tree(seeded: Seeded) -> None:
    """C on a node compares it with its family's production model."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_lineage(pilot, ids["v12"])
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.model_ids == [ids["v11"], ids["v12"]]

    run(registry, scenario)


def test_p_in_the_tree_promotes_the_node_with_the_main_dialog(seeded: Seeded) -> None:
    """p, a tag, enter: the highlighted node gets the tag in the database; the tree shows it."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_lineage(pilot, ids["v12"])
        await pilot.press("k", "k", "p")  # the root
        assert isinstance(app.screen, PromoteScreen)
        for char in "candidate":
            await pilot.press(char)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, 0.05)
        screen = app.screen
        assert isinstance(screen, LineageScreen)
        assert screen.lineage.cursor_id == ids["base"]
        assert "candidate" in screen.lineage.records[ids["base"]].tags

    run(registry, scenario)
    assert [r.model_id for r in registry.records.tag_holders("candidate")] == [ids["base"]]


def test_p_in_a_read_only_tree_changes_nothing(seeded: Seeded) -> None:
    """Read-only: p explains itself and no tag is written."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await open_lineage(pilot, ids["v12"])
        await pilot.press("p")
        assert isinstance(app.screen, LineageScreen)
        assert any("Read-only" in n for n in notifications(app))

    run(registry, scenario, read_only=True)
    assert registry.events(limit=1)[0].event != "promote"


def chain(registry: ModelRegistry, depth: int) -> list[int]:
    """A single fine-tune chain ``depth`` models deep; val_loss falls at each step."""
    ids: list[int] = []
    for step in range(depth):
        parent = ids[-1] if ids else None
        metrics = {"val_loss": 1 - step / 100}
        model_id = registry.register_model(
            "chain", f"1.0.{step}", f"ckpt/{step}.pt", "language_modeling",
            metrics=metrics, parent_model_id=parent, verify_checkpoint=False,
        )  # fmt: skip
        ids.append(model_id)
    return ids


def test_a_50_deep_chain_stays_on_screen_at_80x24(sqlite_registry: ModelRegistry) -> None:
    """Indentation does not grow along a chain: the cursor node is visible near column 0."""
    ids = chain(sqlite_registry, 50)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_lineage(pilot, ids[-1])
        lines = screen_text(app).splitlines()
        mine = [ln for ln in lines if f"↳ chain 1.0.49 #{ids[-1]}" in ln]
        assert mine and mine[0].index("chain") < 12
        assert "val_loss 0.52 → 0.51 (-0.01)" in mine[0]  # the CLI's delta formatter
        nodes = [ln for ln in lines if "↳ chain 1.0." in ln]
        assert len(nodes) > 10 and len({ln.index("chain") for ln in nodes}) == 1
        await pilot.press("k", "k", "k")
        assert screen.lineage.cursor_id == ids[-4]
        assert any(f"1.0.46 #{ids[-4]}" in ln for ln in screen_text(app).splitlines())

    run(sqlite_registry, scenario, size=(80, 24))


def test_branches_nest_and_chains_inside_them_do_not(sqlite_registry: ModelRegistry) -> None:
    """A node with two fine-tunes nests them; a single child follows its parent, marked ↳."""
    reg = sqlite_registry
    root = reg.register_model("r", "1.0.0", "r.pt", "t", verify_checkpoint=False)
    a = reg.register_model("a", "1.0.0", "a.pt", "t", parent_model_id=root, verify_checkpoint=False)
    a2 = reg.register_model("a", "1.1.0", "a2.pt", "t", parent_model_id=a, verify_checkpoint=False)
    b = reg.register_model("b", "1.0.0", "b.pt", "t", parent_model_id=root, verify_checkpoint=False)
    records = reg.records.family(root)
    layout = [(p.record.model_id, p.branch, p.marker) for p in placements(records)]
    assert layout == [(root, None, ""), (a, root, ""), (a2, root, "↳ "), (b, root, "")]


def test_the_cursor_stays_on_its_node_across_live_refreshes(seeded: Seeded, db_path: Path) -> None:
    """A registration by another handle, anywhere or in the family, leaves the cursor put."""
    registry, ids = seeded
    other = ModelRegistry(str(db_path))

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_lineage(pilot, ids["v12"])
        await pilot.press("k", "k")
        assert screen.lineage.cursor_id == ids["base"]
        other.register_model("elsewhere", "1.0.0", "e.pt", "t", verify_checkpoint=False)
        app.check_changes(force=True)
        await settle(pilot)
        assert screen.lineage.cursor_id == ids["base"]
        child = other.register_model(
            "gpt-small", "1.3.0", "c.pt", "language_modeling",
            parent_model_id=ids["v12"], verify_checkpoint=False,
        )  # fmt: skip
        app.check_changes(force=True)
        await settle(pilot)
        await pilot.pause()
        assert child in screen.lineage.records
        assert screen.lineage.cursor_id == ids["base"]

    run(registry, scenario)
    other.close()


async def open_lineage(pilot: Pilot[None], model_id: int) -> LineageScreen:
    """Put the main cursor on ``model_id``, press l and wait for the tree."""
    app = pilot.app
    assert isinstance(app, RegistryApp)
    main_screen(app).jump_to(model_id)
    await settle(pilot)
    await pilot.press("l")
    await settle(pilot)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, LineageScreen)
    return screen


def test_a_node_deleted_elsewhere_moves_the_cursor_to_its_parent(
    seeded: Seeded, db_path: Path
) -> None:
    """The highlighted model (the one the tree was opened on) is deleted: its parent is next."""
    registry, ids = seeded
    other = ModelRegistry(str(db_path))

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = await open_lineage(pilot, ids["v12"])
        other.delete_model(ids["v12"], force=True)
        app.check_changes(force=True)
        await settle(pilot)
        await pilot.pause()
        assert ids["v12"] not in screen.lineage.records
        assert screen.lineage.cursor_id == ids["v11"]
        assert "loading" not in screen_text(app)

    run(registry, scenario)
    other.close()


def test_lineage_and_compare_use_the_registrys_metric_directions(seeded: Seeded) -> None:
    """With ``val_loss`` recorded as higher-is-better, the compare screen stars the higher
    val_loss and the lineage tree gets the direction for its deltas."""
    registry, _ = seeded
    registry.set_metric_direction("val_loss", False)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        await pilot.press("j", "c")  # v12 with its parent v11
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert "0.4 ★" not in screen_text(app)  # v12's lower val_loss is no longer best
        await pilot.press("escape", "l")
        await settle(pilot)
        assert isinstance(app.screen, LineageScreen)
        tree = app.screen.query_one(LineageTree)
        assert tree.higher == ["val_loss"] and tree.lower == []

    run(registry, scenario)


def test_a_recorded_direction_makes_the_lineage_delta_read_better(seeded: Seeded) -> None:
    """A fine-tune whose val_loss went up reads "worse" (red) by the name's default; with
    val_loss recorded as higher-is-better the app's tree node and info pane show the
    same change green (better), from the one delta formatter the CLI uses."""
    registry, ids = seeded
    child = registry.register_model(
        "gpt-small", "1.3.0", "ckpt/v13.pt", "language_modeling",
        metrics={"val_loss": 0.45}, parent_model_id=ids["v12"], verify_checkpoint=False,
    )  # fmt: skip
    registry.set_metric_direction("val_loss", False)

    def style_of(text: Text, part: str) -> str:
        start = text.plain.index(part)
        return " ".join(str(s.style) for s in text.spans if s.start <= start < s.end)

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        app.push_screen(LineageScreen(registry, child))
        await settle(pilot)
        tree = app.screen.query_one(LineageTree)
        nodes, stack = [], [tree.root]
        while stack:
            nodes.append(node := stack.pop())
            stack.extend(node.children)
        label = next(n.label for n in nodes if n.data == child)
        assert isinstance(label, Text)
        assert "(+0.05)" in label.plain and "green" in style_of(label, "(+0.05)")
        info = app.screen.query_one("#lineage-info", Static)
        shown = info.content if hasattr(info, "content") else info.renderable
        assert isinstance(shown, Group)
        delta = next(t for t in shown.renderables if isinstance(t, Text) and "(+0.05)" in t.plain)
        assert "green" in style_of(delta, "(+0.05)")

    run(registry, scenario)
