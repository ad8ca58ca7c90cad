"""A case's activity history (issue 16, item 3): every maintenance change made in a family's case
shows as a sentence a caseworker reads, with who, when and the values before and after, newest first;
the case's readers read it, except the entry clerk and the child's advocate; a supervisor's read is
audited; the rows it is made of cannot be changed or removed by raw SQL (SQLite and PostgreSQL)."""

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from store import InvalidRequest, NoAccess, NotFound
from store.db.journal import activity
from store.db.models import AuditEntry, Worker
from store.desks.activity import ACTIVITY_PAGE_MOST
from tests.conftest import visit


def _sentences(store, login, case_id, **page):
    return [e.sentence for e in store.as_user(login).case_activity(case_id, **page).entries]


def _entry(store, login, case_id, sentence):
    entries = store.as_user(login).case_activity(case_id).entries
    found = [e for e in entries if e.sentence == sentence]
    assert found, f"{sentence!r} not in {[e.sentence for e in entries]}"
    return found[0]


def _changes(entry):
    return [(c.name, c.before, c.after) for c in entry.changes]


def _read_audits(store, login):
    with store.reading() as session:
        return session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "read case activity", AuditEntry.worker_id == store.as_user(login).worker_id))


# -- what the history says ------------------------------------------------------------------------

def test_a_new_case_reads_as_its_opening_newest_first(store, agency):
    said = _sentences(store, "cw", agency.case)
    assert said[-4:] == ["Ana Rivera added to the family (mother)", "Mia Rivera added to the family (child)",
                         "Jay Rivera added to the family (child)", "Case opened for the Rivera family"]
    assert said.index("FSS-CWS opened from INV") > said.index("Case Planner Vic Planner assigned in FSS-CWS")
    assert said.index("INV opened from INT") > said.index("FSS-CWS opened from INV")
    assert "INT opened" in said and "FSI opened" in said
    assert "Case Manager Cara Worker assigned in FSS-CWS" in said
    assert "Case Worker Cole Worker assigned in FSS-CWS" in said
    assert not any("Nguyen" in s or "Lan" in s for s in said)  # another family's changes stay there


def test_an_opened_stage_shows_its_persons_and_a_role_its_holder(store, agency):
    opened = _entry(store, "cw", agency.case, "FSS-CWS opened from INV")
    assert opened.action == "open stage" and opened.about == "FSS-CWS" and opened.who == "casenotes"
    assert _changes(opened) == [("stage", None, "FSS-CWS"), ("persons", None, "Jay Rivera, Mia Rivera, Ana Rivera")]
    assigned = _entry(store, "cw", agency.case, "Case Planner Vic Planner assigned in FSS-CWS")
    assert assigned.about == "Vic Planner" and ("role", None, "Case Planner") in _changes(assigned)


def test_a_role_ended_shows_what_it_was(store, agency, clock):
    clock.advance(minutes=5)
    store.staffing().end_role(agency.fss, "cw2", "Case Worker")
    newest = store.as_user("cw").case_activity(agency.case).entries[0]
    assert newest.sentence == "Case Worker Cole Worker's role in FSS-CWS ended"
    assert newest.at == clock.now() and newest.action == "end role"
    assert _changes(newest) == [("worker", "Cole Worker", None), ("role", "Case Worker", None)]


def test_a_placement_and_its_end(store, agency, clock):
    staffing = store.staffing()
    placement = staffing.place_child(agency.fss, agency.jay, date(2026, 3, 1), "Kinship home")
    clock.advance(hours=1)
    staffing.end_placement(placement, date(2026, 3, 2))
    ended, placed = store.as_user("cw").case_activity(agency.case, limit=2).entries
    assert placed.sentence == "Jay Rivera placed in Kinship home from 03/01/2026 (FSS-CWS)"
    assert ("setting", None, "Kinship home") in _changes(placed) and ("first day", None, "03/01/2026") in _changes(placed)
    assert ended.sentence == "Placement of Jay Rivera ended 03/02/2026" and ended.about == "Jay Rivera"
    assert _changes(ended) == [("last day", None, "03/02/2026")]
    assert ended.at > placed.at


def test_closing_a_stage_is_told_with_its_reason_and_who_did_it(store, agency, clock):
    reason = store.policy.stage_closure_reasons[0]
    store.as_user("vaplanner").start_closing(agency.fss, reason)
    clock.advance(minutes=1)
    store.as_user("cw").close_stage(agency.fss, reason)
    closed, started = store.as_user("cw").case_activity(agency.case, limit=2).entries
    assert started.sentence == f"Closing of FSS-CWS started: {reason}"
    assert started.who == "Vic Planner" and started.who_login == "vaplanner"
    assert closed.sentence == f"FSS-CWS closed: {reason}" and closed.who == "Cara Worker"
    assert [(c.before, c.after) for c in closed.changes] == [(None, reason)]
    assert [(c.before, c.after) for c in started.changes] == [(None, reason)]


