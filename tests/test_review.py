"""The review cycle: draft → submitted → approved | returned → resubmitted → …, recall, addenda, discard."""

from datetime import date, timedelta

import pytest

from store import InvalidNote, InvalidTransition, NoAccess, NoteFrozen, NotAuthor, NotFound
from tests.conftest import counts, end_of_day, visit


def draft(store, agency, clock, login="cw", **override):
    return store.as_user(login).add_note(agency.fss, **visit(agency, clock, **override))


def submitted(store, agency, clock, login="cw", **override):
    return store.as_user(login).submit(draft(store, agency, clock, login, **override).id)


def approved(store, agency, clock):
    return store.as_user("supa").approve(submitted(store, agency, clock).id)


# --- submit, approve, return ---------------------------------------------------------------------

def test_submitted_note_is_approved_by_the_supervisor(store, agency, clock):
    note = draft(store, agency, clock)
    assert note.status == "draft"
    sent = store.as_user("cw").submit(note.id)
    assert (sent.status, sent.submitted_at) == ("submitted", clock.now())
    done = store.as_user("supa").approve(sent.id)
    assert done.status == "approved" and done.final and not done.frozen  # final, not frozen before its date
    history = store.as_user("cw").note_history(note.id)
    assert [(a.action, a.by) for a in history.review] == [("submit", "cw"), ("approve", "supa")]


def test_approved_note_is_final(store, agency, clock):
    note = approved(store, agency, clock)
    cw = store.as_user("cw")
    with pytest.raises(NoteFrozen, match="approved"):
        cw.edit_note(note.id, note.version, narrative="A change after approval.")
    with pytest.raises(InvalidTransition):
        cw.submit(note.id)
    assert cw.note(note.id).narrative == note.narrative and cw.note(note.id).status == "approved"


def test_returned_note_is_due_back_after_the_policy_correction_days(store, agency, clock):
    note = submitted(store, agency, clock)
    returned = store.as_user("supa").return_note(note.id, "  Say who else was there.  ")
    expected_due = end_of_day(clock.now(), days=3)  # "resubmits within 3 days of the return"
    assert (returned.note.status, returned.due_at, returned.warning) == ("returned", expected_due, None)
    assert returned.note.correction_due_at == expected_due
    last = store.as_user("cw").note_history(note.id).review[-1]
    assert (last.action, last.by, last.comment, last.due_at) == ("return", "supa", "Say who else was there.",
                                                                 expected_due)


def test_author_corrects_a_returned_note_and_resubmits_it(store, agency, clock):
    note = submitted(store, agency, clock)
    store.as_user("supa").return_note(note.id, "Name the foster parent.")
    cw = store.as_user("cw")
    current = cw.note(note.id)
    fixed = cw.edit_note(note.id, current.version, others=["foster parent Ms. Lee"])
    assert fixed.status == "returned" and fixed.others == ("foster parent Ms. Lee",)
    again = cw.submit(note.id)
    assert again.status == "resubmitted"
    done = store.as_user("supa").approve(note.id)
    assert done.status == "approved" and done.correction_due_at is None


def test_return_due_after_the_freeze_warns_of_an_addendum(store, agency, clock):
    note = submitted(store, agency, clock)
    late = note.freezes_at.date() + timedelta(days=1)
    returned = store.as_user("supa").return_note(note.id, "Add the school's account.", due=late)
    assert returned.due_at > note.freezes_at
    assert returned.warning is not None and "addendum" in returned.warning


def test_return_due_just_before_the_freeze_does_not_warn(store, agency, clock):
    note = submitted(store, agency, clock)
    returned = store.as_user("supa").return_note(note.id, "Add the school's account.",
                                                 due=note.freezes_at - timedelta(minutes=1))
    assert returned.warning is None


