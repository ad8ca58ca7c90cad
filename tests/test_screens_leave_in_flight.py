"""Leaving a screen while its load is still in flight (issue 14, item 2): workers post their answers
as messages, which Textual drops for a screen that has gone, so nothing reaches into a removed
screen's widgets (NoMatches). The store is slowed so that each load is still running when Esc is
pressed; each screen is opened and left many times, then opened and left alone to show that its
answer still arrives."""

import asyncio
import contextlib
import threading
import time

from textual.widgets import Input, Static
from textual.worker import WorkerCancelled

from store.desks.desk import Desk
from tests.test_tui import SIZE, first, settle
from tui.app import CasenotesApp
from tui.screens.access_log import AccessLogScreen
from tui.screens.caseload import CaseloadScreen
from tui.screens.deadlines import DeadlinesScreen
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen
from tui.screens.intake import IntakeScreen
from tui.screens.note import NoteScreen
from tui.screens.note_history import NoteHistoryScreen
from tui.screens.search import SearchScreen
from tui.screens.timeliness import TimelinessScreen
from tui.screens.visits import VisitsScreen

SLOW = 0.05  # seconds each slowed read takes more than usual
ROUNDS = 6
READS = ("my_deadlines", "team_deadlines", "visit_standards", "team_visit_standards", "timeliness", "note_history",
         "note_actions", "intake_choices", "access_log", "inbox")


def slow_down(monkeypatch, names, wait) -> None:
    for name in names:
        original = getattr(Desk, name)

        def slowed(self, *args, _original=original, **kwargs):
            wait()
            return _original(self, *args, **kwargs)
        monkeypatch.setattr(Desk, name, slowed)


def a_note_of(store, login) -> int:
    desk = store.as_user(login)
    stage = (desk.caseload() or desk.unit_caseload())[0].stage_id
    return desk.stage_note_ids(stage)[0]


OPENERS = {
    DeadlinesScreen: lambda app, note: app.action_deadlines(),
    VisitsScreen: lambda app, note: app.action_visits(),
    TimelinessScreen: lambda app, note: app.action_timeliness(),
    NoteScreen: lambda app, note: app.open_note(note),
    NoteHistoryScreen: lambda app, note: app.push_screen(NoteHistoryScreen(note)),
    HelpScreen: lambda app, note: app.action_help(),
    SearchScreen: lambda app, note: app.action_search(),
    IntakeScreen: lambda app, note: app.push_screen(IntakeScreen()),  # a supervisor may do intake
    AccessLogScreen: lambda app, note: app.push_screen(AccessLogScreen(case_of(app.store, note), "the family")),
    InboxScreen: lambda app, note: app.action_inbox(),
}
LOADED = {  # a widget and what it no longer says once the screen's answer has come
    DeadlinesScreen: ("#summary", "Loading"), VisitsScreen: ("#summary", "Loading"),
    TimelinessScreen: ("#summary", "Loading"), NoteScreen: ("#body", "Loading"),
    NoteHistoryScreen: ("#diff-text", "Loading"), SearchScreen: ("#reading", "Searching"),
    IntakeScreen: ("#intro", "reading"), AccessLogScreen: ("#log-title", "reading"),
    InboxScreen: ("#summary", "Loading"),
}


def case_of(store, note_id: int) -> int:
    from sqlalchemy import text

    with store.read_engine.connect() as conn:
        return conn.execute(text("SELECT s.case_id FROM notes n JOIN stages s ON s.id = n.stage_id WHERE n.id = :n"),
                            {"n": note_id}).scalar_one()


def test_leaving_each_screen_while_it_loads_does_not_crash(demo_store, tmp_path, monkeypatch):
    slow_down(monkeypatch, READS, lambda: time.sleep(SLOW))
    login = first(demo_store, "Casework Supervisor")  # has deadlines, team visits and the Timeliness report
    note = a_note_of(demo_store, login)
    answered = {}

    async def go():
        app = CasenotesApp(demo_store, login, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for kind, opener in OPENERS.items():
                for round_ in range(ROUNDS + 1):
                    opener(app, note)
                    await pilot.pause()
                    assert isinstance(app.screen, kind)
                    if kind is SearchScreen:
                        app.screen.query_one("#query", Input).value = "visit"
                        app.screen._search_now()  # as a pause in typing starts it
                    if round_ == ROUNDS:  # left alone: the answer comes to the live screen
                        await settle(pilot)
                        await pilot.pause(SLOW * 4)
                        await settle(pilot)
                        if kind in LOADED:
                            selector, _ = LOADED[kind]
                            answered[kind.__name__] = str(app.screen.query_one(selector, Static).render())
                    else:
                        await pilot.pause(SLOW * (round_ % 3) / 2)  # leave at once, midway, or as it answers
                    await pilot.press("escape")
                    await pilot.pause()
                    assert isinstance(app.screen, CaseloadScreen), kind
            for worker in list(app.workers):  # a reader cancelled by leaving its screen is what this test does
                with contextlib.suppress(WorkerCancelled):
                    await worker.wait()
            await pilot.pause(SLOW * 4)
            assert isinstance(app.screen, CaseloadScreen)
        return app

    app = asyncio.run(go())
    assert app._exception is None
    for kind, (_, waiting) in LOADED.items():
        assert answered[kind.__name__] and waiting not in answered[kind.__name__], kind


def test_an_approval_answered_after_the_user_moved_on_leaves_their_screen_open(demo_store, tmp_path, monkeypatch):
    """``y`` approves in a worker; if the user opened the history meanwhile, the answer closes the
    note screen only if it is the one shown (it used to pop whatever screen was on top)."""
    gate = threading.Event()
    slow_down(monkeypatch, ["approve"], lambda: gate.wait(10))
    login = first(demo_store, "Casework Supervisor")
    [item, *_] = [i for i in demo_store.as_user(login).review_queue() if not i.note.frozen]

    async def go():
        app = CasenotesApp(demo_store, login, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_note(item.note.id)
            await settle(pilot)
            await pilot.press("y")  # the approval waits at the gate
            await pilot.press("h")
            await pilot.pause()
            assert isinstance(app.screen, NoteHistoryScreen)
            gate.set()
            await settle(pilot)
            await pilot.pause(0.2)
            return type(app.screen), [type(s) for s in app.screen_stack]

    shown, stack = asyncio.run(go())
    assert shown is NoteHistoryScreen and NoteScreen in stack
    assert demo_store.as_user(login).note(item.note.id).status == "approved"
