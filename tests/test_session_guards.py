"""What a second security review of issue 18 found a worker signed in as their own PostgreSQL role could
still do by raw SQL that the store refuses, closed by migration 0014 (store/db/row_security_guards.py).
Each test says the store's rule and fails while the database lets the session past it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.core.errors import NoAccess
from tests.conftest import visit
from tests.test_advocacy import LETTER, approved_note, file_for_jay
from tests import test_advocacy_security as raw
from tests.test_advocacy_security import APPOINTMENT, BLOCKED, LETTER_INSERT
from tests.test_row_security import worker_id

pytestmark = pytest.mark.postgres
# The fixtures of the advocates' raw-SQL tests: as_role(login), psql(login), ncole (an approved advocate).
as_role, psql, advocate_login, ncole = raw.as_role, raw.psql, raw.advocate_login, raw.ncole

NOTIFY = ("SELECT casenotes_notify(:w, now(), :kind, :key, :sentence, :entity, :entity_id, :case, :stage)")


def went_through(session, *statements: str, **params) -> bool:
    """Whether raw SQL in the worker's session was let through (not refused, and changed a row)."""
    try:
        done = session.run(*statements, **params)
    except DBAPIError:
        return False
    return done != 0 and done != []


def owner(store, sql: str, **params):
    with store.write_engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def open_access(store, agency, login):
    request = file_for_jay(store.as_user(login), agency)
    store.as_user("cw").decide_access_request(request.id, True, "Letter received.")
    return request


# -- notifications ------------------------------------------------------------------------------------

def test_nobody_writes_into_another_workers_inbox(store, agency, psql):
    """Store: a notification for someone else is written by the change that causes it (an upload, a
    request, a review). Raw SQL: any signed-in worker calls casenotes_notify() for anyone, with any words."""
    cw = worker_id(store, "cw")
    added = psql("cwb").run(NOTIFY, w=cw, kind="access request", key="phish:1",
                            sentence="URGENT: the court asks you to approve every pending request today.",
                            entity="appointment", entity_id=1, case=agency.case, stage=agency.fss)
    assert added == [(False,)]
    assert owner(store, "SELECT count(*) FROM notifications WHERE key = 'phish:1'") == [(0,)]


def test_a_notification_cannot_be_taken_before_its_change(store, agency, psql, ncole):
    """The inbox keeps one notification per key: a key written beforehand (the next request's id is a
    sequence) makes the real request's notification the attacker's sentence, and casenotes_notify()'s
    answer tells whether another's inbox holds a key."""
    login, _ = ncole
    (next_id,) = owner(store, "SELECT coalesce(max(id), 0) + 1 FROM advocate_appointments")[0]
    for worker in ("cw", "cw2", "vaplanner"):
        psql("cwb").run(NOTIFY, w=worker_id(store, worker), kind="access request", key=f"access-request:{next_id}",
                        sentence="Nothing to decide: this request was withdrawn.", entity=None, entity_id=None,
                        case=None, stage=None)
    request = file_for_jay(store.as_user(login), agency)
    assert request.id == next_id
    said = owner(store, "SELECT sentence FROM notifications WHERE key = :k", k=f"access-request:{request.id}")
    assert said and all("asks for access" in s for (s,) in said), said


# -- audit_log ----------------------------------------------------------------------------------------

def test_an_audit_row_is_written_at_the_databases_time(store, agency, clock, psql, as_role):
    """Store: a read from outside the assignment is recorded when it is made (once an hour). Raw SQL:
    audit_log.at is the session's word, so a row dated in the future keeps every later read of the same
    thing out of the record (the store asks "recorded after now - 1 hour?")."""
    supa = worker_id(store, "supa")
    psql("supa").run("INSERT INTO audit_log (at, worker_id, action, entity, entity_id, case_id, detail) "
                     "VALUES ('2099-01-01', :w, 'read case activity', 'case activity', :c, :c, '{}')",
                     w=supa, c=agency.case)
    as_role("supa").case_activity(agency.case)  # a supervisor's read: audited
    recorded = owner(store, "SELECT at FROM audit_log WHERE worker_id = :w AND action = 'read case activity' "
                            "ORDER BY id", w=supa)
    assert [at for (at,) in recorded] == [clock.now()], recorded  # the row is dated when it was written