def test_return_due_in_the_past_is_refused(store, agency, clock):
    note = submitted(store, agency, clock)
    before = counts(store)
    with pytest.raises(InvalidNote, match="already passed"):
        store.as_user("supa").return_note(note.id, "Fix it.", due=clock.now() - timedelta(hours=1))
    with pytest.raises(InvalidNote, match="already passed"):
        store.as_user("supa").return_note(note.id, "Fix it.", due=date(2026, 3, 1))
    assert counts(store) == before
    assert store.as_user("cw").note(note.id).status == "submitted"


@pytest.mark.parametrize("comment", ["", "   \n\t"])
def test_return_needs_a_comment(store, agency, clock, comment):
    note = submitted(store, agency, clock)
    before = counts(store)
    with pytest.raises(InvalidNote, match="what needs correcting"):
        store.as_user("supa").return_note(note.id, comment)
    assert counts(store) == before
    assert store.as_user("cw").note(note.id).status == "submitted"


# --- recall and editing under review -------------------------------------------------------------

def test_author_recalls_a_note_before_review_to_draft(store, agency, clock):
    note = submitted(store, agency, clock)
    back = store.as_user("cw").recall(note.id)
    assert back.status == "draft"
    edited = store.as_user("cw").edit_note(note.id, back.version, narrative="Jay was seen at home, and Ana too.")
    assert edited.status == "draft"


def test_recalled_resubmission_goes_back_to_returned(store, agency, clock):
    note = submitted(store, agency, clock)
    returned = store.as_user("supa").return_note(note.id, "Name the foster parent.")
    cw = store.as_user("cw")
    cw.submit(note.id)
    back = cw.recall(note.id)
    assert back.status == "returned" and back.correction_due_at == returned.due_at


def test_approved_note_cannot_be_recalled(store, agency, clock):
    note = approved(store, agency, clock)
    with pytest.raises(InvalidTransition, match="waiting for review"):
        store.as_user("cw").recall(note.id)
    assert store.as_user("cw").note(note.id).status == "approved"


def test_note_waiting_for_review_cannot_be_edited(store, agency, clock):
    note = submitted(store, agency, clock)
    with pytest.raises(InvalidTransition, match="recall it"):
        store.as_user("cw").edit_note(note.id, note.version, narrative="A second thought.")
    assert store.as_user("cw").note(note.id).narrative == note.narrative


def test_only_the_author_may_recall(store, agency, clock):
    note = submitted(store, agency, clock)
    with pytest.raises(NotAuthor):
        store.as_user("supa").recall(note.id)


# --- who reviews ----------------------------------------------------------------------------------

def test_peer_and_other_unit_supervisor_may_not_review(store, agency, clock):
    note = submitted(store, agency, clock)
    before = counts(store)
    for outsider in ("cw2", "supb"):
        desk = store.as_user(outsider)
        with pytest.raises(NoAccess, match="supervisors review"):
            desk.approve(note.id)
        with pytest.raises(NoAccess, match="supervisors review"):
            desk.return_note(note.id, "Looks wrong to me.")
    assert counts(store) == before


def test_author_may_not_approve_their_own_note(store, agency, clock):
    note = submitted(store, agency, clock)
    with pytest.raises(NoAccess):
        store.as_user("cw").approve(note.id)


@pytest.mark.parametrize("reviewer", ["supa", "director"])
def test_supervision_chain_reviews(store, agency, clock, reviewer):
    note = submitted(store, agency, clock)
    assert store.as_user(reviewer).approve(note.id).status == "approved"


def test_supervisors_own_note_is_reviewed_by_the_director(store, agency, clock):
    note = submitted(store, agency, clock, login="supa", contact_type="Supervisory Conference")
    with pytest.raises(NoAccess):
        store.as_user("supa").approve(note.id)
    assert store.as_user("director").approve(note.id).status == "approved"


# --- completeness and the freeze ------------------------------------------------------------------

def test_incomplete_note_cannot_be_submitted(store, agency, clock):
    note = draft(store, agency, clock, method=None, location=None, purposes=[])
    before = counts(store)
    with pytest.raises(InvalidNote, match="method, location, purpose"):
        store.as_user("cw").submit(note.id)
    assert counts(store) == before
    assert store.as_user("cw").note(note.id).status == "draft"


