"""Court-appointed advocates (issue 18), through the store's API on both backends: the representatives'
access management, requests for a child's record by letter of introduction and their decision, when
an advocate's access is open, and what the advocate then reads."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from store import StoreError
from store.core.errors import InvalidRequest, NoAccess, NotFound
from store.desks.visits import child_responsible_worker
from tests.conftest import counts, visit

LETTER = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def approved_advocate(store, login="ncole", name="Nora Cole"):
    rep = store.as_user("rep")
    rep.request_advocate_account(login, name, agency="County CASA", email="ncole@example.org")
    rep.approve_advocate(login)
    return store.as_user(login)


def file_for_jay(desk, agency, **override):
    fields = dict(court="Family Court, Kings County", cause_number="NN-1234-26", appointed_on=date(2026, 2, 20),
                  ends_on=None, letter_name="letter.pdf", letter_content=LETTER)
    fields.update(override)
    return desk.file_access_request(agency.jay, **fields)


def approved_note(store, agency, clock, **override):
    cw = store.as_user("cw")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock, **override)).id)
    return store.as_user("supa").approve(note.id)


def inbox(store, login):
    with store.write_engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT n.kind, n.key, n.sentence, n.entity, n.entity_id FROM notifications n "
            "JOIN workers w ON w.id = n.worker_id WHERE w.login = :l AND n.kind LIKE 'access %' ORDER BY n.id"),
            {"l": login}).all())


def audited(store, action):
    with store.write_engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_log WHERE action = :a"), {"a": action}).scalar_one()


# -- the programme's representatives --------------------------------------------------------------------

def test_a_requested_advocate_cannot_sign_in_until_a_representative_approves(store, agency, clock):
    rep = store.as_user("rep")
    view = rep.request_advocate_account("ncole", "Nora Cole", agency="County CASA", email="ncole@example.org")
    assert (view.status, view.open_appointments, view.review_on) == ("requested", 0, None)
    with pytest.raises(NoAccess, match="waits for the advocate programme's approval"):
        store.as_user("ncole")
    rep.approve_advocate("ncole")
    clock.advance(hours=1)
    store.as_user("ncole")
    listed = {a.login: a for a in rep.advocate_accounts()}["ncole"]
    assert listed.status == "approved" and listed.decided_by == "Rae Representative"
    assert listed.review_on == date(2026, 3, 2) + timedelta(days=365)
    assert listed.last_sign_in_at == clock.now()
    assert audited(store, "request advocate account") == audited(store, "approve advocate") == 1


def test_only_a_representative_manages_advocates(store, agency):
    store.as_user("rep").request_advocate_account("ncole", "Nora Cole")
    for login in ("cw", "supa", "director", "casa"):
        desk = store.as_user(login)
        for name, *args in (("advocate_accounts",), ("approve_advocate", "ncole"), ("reject_advocate", "ncole", "No."),
                            ("terminate_advocate", "ncole", "No."), ("confirm_advocate_reviewed", "ncole"),
                            ("request_advocate_account", "other", "Otto Other")):
            with pytest.raises(NoAccess, match="ADVOCATE ACCESS"):
                getattr(desk, name)(*args)
    assert [a.status for a in store.as_user("rep").advocate_accounts()] == ["requested"]


def test_a_rejected_account_needs_a_reason_and_stays_rejected(store, agency):
    rep = store.as_user("rep")
    rep.request_advocate_account("ncole", "Nora Cole")
    with pytest.raises(InvalidRequest, match="Give the reason"):
        rep.reject_advocate("ncole", "  ")
    rep.reject_advocate("ncole", "Training not finished.")
    with pytest.raises(InvalidRequest, match="rejected, so it cannot be approved"):
        rep.approve_advocate("ncole")
    with pytest.raises(NoAccess, match="was not approved"):
        store.as_user("ncole")


def test_the_review_is_confirmed_a_year_on(store, agency, clock):
    approved_advocate(store)
    clock.advance(days=366)
    rep = store.as_user("rep")
    assert {a.login: a for a in rep.advocate_accounts()}["ncole"].review_due
    rep.confirm_advocate_reviewed("ncole")
    listed = {a.login: a for a in rep.advocate_accounts()}["ncole"]
    assert not listed.review_due and listed.review_on > clock.now().date()


def test_terminating_an_advocate_ends_their_sign_in_at_once_and_every_appointment(store, agency, clock):
    approved_note(store, agency, clock)
    ncole = approved_advocate(store)
    store.as_user("cw").decide_access_request(file_for_jay(ncole, agency).id, True, "")
    assert [c.name for c in ncole.advocate_children()] == ["Jay Rivera"]
    store.as_user("rep").terminate_advocate("ncole", "Left the programme.")
    with pytest.raises(NoAccess, match="deactivated"):
        ncole.advocate_children()  # a desk opened before: refused at its next action
    with pytest.raises(NoAccess, match="terminated"):
        store.as_user("ncole")
    [request] = store.as_user("cw").access_requests()
    assert (request.status, request.open) == ("ended", False)
    listed = {a.login: a for a in store.as_user("rep").advocate_accounts()}["ncole"]
    assert (listed.status, listed.open_appointments, listed.termination_reason) == (
        "terminated", 0, "Left the programme.")
    assert audited(store, "terminate advocate") == 1


# -- a request for a child's record ---------------------------------------------------------------------

def test_an_advocate_files_a_letter_and_the_childs_worker_is_told(store, agency, clock):
    ncole = approved_advocate(store)
    request = file_for_jay(ncole, agency)
    assert (request.status, request.child_name, request.case_id, request.open) == ("requested", None, None, False)
    assert request.letter_name == "letter.pdf" and request.court == "Family Court, Kings County"
    with store.reading() as session:
        responsible = child_responsible_worker(session, agency.jay, clock.now())
        assert responsible is not None
        login = responsible.login
    [(kind, key, sentence, entity, entity_id)] = inbox(store, login)
    assert (kind, key, entity, entity_id) == ("access request", f"access-request:{request.id}", "appointment",
                                              request.id)
    assert "Nora Cole" in sentence and "Jay" not in sentence
    with pytest.raises(NoAccess):
        ncole.case(agency.case)  # nothing of the record before the decision
    seen = store.as_user("cw").access_requests(child_id=agency.jay)
    assert [(r.id, r.child_name, r.may_decide) for r in seen] == [(request.id, "Jay Rivera", True)]
    assert store.as_user("cwb").access_requests() == []
    with store.write_engine.connect() as conn:
        assert conn.execute(text("SELECT kind, person_id, uploaded_by_id FROM documents")).all() == [
            ("Letter of introduction", agency.jay, conn.execute(text(
                "SELECT id FROM workers WHERE login = 'ncole'")).scalar_one())]


def test_a_representative_files_for_an_advocate(store, agency):
    approved_advocate(store)
    request = file_for_jay(store.as_user("rep"), agency, advocate="ncole")
    assert (request.advocate_login, request.requested_by, request.child_name) == ("ncole", "Rae Representative",
                                                                                  "Jay Rivera")
    assert [r.id for r in store.as_user("ncole").access_requests()] == [request.id]


def test_who_may_file(store, agency):
    with pytest.raises(InvalidRequest, match="not approved"):
        file_for_jay(store.as_user("casa"), agency)  # an appointment of old, no account
    store.as_user("rep").request_advocate_account("ncole", "Nora Cole")
    with pytest.raises(InvalidRequest, match="not approved"):
        file_for_jay(store.as_user("rep"), agency, advocate="ncole")
    approved_advocate(store, "odell", "Otis Dell")
    with pytest.raises(NoAccess, match="representatives"):
        file_for_jay(store.as_user("cw"), agency, advocate="odell")
    with pytest.raises(InvalidRequest, match="not a child"):
        store.as_user("odell").file_access_request(
            agency.ana, court="Court", cause_number="1", appointed_on=date(2026, 2, 1), ends_on=None,
            letter_name="l.pdf", letter_content=LETTER)
    with pytest.raises(NotFound, match="no child number 999"):
        store.as_user("odell").file_access_request(
            999, court="Court", cause_number="1", appointed_on=date(2026, 2, 1), ends_on=None,
            letter_name="l.pdf", letter_content=LETTER)
    file_for_jay(store.as_user("odell"), agency)
    with pytest.raises(InvalidRequest, match="waits for a decision already"):
        file_for_jay(store.as_user("odell"), agency)


@pytest.mark.parametrize("override, error", [
    (dict(letter_content=b""), "empty"),
    (dict(letter_content=b"x" * (25 * 1024 * 1024 + 1)), "at most 25 MB"),
    (dict(letter_content="not bytes"), "bytes"),
    (dict(letter_content=b"\x00\x01\x02garbage"), "not a kind of file casenotes keeps"),
    (dict(court=""), "court is empty"),
    (dict(court="Court\x1b[2J"), "court"),
    (dict(cause_number="x" * 61), "at most 60"),
    (dict(appointed_on="yesterday"), "appointment date"),
    (dict(appointed_on=date(2026, 3, 20)), "has not come yet"),
    (dict(ends_on=date(2026, 2, 1)), "before it began"),
    (dict(letter_name=""), "file name is empty"),
])
def test_a_bad_request_writes_nothing(store, agency, override, error):
    ncole = approved_advocate(store)
    before = counts(store)
    with pytest.raises(StoreError, match=error):
        file_for_jay(ncole, agency, **override)
    assert counts(store) == before
    assert store.as_user("rep").access_requests() == [] and inbox(store, "cw") == []


def test_the_childs_caseworker_or_their_supervisor_decides(store, agency, clock):
    ncole = approved_advocate(store)
    request = file_for_jay(ncole, agency)
    for login in ("cwb", "supb", "clerk", "rep", "ncole"):
        with pytest.raises((NoAccess, NotFound)):
            store.as_user(login).decide_access_request(request.id, True, "")
    with pytest.raises(InvalidRequest, match="Say why"):
        store.as_user("cw").decide_access_request(request.id, False, " ")
    decided = store.as_user("supa").decide_access_request(request.id, True, "Letter received.")
    assert (decided.status, decided.open, decided.decided_by) == ("approved", True, "Sam Supervisor")
    with pytest.raises(InvalidRequest, match="approved already"):
        store.as_user("cw").decide_access_request(request.id, False, "Changed my mind.")
    [(kind, _key, sentence, _e, _id)] = inbox(store, "ncole")
    assert kind == "access decided" and "approved your request for Jay Rivera's record" in sentence
    assert [r.child_name for r in ncole.access_requests()] == ["Jay Rivera"]


def test_a_declined_request_opens_nothing(store, agency, clock):
    approved_note(store, agency, clock)
    ncole = approved_advocate(store)
    request = file_for_jay(ncole, agency)
    store.as_user("cw").decide_access_request(request.id, False, "No such appointment on file.")
    with pytest.raises(NoAccess):
        ncole.case(agency.case)
    assert ncole.advocate_children() == []
    [(_k, _key, sentence, _e, _i)] = inbox(store, "ncole")
    assert "declined" in sentence and "Jay" not in sentence and "No such appointment on file." in sentence
    assert [r.child_name for r in ncole.access_requests()] == [None]


# -- what an approved advocate reads --------------------------------------------------------------------

def test_the_advocate_reads_only_the_childs_approved_notes(store, agency, clock):
    with_jay = approved_note(store, agency, clock)
    approved_note(store, agency, clock, participants=[agency.mia, agency.ana])
    cw = store.as_user("cw")
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)  # under review: may still change
    ncole = approved_advocate(store)
    store.as_user("cw").decide_access_request(file_for_jay(ncole, agency).id, True, "")
    assert [n.id for n in ncole.stage_notes(agency.fss)] == [with_jay.id]
    [child] = ncole.advocate_children()
    assert (child.name, child.family_name, child.court) == ("Jay Rivera", "Rivera", "Family Court, Kings County")
    assert {label for _id, label in child.stages} >= {"FSS-CWS"}
    with pytest.raises(NoAccess):
        ncole.case(agency.other_case)


def returned_then_approved(store, agency, clock):
    """A note with Jay that its supervisor returned once (a comment, a corrected version), then approved."""
    cw, supa = store.as_user("cw"), store.as_user("supa")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative="Jay and his sister Mia spoke.")).id)
    note = supa.return_note(note.id, "Mia is not in this stage's record; leave her out.").note
    note = cw.edit_note(note.id, note.version, narrative="Jay spoke about school.")
    note = cw.submit(note.id)
    return supa.approve(note.id)


def test_an_advocate_reads_a_notes_settled_versions_only(store, agency, clock):
    note = returned_then_approved(store, agency, clock)
    assert len(store.as_user("cw").note_history(note.id).revisions) > 1
    ncole = approved_advocate(store)
    store.as_user("cw").decide_access_request(file_for_jay(ncole, agency).id, True, "")
    history = ncole.note_history(note.id)
    assert history.revisions and {r.status for r in history.revisions} <= {"approved", "final"}
    assert "Mia" not in repr(history)  # neither the returned version nor the supervisor's comment
    assert [a.action for a in history.review] == ["approve"]


def test_the_filer_is_told_whom_the_request_went_to(store, agency):
    """The advocate learns who answers for the child (the one notified), by name only."""
    request = file_for_jay(approved_advocate(store), agency)
    assert request.told == "Cara Worker"  # the Case Manager of Jay's newest open stage (FSI)
    assert [n.kind for n in store.as_user("cw").inbox()] == ["access request"]


def test_a_lapsed_appointment_is_renewed_by_a_new_request(store, agency, clock):
    ncole = approved_advocate(store)
    first = file_for_jay(ncole, agency, ends_on=date(2026, 3, 10))
    with pytest.raises(InvalidRequest, match="waits for a decision already"):
        file_for_jay(ncole, agency)
    store.as_user("cw").decide_access_request(first.id, True, "")
    with pytest.raises(InvalidRequest, match="was approved already"):
        file_for_jay(ncole, agency)
    clock.advance(days=10)  # past the last day: a new court order, a new request
    second = file_for_jay(ncole, agency, appointed_on=date(2026, 3, 11), ends_on=date(2027, 3, 10))
    store.as_user("cw").decide_access_request(second.id, True, "")
    assert [c.child_id for c in ncole.advocate_children()] == [agency.jay]


def test_access_ends_with_the_stage_it_was_decided_for(store, agency, clock):
    """A child's stages closing ends the access; a stage opened after the decision reopens nothing."""
    ncole = approved_advocate(store)
    store.as_user("cw").decide_access_request(file_for_jay(ncole, agency).id, True, "")
    assert [c.child_id for c in ncole.advocate_children()] == [agency.jay]
    clock.advance(days=1)
    later = store.staffing().open_stage(agency.case, "FSS", subtype="CWS", case_manager="cw2", person_ids=[agency.jay])
    _raw(store, "UPDATE stages SET closed_at = :t WHERE id <> :s AND closed_at IS NULL", t=clock.now(), s=later)
    assert ncole.advocate_children() == []
    with pytest.raises(NoAccess):
        ncole.stage_notes(later)


