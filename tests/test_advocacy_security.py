"""Advocates on the agency server (issue 18): each worker signed in as their own PostgreSQL role, the
store gives the same answers as through the owner's connection, and raw SQL reads and writes of the
new tables (advocate_accounts, advocate_appointments, documents, notifications) stop where the store's
rules do (row-level security of migration 0013)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from store import Store
from store.core.errors import NoAccess
from tests.conftest import _pg_admin, unique_name, visit
from tests.test_advocacy import LETTER, approved_note, file_for_jay
from tests.test_row_security import REFUSED, Session_, worker_id

pytestmark = pytest.mark.postgres
# Refused by row-level security, or by a trigger first (migration 0014), in the store's words.
BLOCKED = rf"{REFUSED}|casenotes\["


@pytest.fixture
def as_role(role_url, clock):
    """``as_role(login)``: the desk of the store connected as that worker's own login role."""
    opened: list[Store] = []

    def sign_in(login):
        opened.append(Store.open(role_url(login), clock=clock))
        return opened[-1].signed_in()

    yield sign_in
    for store in opened:
        store.close()


@pytest.fixture
def psql(role_url, clock):
    """``psql(login)``: raw SQL in that worker's own database session."""
    opened: list[Session_] = []

    def open_as(login):
        opened.append(Session_(role_url(login), clock))
        return opened[-1]

    yield open_as
    for session in opened:
        session.engine.dispose()


@pytest.fixture
def advocate_login(role_url):
    """A new advocate's login: approving them makes a database user of that name on the server (shared
    by every database of it), so each test has its own, dropped afterwards."""
    login = unique_name("nc").lower()
    yield login
    with _pg_admin().connect() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {login}"))


def signed_in_as_user(db_url, clock, user):
    store = Store.open(make_url(db_url).set(username=user).render_as_string(hide_password=False), clock=clock)
    return store, store.signed_in()


def test_the_whole_story_as_each_ones_own_database_user(store, agency, clock, db_url, as_role, advocate_login):
    with_jay = approved_note(store, agency, clock)
    rep = as_role("rep")
    view = rep.request_advocate_account(advocate_login, "Nora Cole", agency="County CASA")
    assert view.status == "requested"
    assert rep.advocate_accounts() == store.as_user("rep").advocate_accounts()
    rep.approve_advocate(advocate_login)  # the representative gives the advocate's database user
    advocate_store, advocate = signed_in_as_user(db_url, clock, advocate_login)
    try:
        request = file_for_jay(advocate, agency)
        assert request.child_name is None
        with pytest.raises(NoAccess):
            advocate.case(agency.case)
        cw = as_role("cw")
        assert cw.access_requests() == store.as_user("cw").access_requests()
        assert [r.may_decide for r in cw.access_requests()] == [True]
        cw.decide_access_request(request.id, True, "Letter received.")
        assert [n.id for n in advocate.stage_notes(agency.fss)] == [with_jay.id]
        assert advocate.advocate_children() == store.as_user(advocate_login).advocate_children()
        assert advocate.access_requests() == store.as_user(advocate_login).access_requests()
        listed = {a.login: a for a in rep.advocate_accounts()}[advocate_login]
        assert (listed.open_appointments, listed.children) == (1, ("Jay Rivera",))
        assert listed.last_sign_in_at is not None
        assert rep.advocate_accounts() == store.as_user("rep").advocate_accounts()
        rep.terminate_advocate(advocate_login, "Left the programme.")
    finally:
        advocate_store.close()
    with _pg_admin().connect() as conn:
        assert conn.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"),
                            {"r": advocate_login}).scalar_one() is False


