"""An addendum's clock and an approved note's label, through the API (issue 14, item 16): an addendum
keeps the time of the event it corrects but is due from its own entry and is never a late entry; an
approved note is final before it is frozen; every "overdue" is the deadline engine's."""

from datetime import timedelta

from tests.conftest import end_of_day, visit


def _old_approved_note(store, agency, clock):
    """A visit recorded and approved on time, then the clock moved a fortnight on."""
    cw, supa = store.as_user("cw"), store.as_user("supa")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    supa.approve(note.id)
    clock.advance(days=14)
    return note


def test_a_new_addendum_is_not_overdue_nor_a_late_entry(store, agency, clock):
    original = _old_approved_note(store, agency, clock)
    cw = store.as_user("cw")
    addendum = cw.add_addendum(original.id, narrative="The visit lasted forty minutes, not thirty.")
    assert addendum.event_at == original.event_at  # it still tells of the original event
    assert not addendum.late_entry and not cw.note(addendum.id).late_entry
    [due] = cw.my_deadlines()
    assert (due.note_id, due.action, due.overdue) == (addendum.id, "submit", False)
    assert due.due_at == addendum.entered_at + timedelta(hours=72)  # from its own entry
    assert cw.note_deadline(addendum.id) == due
    assert cw.stage_deadlines(agency.fss)[addendum.id] == due
    [row] = [r for r in cw.caseload() if r.stage_id == agency.fss]
    assert row.entry_due_at == due.due_at and not row.overdue
    clock.set(due.due_at + timedelta(seconds=1))
    assert cw.my_deadlines()[0].overdue  # a forgotten addendum draft does fall due


def test_an_addendum_is_reviewed_within_the_window_from_its_submission(store, agency, clock):
    original = _old_approved_note(store, agency, clock)
    cw, supa = store.as_user("cw"), store.as_user("supa")
    addendum = cw.submit(cw.add_addendum(original.id, narrative="Ana was also present.").id)
    [review] = supa.my_deadlines()
    assert (review.note_id, review.action, review.overdue) == (addendum.id, "review", False)
    assert review.due_at == end_of_day(addendum.submitted_at, 5)
    [queued] = supa.review_queue()
    assert (queued.review_due_at, queued.overdue) == (review.due_at, False)
    clock.set(review.due_at + timedelta(seconds=1))
    assert supa.my_deadlines()[0].overdue and supa.review_queue()[0].overdue


def test_an_addendum_does_not_count_as_a_late_entry_in_timeliness(store, agency, clock):
    original = _old_approved_note(store, agency, clock)
    store.as_user("cw").add_addendum(original.id, narrative="The visit lasted forty minutes, not thirty.")
    [row] = [r for u in store.as_user("supa").timeliness().units for r in u.workers if r.login == "cw"]
    assert (row.late_entries, row.overdue_entries) == (0, 0)


def test_an_approved_note_is_final_and_not_frozen_before_its_freeze_date(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    approved = store.as_user("supa").approve(note.id)
    assert approved.status == "approved" and approved.final and not approved.frozen
    assert not cw.note(note.id).frozen and not cw.stage_notes(agency.fss)[0].frozen
    clock.set(approved.freezes_at)
    assert cw.note(note.id).frozen and cw.note(note.id).final


def test_a_draft_is_neither_final_nor_frozen_until_it_freezes(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    assert not note.final and not note.frozen
    clock.set(note.freezes_at)
    assert cw.note(note.id).final and cw.note(note.id).frozen
