"""Stages opened only to authorise a payment (the administrative FSI -> FSS opening) are no casework:
My deadlines, the team's deadlines, the caseload's next deadline, the Timeliness report and the visit
standards leave them out, while the same notes and placements in an ordinary stage are counted. And
an ADVPO stage takes no progress notes: the store refuses them, before the editor opens and at save."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from store import InvalidNote
from store.rules.access import NO_ADVPO_NOTES, check_may_add_note
from tests.conftest import visit
from tests.test_triggers import _raw, _scalar


@pytest.fixture
def administrative(store, agency):
    """An administrative FSS-CWS progressed from the Riveras' FSI (Jay and Ana; Case Manager cw2)."""
    _raw(store, "UPDATE stages SET administrative = :yes WHERE id = :i", yes=True, i=agency.fsi)
    stage = store.as_user("cw").progress_stage(agency.fsi, "FSS", subtype="CWS", case_manager="cw2",
                                               person_ids=[agency.jay, agency.ana])
    assert stage.administrative
    return stage.id


def late_draft(store, agency, clock, stage_id):
    """cw2's draft of a contact 100 hours ago: entered late, and overdue for submission."""
    return store.as_user("cw2").add_note(stage_id, **visit(agency, clock, event_at=clock.now() - timedelta(hours=100),
                                                           participants=[agency.jay]))


def test_deadlines_leave_an_administrative_stage_out(store, agency, clock, administrative):
    clock.advance(days=5)
    ordinary, paid = late_draft(store, agency, clock, agency.fss), late_draft(store, agency, clock, administrative)
    cole, sam = store.as_user("cw2"), store.as_user("supa")
    assert [o.note_id for o in cole.my_deadlines()] == [ordinary.id]
    assert [o.note_id for o in sam.team_deadlines()] == [ordinary.id]
    assert cole.stage_deadlines(administrative) == {} and set(cole.stage_deadlines(agency.fss)) == {ordinary.id}
    assert cole.note_deadline(paid.id) is None and cole.note_deadline(ordinary.id) is not None
    rows = {r.stage_id: r for r in cole.caseload()}
    assert rows[administrative].next_deadline_at is None and rows[agency.fss].next_deadline_at is not None


def test_timeliness_leaves_an_administrative_stage_out(store, agency, clock, administrative):
    clock.advance(days=5)
    late_draft(store, agency, clock, administrative)
    before = {row.login: row for unit in store.as_user("supa").timeliness().units for row in unit.workers}
    assert (before["cw2"].notes_entered, before["cw2"].late_entries, before["cw2"].overdue_entries) == (0, 0, 0)
    late_draft(store, agency, clock, agency.fss)
    after = {row.login: row for unit in store.as_user("supa").timeliness().units for row in unit.workers}
    assert (after["cw2"].notes_entered, after["cw2"].late_entries, after["cw2"].overdue_entries) == (1, 1, 1)


def test_visit_standards_leave_an_administrative_stage_out(store, agency, clock, administrative):
    staffing, today = store.staffing(), clock.now().date()
    staffing.place_child(administrative, agency.jay, today)
    staffing.place_child(agency.fss, agency.mia, today)
    clock.advance(days=40)
    [mia] = store.as_user("supa").team_visit_standards()
    assert mia.person_id == agency.mia
    assert store.as_user("cw2").visit_standards() == []  # the Case Manager of the paid stage: nothing to visit
    director = [row for unit in store.as_user("director").timeliness().units for row in unit.workers]
    assert [(row.login, row.visits_required) for row in director if row.visits_required] == [(mia.worker, 1)]


def test_a_worker_whose_only_role_is_administrative_is_no_row_of_timeliness(store, agency, administrative):
    store.staffing().add_worker("payer", "Pia Payments", "Caseworker", unit=1, supervisor="supa")
    store.as_user("cw2").progress_stage(administrative, "CCR", case_manager="payer", person_ids=[agency.jay])
    assert "payer" not in {row.login for unit in store.as_user("supa").timeliness().units for row in unit.workers}


# --- ADVPO ----------------------------------------------------------------------------------------

def test_an_advpo_stage_takes_no_progress_note(store, agency, clock):
    advpo = store.as_user("cw").progress_stage(agency.fsi, "FSS", subtype="ADVPO", case_manager="cw",
                                               person_ids=[agency.jay, agency.ana]).id
    cw, clerk = store.as_user("cw"), store.as_user("clerk")
    assert cw.may_add_note(advpo) == NO_ADVPO_NOTES
    assert clerk.may_add_note(advpo) == NO_ADVPO_NOTES  # nor for someone who enters notes for others
    with pytest.raises(InvalidNote, match=r"ADVPO.*kept outside the state record"):
        cw.add_note(advpo, **visit(agency, clock))
    with pytest.raises(InvalidNote, match="ADVPO"):
        clerk.add_note(advpo, author="cw", **visit(agency, clock))
    assert _scalar(store, "SELECT count(*) FROM notes WHERE stage_id = :s", s=advpo) == 0
    assert cw.may_add_note(agency.fss) is None  # an ordinary FSS takes notes


def test_an_addendum_in_an_advpo_stage_is_refused_by_the_same_rule(clock):
    """Addenda and the editor's offer ask ``check_may_add_note`` too (note_checks.check_addendum,
    Desk.may_add_note); the rule refuses before it reads anything else, open or closed stage alike."""
    cw = SimpleNamespace(id=1, login="cw", name="Cara Worker")
    for closed_at in (None, clock.now()):
        stage = SimpleNamespace(id=9, case_id=1, type="FSS", subtype="ADVPO", closed_at=closed_at,
                                close_reason=None, label="FSS-ADVPO")
        with pytest.raises(InvalidNote, match="ADVPO"):
            check_may_add_note(None, cw, cw, stage, clock.now(), closed_stage_takes_notes=True, addendum=True)