def test_the_request_notifies_the_same_worker_whoever_files_it(store, agency, clock, as_role):
    approved_note(store, agency, clock)
    store.as_user("rep").request_advocate_account("ncole", "Nora Cole")
    store.as_user("rep").approve_advocate("ncole")  # through the owner: no database user needed here
    by_role = file_for_jay(as_role("rep"), agency, advocate="ncole")
    with store.write_engine.connect() as conn:
        told = conn.execute(text("SELECT worker_id, key FROM notifications WHERE kind = 'access request'")).all()
    assert [key for _w, key in told] == [f"access-request:{by_role.id}"]
    from store.desks.visits import child_responsible_worker
    with store.reading() as session:
        worker = child_responsible_worker(session, agency.jay, clock.now())
        assert worker is not None and told[0][0] == worker.id


def test_raw_sql_reads_of_the_new_tables(store, agency, clock, psql):
    approved_note(store, agency, clock)
    rep = store.as_user("rep")
    rep.request_advocate_account("ncole", "Nora Cole")
    rep.approve_advocate("ncole")
    request = file_for_jay(rep, agency, advocate="ncole")
    store.as_user("cw").note(store.as_user("cw").stage_notes(agency.fss)[0].id)
    store.as_user("supa").stage_notes(agency.fss)  # a read from outside the assignment: audited
    count = "SELECT count(*) FROM {}"  # notifications: the access requests'
    count_of = {t: count.format(t) for t in ("advocate_accounts", "advocate_appointments", "documents")}
    count_of["notifications"] = "SELECT count(*) FROM notifications WHERE kind = 'access request'"
    seen = {login: {t: psql(login).run(sql)[0][0] for t, sql in count_of.items()}
            for login in ("rep", "cw", "supa", "cwb", "casa", "clerk")}
    assert seen["rep"] == {"advocate_accounts": 1, "advocate_appointments": 1, "documents": 1, "notifications": 0}
    assert seen["cw"]["advocate_appointments"] == seen["supa"]["advocate_appointments"] == 1
    assert seen["cw"]["documents"] == seen["supa"]["documents"] == 1
    for login in ("cwb", "casa", "clerk"):
        assert seen[login] == {"advocate_accounts": 0, "advocate_appointments": 0, "documents": 0,
                               "notifications": 0}, login
    told = sum(seen[login]["notifications"] for login in ("cw", "supa"))
    assert told == 1  # the child's responsible worker's, read by them alone
    assert seen["cw"]["advocate_accounts"] == 0
    reads = "SELECT count(*) FROM audit_log WHERE action LIKE 'read %' AND case_id = :c"
    assert psql("cw").run(reads, c=agency.case) == psql("supa").run(reads, c=agency.case)
    assert psql("cwb").run(reads, c=agency.case)[0][0] == 0
    assert request.id


def test_raw_sql_writes_stop_where_the_rules_do(store, agency, clock, psql):
    rep = store.as_user("rep")
    rep.request_advocate_account("ncole", "Nora Cole")
    rep.approve_advocate("ncole")
    request = file_for_jay(rep, agency, advocate="ncole")
    casa, cw, cwb = psql("casa"), psql("cw"), psql("cwb")
    me = worker_id(store, "casa")
    # An advocate files a request for themselves, switched off; never switches one on.
    with pytest.raises(DBAPIError, match=BLOCKED):
        casa.run("INSERT INTO advocate_appointments (worker_id, person_id, active, appointed_at, status, "
                 "requested_by_id) VALUES (:w, :p, true, now(), 'approved', :w)", w=me, p=agency.jay)
    # Another family's worker decides nothing; nobody but the representatives keeps accounts.
    assert cwb.run("UPDATE advocate_appointments SET status = 'approved', active = true WHERE id = :i",
                   i=request.id) == 0
    assert cw.run("UPDATE advocate_accounts SET review_on = '2030-01-01'") == 0
    with pytest.raises(DBAPIError, match=BLOCKED):
        cw.run("INSERT INTO advocate_accounts (worker_id, status, requested_at) VALUES (:w, 'approved', now())",
               w=worker_id(store, "cw2"))
    # Nobody reads or marks another's notifications.
    asked = "SELECT count(*) FROM notifications WHERE kind = 'access request'"
    assert cw.run(asked)[0][0] + psql("supa").run(asked)[0][0] == 1
    assert cwb.run("UPDATE notifications SET read_at = now()") == 0
    # A representative adds only advocates who cannot sign in yet, and changes no caseworker.
    with pytest.raises(DBAPIError, match=REFUSED):
        psql("rep").run("INSERT INTO workers (login, name, title, employer, agency, active) "
                        "VALUES ('x1', 'X', 'Caseworker', 'LDSS', '', true)")
    assert psql("rep").run("UPDATE workers SET title = 'Boss' WHERE login = 'cw'") == 0
    # A document goes only into a family one reads (a letter aside), under one's own worker.
    with pytest.raises(DBAPIError, match=BLOCKED):
        cwb.run("INSERT INTO documents (case_id, person_id, kind, file_name, content, sha256, size, content_type, "
                "uploaded_at, uploaded_by_id) VALUES (:c, :p, 'Birth certificate', 'b.pdf', :b, "
                "encode(sha256(:b), 'hex'), :n, 'application/pdf', now(), :w)",
                c=agency.case, p=agency.jay, b=LETTER, n=len(LETTER), w=worker_id(store, "cwb"))
    assert cwb.run("UPDATE documents SET withdrawn_at = now(), withdrawn_by_id = 1, withdrawal_reason = 'x'") == 0