def test_access_ends_after_the_appointments_last_day(store, agency, clock):
    with_jay = approved_note(store, agency, clock)
    ncole = approved_advocate(store)
    request = file_for_jay(ncole, agency, ends_on=date(2026, 3, 10))
    store.as_user("cw").decide_access_request(request.id, True, "")
    assert [n.id for n in ncole.stage_notes(agency.fss)] == [with_jay.id]
    clock.advance(days=8)  # 3/10, the last day: still open
    assert ncole.advocate_children()
    clock.advance(days=1)
    assert ncole.advocate_children() == []
    with pytest.raises(NoAccess):
        ncole.stage_notes(agency.fss)
    assert [r.open for r in store.as_user("cw").access_requests()] == [False]


def test_access_ends_when_the_child_is_in_no_open_stage(store, agency, clock):
    approved_note(store, agency, clock)
    ncole = approved_advocate(store)
    store.as_user("cw").decide_access_request(file_for_jay(ncole, agency).id, True, "")
    with store.writing() as session:  # the child's stages closed (as the stages' course would)
        session.execute(text("UPDATE stages SET closed_at = :t, close_reason = 'Services no longer necessary' "
                             "WHERE id IN (SELECT stage_id FROM stage_persons WHERE person_id = :p)"),
                        {"t": clock.now(), "p": agency.jay})
    with pytest.raises(NoAccess):
        ncole.case(agency.case)
    assert ncole.advocate_children() == []