def test_note_that_froze_while_waiting_cannot_be_approved(store, agency, clock):
    note = submitted(store, agency, clock)
    clock.advance(days=22)
    supa = store.as_user("supa")
    with pytest.raises(NoteFrozen, match="froze"):
        supa.approve(note.id)
    with pytest.raises(NoteFrozen):
        supa.return_note(note.id, "Too late to fix this way.")
    assert store.as_user("cw").note(note.id).status == "submitted"


# --- addenda --------------------------------------------------------------------------------------

def test_addendum_to_an_approved_note_links_back_and_is_reviewed(store, agency, clock):
    original = approved(store, agency, clock)
    cw = store.as_user("cw")
    addendum = cw.add_addendum(original.id, narrative="The visit lasted forty minutes, not thirty.")
    assert (addendum.status, addendum.amends_note_id, addendum.contact_type) == ("draft", original.id, "Addendum")
    assert cw.note(original.id).addenda == (addendum.id,)
    listed = {n.id: n for n in cw.stage_notes(agency.fss)}
    assert listed[original.id].addenda == (addendum.id,)
    assert cw.submit(addendum.id).status == "submitted"
    assert store.as_user("supa").approve(addendum.id).status == "approved"
    assert cw.note(original.id).status == "approved"



def test_addendum_keeps_a_participant_who_is_no_longer_a_person_of_the_stage(store, agency, clock):
    original = approved(store, agency, clock)
    assert [p.id for p in original.participants] == [agency.jay, agency.ana]
    store.as_user("cw").end_person_in_stage(agency.fss, agency.jay)  # Jay left the stage
    assert agency.jay not in [p.id for p in store.as_user("cw").stage(agency.fss).persons]
    addendum = store.as_user("cw").add_addendum(original.id, narrative="Jay was there for the whole visit.")
    assert [p.id for p in addendum.participants] == [agency.jay, agency.ana]
    assert [p.id for p in store.as_user("cw").note(addendum.id).participants] == [agency.jay, agency.ana]

@pytest.mark.parametrize("stage_of_note", ["draft", "submitted"])
def test_addendum_is_only_for_a_note_that_can_no_longer_be_changed(store, agency, clock, stage_of_note):
    note = draft(store, agency, clock) if stage_of_note == "draft" else submitted(store, agency, clock)
    before = counts(store)
    with pytest.raises(InvalidTransition, match="can still be changed"):
        store.as_user("cw").add_addendum(note.id, narrative="A correction too early.")
    assert counts(store) == before


def test_addendum_to_a_note_that_froze_in_draft(store, agency, clock):
    note = draft(store, agency, clock)
    clock.advance(days=22)
    addendum = store.as_user("cw").add_addendum(note.id, narrative="Added after the freeze.")
    assert addendum.amends_note_id == note.id and addendum.status == "draft"


# --- discarding a draft ---------------------------------------------------------------------------

def test_never_submitted_draft_may_be_discarded(store, agency, clock):
    note = draft(store, agency, clock)
    cw = store.as_user("cw")
    cw.discard_draft(note.id)
    with pytest.raises(NotFound):
        cw.note(note.id)
    assert cw.stage_notes(agency.fss) == []


def test_recalled_note_is_part_of_the_record_and_not_discarded(store, agency, clock):
    note = submitted(store, agency, clock)
    cw = store.as_user("cw")
    assert cw.recall(note.id).status == "draft"
    with pytest.raises(InvalidTransition, match="never sent for review"):
        cw.discard_draft(note.id)
    assert cw.note(note.id).status == "draft"


def test_someone_elses_draft_is_not_discarded(store, agency, clock):
    note = draft(store, agency, clock)
    with pytest.raises(NotAuthor):
        store.as_user("cw2").discard_draft(note.id)
    assert store.as_user("cw").note(note.id).status == "draft"
