"""A child's notes from every stage of the family (``Desk.child_note_ids``, ``Desk.child_notes``), through
the store's API on both backends: the notes the reader may read in which the child took part, newest
event first, paged by ids as a stage's list is; an advocate reads the approved notes and an intake's
final entries only, of the child they are appointed for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from store import Store
from store.core.errors import NoAccess, NotFound
from tests.conftest import visit
from tests.test_advocacy import approved_advocate, approved_note, file_for_jay


def _advocate_for_jay(store, agency):
    ncole = approved_advocate(store)
    store.as_user("cw").decide_access_request(file_for_jay(ncole, agency).id, True, "")
    return ncole


def _sent(store, agency, clock, **override):
    cw = store.as_user("cw")
    return cw.submit(cw.add_note(agency.fss, **visit(agency, clock, **override)).id)


def _stage_reads(store, login):
    with store.write_engine.connect() as conn:
        return [row.entity_id for row in conn.execute(text(
            "SELECT a.entity_id FROM audit_log a JOIN workers w ON w.id = a.worker_id "
            "WHERE w.login = :l AND a.action = 'read stage' ORDER BY a.entity_id"), {"l": login})]


def test_the_advocate_lists_the_childs_settled_notes_from_every_stage_newest_first(store, agency, clock):
    older = approved_note(store, agency, clock, event_at=clock.now() - timedelta(hours=1, minutes=30))
    with_jay = approved_note(store, agency, clock)
    approved_note(store, agency, clock, participants=[agency.mia, agency.ana])  # Jay not present
    _sent(store, agency, clock)  # under review: may still change
    store.as_user("cw").add_note(agency.fss, **visit(agency, clock))  # a draft
    cw = store.as_user("cw")
    intake = cw.add_note(agency.fsi, **visit(agency, clock, event_at=clock.now() - timedelta(minutes=30)))
    assert intake.status == "final"  # an intake's entry is final when saved
    ncole = _advocate_for_jay(store, agency)

    ids = ncole.child_note_ids(agency.jay)
    assert ids == [intake.id, with_jay.id, older.id]
    assert [n.id for n in ncole.child_notes(agency.jay)] == ids
    assert [n.id for n in ncole.child_notes(agency.jay, ids=[older.id, intake.id])] == [intake.id, older.id]
    assert [n.id for n in ncole.child_notes(agency.jay, limit=1)] == [intake.id]
    assert all(n.status in ("approved", "final") for n in ncole.child_notes(agency.jay))
    assert {n.stage_id for n in ncole.child_notes(agency.jay)} == {agency.fss, agency.fsi}


def test_a_page_asked_for_holds_only_notes_of_the_list(store, agency, clock):
    with_jay = approved_note(store, agency, clock)
    without_jay = approved_note(store, agency, clock, participants=[agency.mia, agency.ana])
    under_review = _sent(store, agency, clock)
    other_family = store.as_user("cwb")
    elsewhere = other_family.add_note(agency.other_fss, **visit(agency, clock, participants=[]))
    ncole = _advocate_for_jay(store, agency)
    asked = [with_jay.id, without_jay.id, under_review.id, elsewhere.id]
    assert [n.id for n in ncole.child_notes(agency.jay, ids=asked)] == [with_jay.id]
    assert [n.id for n in store.as_user("cw").child_notes(agency.jay, ids=asked)] == [under_review.id, with_jay.id]


def test_the_childs_caseworker_reads_every_sent_note_and_their_own_drafts(store, agency, clock):
    approved = approved_note(store, agency, clock)
    under_review = _sent(store, agency, clock)
    own_draft = store.as_user("cw").add_note(agency.fss, **visit(agency, clock, narrative="My draft."))
    cw2 = store.as_user("cw2")
    others_draft = cw2.add_note(agency.fss, **visit(agency, clock, narrative="Cole's draft."))
    listed = set(store.as_user("cw").child_note_ids(agency.jay))
    assert {approved.id, under_review.id, own_draft.id} <= listed and others_draft.id not in listed
    assert others_draft.id in set(cw2.child_note_ids(agency.jay))
    assert set(store.as_user("supa").child_note_ids(agency.jay)) == {approved.id, under_review.id}


def test_the_advocate_reads_an_addendum_once_it_is_approved(store, agency, clock):
    original = approved_note(store, agency, clock)
    cw = store.as_user("cw")
    addendum = cw.add_addendum(original.id, narrative="Jay's school bag was a gift from his aunt.")
    ncole = _advocate_for_jay(store, agency)
    [listed] = ncole.child_notes(agency.jay)
    assert (listed.id, listed.addenda) == (original.id, ())
    cw.submit(addendum.id)
    store.as_user("supa").approve(addendum.id)
    listed_now = {n.id: n for n in ncole.child_notes(agency.jay)}
    assert set(listed_now) == {original.id, addendum.id} and listed_now[original.id].addenda == (addendum.id,)


def test_only_the_child_an_advocate_is_appointed_for(store, agency, clock):
    approved_note(store, agency, clock, participants=[agency.jay, agency.mia])
    ncole = _advocate_for_jay(store, agency)
    for read in (ncole.child_note_ids, ncole.child_notes):
        with pytest.raises(NoAccess, match="another child of this family"):
            read(agency.mia)
        with pytest.raises(NoAccess):
            read(store.as_user("cwb").case(agency.other_case).persons[0].id)
        with pytest.raises(NotFound, match="no child number"):
            read(agency.ana)  # the mother: no child
        with pytest.raises(NotFound, match="no child number"):
            read(99_999)
    for login in ("cwb", "casa"):  # another unit's worker; an advocate appointed for nobody here
        with pytest.raises(NoAccess):
            store.as_user(login).child_note_ids(agency.jay)
    with pytest.raises(NotFound, match="found by its number"):
        ncole.child_notes(agency.jay, ids=["x"])


def test_the_advocates_reads_are_in_the_cases_access_log_once_an_hour_per_page(store, agency, clock):
    approved_note(store, agency, clock)
    ncole = _advocate_for_jay(store, agency)
    ids = ncole.child_note_ids(agency.jay)  # Jay is in the INT, the INV, the FSS and the FSI
    assert _stage_reads(store, "ncole") == sorted([agency.int_, agency.inv, agency.fss, agency.fsi])
    ncole.child_notes(agency.jay, ids=ids)  # its pages, within the hour: the same read
    assert _stage_reads(store, "ncole") == sorted([agency.int_, agency.inv, agency.fss, agency.fsi])
    clock.advance(hours=2)
    ncole.child_notes(agency.jay, ids=ids)
    assert _stage_reads(store, "ncole") == sorted([agency.int_, agency.inv, agency.fss, agency.fss, agency.fsi])
    store.as_user("cw").child_note_ids(agency.jay)  # the child's own caseworker: not a read from outside
    assert _stage_reads(store, "cw") == []
    said = {entry.what for entry in store.as_user("cw").access_log(agency.case)}
    assert "the notes of FSS-CWS (Jay Rivera's)" in said


def test_the_list_closes_with_the_advocates_access(store, agency, clock):
    approved_note(store, agency, clock)
    ncole = approved_advocate(store)
    request = file_for_jay(ncole, agency, ends_on=clock.now().date() + timedelta(days=2))
    store.as_user("cw").decide_access_request(request.id, True, "")
    assert ncole.child_note_ids(agency.jay)
    clock.advance(days=3)
    with pytest.raises(NoAccess):
        ncole.child_note_ids(agency.jay)
    with pytest.raises(NoAccess):
        ncole.child_notes(agency.jay)


def test_a_childs_notes_as_the_advocates_own_database_user(store, agency, clock, db_url, role_url):
    """Under row-level security (the agency server) the advocate's own session lists what the owner's does."""
    if not db_url.startswith("postgresql"):
        pytest.skip("database users exist on PostgreSQL only")
    with_jay = approved_note(store, agency, clock)
    approved_note(store, agency, clock, participants=[agency.mia, agency.ana])
    store.staffing().appoint_advocate("casa", agency.jay)
    opened = Store.open(role_url("casa"), clock=clock)
    try:
        casa, through_owner = opened.signed_in(), store.as_user("casa")
        assert casa.child_note_ids(agency.jay) == through_owner.child_note_ids(agency.jay) == [with_jay.id]
        assert casa.child_notes(agency.jay, ids=[with_jay.id]) == through_owner.child_notes(agency.jay)
        with pytest.raises((NoAccess, NotFound)):  # row security hides Mia from her brother's advocate
            casa.child_note_ids(agency.mia)
    finally:
        opened.close()
