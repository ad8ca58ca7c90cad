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
    with pytest.raises(DBAPIError, match=REFUSED):
        casa.run("INSERT INTO advocate_appointments (worker_id, person_id, active, appointed_at, status, "
                 "requested_by_id) VALUES (:w, :p, true, now(), 'approved', :w)", w=me, p=agency.jay)
    # Another family's worker decides nothing; nobody but the representatives keeps accounts.
    assert cwb.run("UPDATE advocate_appointments SET status = 'approved', active = true WHERE id = :i",
                   i=request.id) == 0
    assert cw.run("UPDATE advocate_accounts SET review_on = '2030-01-01'") == 0
    with pytest.raises(DBAPIError, match=REFUSED):
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
    with pytest.raises(DBAPIError, match=REFUSED):
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