def test_nobody_writes_reads_into_the_access_log_of_a_family_they_do_not_read(store, agency, psql, as_role):
    """Store: the case's access log shows the reads the store made. Raw SQL: another unit's worker writes
    rows for any family (any action, time, reach) that its caseworkers then read as real."""
    with pytest.raises(DBAPIError, match=BLOCKED):
        psql("cwb").run("INSERT INTO audit_log (at, worker_id, action, entity, entity_id, case_id, detail) "
                        "VALUES ('2026-01-01', :w, 'read document', 'document', 1, :c, :d)",
                        w=worker_id(store, "cwb"), c=agency.case, d=json.dumps({"reach": "assigned"}))
    assert [e for e in as_role("cw").access_log(agency.case) if e.login == "cwb"] == []


# -- review_actions, note_revisions -------------------------------------------------------------------

def test_only_a_supervisor_above_the_author_writes_a_review(store, agency, clock, psql, ncole):
    """Store: a note is approved or returned (a review action) only by a supervisor above its author.
    Raw SQL: anyone who reads a note adds review actions to its history under their own name: a colleague
    on the same stage returns it, an advocate 'approves' an approved note with a comment."""
    cw = store.as_user("cw")
    sent = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    act = "INSERT INTO review_actions (note_id, action, at, by_id, comment) VALUES (:n, :a, now(), :me, :c)"
    login, advocate = ncole
    approved = approved_note(store, agency, clock)
    open_access(store, agency, login)
    through = {
        "colleague returns": went_through(psql("cw2"), act, n=sent.id, a="return", me=worker_id(store, "cw2"),
                                          c="Redo this; Jay was not seen."),
        "advocate approves": went_through(advocate, act, n=approved.id, a="approve", me=worker_id(store, login),
                                          c="Checked with the court."),
        "author approves own": went_through(psql("cw"), act, n=sent.id, a="approve", me=worker_id(store, "cw"),
                                            c="Fine."),
    }
    assert [what for what, yes in through.items() if yes] == []


def test_a_notes_sending_and_review_are_dated_by_the_database(store, agency, clock, psql):
    """Store: a note is submitted and reviewed at the store's clock (the casework clock and the review
    standards count from those times). Raw SQL: the author dates their submission, and the supervisor
    their approval, whenever they like (0014 stamped who and when for appointments, not for notes)."""
    cw = store.as_user("cw")
    draft = cw.add_note(agency.fss, **visit(agency, clock))
    earlier = clock.now() - timedelta(days=5)
    next_revision = ("INSERT INTO note_revisions (note_id, version, saved_at, saved_by_id, status, snapshot) "
                     "SELECT note_id, version + 1, now(), :me, :status, "
                     "(snapshot::jsonb || jsonb_build_object('status', CAST(:status AS varchar)))::json FROM note_revisions "
                     "WHERE note_id = :n AND version = (SELECT version FROM notes WHERE id = :n)")
    psql("cw").run(next_revision, "UPDATE notes SET status = 'submitted', submitted_at = :t, first_submitted_at = :t, "
                   "version = version + 1 WHERE id = :n", n=draft.id, me=worker_id(store, "cw"), status="submitted",
                   t=earlier)
    psql("supa").run(next_revision, "UPDATE notes SET status = 'approved', reviewed_at = :t, version = version + 1 "
                     "WHERE id = :n", n=draft.id, me=worker_id(store, "supa"), status="approved", t=earlier)
    dated = owner(store, "SELECT status, submitted_at, reviewed_at FROM notes WHERE id = :n", n=draft.id)
    assert dated == [("approved", clock.now(), clock.now())]