def test_an_advocates_appointment(store, agency):
    store.staffing().appoint_advocate("casa", agency.jay)
    newest = store.as_user("cw").case_activity(agency.case).entries[0]
    assert newest.sentence == "Advocate Cass Advocate given access to Jay Rivera's notes"
    assert _changes(newest) == [("access", None, "yes")]
    store.staffing().appoint_advocate("casa", agency.jay, active=False)
    ended = store.as_user("cw").case_activity(agency.case).entries[0]
    assert ended.sentence == "Advocate Cass Advocate's access to Jay Rivera's notes ended"
    assert _changes(ended) == [("access", "yes", "no")]
    with store.reading() as session:  # kept with the case, as every change of a family now is
        assert set(session.scalars(select(AuditEntry.case_id).where(AuditEntry.action == "advocate access"))) == {
            agency.case}


def test_a_case_opened_before_rows_kept_the_case_shows_its_older_rows_too(store, agency, clock):
    """Rows written before ``audit_log.case_id`` (issue 16) are found by what they are about."""
    from store.db.journal import audit
    from store.db.models import Case, Person

    with store.writing() as session:
        now = store.clock.now()
        case = Case(family_name="Older", opened_at=now)
        session.add(case)
        session.flush()
        kim = Person(case_id=case.id, first_name="Kim", last_name="Older", relationship_="child", is_child=True)
        session.add(kim)
        session.flush()
        audit(session, None, "open case", "case", case.id, now, {"family": "Older"})
        audit(session, None, "add person", "person", kim.id, now, {"case": case.id})
        audit(session, None, "read case", "case", case.id, now, {"reach": "supervision"})  # a read: not activity
        audit(session, None, "add person", "person", agency.jay, now, {"case": agency.case})  # another family's
        older, kim_id = case.id, kim.id
    clock.advance(minutes=1)
    store.staffing().open_stage(older, "FSI", case_manager="cw", person_ids=[kim_id])
    assert _sentences(store, "cw", older) == ["Case Manager Cara Worker assigned in FSI", "FSI opened",
                                              "Kim Older added to the family (child)",
                                              "Case opened for the Older family"]
    assert [len(store.as_user("cw").case_activity(older, limit=1, before_id=e.id).entries)
            for e in store.as_user("cw").case_activity(older).entries] == [1, 1, 1, 0]


def test_a_change_made_by_a_named_administrator_says_their_name(store, agency):
    store.staffing(by="director").add_person(agency.case, "Leo", "Rivera", "child", is_child=True)
    assert store.as_user("cw").case_activity(agency.case).entries[0].who == "Dana Director"
    with store.writing() as session:  # a writer that keeps the case and before/after, as journal.activity does
        director = session.scalar(select(Worker).where(Worker.login == "director"))
        activity(session, director, "change person", "person", agency.ana, store.clock.now(), case_id=agency.case,
                 before={"last_name": "Rivera", "birth_date": None},
                 after={"last_name": "Rivera-Lopez", "birth_date": date(1990, 4, 5)})
    newest = store.as_user("cw").case_activity(agency.case).entries[0]
    assert newest.who == "Dana Director" and newest.sentence == "Ana Rivera's details changed"
    assert _changes(newest) == [("last name", "Rivera", "Rivera-Lopez"), ("birth date", None, "04/05/1990")]


def test_an_action_without_words_still_reads(store, agency):
    with store.writing() as session:
        activity(session, None, "mark administrative", "stage", agency.fss, store.clock.now(), case_id=agency.case,
                 before={"administrative": False}, after={"administrative": True})
    newest = store.as_user("cw").case_activity(agency.case).entries[0]
    assert newest.sentence == "Mark administrative: FSS-CWS" and newest.who == "casenotes"
    assert _changes(newest) == [("administrative", "no", "yes")]


def test_notes_and_reads_are_not_activity(store, agency):
    before = _sentences(store, "cw", agency.case)
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, store.clock))
    store.as_user("cw").submit(note.id, note.version)
    store.as_user("supa").case(agency.case)  # an audited read from outside the assignment
    assert _sentences(store, "cw", agency.case) == before


def test_a_long_history_comes_in_pages(store, agency):
    everything = store.as_user("cw").case_activity(agency.case, limit=ACTIVITY_PAGE_MOST)
    assert not everything.more and len(everything.entries) > 6
    pages, before_id = [], None
    while True:
        page = store.as_user("cw").case_activity(agency.case, limit=4, before_id=before_id)
        pages.append(page)
        if not page.more:
            break
        before_id = page.entries[-1].id
    assert [e.id for p in pages for e in p.entries] == [e.id for e in everything.entries]
    assert all(len(p.entries) == 4 for p in pages[:-1]) and len(pages) > 1