def test_an_advocate_with_open_access_reads_only_approved_notes_in_raw_sql(store, agency, clock, psql):
    with_jay = approved_note(store, agency, clock)
    cw = store.as_user("cw")
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    store.staffing().appoint_advocate("casa", agency.jay)
    assert psql("casa").run("SELECT id FROM notes") == [(with_jay.id,)]
    clock.advance(days=1)
    with store.write_engine.begin() as conn:  # the appointment's last day was yesterday
        conn.execute(text("UPDATE advocate_appointments SET ends_on = :d, ends_at = :t"),
                     {"d": date(2026, 3, 2), "t": clock.now().replace(hour=5)})
    assert psql("casa").run("SELECT id FROM notes") == []


# -- what a review signed in as each kind of worker found open, closed by migration 0014 --------------

@pytest.fixture
def ncole(store, agency, clock, db_url, as_role, advocate_login):
    """A new advocate approved by the representative signed in as themselves: (login, raw SQL as them)."""
    rep = as_role("rep")
    rep.request_advocate_account(advocate_login, "Nora Cole", agency="County CASA")
    rep.approve_advocate(advocate_login)
    session = Session_(make_url(db_url).set(username=advocate_login).render_as_string(hide_password=False), clock)
    yield advocate_login, session
    session.engine.dispose()


APPOINTMENT = ("INSERT INTO advocate_appointments (worker_id, person_id, active, appointed_at, status, requested_at, "
               "requested_by_id, letter_id, appointed_on{extra_columns}) VALUES (:w, :p, {active}, now(), '{status}', "
               "now(), :me, :letter, '2026-02-20'{extra_values})")
LETTER_INSERT = ("INSERT INTO documents (case_id, person_id, kind, file_name, content, sha256, size, content_type, "
                 "uploaded_at, uploaded_by_id) VALUES (:c, :p, 'Letter of introduction', 'l.pdf', :b, "
                 "encode(sha256(:b), 'hex'), :n, 'application/pdf', now(), :me) RETURNING id")


def test_a_representative_approves_no_access_by_raw_sql(store, agency, psql, ncole):
    login, _ = ncole
    rep, me, advocate = psql("rep"), worker_id(store, "rep"), worker_id(store, login)
    letter = rep.run(LETTER_INSERT, c=agency.case, p=agency.jay, b=LETTER, n=len(LETTER), me=me)[0][0]
    for for_whom in (advocate, me):  # for an advocate, or for themselves: never an approved one
        with pytest.raises(DBAPIError, match=BLOCKED):
            rep.run(APPOINTMENT.format(active="true", status="approved", extra_columns="", extra_values=""),
                    w=for_whom, p=agency.jay, me=me, letter=letter)
    request = file_for_jay(store.as_user("rep"), agency, advocate=login)
    with pytest.raises(DBAPIError, match=BLOCKED):  # nor approves a filed one
        rep.run("UPDATE advocate_appointments SET status = 'approved', active = true WHERE id = :i", i=request.id)
    assert store.as_user("cw").access_request(request.id).status == "requested"


