"""The inbox in the app (demo agency, clock stopped at its end): the unread count in every screen's
header, F2 opens the Inbox from anywhere and for every role, Enter marks the notification read and
goes to the thing, ``r``/``a`` mark read, ``u`` shows only unread; the database is asserted."""

import asyncio

import pytest
from textual.widgets import DataTable, Static

from tests.test_tui import SIZE, keys_then_settle, settle
from tui.app import CasenotesApp
from tui.screens.deadlines import DeadlinesScreen
from tui.screens.inbox import InboxScreen
from tui.screens.note import NoteScreen

SMALL = (80, 24)


def returned_to_its_author(store) -> tuple[str, int]:
    """A supervisor returns the first note waiting in a review queue: (the author's login, the note)."""
    for supervisor in (w.login for w in store.staff() if "Supervisor" in w.title):
        desk = store.as_user(supervisor)
        for item in desk.review_queue():
            if not item.note.frozen:
                desk.return_note(item.note.id, "Say who else was at the visit.")
                return item.note.author, item.note.id
    raise AssertionError("the demo has a note waiting for review")


def run(store, login, home, steps):
    async def go():
        app = CasenotesApp(store, login, home=home, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            return await steps(app, pilot)
    return asyncio.run(go())


async def keys(pilot, *pressed):
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


def test_inbox_snapshot(snap_compare, demo_store, tmp_path):
    author, _ = returned_to_its_author(demo_store)
    app = CasenotesApp(demo_store, author, home=tmp_path, indexing=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("f2"))


def test_inbox_at_80x24_snapshot(snap_compare, demo_store, tmp_path):
    author, _ = returned_to_its_author(demo_store)
    app = CasenotesApp(demo_store, author, home=tmp_path, indexing=False)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("f2"))


def test_the_header_counts_the_unread_and_enter_opens_the_returned_note(demo_store, tmp_path):
    author, note_id = returned_to_its_author(demo_store)

    async def steps(app, pilot):
        seen = {"home header": app.title}
        await keys(pilot, "f2")
        seen["screen"] = type(app.screen)
        seen["first row"] = str(app.screen.query_one(DataTable).get_row_at(0)[-1])
        await keys(pilot, "enter")
        seen["opened"] = (type(app.screen), getattr(app.screen, "note_id", None))
        seen["header after"] = app.title
        await keys(pilot, "escape")
        seen["back"] = type(app.screen)
        seen["summary"] = str(app.screen.query_one("#summary", Static).render())
        return seen

    seen = run(demo_store, author, tmp_path, steps)
    assert seen["home header"] == "casenotes · 1 unread (F2)"
    assert seen["screen"] is InboxScreen and "returned your" in seen["first row"]
    assert seen["opened"] == (NoteScreen, note_id)
    assert "unread" not in seen["header after"]
    assert seen["back"] is InboxScreen and seen["summary"].startswith("nothing unread")
    told = demo_store.as_user(author).inbox()[0]
    assert (told.kind, told.entity_id) == ("note returned", note_id)
    assert told.read_at is not None and demo_store.as_user(author).unread_count() == 0


def test_r_marks_one_read_a_marks_all_and_u_shows_only_unread(demo_store, tmp_path):
    author, _ = returned_to_its_author(demo_store)
    cw = demo_store.as_user(author)
    returned_to_its_author(demo_store)  # another, perhaps for someone else
    unread_before = cw.unread_count()

    async def steps(app, pilot):
        await keys(pilot, "f2", "u")
        shown_unread = app.screen.query_one(DataTable).row_count
        await keys(pilot, "r")
        after_r = cw.unread_count()
        await keys(pilot, "a")
        after_a = cw.unread_count()
        summary = str(app.screen.query_one("#summary", Static).render())
        return shown_unread, after_r, after_a, summary, app.title

    shown_unread, after_r, after_a, summary, header = run(demo_store, author, tmp_path, steps)
    assert shown_unread == unread_before >= 1
    assert after_r == unread_before - 1 and after_a == 0
    assert summary.startswith("Nothing unread") and "unread" not in header


# An access request's opens its decide dialog: tests/test_advocacy_app.py, with a real request.
@pytest.mark.parametrize("entity, screen", [("absence", DeadlinesScreen)])
def test_enter_goes_to_what_the_notification_is_about(demo_store, tmp_path, entity, screen):
    from store.db.notifications import notify

    author, _ = returned_to_its_author(demo_store)
    desk = demo_store.as_user(author)
    [returned] = [n for n in desk.inbox(unread_only=True)]
    with demo_store.writing() as session:
        notify(session, desk.worker_id, "access request" if entity == "appointment" else "absence cut-off",
               "Something about it.", f"test:{entity}", demo_store.now(), entity=entity, entity_id=1,
               case_id=returned.case_id, stage_id=returned.stage_id)

    async def steps(app, pilot):
        await keys(pilot, "f2", "enter")
        return type(app.screen)

    assert run(demo_store, author, tmp_path, steps) is screen


def test_every_role_has_an_inbox(demo_store, tmp_path):
    by_title = {}
    for w in demo_store.staff():
        by_title.setdefault(w.title, w.login)
    logins = [by_title[t] for t in ("Director of Child Welfare Services", "Casework Supervisor", "Caseworker",
                                    "Senior Clerk", "CASA Volunteer Advocate", "CASA Access Representative")]

    async def steps(app, pilot):
        await keys(pilot, "f2")
        return type(app.screen), str(app.screen.query_one("#summary", Static).render())

    for login in logins:
        screen, summary = run(demo_store, login, tmp_path, steps)
        assert screen is InboxScreen, login
        assert "Loading" not in summary, login


def test_enter_on_an_advocates_upload_opens_the_document(demo_store, tmp_path):
    """The document's own open dialog (a copy to a chosen folder) is the documents' keys'; the inbox
    hands it the document."""
    from store.db.notifications import notify

    author, _ = returned_to_its_author(demo_store)
    desk = demo_store.as_user(author)
    with demo_store.writing() as session:
        notify(session, desk.worker_id, "advocate upload", "An advocate uploaded a school report.", "test:document:7",
               demo_store.now(), entity="document", entity_id=7)
    opened = []

    async def steps(app, pilot):
        app.open_document = lambda document_id, *rest, **kw: opened.append(document_id)
        await keys(pilot, "f2", "enter")
        return type(app.screen)

    assert run(demo_store, author, tmp_path, steps) is InboxScreen and opened == [7]
    assert desk.inbox()[0].read_at is not None


def test_an_advocate_goes_home_from_their_decided_request(demo_store, tmp_path):
    from store.db.notifications import notify
    from tui.screens.advocate_home import AdvocateHomeScreen

    advocate = next(w.login for w in demo_store.staff() if w.title == "CASA Volunteer Advocate")
    desk = demo_store.as_user(advocate)
    with demo_store.writing() as session:
        notify(session, desk.worker_id, "access decided", "Your request was approved.", "test:decided",
               demo_store.now(), entity="appointment", entity_id=1)

    async def steps(app, pilot):
        seen = [app.title]
        await keys(pilot, "f2", "enter")
        return seen + [type(app.screen), app.title]

    before, screen, after = run(demo_store, advocate, tmp_path, steps)
    assert before == "casenotes · 1 unread (F2)" and screen is AdvocateHomeScreen and after == "casenotes"
