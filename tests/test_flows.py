"""Whole days of work by keyboard, with the database checked after each: a caseworker logs a home
visit; the supervisor returns it; the caseworker corrects and resubmits; the supervisor approves;
a second user cannot edit it; a frozen note offers an addendum; a crash mid-typing loses nothing."""

import asyncio
from datetime import timedelta

from sqlalchemy import text
from textual.widgets import TextArea

from tests.conftest import DEMO_AS_OF, end_of_day
from tests.keyboard import type_text
from tui.app import CasenotesApp
from bench.keystrokes import plan
from tui.screens.case import CaseScreen
from tui.screens.note_editor import NoteEditorScreen

SIZE = (120, 40)
AFTERNOON = DEMO_AS_OF + timedelta(hours=6)  # Friday 20 November 2026, 4 PM in New York


async def settle(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot, keys):
    for key in keys:
        if len(key) > 1 and " " in key:  # a whole line of narrative
            await type_text(pilot, key)
        else:
            await pilot.press(key)
    await settle(pilot)


def open_app(store, login, home, indexing=False):
    return CasenotesApp(store, login, home=home, indexing=indexing)


def first_caseworker(store):
    return next(w.login for w in store.staff() if w.title == "Caseworker")


def latest_note(store, author):
    with store.read_engine.connect() as conn:
        return conn.execute(text(
            "SELECT n.id, n.status, n.contact_type, n.method, n.location, n.narrative, n.event_at, n.purposes "
            "FROM notes n JOIN workers w ON w.id = n.author_id WHERE w.login = :a ORDER BY n.id DESC LIMIT 1"),
            {"a": author}).one()


def supervisor_of(store, login):
    return next(w.supervisor for w in store.staff() if w.login == login)


def note_row(store, note_id):
    with store.read_engine.connect() as conn:
        return conn.execute(text("SELECT status, version, narrative FROM notes WHERE id = :i"), {"i": note_id}).one()


def test_review_cycle_by_keyboard(demo_store, tmp_path):
    """Logged, returned with a comment, corrected and resubmitted, approved; then nobody else may edit it."""
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    boss = supervisor_of(demo_store, worker)
    chosen = plan(demo_store, worker)
    steps, find_family = chosen.steps, chosen.steps[0][1]

    async def as_user(login, *key_groups):
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for keys in key_groups:
                await press(pilot, keys)
            return app

    asyncio.run(as_user(worker, *[keys for _, keys in steps]))
    note_id = latest_note(demo_store, worker).id
    queue = [item.note.id for item in demo_store.as_user(boss).review_queue()]
    row = queue.index(note_id)

    comment = "Say where the child slept."
    asyncio.run(as_user(boss, ["ctrl+r"], ["down"] * row, ["r"], [comment], ["ctrl+s"]))
    assert note_row(demo_store, note_id).status == "returned"
    history = demo_store.as_user(worker).note_history(note_id)
    assert history.review[-1].action == "return" and history.review[-1].comment == comment
    assert history.review[-1].due_at == end_of_day(AFTERNOON, 3)  # the end of the third day

    # The caseworker finds the family again (Enter leaves the filter, Enter opens); the note is first.
    asyncio.run(as_user(worker, find_family, ["enter"], ["enter"], ["e"], ["end", " He sleeps in his own room."], ["ctrl+r"]))
    status, version, narrative = note_row(demo_store, note_id)
    assert status == "resubmitted" and narrative.endswith("He sleeps in his own room.")

    row = [item.note.id for item in demo_store.as_user(boss).review_queue()].index(note_id)
    asyncio.run(as_user(boss, ["ctrl+r"], ["down"] * row, ["y"], ["enter"]))  # y asks, Enter approves
    assert note_row(demo_store, note_id).status == "approved"

    assert note_id not in [item.note.id for item in demo_store.as_user(boss).review_queue()]

    async def other_user_tries():
        other = open_app(demo_store, boss, tmp_path)
        async with other.run_test(size=SIZE) as pilot:
            await settle(pilot)
            case_id = demo_store.as_user(worker).note(note_id).case_id
            other.open_case(case_id, demo_store.as_user(worker).note(note_id).stage_id)
            await settle(pilot)
            await press(pilot, ["e"])  # not editable: the store's reason, and an addendum offered instead
            dialog = other.screen
            said = " ".join(str(s.render()) for s in dialog.query("Static"))
            await press(pilot, ["escape"])
            return type(dialog).__name__, said, type(other.screen)
    dialog, said, back_on = asyncio.run(other_user_tries())
    assert dialog == "ConfirmDialog" and "Only the author" in said and "addendum" in said
    assert back_on is CaseScreen
    assert note_row(demo_store, note_id).version == version + 1  # only the approval changed it since


def test_frozen_note_offers_an_addendum(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    desk = demo_store.as_user(worker)
    stage_id = desk.caseload()[0].stage_id
    person = desk.stage(stage_id).persons[0].id
    note = desk.add_note(stage_id, event_at=AFTERNOON - timedelta(hours=1), contact_type="Caseworker/Child Contact",
                         narrative="Seen at home.", participants=[person])
    demo_store.clock.set(AFTERNOON + timedelta(days=22))

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_case(note.case_id, stage_id)
            await settle(pilot)
            await press(pilot, ["e"])
            offered = type(app.screen).__name__
            await press(pilot, ["enter"])
            editor = app.screen
            await press(pilot, ["Correction: the visit was at 3 pm, not 2 pm."])
            await press(pilot, ["ctrl+s"])
            return offered, type(editor)

    offered, editor = asyncio.run(run())
    assert offered == "ConfirmDialog" and editor is NoteEditorScreen
    addenda = demo_store.as_user(worker).note(note.id).addenda
    assert len(addenda) == 1
    addendum = demo_store.as_user(worker).note(addenda[0])
    assert addendum.contact_type == "Addendum" and addendum.narrative == "Correction: the visit was at 3 pm, not 2 pm."


def test_killing_the_app_mid_typing_recovers_the_draft(demo_store, tmp_path, monkeypatch):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    typed = "Half a sentence typed before the power went"

    async def type_then_crash():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+n"])
            editor = app.screen
            editor.query_one(TextArea).focus()
            await press(pilot, [typed])
            await pilot.pause(3.5)  # the autosave runs a few seconds after typing stops
            await settle(pilot)
        # leaving the `async with` here ends the app without closing the editor: no save, no dialog

    asyncio.run(type_then_crash())
    with demo_store.read_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes WHERE narrative = :t"), {"t": typed}).scalar_one() == 0

    async def reopen():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            offered = type(app.screen).__name__
            await press(pilot, ["enter"])
            return offered, app.screen.query_one(TextArea).text

    offered, text_back = asyncio.run(reopen())
    assert offered == "ConfirmDialog" and text_back == typed