# -- the same rules in the database (both backends) -----------------------------------------------------

def _raw(store, sql, **params):
    with store.write_engine.begin() as conn:
        return conn.execute(text(sql), params).rowcount


def _sql(store, sql, **params):
    with store.write_engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def test_raw_sql_cannot_switch_on_a_request_or_undo_a_decision(store, agency):
    ncole = approved_advocate(store)
    request = file_for_jay(ncole, agency)
    with pytest.raises(Exception, match="switched on only by an approved request"):
        _raw(store, "UPDATE advocate_appointments SET active = true WHERE id = :i", i=request.id)
    store.as_user("cw").decide_access_request(request.id, False, "No.")
    with pytest.raises(Exception, match="declined one stays"):
        _raw(store, "UPDATE advocate_appointments SET status = 'approved' WHERE id = :i", i=request.id)
    with pytest.raises(Exception, match="never deleted"):
        _raw(store, "DELETE FROM advocate_appointments WHERE id = :i", i=request.id)


def test_raw_sql_moves_a_request_only_forward(store, agency):
    """requested → approved, declined or ended; approved → ended; nothing back (migration 0014)."""
    request = file_for_jay(approved_advocate(store), agency)
    store.as_user("cw").decide_access_request(request.id, True, "")
    for back in ("requested", "declined"):
        with pytest.raises(Exception, match="approved or declined once"):
            _raw(store, f"UPDATE advocate_appointments SET status = '{back}' WHERE id = :i", i=request.id)
    _raw(store, "UPDATE advocate_appointments SET status = 'ended', active = false, ended_at = decided_at, "
                "end_reason = 'The court discharged the advocate.' WHERE id = :i", i=request.id)
    with pytest.raises(Exception, match=r"stays (ended|so)"):  # whichever trigger the backend runs first
        _raw(store, "UPDATE advocate_appointments SET status = 'approved', active = true WHERE id = :i", i=request.id)
    assert _sql(store, "SELECT status, active FROM advocate_appointments") == [("ended", False)]


