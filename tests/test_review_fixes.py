"""Rules sharpened after review: a real moving clock, reviewers independent of who entered a note,
author-only recall and discard, private drafts stay private through addenda, due dates across DST,
an investigator who left the investigation, an advocate's view of one child."""

from datetime import datetime, timedelta, timezone

import pytest

from store import InvalidNote, NoAccess, NotAuthor, Store
from tests.conftest import T0, visit


class TickingClock:
    """Like the system clock: every reading is a little later than the one before."""

    def __init__(self, at):
        self.at = at

    def now(self):
        self.at += timedelta(milliseconds=3)
        return self.at


def test_fsi_entry_with_people_present_saves_on_a_moving_clock(db_url):
    store = Store.open(db_url, clock=TickingClock(T0))
    s = store.staffing()
    s.add_worker("sup", "Sue", "Supervisor")
    s.add_worker("cw", "Cara", "Caseworker", supervisor="sup")
    case = s.open_case("Lee")
    kid = s.add_person(case, "Kim", "Lee", "child", is_child=True)
    fsi = s.open_stage(case, "FSI", case_manager="cw", person_ids=[kid])
    store.clock.at += timedelta(hours=2)
    note = store.as_user("cw").add_note(fsi, event_at=T0 + timedelta(hours=1), contact_type="72 Hour Conference",
                                        method="Face to face", location="Agency office", purposes=["Safety"],
                                        participants=[kid], narrative="Met with Kim.")
    assert note.status == "final" and [p.id for p in note.participants] == [kid]
    store.close()


def test_supervisor_who_entered_a_note_does_not_review_it(store, agency, clock):
    store.staffing().add_worker("supclerk", "Sid Supervisor", "Supervisor", supervisor="director",
                                functions=["ENT PROG NOTE"])
    store.staffing().add_worker("cw9", "Nia Worker", "Caseworker", supervisor="supclerk")
    store.staffing().assign_role(agency.fss, "cw9", "Case Worker")
    note = store.as_user("supclerk").add_note(agency.fss, author="cw9", **visit(agency, clock))
    store.as_user("cw9").submit(note.id)
    with pytest.raises(NoAccess, match="You entered this note"):
        store.as_user("supclerk").approve(note.id)
    assert store.as_user("director").approve(note.id).status == "approved"


def test_only_the_author_recalls_or_discards(store, agency, clock):
    note = store.as_user("clerk").add_note(agency.fss, author="cw", **visit(agency, clock))
    with pytest.raises(NotAuthor, match="discard"):
        store.as_user("clerk").discard_draft(note.id)
    store.as_user("clerk").submit(note.id)
    with pytest.raises(NotAuthor, match="recall"):
        store.as_user("clerk").recall(note.id)
    assert store.as_user("cw").recall(note.id).status == "draft"


def test_no_addendum_to_a_draft_one_may_not_read(store, agency, clock):
    draft = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    clock.advance(days=22)
    with pytest.raises(NoAccess):
        store.as_user("cw2").add_addendum(draft.id, narrative="Reading someone else's draft.")
    with pytest.raises(NoAccess):
        store.as_user("cwb").note_actions(draft.id)


def test_an_addendum_stays_an_addendum(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    store.as_user("supa").approve(note.id)
    addendum = cw.add_addendum(note.id, narrative="The visit lasted an hour.")
    with pytest.raises(InvalidNote, match="stays an addendum"):
        cw.edit_note(addendum.id, addendum.version, contact_type="School Contact")


def test_correction_due_ends_the_third_day_in_agency_time_across_dst(store, agency, clock):
    clock.set(datetime(2026, 3, 6, 21, 0, tzinfo=timezone.utc))  # Friday 6 March, 4 PM EST
    cw = store.as_user("cw")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    returned = store.as_user("supa").return_note(note.id, "Add the school's name.")
    assert returned.due_at == datetime(2026, 3, 10, 3, 59, 59, tzinfo=timezone.utc)  # Monday 11:59:59 PM EDT


def test_investigator_who_left_the_investigation_cannot_change_its_notes(store, agency, clock):
    store.staffing().assign_role(agency.inv, "supcps", "CPS Worker/Monitor")
    note = store.as_user("supcps").add_note(agency.inv, **visit(agency, clock))
    clock.advance(minutes=1)
    store.staffing().end_role(agency.inv, "supcps", "CPS Worker/Monitor")
    clock.advance(minutes=1)
    with pytest.raises(NoAccess, match="no longer"):
        store.as_user("supcps").edit_note(note.id, note.version, narrative="Changed after leaving.")


def test_advocate_sees_only_the_appointed_child_and_their_stages(store, agency):
    store.staffing().appoint_advocate("casa", agency.mia)
    case = store.as_user("casa").case(agency.case)
    assert [p.name for p in case.persons] == ["Mia Rivera"]
    assert {s.id for s in case.stages} == {agency.int_, agency.inv, agency.fss}  # not the FSI (Jay only)
    assert all([p.name for p in s.persons] == ["Mia Rivera"] for s in case.stages)
    with pytest.raises(NoAccess, match="appointment"):
        store.as_user("casa").stage(agency.fsi)
