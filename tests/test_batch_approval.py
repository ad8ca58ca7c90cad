"""Batch approval asks first, with the count and how many of the notes the supervisor has not opened
(issue 14, item 13): Esc approves nothing, Enter approves them all. The store says which were opened."""

import asyncio

from sqlalchemy import text

from tests.conftest import visit
from tests.test_flows import first_caseworker, open_app, press, settle, supervisor_of
from tui.dialogs.approve_notes import ApproveNotesDialog
from tui.screens.note import NoteScreen
from tui.screens.review_queue import ReviewQueueScreen

SIZE = (120, 40)


def _sent(store, agency, clock, n):
    cw = store.as_user("cw")
    return [cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id) for _ in range(n)]


def test_a_note_read_by_its_reviewer_counts_as_opened_until_it_is_sent_again(store, agency, clock):
    first, second, third = _sent(store, agency, clock, 3)
    boss = store.as_user("supa")
    assert boss.not_opened([first.id, second.id, third.id]) == {first.id, second.id, third.id}
    boss.note(first.id)  # the supervisor opens it
    clock.advance(minutes=5)
    assert boss.not_opened([first.id, second.id, third.id]) == {second.id, third.id}
    assert store.as_user("supb").not_opened([first.id]) == {first.id}  # another supervisor's read is theirs
    boss.return_note(first.id, "Name the foster parent.")
    clock.advance(minutes=5)
    cw = store.as_user("cw")
    cw.submit(first.id)
    assert boss.not_opened([first.id]) == {first.id}  # the corrected note is not read yet
    assert boss.not_opened([]) == set() and boss.not_opened(["x", True]) == set()


def _queue_keys(store, boss, count):
    """Keys selecting the first ``count`` unfrozen notes of the boss's queue, and their ids."""
    queue = store.as_user(boss).review_queue()
    rows = [row for row, item in enumerate(queue) if not item.note.frozen][:count]
    keys, at = [], 0
    for row in rows:
        keys += ["down"] * (row - at) + ["space"]
        at = row + 1
    return keys, [queue[row].note.id for row in rows], rows


def test_batch_approval_asks_with_the_count_and_the_unopened_then_approves_only_on_enter(demo_store, tmp_path):
    boss = supervisor_of(demo_store, first_caseworker(demo_store))
    keys, chosen, _ = _queue_keys(demo_store, boss, 3)
    before = [row.note.status for row in demo_store.as_user(boss).review_queue() if row.note.id in chosen]
    statuses = lambda: [demo_store.as_user(boss).note(note_id).status for note_id in chosen]  # noqa: E731
    demo_store.as_user(boss).note(chosen[0])  # the supervisor has read one of the three

    async def run():
        app = open_app(demo_store, boss, tmp_path)
        seen = {}
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+r", *keys, "y"])
            dialog = app.screen
            seen["asked"] = (type(dialog), getattr(dialog, "count", None), getattr(dialog, "not_opened", None),
                             getattr(dialog, "question", ""))
            await press(pilot, ["escape"])
            seen["after escape"] = (type(app.screen), statuses())
            await press(pilot, ["y"])
            await press(pilot, ["enter"])
            seen["after enter"] = type(app.screen)
        return seen

    seen = asyncio.run(run())
    kind, count, not_opened, question = seen["asked"]
    assert len(before) == 3 and set(before) <= {"submitted", "resubmitted"}
    assert (kind, count, not_opened) == (ApproveNotesDialog, 3, 2)
    assert question == "Approve 3 notes? 2 of them you have not opened (1 you have)."
    assert seen["after escape"] == (ReviewQueueScreen, before)  # nothing approved
    assert seen["after enter"] is ReviewQueueScreen
    assert statuses() == ["approved"] * 3