def test_an_appointment_before_requests_existed_stays_ended(store, agency):
    """An appointment of before issue 18 that the upgrade marked ended (no ended_at) is not switched on
    again by writing 'approved' over it."""
    appointment = store.staffing().appoint_advocate("casa", agency.jay, active=False)
    _raw(store, "UPDATE advocate_appointments SET status = 'ended' WHERE id = :i", i=appointment)
    with pytest.raises(Exception, match="stays so"):
        _raw(store, "UPDATE advocate_appointments SET status = 'approved', active = true WHERE id = :i",
             i=appointment)


@pytest.mark.parametrize("change", ["court = 'Another court'", "cause_number = 'X-1'",
                                    "appointed_on = '2025-01-01'", "requested_by_id = NULL",
                                    "ends_on = '2031-01-01'", "ends_at = '2031-01-01 05:00:00+00:00'"])
def test_raw_sql_keeps_a_request_as_filed(store, agency, change):
    request = file_for_jay(approved_advocate(store), agency, ends_on=date(2030, 6, 30))
    before = _sql(store, "SELECT court, cause_number, appointed_on, ends_on, ends_at FROM advocate_appointments")
    with pytest.raises(Exception, match="kept as it was filed"):
        _raw(store, f"UPDATE advocate_appointments SET {change} WHERE id = :i", i=request.id)
    assert _sql(store, "SELECT court, cause_number, appointed_on, ends_on, ends_at FROM advocate_appointments") == before