def test_nobody_files_a_request_already_decided(store, agency, psql, ncole):
    """A request filed "decided" would name its child to the advocate (casenotes_appointed_children)."""
    login, advocate = ncole
    me = worker_id(store, login)
    letter = advocate.run(LETTER_INSERT, c=agency.case, p=agency.jay, b=LETTER, n=len(LETTER), me=me)[0][0]
    with pytest.raises(DBAPIError, match=BLOCKED):
        advocate.run(APPOINTMENT.format(active="false", status="requested", extra_columns=", decided_at, decided_by_id",
                                        extra_values=", now(), :me"), w=me, p=agency.jay, me=me, letter=letter)
    with pytest.raises(DBAPIError, match=BLOCKED):  # nor "declined" (it is not a request)
        advocate.run(APPOINTMENT.format(active="false", status="declined", extra_columns="", extra_values=""),
                     w=me, p=agency.jay, me=me, letter=letter)
    assert advocate.run("SELECT count(*) FROM casenotes_appointed_children()") == [(0,)]
    # What the store files, rightly, is an undecided request whose child stays unnamed to them.
    advocate.run(APPOINTMENT.format(active="false", status="requested", extra_columns="", extra_values=""),
                 w=me, p=agency.jay, me=me, letter=letter)
    assert advocate.run("SELECT count(*) FROM casenotes_appointed_children()") == [(0,)]


def test_a_childs_family_is_not_looked_up_by_anyone_signed_in(store, agency, psql, ncole):
    _login, advocate = ncole
    ask = "SELECT child_case FROM casenotes_request_child(:p)"
    for login in ("cwb", "casa", "clerk"):  # no approved advocate's account, no ADVOCATE ACCESS
        assert psql(login).run(ask, p=agency.jay) == [], login
    assert advocate.run(ask, p=agency.jay) == [(agency.case,)]
    assert psql("rep").run(ask, p=agency.jay) == [(agency.case,)]


def test_a_representative_takes_over_no_worker_at_work(store, agency, psql):
    rep, cw = psql("rep"), worker_id(store, "cw")
    for status in ("requested", "approved"):  # an account for a caseworker would let them switch her off
        with pytest.raises(DBAPIError, match=BLOCKED):
            rep.run(f"INSERT INTO advocate_accounts (worker_id, status, requested_at) VALUES (:w, '{status}', now())",
                    w=cw)
    casa = worker_id(store, "casa")  # a CASA worker added before: not this transaction's new advocate
    with pytest.raises(DBAPIError, match=BLOCKED):
        rep.run("INSERT INTO advocate_accounts (worker_id, status, requested_at) VALUES (:w, 'requested', now())",
                w=casa)
    with pytest.raises(DBAPIError, match=BLOCKED):  # a new advocate is in no unit, under nobody
        rep.run("INSERT INTO workers (login, name, title, employer, agency, active, supervisor_id) "
                "VALUES ('x2', 'X', 'CASA Volunteer', 'CASA', '', false, :w)", w=worker_id(store, "rep"))
    assert rep.run("UPDATE workers SET active = false WHERE login = 'cw'") == 0
    assert store.as_user("cw").me().login == "cw"


def test_a_representative_changes_nothing_of_an_advocate_but_their_sign_in(store, agency, psql, ncole):
    login, _ = ncole
    rep = psql("rep")
    for change in ("title = 'Caseworker'", "employer = 'LDSS'", f"supervisor_id = {worker_id(store, 'rep')}",
                   "login = 'someone_else'"):
        with pytest.raises(DBAPIError, match="only staff administration"):
            rep.run(f"UPDATE workers SET {change} WHERE login = :l", l=login)
    assert rep.run("UPDATE workers SET active = false, deactivated_at = '2001-01-01' WHERE login = :l", l=login) == 1
    with store.write_engine.connect() as conn:  # the database's clock, not the session's word
        off = conn.execute(text("SELECT deactivated_at FROM workers WHERE login = :l"), {"l": login}).scalar_one()
    assert off.year == 2026