def test_bad_requests_are_refused_with_a_sentence(store, agency):
    desk = store.as_user("cw")
    with pytest.raises(InvalidRequest, match="number of entries to show"):
        desk.case_activity(agency.case, limit=0)
    with pytest.raises(NotFound, match="no case number 9999"):
        desk.case_activity(9999)
    other = store.as_user("cwb").case_activity(agency.other_case).entries[0].id
    with pytest.raises(NotFound, match="activity history"):  # an entry of another family's history
        desk.case_activity(agency.case, before_id=other)


# -- who reads it ---------------------------------------------------------------------------------

@pytest.mark.parametrize("login", ["cw", "vaplanner", "cw2", "cpsw"])
def test_the_cases_workers_read_it_and_are_not_audited(store, agency, login):
    assert _sentences(store, login, agency.case)
    assert _read_audits(store, login) == 0


def test_a_supervisors_read_is_audited_once_an_hour(store, agency, clock):
    assert "Case opened for the Rivera family" in _sentences(store, "director", agency.case)
    store.as_user("director").case_activity(agency.case, limit=3)  # the next page, a moment later
    assert _read_audits(store, "director") == 1
    with store.reading() as session:
        row = session.scalars(select(AuditEntry).where(AuditEntry.action == "read case activity")).one()
    assert row.entity_id == agency.case and row.detail == {"reach": "supervision", "case": agency.case}
    clock.advance(hours=2)
    store.as_user("director").case_activity(agency.case)
    assert _read_audits(store, "director") == 2
    # The reads are not the case's activity.
    assert not any("read" in s for s in _sentences(store, "cw", agency.case))


def test_the_entry_clerk_does_not_read_the_history(store, agency):
    with pytest.raises(NoAccess, match="enter notes for others see the notes they entered, not the family's"):
        store.as_user("clerk").case_activity(agency.case)


def test_the_childs_advocate_does_not_read_the_history(store, agency):
    store.staffing().appoint_advocate("casa", agency.jay)
    store.as_user("casa").case(agency.case)  # the advocate does reach the case
    with pytest.raises(NoAccess, match="advocate reads the notes about that child, not the family's activity"):
        store.as_user("casa").case_activity(agency.case)


def test_a_worker_of_another_family_does_not_read_it(store, agency):
    with pytest.raises(NoAccess, match="no role in this family's case"):
        store.as_user("cwb").case_activity(agency.case)
    assert _sentences(store, "cwb", agency.other_case)


# -- the record it is made of ---------------------------------------------------------------------

def _raw(store, sql, **params):
    with store.write_engine.begin() as conn:
        return conn.execute(text(sql), params).rowcount


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET case_id = NULL WHERE case_id = :case",
    "UPDATE audit_log SET detail = '{}' WHERE case_id = :case",
    "UPDATE audit_log SET worker_id = NULL WHERE case_id = :case",
    "DELETE FROM audit_log WHERE case_id = :case",
])
def test_the_history_cannot_be_rewritten_by_raw_sql(store, agency, sql):
    before = _sentences(store, "cw", agency.case)
    with store.reading() as session:
        kept = session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.case_id == agency.case))
    assert kept > 0
    with pytest.raises(DBAPIError) as caught:
        _raw(store, sql, case=agency.case)
    assert "casenotes[InvalidTransition]" in str(caught.value.orig)
    assert _sentences(store, "cw", agency.case) == before


# -- the desk's maintenance changes (intake) -------------------------------------------------------

def test_a_person_added_and_corrected_at_the_desk(store, agency, clock):
    from store.core.intake_forms import NewPerson

    leo = store.as_user("cw").add_person(agency.case, NewPerson("Leo", "Rivera", "child", "Male", date(2019, 5, 1),
                                                                 is_child=True))
    added = store.as_user("cw").case_activity(agency.case).entries[0]
    assert added.sentence == "Leo Rivera added to the family (child)" and added.who == "Cara Worker"
    assert ("birth date", None, "05/01/2019") in _changes(added) and ("sex", None, "Male") in _changes(added)
    clock.advance(minutes=1)
    store.as_user("cw").change_person(leo, last_name="Rivera-Ortiz", birth_date=date(2019, 6, 1))
    changed = store.as_user("supa").case_activity(agency.case).entries[0]
    assert changed.sentence == "Leo Rivera-Ortiz's details changed" and changed.action == "change person"
    assert _changes(changed) == [("last name", "Rivera", "Rivera-Ortiz"), ("birth date", "05/01/2019", "06/01/2019")]


