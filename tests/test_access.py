"""Who may read a case, a stage's notes and a note, what each reader sees, and what reads are audited."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from store import NoAccess
from tests.conftest import visit


def submitted_note(store, agency, clock, login="cw", stage=None, **override):
    desk = store.as_user(login)
    note = desk.add_note(stage or agency.fss, **visit(agency, clock, **override))
    return desk.submit(note.id)


def read_audits(store, login):
    """(action, entity, entity_id, detail) of every audited read by ``login``, oldest first."""
    query = text("SELECT a.action, a.entity, a.entity_id, a.detail FROM audit_log a "
                 "JOIN workers w ON w.id = a.worker_id WHERE w.login = :login AND a.action LIKE 'read %' "
                 "ORDER BY a.id")
    with store.write_engine.connect() as conn:
        rows = conn.execute(query, {"login": login}).all()
    return [(action, entity, entity_id, json.loads(detail) if isinstance(detail, str) else detail)
            for action, entity, entity_id, detail in rows]


# --- nobody outside the assignment and its supervision chain ------------------------------------

def test_worker_without_role_and_nobody_below_cannot_read_the_case(store, agency, clock):
    note = submitted_note(store, agency, clock)
    outsider = store.as_user("cwb")
    with pytest.raises(NoAccess, match="no role in this family's case"):
        outsider.case(agency.case)
    with pytest.raises(NoAccess):
        outsider.stage_notes(agency.fss)
    with pytest.raises(NoAccess):
        outsider.note(note.id)
    assert read_audits(store, "cwb") == []


def test_supervision_chain_reads_the_stage_and_other_units_do_not(store, agency, clock):
    note = submitted_note(store, agency, clock)
    for boss in ("supa", "director"):
        desk = store.as_user(boss)
        assert [n.id for n in desk.stage_notes(agency.fss)] == [note.id]
        assert desk.note(note.id).narrative == note.narrative
        assert desk.case(agency.case).reach == "supervision"
    other_unit = store.as_user("supb")
    for read in (lambda: other_unit.stage_notes(agency.fss), lambda: other_unit.note(note.id),
                 lambda: other_unit.case(agency.case)):
        with pytest.raises(NoAccess):
            read()


def test_read_from_outside_the_assignment_is_audited(store, agency, clock):
    note = submitted_note(store, agency, clock)
    supa = store.as_user("supa")
    supa.stage_notes(agency.fss)
    supa.note(note.id)
    supa.case(agency.case)
    audits = read_audits(store, "supa")
    assert [(a, e, i) for a, e, i, _ in audits] == [("read stage", "stage", agency.fss),
                                                      ("read note", "note", note.id),
                                                      ("read case", "case", agency.case)]
    assert all(detail["reach"] == "supervision" and detail["case"] == agency.case for *_, detail in audits)


def test_read_by_the_assigned_worker_is_not_audited(store, agency, clock):
    note = submitted_note(store, agency, clock)
    cw = store.as_user("cw")
    cw.stage_notes(agency.fss)
    cw.note(note.id)
    assert cw.case(agency.case).reach == "assigned"
    assert read_audits(store, "cw") == []


# --- drafts, the entry clerk and the advocate ---------------------------------------------------

def test_drafts_are_private_to_author_and_enterer(store, agency, clock):
    cw = store.as_user("cw")
    submitted = submitted_note(store, agency, clock)
    draft = cw.add_note(agency.fss, **visit(agency, clock, narrative="Not finished yet."))
    peer = store.as_user("cw2")
    assert [n.id for n in peer.stage_notes(agency.fss)] == [submitted.id]
    assert peer.note(submitted.id).status == "submitted"
    with pytest.raises(NoAccess, match="not one you may read"):
        peer.note(draft.id)
    assert {n.id for n in cw.stage_notes(agency.fss)} == {submitted.id, draft.id}


def test_supervisor_does_not_see_a_draft_either(store, agency, clock):
    draft = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    supa = store.as_user("supa")
    assert supa.stage_notes(agency.fss) == []
    with pytest.raises(NoAccess):
        supa.note(draft.id)


def test_entry_clerk_sees_only_the_notes_they_entered(store, agency, clock):
    clerk = store.as_user("clerk")
    entered = clerk.add_note(agency.fss, author="cw", **visit(agency, clock, narrative="Typed from dictation."))
    own = submitted_note(store, agency, clock)
    assert [n.id for n in clerk.stage_notes(agency.fss)] == [entered.id]
    assert clerk.note(entered.id).entered_by == "clerk"
    with pytest.raises(NoAccess):
        clerk.note(own.id)


def test_advocate_sees_only_approved_notes_with_the_appointed_child(store, agency, clock):
    with_jay = store.as_user("supa").approve(submitted_note(store, agency, clock).id)
    without_jay = store.as_user("supa").approve(
        submitted_note(store, agency, clock, participants=[agency.mia, agency.ana]).id)
    under_review = submitted_note(store, agency, clock)  # may still change under review (issue 18)
    draft_with_jay = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    store.staffing().appoint_advocate("casa", agency.jay)
    casa = store.as_user("casa")
    assert [n.id for n in casa.stage_notes(agency.fss)] == [with_jay.id]
    assert casa.note(with_jay.id).id == with_jay.id
    for hidden in (without_jay, under_review, draft_with_jay):
        with pytest.raises(NoAccess):
            casa.note(hidden.id)
    assert casa.case(agency.case).reach == "advocate"


def test_advocate_loses_access_when_the_appointment_is_switched_off(store, agency, clock):
    note = store.as_user("supa").approve(submitted_note(store, agency, clock).id)
    staffing = store.staffing()
    staffing.appoint_advocate("casa", agency.jay)
    assert [n.id for n in store.as_user("casa").stage_notes(agency.fss)] == [note.id]
    staffing.appoint_advocate("casa", agency.jay, active=False)
    casa = store.as_user("casa")
    with pytest.raises(NoAccess):
        casa.stage_notes(agency.fss)
    with pytest.raises(NoAccess):
        casa.note(note.id)
    with pytest.raises(NoAccess):
        casa.case(agency.case)


def test_advocate_without_appointment_cannot_read(store, agency, clock):
    note = submitted_note(store, agency, clock)
    with pytest.raises(NoAccess):
        store.as_user("casa").note(note.id)


# --- the case, the caseload and the unit's caseload ---------------------------------------------

def test_case_lists_stages_parents_before_children_and_its_persons(store, agency):
    view = store.as_user("cw").case(agency.case)
    order = [s.id for s in view.stages]
    assert set(order) == {agency.int_, agency.inv, agency.fss, agency.fsi}
    assert order.index(agency.int_) < order.index(agency.inv) < order.index(agency.fss)
    for stage in view.stages:
        if stage.parent_id is not None:
            assert order.index(stage.parent_id) < order.index(stage.id)
    assert [p.id for p in view.persons] == [agency.jay, agency.mia, agency.ana]
    assert [p.name for p in view.persons if p.is_child] == ["Jay Rivera", "Mia Rivera"]
    fss = next(s for s in view.stages if s.id == agency.fss)
    assert fss.label == "FSS-CWS" and fss.parent_id == agency.inv
    assert [(r.worker_login, r.role) for r in fss.roles] == [
        ("cw", "Case Manager"), ("vaplanner", "Case Planner"), ("cw2", "Case Worker")]
    assert next(r for r in fss.roles if r.role == "Case Worker").children == ("Jay Rivera",)


def test_caseload_lists_my_stages_with_my_role(store, agency):
    rows = store.as_user("cw").caseload()
    assert sorted((r.stage_id, r.role) for r in rows) == sorted(
        [(agency.fss, "Case Manager"), (agency.fsi, "Case Manager")])
    assert {r.stage_label for r in rows} == {"FSS-CWS", "FSI"}
    assert all(r.worker == "Cara Worker" and r.family_name == "Rivera" for r in rows)


def test_caseload_counts_my_drafts_and_returned_notes_with_earliest_due(store, agency, clock):
    cw, supa = store.as_user("cw"), store.as_user("supa")
    cw.add_note(agency.fss, **visit(agency, clock))  # a draft
    store.as_user("cw2").add_note(agency.fss, **visit(agency, clock))  # someone else's draft
    first = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    second = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    late = supa.return_note(first.id, "Say who else was there.", due=clock.now() + timedelta(days=5))
    soon = supa.return_note(second.id, "Add the purpose.")
    assert soon.due_at < late.due_at
    row = next(r for r in cw.caseload() if r.stage_id == agency.fss)
    assert (row.drafts, row.returned, row.correction_due_at) == (1, 2, soon.due_at)
    assert row.last_contact_at == first.event_at
    fsi = next(r for r in cw.caseload() if r.stage_id == agency.fsi)
    assert (fsi.drafts, fsi.returned, fsi.correction_due_at) == (0, 0, None)


def test_caseload_puts_the_stage_with_a_correction_due_first(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    store.as_user("supa").return_note(note.id, "Add the purpose.")
    assert cw.caseload()[0].stage_id == agency.fss


def test_unit_caseload_shows_the_workers_below_a_supervisor(store, agency):
    rows = store.as_user("supa").unit_caseload()
    pairs = {(r.worker, r.stage_id, r.role) for r in rows}
    assert {("Cara Worker", agency.fss, "Case Manager"), ("Cara Worker", agency.fsi, "Case Manager"),
            ("Cole Worker", agency.fss, "Case Worker")} <= pairs
    assert not any(r.stage_id == agency.other_fss for r in rows)
    assert store.as_user("cw").unit_caseload() == []


def test_advocate_caseload_lists_the_appointed_childs_stages(store, agency):
    store.staffing().appoint_advocate("casa", agency.jay)
    rows = store.as_user("casa").caseload()
    assert {(r.stage_id, r.role) for r in rows} == {
        (stage, "Advocate for Jay") for stage in (agency.int_, agency.inv, agency.fss, agency.fsi)}
    store.staffing().appoint_advocate("casa", agency.jay, active=False)
    assert store.as_user("casa").caseload() == []