def test_a_letter_is_filed_only_by_an_advocate_or_a_representative(store, agency, psql, ncole):
    _login, advocate = ncole
    for login in ("cwb", "casa"):  # another family's worker; a CASA worker without an approved account
        with pytest.raises(DBAPIError, match=BLOCKED):
            psql(login).run(LETTER_INSERT, c=agency.case, p=agency.jay, b=LETTER, n=len(LETTER),
                            me=worker_id(store, login))
    for person, case in ((agency.ana, agency.case), (agency.jay, agency.other_case)):
        with pytest.raises(DBAPIError, match="child's record"):  # a parent; another family's number
            advocate.run(LETTER_INSERT, c=case, p=person, b=LETTER, n=len(LETTER), me=0)
    with pytest.raises(DBAPIError, match="bytes are of the type"):
        advocate.run(LETTER_INSERT.replace("application/pdf", "image/png"), c=agency.case, p=agency.jay, b=LETTER,
                     n=len(LETTER), me=0)
    with store.write_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar_one() == 0


def test_who_and_when_are_the_databases_word(store, agency, clock, psql, ncole):
    """Who decided, ended, withdrew or terminated, and when, whatever a session writes."""
    login, _ = ncole
    request = file_for_jay(store.as_user("rep"), agency, advocate=login)
    psql("cw").run("UPDATE advocate_appointments SET status = 'approved', active = true, decided_at = '2001-01-01', "
                   "decided_by_id = :other WHERE id = :i", i=request.id, other=worker_id(store, "director"))
    document = store.as_user("cw").upload_document(agency.jay, "Legal document", "r.pdf", LETTER)
    psql("cw").run("UPDATE documents SET withdrawn_at = '2001-01-01', withdrawn_by_id = :other, "
                   "withdrawal_reason = 'A duplicate.' WHERE id = :d", d=document.id, other=worker_id(store, "director"))
    psql("rep").run("UPDATE advocate_accounts SET status = 'terminated', terminated_at = '2001-01-01', "
                    "terminated_by_id = :other, termination_reason = 'Left.' WHERE worker_id = :w",
                    w=worker_id(store, login), other=worker_id(store, "cw"))
    with pytest.raises(DBAPIError, match="written once"):  # and then stays as written
        psql("cw").run("UPDATE advocate_appointments SET decided_by_id = :other WHERE id = :i", i=request.id,
                       other=worker_id(store, "director"))
    with store.write_engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT (SELECT decided_by_id FROM advocate_appointments WHERE id = :i), "
            "(SELECT decided_at FROM advocate_appointments WHERE id = :i), "
            "(SELECT withdrawn_by_id FROM documents WHERE id = :d), (SELECT withdrawn_at FROM documents WHERE id = :d), "
            "(SELECT terminated_by_id FROM advocate_accounts WHERE worker_id = :w), "
            "(SELECT terminated_at FROM advocate_accounts WHERE worker_id = :w)"),
            {"i": request.id, "d": document.id, "w": worker_id(store, login)}).one()
    cw, rep = worker_id(store, "cw"), worker_id(store, "rep")
    assert rows[0::2] == (cw, cw, rep)
    assert all(at == clock.now() for at in rows[1::2])


def test_an_account_terminated_by_raw_sql_signs_its_advocate_out(store, agency, clock, ncole):
    login, advocate = ncole
    request = file_for_jay(store.as_user(login), agency)
    store.as_user("cw").decide_access_request(request.id, True, "")
    assert advocate.run("SELECT casenotes_worker_id() IS NOT NULL") == [(True,)]
    with store.write_engine.begin() as conn:  # the account only; the worker row still says active
        conn.execute(text("UPDATE advocate_accounts SET status = 'terminated', terminated_at = now(), "
                          "termination_reason = 'Left.' WHERE worker_id = (SELECT id FROM workers WHERE login = :l)"),
                     {"l": login})
    assert advocate.run("SELECT casenotes_worker_id()") == [(None,)]
    assert advocate.run("SELECT count(*) FROM persons") == [(0,)]
    assert store.as_user(login).advocate_children() == []  # the store's rule says the same