def test_an_appointments_last_day_may_come_sooner(store, agency):
    request = file_for_jay(approved_advocate(store), agency, ends_on=date(2030, 6, 30))
    assert _raw(store, "UPDATE advocate_appointments SET ends_on = '2029-01-31' WHERE id = :i", i=request.id) == 1
    assert str(_sql(store, "SELECT ends_on FROM advocate_appointments")[0][0]) == "2029-01-31"


@pytest.mark.parametrize("holds", ["role", "function", "approved"])
def test_raw_sql_gives_no_advocate_account_to_a_worker_at_work(store, agency, holds):
    """An account is what lets a representative switch a worker's sign-in off: never one for a caseworker
    (a role), an administrator (a business function), and never one that starts approved."""
    login = {"role": "cw", "function": "clerk", "approved": "casa"}[holds]
    status = "approved" if holds == "approved" else "requested"
    with pytest.raises(Exception, match="is for a court-appointed advocate"):
        _raw(store, f"INSERT INTO advocate_accounts (worker_id, status, requested_at) "
                    f"SELECT id, '{status}', CURRENT_TIMESTAMP FROM workers WHERE login = :l", l=login)
    assert _sql(store, "SELECT count(*) FROM advocate_accounts") == [(0,)]


DOCUMENT_INSERT = ("INSERT INTO documents (case_id, person_id, kind, file_name, content, sha256, size, content_type, "
                   "uploaded_at, uploaded_by_id) SELECT :case, :child, 'Legal document', 'x', :bytes, :sha, :size, "
                   ":type, CURRENT_TIMESTAMP, id FROM workers WHERE login = 'cw'")


