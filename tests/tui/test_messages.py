"""Messages that coalesce: a flood of one kind is handled once, and never loses the newest.

Textual drops a queued message when the one before it says ``can_replace`` the
next; these tests post several at once (nothing runs between the posts) and
look at which were handled and what the screen shows.
"""

from __future__ import annotations

from textual.message import Message
from textual.pilot import Pilot

from registry_tui import ModelRegistry
from registry_tui.records import Facets, ModelQuery
from registry_tui.tui.app import RegistryApp
from registry_tui.tui.messages import ConnectionChanged, RegistryChanged
from registry_tui.tui.screens.history import HistoryScreen
from registry_tui.tui.screens.main import MainScreen
from registry_tui.tui.widgets.filter_bar import FilterBar
from registry_tui.tui.widgets.model_table import ModelTable
from tests.tui.helpers import main_screen, run, settle, table

Seeded = tuple[ModelRegistry, dict[str, int]]


def handled(node: MainScreen | RegistryApp, kind: type[Message]) -> list[Message]:
    """A list that fills with the messages of ``kind`` ``node`` handles from now on."""
    seen: list[Message] = []
    node.message_signal.subscribe(
        node, lambda m: seen.append(m) if isinstance(m, kind) else None, immediate=True
    )
    return seen


def test_a_flood_of_listings_is_handled_once_and_the_newest_is_shown(seeded: Seeded) -> None:
    """Three listings queued back to back for the shown generation: only the last is
    handled, and the table shows its row."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        records = registry.records.query(ModelQuery())
        seen = handled(screen, MainScreen.Loaded)
        posted = [
            MainScreen.Loaded(screen.generation, screen.query_model, 1, 0, [record], 0)
            for record in records[:3]
        ]
        for message in posted:
            screen.post_message(message)
        await settle(pilot)
        assert seen == [posted[-1]] and seen[0] is posted[-1]
        assert table(app).total == 1 and table(app).record_at(0) == records[2]

    run(registry, scenario)


def test_a_stale_listing_queued_after_a_newer_one_never_drops_the_newer(
    seeded: Seeded,
) -> None:
    """The newer listing, then a stale one (a slow query finishing late) right behind it:
    the newer is still applied and the stale one ignored."""
    registry, ids = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        newer = registry.records.query(ModelQuery(name="bert-base"))
        stale = registry.records.query(ModelQuery(status="retired"))
        generation = screen.generation
        screen.post_message(MainScreen.Loaded(generation, screen.query_model, 1, 0, newer, 0))
        screen.post_message(MainScreen.Loaded(generation - 1, screen.query_model, 1, 0, stale, 0))
        await settle(pilot)
        assert table(app).total == 1
        assert table(app).record_at(0) == newer[0] and newer[0].model_id == ids["bert"]

    run(registry, scenario)


def test_a_forced_token_read_is_not_swallowed_by_an_unforced_one(seeded: Seeded) -> None:
    """``ctrl+r``'s forced read, then a plain poll of the same token queued behind it:
    the screens still reload."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        token, generation = app.token, screen.generation
        assert token is not None
        app.post_message(RegistryApp.TokenRead(token, True, None))
        app.post_message(RegistryApp.TokenRead(token, False, None))
        await settle(pilot)
        assert screen.generation == generation + 1

    run(registry, scenario)


def test_a_flood_of_polls_reloads_once(seeded: Seeded) -> None:
    """Five token reads that all moved, queued back to back: one is handled and the
    main screen reloads once."""
    registry, _ = seeded

    async def scenario(pilot: Pilot[None], app: RegistryApp) -> None:
        screen = main_screen(app)
        token, generation = app.token, screen.generation
        assert token is not None
        seen = handled(app, RegistryApp.TokenRead)
        for step in range(1, 6):
            app.post_message(RegistryApp.TokenRead(token + step, False, None))
        await settle(pilot)
        assert [m.token for m in seen if isinstance(m, RegistryApp.TokenRead)] == [token + 5]
        assert screen.generation == generation + 1 and app.token == token + 5

    run(registry, scenario)


def coalescing_cases(seeded: Seeded) -> list[tuple[Message, Message, bool]]:
    """(queued first, queued next, whether the first is dropped for the next)."""
    registry, ids = seeded
    record = registry.records.get(ids["bert"])
    other = registry.records.get(ids["v11"])
    assert record is not None and other is not None
    query, facets = ModelQuery(), Facets((), (), 0)
    return [
        (MainScreen.Counted(3, 10), MainScreen.Counted(3, 11), True),
        (MainScreen.Counted(4, 10), MainScreen.Counted(3, 11), False),
        (MainScreen.Loaded(2, query, 0, 0, [], 0), MainScreen.Counted(2, 0), False),
        (MainScreen.RowsLoaded(1, 0, []), MainScreen.RowsLoaded(1, 50, []), False),
        (MainScreen.OverviewLoaded(facets, []), MainScreen.OverviewLoaded(facets, ["a"]), True),
        (MainScreen.DetailLoaded(record), MainScreen.DetailLoaded(record), True),
        (MainScreen.DetailLoaded(record), MainScreen.DetailLoaded(other), False),
        (HistoryScreen.Loaded(2, [], {}, False), HistoryScreen.Loaded(3, [], {}, True), True),
        (HistoryScreen.Loaded(3, [], {}, False), HistoryScreen.Loaded(2, [], {}, True), False),
        (ModelTable.Highlighted(record, 0), ModelTable.Highlighted(other, 1), True),
        (ModelTable.MarksChanged(frozenset()), ModelTable.MarksChanged(frozenset({1})), True),
        (ModelTable.Selected(record), ModelTable.Selected(record), False),
        (FilterBar.Changed("gp"), FilterBar.Changed("gpt"), True),
        (FilterBar.Submitted("gp"), FilterBar.Submitted("gpt"), False),
        (RegistryChanged(), RegistryChanged(), True),
        (ConnectionChanged("10:00:00"), ConnectionChanged(None), False),
        (RegistryApp.TokenRead(1, False, None), RegistryApp.TokenRead(2, True, {}), True),
        (RegistryApp.TokenRead(1, True, None), RegistryApp.TokenRead(2, False, {}), False),
    ]


def test_which_messages_coalesce(seeded: Seeded) -> None:
    """Results and polls of the same kind coalesce (a listing or count only by a
    generation at least as new, a detail only by the same model); user intents such
    as enter, a submitted filter or a connection change never do."""
    for first, then, dropped in coalescing_cases(seeded):
        assert first.can_replace(then) is dropped, (first, then)