def test_a_documents_bytes_are_read_only_through_the_audited_function(store, agency, clock, db_url, psql, ncole):
    login, advocate = ncole
    request = file_for_jay(store.as_user(login), agency)
    store.as_user("cw").decide_access_request(request.id, True, "")
    kept = store.as_user("cw").upload_document(agency.jay, "Legal document", "r.pdf", LETTER)
    gone = store.as_user("cw").upload_document(agency.jay, "Legal document", "old.pdf", LETTER)
    store.as_user("cw").withdraw_document(gone.id, "A duplicate.")
    with pytest.raises(DBAPIError, match="permission denied"):
        advocate.run("SELECT content FROM documents WHERE id = :d", d=kept.id)
    audited = "SELECT count(*) FROM audit_log WHERE action = 'read document' AND entity_id = :d"
    with store.write_engine.connect() as conn:
        before = conn.execute(text(audited), {"d": kept.id}).scalar_one()
    assert advocate.run("SELECT casenotes_document_content(:d)", d=kept.id) == [(LETTER,)]
    assert advocate.run("SELECT casenotes_document_content(:d)", d=gone.id) == [(None,)]  # withdrawn: not theirs
    assert psql("cwb").run("SELECT casenotes_document_content(:d)", d=kept.id) == [(None,)]
    with store.write_engine.connect() as conn:
        assert conn.execute(text(audited), {"d": kept.id}).scalar_one() == before + 1
    # The store, signed in as them, reads through the same function (and audits once).
    advocate_store, desk = signed_in_as_user(db_url, clock, login)
    try:
        assert desk.document_content(kept.id) == ("r.pdf", LETTER)
    finally:
        advocate_store.close()
    with store.write_engine.connect() as conn:
        assert conn.execute(text(audited), {"d": kept.id}).scalar_one() == before + 2


def test_access_ends_with_the_stage_it_was_decided_for(store, agency, clock, psql, ncole):
    """A child's stage closing ends the access; a stage opened later reopens nothing nobody decided."""
    login, advocate = ncole
    request = file_for_jay(store.as_user(login), agency)
    store.as_user("cw").decide_access_request(request.id, True, "")
    assert advocate.run("SELECT count(*) FROM persons WHERE id = :p", p=agency.jay) == [(1,)]
    clock.advance(days=1)
    later = store.staffing().open_stage(agency.case, "FSS", subtype="CWS", case_manager="cw2",
                                        person_ids=[agency.jay])
    with store.write_engine.begin() as conn:  # every stage Jay was in when access was decided closes
        conn.execute(text("UPDATE stages SET closed_at = :t WHERE id <> :s AND closed_at IS NULL"),
                     {"t": clock.now(), "s": later})
    assert advocate.run("SELECT count(*) FROM persons WHERE id = :p", p=agency.jay) == [(0,)]
    assert store.as_user(login).advocate_children() == []


def test_an_advocate_reads_no_returned_version_in_raw_sql(store, agency, clock, psql, ncole):
    from tests.test_advocacy import returned_then_approved

    note = returned_then_approved(store, agency, clock)
    login, advocate = ncole
    store.as_user("cw").decide_access_request(file_for_jay(store.as_user(login), agency).id, True, "")
    assert advocate.run("SELECT DISTINCT status FROM note_revisions WHERE note_id = :n", n=note.id) == [("approved",)]
    assert advocate.run("SELECT action FROM review_actions WHERE note_id = :n", n=note.id) == [("approve",)]
    assert len(psql("cw").run("SELECT status FROM note_revisions WHERE note_id = :n", n=note.id)) > 1
    assert len(psql("cw").run("SELECT action FROM review_actions WHERE note_id = :n", n=note.id)) == 4