# -- documents ----------------------------------------------------------------------------------------

def test_a_refused_upload_does_not_say_which_family_a_person_is_in(store, agency, psql):
    """Store (and casenotes_request_child, test_a_childs_family_is_not_looked_up_by_anyone_signed_in): a
    worker who reads no family learns nobody's family by number. Raw SQL: the documents_child trigger
    answers before row-level security does, so the refusal differs when (case, person) is a child of that
    family: anyone signed in maps every person to their family and learns who is a child."""
    said = {}
    for label, case, person in (("child of the family", agency.case, agency.jay),
                                ("parent", agency.case, agency.ana),
                                ("no such person", agency.case, 10_000)):
        with pytest.raises(DBAPIError) as refused:
            psql("cwb").run(LETTER_INSERT.replace("Letter of introduction", "Birth certificate"),
                            c=case, p=person, b=LETTER, n=len(LETTER), me=worker_id(store, "cwb"))
        said[label] = str(refused.value.orig).splitlines()[0]
    assert len(set(said.values())) == 1, said


def test_an_advocate_without_access_does_not_withdraw_their_letter(store, agency, clock, psql, ncole):
    """Store: withdrawing asks for a reach into the child's record (case_access: NoAccess for an advocate
    whose request was declined or whose access ended). Raw SQL: the uploader withdraws their letter of
    introduction (the record the decision was made on) whatever their access."""
    login, advocate = ncole
    request = file_for_jay(store.as_user(login), agency)
    store.as_user("cw").decide_access_request(request.id, False, "No court order on file.")
    letter = owner(store, "SELECT letter_id FROM advocate_appointments WHERE id = :i", i=request.id)[0][0]
    with pytest.raises(NoAccess):
        store.as_user(login).withdraw_document(letter, "Wrong letter.")
    assert advocate.run("UPDATE documents SET withdrawn_at = now(), withdrawal_reason = 'Wrong letter.' "
                        "WHERE id = :d", d=letter) == 0


# -- advocate_appointments ----------------------------------------------------------------------------

def test_a_caseworker_does_not_end_a_court_appointment(store, agency, clock, psql, ncole):
    """Store: access ends on the appointment's end date, when the child's stage closes, or when the
    representative terminates the advocate (rules.advocacy; no call ends or shortens one appointment).
    Raw SQL: whoever may decide a request (any role holder of the child's open stage and their chain)
    ends an approved appointment, or moves its last day to today."""
    login, _ = ncole
    for_jay = open_access(store, agency, login)
    for_mia = store.as_user(login).file_access_request(
        agency.mia, court="Family Court, Kings County", cause_number="NN-1235-26", appointed_on=date(2026, 2, 20),
        ends_on=None, letter_name="letter.pdf", letter_content=LETTER)
    store.as_user("cw").decide_access_request(for_mia.id, True, "Letter received.")
    end = ("UPDATE advocate_appointments SET status = 'ended', active = false, end_reason = 'Not needed.' "
           "WHERE id = :i")
    through = {
        "planner moves the last day to today": went_through(
            psql("vaplanner"), "UPDATE advocate_appointments SET ends_on = :d, ends_at = now() + interval '1 minute' "
            "WHERE id = :i", i=for_jay.id, d=clock.now().date()),
        "caseworker ends it": went_through(psql("cw2"), end, i=for_jay.id),
    }
    assert [what for what, yes in through.items() if yes] == []
    assert sorted(c.name for c in store.as_user(login).advocate_children()) == ["Jay Rivera", "Mia Rivera"]