@pytest.mark.parametrize("content, content_type", [
    (b"MZ\x90\x00\x03 a program", "application/pdf"),
    (b"%PDF-1.4 a real PDF", "application/x-msdownload"),
    (b"text\x00with a NUL", "text/plain"),
    (b"GIF89a an image casenotes does not keep", "image/gif"),
    (b"%PDF-1.4 a PDF called a PNG", "image/png"),
])
def test_raw_sql_keeps_no_document_whose_bytes_are_not_its_type(store, agency, content, content_type):
    with pytest.raises(Exception, match="bytes are of the type"):
        _raw(store, DOCUMENT_INSERT, case=agency.case, child=agency.jay, bytes=content, size=len(content),
             sha=hashlib.sha256(content).hexdigest(), type=content_type)
    assert _sql(store, "SELECT count(*) FROM documents") == [(0,)]


@pytest.mark.parametrize("who", ["a parent", "another family's child"])
def test_raw_sql_files_a_document_only_for_a_child_of_its_family(store, agency, who):
    content = b"%PDF-1.4 school report"
    person, case = (agency.ana, agency.case) if who == "a parent" else (agency.jay, agency.other_case)
    with pytest.raises(Exception, match="child's record, in the child's own family"):
        _raw(store, DOCUMENT_INSERT, case=case, child=person, bytes=content, size=len(content),
             sha=hashlib.sha256(content).hexdigest(), type="application/pdf")
    _raw(store, DOCUMENT_INSERT, case=agency.case, child=agency.jay, bytes=content, size=len(content),
         sha=hashlib.sha256(content).hexdigest(), type="application/pdf")  # the same, rightly filed
    assert _sql(store, "SELECT count(*) FROM documents") == [(1,)]


def test_raw_sql_cannot_bring_back_a_terminated_advocate(store, agency):
    approved_advocate(store)
    store.as_user("rep").terminate_advocate("ncole", "Left.")
    with pytest.raises(Exception, match="terminated"):
        _raw(store, "UPDATE advocate_accounts SET status = 'approved' WHERE worker_id = "
                    "(SELECT id FROM workers WHERE login = 'ncole')")
    with pytest.raises(Exception, match="cannot sign in"):
        _raw(store, "UPDATE workers SET active = true WHERE login = 'ncole'")
    store.as_user("rep").request_advocate_account("odell", "Otis Dell")
    with pytest.raises(Exception, match="cannot sign in"):
        _raw(store, "UPDATE workers SET active = true WHERE login = 'odell'")


def test_the_case_activity_says_who_asked_and_who_decided(store, agency):
    ncole = approved_advocate(store)
    store.as_user("cw").decide_access_request(file_for_jay(ncole, agency).id, True, "")
    said = [entry.sentence for entry in store.as_user("cw").case_activity(agency.case).entries]
    assert "Advocate Nora Cole asked for access to Jay Rivera's record (letter of introduction)" in said
    assert "Advocate Nora Cole was given access to Jay Rivera's record" in said


def test_raw_sql_sets_an_advocates_next_review_no_further_ahead_than_the_policy(store, agency, clock):
    """Migration 0017: a representative pushing the next access review years out would let access go
    unconfirmed; the store sets it a year (review_every_days) from today, and so may raw SQL, no further."""
    approved_advocate(store)
    account = "(SELECT id FROM workers WHERE login = 'ncole')"
    today = clock.now().date()
    with pytest.raises(Exception, match=r"casenotes\[InvalidRequest\].*no further ahead"):
        _raw(store, f"UPDATE advocate_accounts SET review_on = :on WHERE worker_id = {account}",
             on=today + timedelta(days=365 + 30))
    _raw(store, f"UPDATE advocate_accounts SET review_on = :on WHERE worker_id = {account}",
         on=today + timedelta(days=200))
    _raw(store, "UPDATE advocate_accounts SET termination_reason = termination_reason WHERE worker_id = "
                f"{account}")  # another change leaves the date alone
    (kept,), = _sql(store, f"SELECT review_on FROM advocate_accounts WHERE worker_id = {account}")
    assert str(kept) == str(today + timedelta(days=200))  # SQLite's raw read is the text of the date
