"""The inbox: a note returned or approved reaches its author once per event, the sweep finds what
became overdue (a correction, a review) and an absence cut-off tomorrow, each exactly once however
often it runs; reading and marking read is one's own only, on both backends."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from store import NotFound, Store
from store.core.errors import InvalidRequest
from tests.conftest import visit

ZONE = ZoneInfo("America/New_York")


def submitted(store, agency, clock, login="cw", **override):
    desk = store.as_user(login)
    return desk.submit(desk.add_note(agency.fss, **visit(agency, clock, **override)).id)


def kinds(desk):
    return [(n.kind, n.entity, n.entity_id) for n in desk.inbox()]


# --- a note returned, approved --------------------------------------------------------------------

def test_a_returned_note_reaches_its_author_once_per_return(store, agency, clock):
    note = submitted(store, agency, clock)
    store.as_user("supa").return_note(note.id, "Name the foster parent.")
    cw = store.as_user("cw")
    [told] = cw.inbox()
    assert (told.kind, told.entity, told.entity_id, told.case_id, told.stage_id) == (
        "note returned", "note", note.id, agency.case, agency.fss)
    assert told.sentence.startswith("Sam Supervisor returned your Caseworker/Child Contact note of ")
    assert "Rivera family" in told.sentence and told.unread and cw.unread_count() == 1
    clock.advance(hours=1)
    cw.submit(note.id)
    clock.advance(hours=1)
    store.as_user("supa").return_note(note.id, "And the date of the school meeting.")
    assert kinds(cw) == [("note returned", "note", note.id)] * 2  # a second return is a second notice
    assert store.as_user("supa").inbox() == []  # nothing for the one who acted


def test_an_approved_note_reaches_its_author_once(store, agency, clock):
    note = submitted(store, agency, clock)
    store.as_user("supa").approve(note.id)
    cw = store.as_user("cw")
    assert kinds(cw) == [("note approved", "note", note.id)]
    assert "approved your" in cw.inbox()[0].sentence
    assert cw.unread_count() == 1


def test_a_submitted_or_recalled_note_notifies_nobody(store, agency, clock):
    note = submitted(store, agency, clock)
    store.as_user("cw").recall(note.id)
    assert store.as_user("cw").inbox() == [] and store.as_user("supa").inbox() == []


# --- the sweep ------------------------------------------------------------------------------------

def test_an_overdue_correction_is_notified_once_however_often_the_sweep_runs(store, agency, clock):
    note = submitted(store, agency, clock)
    returned = store.as_user("supa").return_note(note.id, "Name the foster parent.")
    cw = store.as_user("cw")
    assert cw.check_notifications() == 0  # not due yet
    clock.set(returned.due_at + timedelta(minutes=1))
    assert cw.check_notifications() == 1
    assert cw.check_notifications() == 0
    assert store.staffing().check_notifications() == 0  # the server's sweep finds the same key
    overdue = [n for n in cw.inbox() if n.kind == "correction overdue"]
    assert len(overdue) == 1 and overdue[0].entity_id == note.id and "it is overdue" in overdue[0].sentence


def test_an_overdue_review_goes_to_the_reviewer_once(store, agency, clock):
    note = submitted(store, agency, clock)
    clock.advance(days=8)
    assert store.as_user("cw").check_notifications() == 0  # the author waits: the review is the supervisor's
    supa = store.as_user("supa")
    assert supa.check_notifications() == 1 and supa.check_notifications() == 0
    [told] = supa.inbox()
    assert (told.kind, told.entity_id) == ("review overdue", note.id)
    assert told.sentence.startswith("Your review of Cara Worker's Caseworker/Child Contact note")


def test_the_servers_sweep_notifies_every_worker(store, agency, clock):
    submitted(store, agency, clock)
    clock.advance(days=8)
    assert store.staffing().check_notifications() == 1
    assert store.staffing().check_notifications() == 0
    assert [n.kind for n in store.as_user("supa").inbox()] == ["review overdue"]
    assert store.as_user("supa").check_notifications() == 0


def test_an_absence_cut_off_tomorrow_is_notified_the_day_before(store, agency, clock):
    cw = store.as_user("cw")
    cw.add_note(agency.fss, **visit(agency, clock))  # a draft still to submit
    today = clock.now().date()
    starts = next(today + timedelta(days=d) for d in range(2, 15)
                  if cw.absence_cutoff(today + timedelta(days=d)).astimezone(ZONE).date() == today + timedelta(days=1))
    absence = cw.plan_absence(starts, starts + timedelta(days=4), "Vacation")
    assert cw.check_notifications() == 1 and cw.check_notifications() == 0
    [told] = cw.inbox()
    assert (told.kind, told.entity, told.entity_id) == ("absence cut-off", "absence", absence.id)
    assert "tomorrow; 1 note still to submit or correct" in told.sentence


def test_an_absence_cut_off_further_off_waits(store, agency, clock):
    cw = store.as_user("cw")
    start = clock.now().date() + timedelta(days=20)
    cw.plan_absence(start, start + timedelta(days=2))
    assert cw.check_notifications() == 0 and cw.inbox() == []


# --- reading and marking read ---------------------------------------------------------------------

def test_mark_read_marks_ones_own_and_counts_the_rest(store, agency, clock):
    first = submitted(store, agency, clock)
    second = submitted(store, agency, clock)
    supa = store.as_user("supa")
    supa.approve(first.id)
    supa.approve(second.id)
    cw = store.as_user("cw")
    newest, older = cw.inbox()
    assert newest.id > older.id
    clock.advance(minutes=5)
    assert cw.mark_read([older.id]) == 1 and cw.mark_read([older.id]) == 0
    assert cw.unread_count() == 1
    assert [n.id for n in cw.inbox(unread_only=True)] == [newest.id]
    assert cw.inbox()[1].read_at == clock.now()
    assert cw.mark_all_read() == 1 and cw.unread_count() == 0


def test_another_workers_notification_is_not_mine_to_mark(store, agency, clock):
    submitted(store, agency, clock)
    note = submitted(store, agency, clock)
    store.as_user("supa").approve(note.id)
    [theirs] = store.as_user("cw").inbox()
    with pytest.raises(NotFound, match=f"no notification number {theirs.id}"):
        store.as_user("cw2").mark_read([theirs.id])
    assert store.as_user("cw").unread_count() == 1


@pytest.mark.parametrize("bad", ["3", [True], [0], None, [-1], {"a": 1}])
def test_mark_read_refuses_what_is_no_notification_number(store, agency, bad):
    with pytest.raises((NotFound, InvalidRequest)):
        store.as_user("cw").mark_read(bad)


@pytest.mark.parametrize("limit", [0, -1, "10", 10**9, True])
def test_inbox_refuses_a_silly_limit(store, agency, limit):
    with pytest.raises(InvalidRequest):
        store.as_user("cw").inbox(limit=limit)


def test_a_notification_is_read_only_once_in_the_database(store, agency, clock, db_url):
    note = submitted(store, agency, clock)
    store.as_user("supa").approve(note.id)
    cw = store.as_user("cw")
    [told] = cw.inbox()
    cw.mark_read([told.id])
    engine = create_engine(db_url)
    try:
        with pytest.raises(DBAPIError, match="only marked read, once"), engine.begin() as conn:
            conn.execute(text("UPDATE notifications SET read_at = NULL WHERE id = :id"), {"id": told.id})
        with pytest.raises(DBAPIError, match="never deleted"), engine.begin() as conn:
            conn.execute(text("DELETE FROM notifications WHERE id = :id"), {"id": told.id})
    finally:
        engine.dispose()
    assert cw.inbox()[0].read_at is not None


def test_one_worker_cannot_read_or_mark_anothers_notifications_by_sql(store, agency, clock, role_url):
    """Row-level security for notifications (migration 0013): one's own inbox only."""
    note = submitted(store, agency, clock)
    store.as_user("supa").approve(note.id)
    [theirs] = store.as_user("cw").inbox()
    engine = create_engine(role_url("cw2"))
    try:
        with engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM notifications")).scalar() == 0
            assert conn.execute(text("UPDATE notifications SET read_at = now() WHERE id = :id"),
                                {"id": theirs.id}).rowcount == 0
    finally:
        engine.dispose()
    assert store.as_user("cw").unread_count() == 1
    own = create_engine(role_url("cw"))
    try:
        with own.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM notifications")).scalar() == 1
    finally:
        own.dispose()


def test_a_supervisor_signed_in_as_themselves_returns_a_note_into_the_authors_inbox(store, agency, clock,
                                                                                     role_url):
    """On the agency server the supervisor may put a notification in the author's inbox without being
    able to read it back (notify goes through the owner's casenotes_notify); the author reads it and marks
    it, as themselves."""
    note = submitted(store, agency, clock)
    supa = Store.open(role_url("supa"), clock=clock)
    cw = Store.open(role_url("cw"), clock=clock)
    try:
        supa.signed_in().return_note(note.id, "Name the foster parent.")
        assert supa.signed_in().inbox() == []
        [told] = cw.signed_in().inbox()
        assert (told.kind, told.entity_id) == ("note returned", note.id)
        assert cw.signed_in().mark_read([told.id]) == 1 and cw.signed_in().unread_count() == 0
        clock.advance(days=8)
        cw.signed_in().submit(note.id)
        clock.advance(days=8)
        assert supa.signed_in().check_notifications() == 1  # the correction's review, now overdue
        assert supa.signed_in().check_notifications() == 0
    finally:
        supa.close()
        cw.close()
