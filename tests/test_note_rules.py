"""Who may add and change a note, and what the store sets itself."""

from datetime import timedelta

import pytest

from store import InvalidNote, InvalidStage, NoAccess, NoteFrozen, NotAuthor
from tests.conftest import counts, visit


def test_author_only_may_edit(store, agency, clock):
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    with pytest.raises(NotAuthor, match="Only the author"):
        store.as_user("cw2").edit_note(note.id, note.version, narrative="Changed by someone else.")
    with pytest.raises(NotAuthor):
        store.as_user("supa").edit_note(note.id, note.version, narrative="Changed by the supervisor.")
    edited = store.as_user("cw").edit_note(note.id, note.version, narrative="Corrected by the author.")
    assert edited.narrative == "Corrected by the author." and edited.version == note.version + 1


def test_clerk_with_ent_prog_note_enters_for_named_author(store, agency, clock):
    note = store.as_user("clerk").add_note(agency.fss, author="cw", **visit(agency, clock))
    assert (note.author, note.entered_by) == ("cw", "clerk")
    # Both the author and the person who entered it may change it.
    note = store.as_user("clerk").edit_note(note.id, note.version, narrative="Typed again from dictation.")
    note = store.as_user("cw").edit_note(note.id, note.version, narrative="Checked by the author.")
    assert note.version == 3


def test_only_ent_prog_note_may_name_another_author(store, agency, clock):
    before = counts(store)
    with pytest.raises(NoAccess, match="ENT PROG NOTE"):
        store.as_user("cw2").add_note(agency.fss, author="cw", **visit(agency, clock))
    assert counts(store) == before


def test_clerk_needs_an_author_with_a_role(store, agency, clock):
    with pytest.raises(NoAccess, match="has no role"):
        store.as_user("clerk").add_note(agency.fss, author="cwb", **visit(agency, clock))


def test_entry_time_author_and_enterer_come_from_the_store(store, agency, clock):
    for forged in ({"entered_at": clock.now() - timedelta(days=30)}, {"entered_by": "clerk"},
                   {"author_id": 1}, {"status": "approved"}, {"version": 7}):
        with pytest.raises(InvalidNote, match="set by casenotes"):
            store.as_user("cw").add_note(agency.fss, **visit(agency, clock), **forged)
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    assert note.entered_at == clock.now() and note.author == "cw" and note.entered_by == "cw"


def test_worker_without_role_may_not_add_a_note(store, agency, clock):
    with pytest.raises(NoAccess, match="no role in this stage"):
        store.as_user("cwb").add_note(agency.fss, **visit(agency, clock))


def test_supervision_chain_may_add_a_note(store, agency, clock):
    for boss in ("supa", "director"):
        note = store.as_user(boss).add_note(agency.fss, **visit(agency, clock, contact_type="Supervisory Conference"))
        assert note.author == boss
    with pytest.raises(NoAccess):
        store.as_user("supb").add_note(agency.fss, **visit(agency, clock))


def test_intake_stage_is_read_only_for_local_staff(store, agency, clock):
    with pytest.raises(NoAccess, match="read-only"):
        store.as_user("cpsw").add_note(agency.int_, **visit(agency, clock))


def test_investigation_is_written_only_by_its_own_workers(store, agency, clock):
    note = store.as_user("cpsw").add_note(agency.inv, **visit(agency, clock))
    assert note.stage_id == agency.inv
    for outsider in ("supcps", "director", "cw"):
        with pytest.raises(NoAccess, match="investigation"):
            store.as_user(outsider).add_note(agency.inv, **visit(agency, clock))
    with pytest.raises(NoAccess, match="investigation"):
        store.as_user("clerk").add_note(agency.inv, author="cpsw", **visit(agency, clock))


def test_fsi_entry_freezes_as_soon_as_it_is_saved(store, agency, clock):
    note = store.as_user("cw").add_note(agency.fsi, **visit(agency, clock))
    assert note.status == "final" and note.frozen
    clock.advance(minutes=1)
    with pytest.raises(NoteFrozen, match="Family Services Intake"):
        store.as_user("cw").edit_note(note.id, note.version, narrative="A later thought.")


def test_fsi_entry_must_be_complete(store, agency, clock):
    with pytest.raises(InvalidNote, match="method"):
        store.as_user("cw").add_note(agency.fsi, **visit(agency, clock, method=None))


def test_closed_stage_takes_no_notes_but_takes_addenda(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.submit(note.id)
    store.as_user("supa").approve(note.id)
    cw.close_stage(agency.fss, "Services no longer necessary")
    with pytest.raises(InvalidStage, match="closed"):
        cw.add_note(agency.fss, **visit(agency, clock))
    addendum = cw.add_addendum(note.id, narrative="The visit lasted forty minutes, not thirty.")
    assert addendum.amends_note_id == note.id and addendum.contact_type == "Addendum"


def test_closed_fsi_is_read_only_even_for_addenda(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fsi, **visit(agency, clock))
    cw.close_stage(agency.fsi, "Progressed to another stage")
    with pytest.raises(InvalidStage, match="closed"):
        cw.add_addendum(note.id, narrative="Late correction.")


def test_participants_must_be_persons_of_the_stage(store, agency, clock):
    with pytest.raises(InvalidNote, match="persons of this stage"):
        store.as_user("cw").add_note(agency.fsi, **visit(agency, clock, participants=[agency.mia]))


def test_event_may_not_precede_the_stage(store, agency, clock):
    with pytest.raises(InvalidNote, match="before this stage opened"):
        store.as_user("cw").add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(days=3)))


def test_other_participants_are_tidied(store, agency, clock):
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock, others=["  school   nurse ", "school nurse"]))
    assert note.others == ("school nurse",)