def test_a_family_opened_at_intake(store, agency):
    from store.core.intake_forms import IntakeStage, NewPerson

    opened = store.as_user("supa").open_family("Okafor", [
        NewPerson("Ada", "Okafor", "mother", primary_caretaker=True),
        NewPerson("Ike", "Okafor", "child", is_child=True)], IntakeStage("FSI", case_manager="cw", source_worker="supa",
                                                                         narrative="Payment for a crib."))
    said = _sentences(store, "cw", opened.case_id)
    assert said[-1] == "Case opened for the Okafor family"
    assert {"Ada Okafor added to the family (mother)", "Ike Okafor added to the family (child)", "FSI opened",
            "Case Manager Cara Worker assigned in FSI", "Intake facts of FSI recorded"} <= set(said)
    recorded = _entry(store, "cw", opened.case_id, "Intake facts of FSI recorded")
    assert recorded.who == "Sam Supervisor"
    assert ("primary caretaker", None, "Ada Okafor") in _changes(recorded)
    assert ("narrative", None, "Payment for a crib.") in _changes(recorded)
    assert ("source", None, "Sam Supervisor") in _changes(recorded)


# -- the desk's maintenance changes (a stage's course) ---------------------------------------------

def test_a_stage_progressed_and_app_regd_at_the_desk(store, agency, clock):
    desk = store.as_user("cw")
    fss = desk.progress_stage(agency.fsi, "FSS", case_manager="cw", person_ids=[agency.jay, agency.ana],
                              subtype="CWS")
    said = _sentences(store, "cw", agency.case, limit=5)
    assert said[:4] == ["FSI closed: Progressed to another stage", "FSI progressed to FSS-CWS",
                        "Case Manager Cara Worker assigned in FSS-CWS", "FSS-CWS opened from FSI"]
    progressed = _entry(store, "cw", agency.case, "FSI progressed to FSS-CWS")
    assert progressed.who == "Cara Worker" and ("stage", "FSI", "FSS-CWS") in _changes(progressed)
    assert not any(c.name == "new stage id" for c in progressed.changes)
    closed = _entry(store, "cw", agency.case, "FSI closed: Progressed to another stage")
    assert _changes(closed) == [("closed", None, "Progressed to another stage")]
    clock.advance(minutes=1)
    desk.app_reg(fss.id, agency.ana)
    app_reg = store.as_user("cw").case_activity(agency.case).entries[0]
    assert app_reg.sentence == "App/Reg recorded in FSS-CWS, primary caretaker Ana Rivera"
    assert _changes(app_reg) == [("primary caretaker", None, "Ana Rivera")]


# -- the desk's maintenance changes (a stage's people) ---------------------------------------------

def test_a_stages_people_changed_at_the_desk(store, agency, clock):
    from store.core.intake_forms import NewPerson

    desk = store.as_user("cw")
    leo = desk.add_person(agency.case, NewPerson("Leo", "Rivera", "child", is_child=True))
    desk.add_person_to_stage(agency.fss, leo)
    desk.end_person_in_stage(agency.fss, agency.mia)
    desk.reassign_role(agency.fss, "Case Worker", "cw2", "cw")
    placement = desk.place_child(agency.fss, agency.jay, date(2026, 3, 1))
    desk.end_placement(placement, date(2026, 3, 2))
    desk.end_role(agency.fss, "vaplanner", "Case Planner")
    entries = store.as_user("cw").case_activity(agency.case, limit=6).entries
    assert [(e.who, e.about, e.sentence) for e in entries] == [
        ("Cara Worker", "Vic Planner", "Case Planner Vic Planner's role in FSS-CWS ended"),
        ("Cara Worker", "Jay Rivera", "Placement of Jay Rivera ended 03/02/2026"),
        ("Cara Worker", "Jay Rivera", "Jay Rivera placed in Foster home from 03/01/2026 (FSS-CWS)"),
        ("Cara Worker", "Cara Worker", "Case Worker role in FSS-CWS handed from Cole Worker to Cara Worker"),
        ("Cara Worker", "Mia Rivera", "Mia Rivera taken out of FSS-CWS"),
        ("Cara Worker", "Leo Rivera", "Leo Rivera added to FSS-CWS")]
    ended_role, ended, placed, handed, taken_out, _ = (_changes(e) for e in entries)
    assert ended_role == [("worker", "Vic Planner", None), ("role", "Case Planner", None)]
    assert ended == [("last day", None, "03/02/2026")]
    assert ("setting", None, "Foster home") in placed
    assert ("worker", "Cole Worker", "Cara Worker") in handed
    assert taken_out == [("in stage", "yes", "no")]
