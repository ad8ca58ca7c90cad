"""The deadline engine through the store's API: who must act on each note, by when, late entries,
planned absences and their cut-off, on both backends."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from store import InvalidAbsence, NotFound
from tests.conftest import counts, end_of_day, visit


def test_a_draft_must_be_recorded_within_the_entry_window_by_its_author(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    [due] = cw.my_deadlines()
    assert (due.note_id, due.who, due.action, due.what) == (note.id, "cw", "submit", "Record and submit")
    assert due.due_at == note.event_at + timedelta(hours=72) and not due.overdue
    assert due.freezes_at == note.freezes_at and not due.after_freeze
    clock.set(due.due_at + timedelta(seconds=1))
    assert cw.my_deadlines()[0].overdue


def test_a_submitted_note_waits_on_the_supervisor_and_a_returned_one_on_the_author(store, agency, clock):
    cw, supa = store.as_user("cw"), store.as_user("supa")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    assert cw.my_deadlines() == []
    [review] = supa.my_deadlines()
    assert (review.who, review.action, review.due_at) == ("supa", "review", end_of_day(note.submitted_at, 5))
    clock.advance(days=1)
    returned = supa.return_note(note.id, "Name the school.")
    assert supa.my_deadlines() == []
    [fix] = cw.my_deadlines()
    assert (fix.who, fix.action, fix.due_at) == ("cw", "resubmit", returned.due_at)
    clock.advance(hours=5)
    cw.submit(cw.edit_note(note.id, returned.note.version, narrative="Seen at home; PS 12.").id)
    [again] = supa.my_deadlines()
    assert (again.action, again.due_at) == ("re-review", end_of_day(clock.now(), 3))
    supa.approve(note.id)
    assert supa.my_deadlines() == [] and cw.my_deadlines() == []


def test_a_director_sees_the_supervisors_overdue_review_in_the_team_deadlines(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    clock.set(end_of_day(note.submitted_at, 5) + timedelta(minutes=1))
    [late] = store.as_user("director").team_deadlines()
    assert (late.note_id, late.who, late.author, late.overdue) == (note.id, "supa", "cw", True)
    assert [o.note_id for o in store.as_user("supa").team_deadlines()] == [note.id]
    assert store.as_user("supb").team_deadlines() == [] and store.as_user("cw").team_deadlines() == []


def test_a_frozen_note_has_no_obligation_left(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    clock.set(note.freezes_at)
    assert cw.my_deadlines() == [] and cw.note_deadline(note.id) is None


def test_a_correction_due_after_the_freeze_is_flagged_for_an_addendum(store, agency, clock):
    cw, supa = store.as_user("cw"), store.as_user("supa")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    clock.set(note.freezes_at - timedelta(days=1))
    supa.return_note(note.id, "Add the date of the next visit.")
    fix = cw.note_deadline(note.id)
    assert fix.action == "resubmit" and fix.after_freeze and fix.due_at > note.freezes_at


def test_late_entry_follows_the_contact_types_own_window(store, agency, clock, tmp_path):
    from store import Policy, Store

    path = tmp_path / "policy.toml"
    path.write_text('[clock.entry_by_contact_type]\n"Caseworker/Child Contact" = { amount = 1, unit = "calendar_days" }\n')
    strict = Store(store.url, clock, Policy.load(path))
    desk = strict.as_user("cw")
    event = clock.now() - timedelta(hours=1)
    clock.advance(days=2)
    child = desk.add_note(agency.fss, **visit(agency, clock, event_at=event))
    school = desk.add_note(agency.fss, **visit(agency, clock, event_at=event, contact_type="School Contact"))
    assert (child.late_entry, school.late_entry) == (True, False)
    assert desk.note_deadline(child.id).due_at == end_of_day(event, 1)
    strict.close()


def test_the_caseload_shows_the_soonest_entry_and_correction_deadlines(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    row = next(r for r in cw.caseload() if r.stage_id == agency.fss)
    assert row.entry_due_at == note.event_at + timedelta(hours=72) and row.correction_due_at is None


def test_others_drafts_stay_out_of_a_stages_deadlines(store, agency, clock):
    mine = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    theirs = store.as_user("cw2").add_note(agency.fss, **visit(agency, clock))
    assert set(store.as_user("cw").stage_deadlines(agency.fss)) == {mine.id}
    assert set(store.as_user("cw2").stage_deadlines(agency.fss)) == {theirs.id}


# ---- absences -----------------------------------------------------------------------------------

def test_an_absence_pulls_pending_notes_forward_to_its_cutoff(store, agency, clock):
    clock.set(datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc))  # Tuesday 9 AM
    cw = store.as_user("cw")
    draft = cw.add_note(agency.fss, **visit(agency, clock))
    absence = cw.plan_absence(date(2026, 12, 4), date(2026, 12, 11), "Vacation")  # from Friday
    cutoff = datetime(2026, 12, 2, 22, 0, tzinfo=timezone.utc)  # Wednesday 5:00 PM EST
    assert (absence.cutoff_at, absence.pending) == (cutoff, (draft.id,))
    assert cw.absence_cutoff(date(2026, 12, 4)) == cutoff  # the same cut-off, shown before planning
    [due] = cw.my_deadlines()
    assert due.cutoff_at == cutoff and due.next_due_at == cutoff < due.due_at
    assert cw.next_absence().id == absence.id
    assert not absence.past_cutoff
    clock.set(cutoff + timedelta(minutes=1))
    assert cw.my_deadlines()[0].overdue and cw.next_absence().past_cutoff
    row = next(r for r in cw.caseload() if r.stage_id == agency.fss)
    assert row.entry_due_at == cutoff and row.overdue


def test_an_absence_after_the_deadline_changes_nothing(store, agency, clock):
    cw = store.as_user("cw")
    cw.add_note(agency.fss, **visit(agency, clock))
    cw.plan_absence(date(2026, 4, 1), date(2026, 4, 3))
    assert cw.my_deadlines()[0].cutoff_at is None


@pytest.mark.parametrize("starts, ends, message", [
    (date(2026, 3, 10), date(2026, 3, 9), "before it starts"),
    (date(2026, 3, 2), date(2026, 3, 3), "must start after today"),
    ("next week", date(2026, 3, 20), "must be a date without a time"),
])
def test_a_bad_absence_is_refused_and_nothing_is_written(store, agency, clock, starts, ends, message):
    before = counts(store)
    with pytest.raises(InvalidAbsence, match=message):
        store.as_user("cw").plan_absence(starts, ends)
    assert counts(store) == before and store.as_user("cw").my_absences() == []


def test_overlapping_absences_are_refused_and_one_can_be_cancelled(store, agency, clock):
    cw = store.as_user("cw")
    first = cw.plan_absence(date(2026, 3, 16), date(2026, 3, 20), "Training")
    with pytest.raises(InvalidAbsence, match="already have an absence from 03/16/2026"):
        cw.plan_absence(date(2026, 3, 20), date(2026, 3, 24))
    with pytest.raises(NotFound):
        store.as_user("cw2").cancel_absence(first.id)
    cw.cancel_absence(first.id)
    assert cw.my_absences() == []
    with store.write_engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log WHERE action LIKE '%absence' ORDER BY id")).scalars()
        assert list(actions) == ["plan absence", "cancel absence"]


def test_a_contact_made_after_the_cutoff_keeps_its_own_deadline(store, agency, clock):
    clock.set(datetime(2026, 3, 6, 15, 0, tzinfo=timezone.utc))  # Friday 10 AM, after Thursday's cut-off
    cw = store.as_user("cw")
    cw.plan_absence(date(2026, 3, 9), date(2026, 3, 13))  # from Monday: cut-off Thursday 3/5 5:00 PM
    note = cw.add_note(agency.fss, **visit(agency, clock))
    [due] = cw.my_deadlines()
    assert due.note_id == note.id and due.cutoff_at is None and not due.overdue
    assert due.due_at == note.event_at + timedelta(hours=72)