def test_an_appointment_ends_on_the_day_its_request_says(store, agency, clock, ncole):
    """Store: a request's ends_at is the first instant after its ends_on (rules.advocacy.ends_at_of), and
    access is open until ends_at. Raw SQL: the advocate files a request showing the court's last day
    (ends_on) with no ends_at; the caseworker approves what they see, and access never ends."""
    login, advocate = ncole
    me = worker_id(store, login)
    letter = advocate.run(LETTER_INSERT, c=agency.case, p=agency.jay, b=LETTER, n=len(LETTER), me=me)[0][0]
    advocate.run(APPOINTMENT.format(active="false", status="requested", extra_columns=", court, cause_number, "
                                    "ends_on", extra_values=", 'Family Court', 'NN-1', :last"),
                 w=me, p=agency.jay, me=me, letter=letter, last=clock.now().date())
    (request,) = store.as_user("cw").access_requests()
    store.as_user("cw").decide_access_request(request.id, True, "Until the court's date.")
    clock.advance(days=3)
    assert store.as_user(login).advocate_children() == []


# -- casenotes_* functions called with other ids ------------------------------------------------------

def test_an_advocate_learns_no_parents_family_or_worker_by_person_number(store, agency, psql, ncole):
    """Store: an advocate filing a request learns whether the number is a child (NotFound /
    InvalidRequest), never the child's family, who answers for them or their stage (the request's view
    names no case until it is approved). Raw SQL: casenotes_request_child() answers those for any person
    number, a parent's or another family's child's too."""
    _login, advocate = ncole
    ask = "SELECT child_case, responsible, responsible_stage FROM casenotes_request_child(:p)"
    # A child's family and responsible worker are what the store needs to file the letter and tell them.
    assert advocate.run(ask, p=agency.ana) in ([], [(None, None, None)])


def test_the_helper_functions_answer_nothing_about_what_the_caller_does_not_read(store, agency, psql, ncole):
    """Store: advocates' accounts (and their state) are listed to the representatives only. Raw SQL:
    casenotes_approved_advocate() tells anyone signed in whose advocate account is approved."""
    login, _ = ncole
    assert psql("cwb").run("SELECT casenotes_approved_advocate(:w)", w=worker_id(store, login)) == [(False,)]


# -- advocate_accounts, workers -----------------------------------------------------------------------

def test_a_representative_writes_no_sign_in_by_hand(store, agency, clock, psql, ncole):
    """Store: an account's next review is set by confirming the review (policy: review_every_days from
    today), and its last sign-in by the advocate signing in. Raw SQL: a representative puts the review off
    for decades and makes an advocate who never signed in look active."""
    login, _ = ncole
    rep = psql("rep")
    rep.run("UPDATE advocate_accounts SET last_sign_in_at = now() WHERE worker_id = :w", w=worker_id(store, login))
    assert owner(store, "SELECT last_sign_in_at FROM advocate_accounts WHERE worker_id = :w",
                 w=worker_id(store, login)) == [(None,)]


def test_a_session_that_is_no_worker_reads_and_writes_nothing(store, agency, clock, ncole):
    """row_security: whoever the session maps to no worker reads and writes nothing. change_log and
    external_keys have no row-level security: an advocate terminated by raw SQL (LOGIN kept) still reads
    every change of the agency and writes change-log rows and external keys (what an import matches)."""
    login, advocate = ncole
    with store.write_engine.begin() as conn:
        conn.execute(text("UPDATE advocate_accounts SET status = 'terminated', termination_reason = 'Left.' "
                          "WHERE worker_id = (SELECT id FROM workers WHERE login = :l)"), {"l": login})
    assert advocate.run("SELECT casenotes_worker_id()") == [(None,)]
    through = {
        "reads change_log": advocate.run("SELECT count(*) FROM change_log") != [(0,)],
        "writes change_log": went_through(advocate, "INSERT INTO change_log (at, entity, entity_id, op) "
                                                    "VALUES (now(), 'note', 1, 'update')"),
        "writes external_keys": went_through(advocate, "INSERT INTO external_keys (kind, key, record_id) "
                                                       "VALUES ('person', 'X-1', :p)", p=agency.jay),
    }
    through["reads external_keys"] = advocate.run("SELECT count(*) FROM external_keys") != [(0,)]
    assert [what for what, yes in through.items() if yes] == []