def test_approving_one_unread_note_says_it_was_not_opened(demo_store, tmp_path):
    boss = supervisor_of(demo_store, first_caseworker(demo_store))
    _, chosen, rows = _queue_keys(demo_store, boss, 1)

    async def run():
        app = open_app(demo_store, boss, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+r", *(["down"] * rows[0]), "y"])
            question = app.screen.question
            await press(pilot, ["enter"])
            await press(pilot, ["enter"])  # opens the next note: the approval was not typed twice
            return question, type(app.screen)

    question, then = asyncio.run(run())
    assert question == "You have not opened this note. Approve it without reading it?"
    assert then is NoteScreen
    assert demo_store.as_user(boss).note(chosen[0]).status == "approved"


def test_a_note_read_from_the_queue_counts_as_opened(demo_store, tmp_path):
    boss = supervisor_of(demo_store, first_caseworker(demo_store))
    _, _, rows = _queue_keys(demo_store, boss, 1)

    async def run():
        app = open_app(demo_store, boss, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+r", *(["down"] * rows[0]), "enter"])  # read it
            read = type(app.screen)
            await press(pilot, ["escape"])
            await press(pilot, ["y"])
            return read, app.screen.question

    read, question = asyncio.run(run())
    assert read is NoteScreen and question == "Approve this note?"


def _status(store, note_id):
    """Read by SQL: a read through the supervisor's desk would count as opening the note."""
    with store.read_engine.connect() as conn:
        return conn.execute(text("SELECT status FROM notes WHERE id = :n"), {"n": note_id}).scalar_one()


def _y_then_enter_at_once(store, boss, rows, tmp_path, hold=None):
    """Presses `y` and Enter with no pause between them; ``hold`` (an Event) keeps the store's count of
    the unopened from answering until it is set, as under load."""
    async def run():
        app = open_app(store, boss, tmp_path)
        seen = {}
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+r", *(["down"] * rows[0])])
            await pilot.press("y", "enter")
            seen["after y enter"] = (type(app.screen), getattr(app.screen, "question", ""))
            if hold is not None:
                hold.set()
            await settle(pilot)
            seen["settled"] = (type(app.screen), getattr(app.screen, "question", ""))
            await press(pilot, ["enter"])
            seen["answered"] = type(app.screen)
        return seen
    return asyncio.run(run())


def test_enter_typed_right_after_y_goes_to_the_question_not_to_the_queue(demo_store, tmp_path, monkeypatch):
    """The question is there as `y` is handled; an Enter typed before the store has said how many were
    not opened answers nothing (nothing approved, no note opened), the Enter typed after it approves."""
    import threading

    from store.desks.desk import Desk

    boss = supervisor_of(demo_store, first_caseworker(demo_store))
    _, chosen, rows = _queue_keys(demo_store, boss, 1)
    hold, real = threading.Event(), Desk.not_opened
    states = []

    def slow(self, note_ids):
        hold.wait(10)
        states.append(_status(demo_store, chosen[0]))  # before the answer is known
        return real(self, note_ids)

    monkeypatch.setattr(Desk, "not_opened", slow)
    seen = _y_then_enter_at_once(demo_store, boss, rows, tmp_path, hold)
    assert seen["after y enter"] == (ApproveNotesDialog, "Approve this note? Checking whether you have opened it…")
    assert states and states[0] in {"submitted", "resubmitted"}  # the early Enter approved nothing
    assert seen["settled"] == (ApproveNotesDialog, "You have not opened this note. Approve it without reading it?")
    assert seen["answered"] is ReviewQueueScreen
    assert _status(demo_store, chosen[0]) == "approved"


def test_y_enter_with_no_pause_never_opens_the_note_and_approves_only_once_answered(demo_store, tmp_path):
    boss = supervisor_of(demo_store, first_caseworker(demo_store))
    _, chosen, rows = _queue_keys(demo_store, boss, 1)
    seen = _y_then_enter_at_once(demo_store, boss, rows, tmp_path)
    kind, _ = seen["after y enter"]
    assert kind in {ApproveNotesDialog, ReviewQueueScreen}  # asked, or already answered: never the note
    if seen["settled"][0] is ApproveNotesDialog:  # the early Enter came before the count: it answered nothing
        assert seen["answered"] is ReviewQueueScreen  # the next Enter answered it
    else:  # the count came first and the early Enter answered the question; the next opens a note
        assert seen["answered"] is NoteScreen
    assert demo_store.as_user(boss).note(chosen[0]).status == "approved"
