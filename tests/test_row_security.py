"""Row-level security on the agency server (issue 17): a worker's own database session reads what the
store shows them, and writes only what the store's rules allow.

The access matrix asks, for every worker of the test agency, what the store shows them through the
owner's connection (the rules of ``store/rules/access.py``), what the store shows them when it is
connected as their own login role (the agency server's way: row-level security underneath), and what
raw SQL returns in their own session; the three must agree exactly, so the database's policies and the
store's rules cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from store import Store, StoreError
from tests.raw_notes import snapshot_of
from tests.conftest import Agency, visit

LOGINS = ("director", "supa", "supb", "supcps", "cw", "cw2", "vaplanner", "cwb", "cpsw", "clerk", "casa", "rep")


@dataclass
class Seen:
    """What one reader sees of the record."""

    cases: set[int]
    stages: set[int]
    persons: set[int]
    notes: dict[int, set[int]]  # stage → note ids
    roles: set[tuple[int, str, str]]  # (stage, worker login, role), the active ones


def the_agencys_notes(store, agency: Agency, clock) -> dict[str, int]:
    """A few notes of every kind, written through the store: drafts, sent, approved and returned
    notes, one with only Jay present, one with only the mother, notes the clerk entered for cw, an
    investigation's and another unit's, an FSI entry (final when saved)."""
    def add(login, stage, author=None, **override):
        return store.as_user(login).add_note(stage, author=author, **visit(agency, clock, **override)).id

    store.staffing().appoint_advocate("casa", agency.jay)
    notes = {
        "cw draft": add("cw", agency.fss),
        "cw sent": add("cw", agency.fss),
        "cw approved": add("cw", agency.fss),
        "cw returned": add("cw", agency.fss),
        "cw2 jay only": add("cw2", agency.fss, participants=[agency.jay]),
        "cw2 draft jay": add("cw2", agency.fss, participants=[agency.jay]),
        "vaplanner mother only": add("vaplanner", agency.fss, participants=[agency.ana]),
        "clerk for cw draft": add("clerk", agency.fss, author="cw"),
        "clerk for cw sent": add("clerk", agency.fss, author="cw"),
        "cpsw inv": add("cpsw", agency.inv),
        "cwb other": add("cwb", agency.other_fss, participants=[]),
        "cwb other draft": add("cwb", agency.other_fss, participants=[]),
        "cw fsi": add("cw", agency.fsi, participants=[agency.jay]),
    }
    for name in ("cw sent", "cw approved", "cw returned", "cw2 jay only", "vaplanner mother only", "cpsw inv",
                 "cwb other"):
        store.as_user(name.split()[0]).submit(notes[name])
    store.as_user("cw").submit(notes["clerk for cw sent"])
    store.as_user("supa").approve(notes["cw approved"])
    store.as_user("supa").return_note(notes["cw returned"], "Say where the visit was.")
    return notes


def seen_through_the_store(desk, agency: Agency) -> Seen:
    seen = Seen(set(), set(), set(), {}, set())
    for case_id in (agency.case, agency.other_case):
        try:
            view = desk.case(case_id)
        except StoreError:
            continue
        seen.cases.add(case_id)
        seen.persons |= {p.id for p in view.persons}
        everyone = {p.name: p.id for stage in view.stages for p in stage.persons}
        for stage in view.stages:
            seen.stages.add(stage.id)
            seen.roles |= {(stage.id, r.worker_login, r.role) for r in stage.roles}
            notes = desk.stage_notes(stage.id)
            seen.notes[stage.id] = {n.id for n in notes}
            # Whom the screens name: those present at the notes, a Case Worker's children.
            seen.persons |= {p.id for n in notes for p in n.participants}
            seen.persons |= {everyone.get(name, -1) for r in stage.roles for name in r.children}
    seen.persons.discard(-1)
    return seen


def seen_in_sql(url: str, clock) -> Seen:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('casenotes.now', :now, true)"), {"now": clock.now().isoformat()})
            notes: dict[int, set[int]] = {}
            for note_id, stage_id in conn.execute(text("SELECT id, stage_id FROM notes")):
                notes.setdefault(stage_id, set()).add(note_id)
            roles = {tuple(row) for row in conn.execute(text(
                "SELECT r.stage_id, w.login, r.role FROM role_assignments r JOIN workers w ON w.id = r.worker_id "
                "WHERE r.starts_at <= casenotes_now() AND (r.ends_at IS NULL OR r.ends_at > casenotes_now())"
            )).all()}
            return Seen(set(conn.execute(text("SELECT id FROM cases")).scalars()),
                        set(conn.execute(text("SELECT id FROM stages")).scalars()),
                        set(conn.execute(text("SELECT id FROM persons")).scalars()), notes, roles)
    finally:
        engine.dispose()


def without_empty(seen: Seen) -> Seen:
    return Seen(seen.cases, seen.stages, seen.persons, {s: n for s, n in seen.notes.items() if n}, seen.roles)


@pytest.mark.parametrize("login", LOGINS)
def test_each_worker_sees_the_same_through_the_store_its_role_and_raw_sql(store, agency, clock, role_url, login):
    notes = the_agencys_notes(store, agency, clock)
    by_rules = seen_through_the_store(store.as_user(login), agency)
    as_role = Store.open(role_url(login), clock=clock)
    try:
        through_rls = seen_through_the_store(as_role.signed_in(), agency)
    finally:
        as_role.close()
    in_sql = seen_in_sql(role_url(login), clock)
    assert without_empty(through_rls) == without_empty(by_rules)
    assert without_empty(in_sql) == without_empty(by_rules)
    assert by_rules.cases or login in ("supb", "rep") or login == "cwb", "the matrix should read something"
    assert all(notes["cw draft"] not in ids for ids in in_sql.notes.values()) or login == "cw"


# --- the store connected as each worker's own role: the day's work, the same answers ---------------

@pytest.fixture
def as_role(role_url, clock):
    """``as_role(login)``: the desk of the store connected as that worker's own login role."""
    opened: list[Store] = []

    def sign_in(login):
        store = Store.open(role_url(login), clock=clock)
        opened.append(store)
        return store.signed_in()

    yield sign_in
    for store in opened:
        store.close()


def audited_reads(store, login) -> list[tuple[str, int]]:
    with store.write_engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT a.action, a.entity_id FROM audit_log a JOIN workers w ON w.id = a.worker_id "
            "WHERE w.login = :login AND a.action LIKE 'read %' ORDER BY a.id"), {"login": login}).all())


def test_a_caseworkers_day_as_their_own_role(store, agency, clock, as_role):
    cw, owner_cw = as_role("cw"), store.as_user("cw")
    assert cw.caseload() == owner_cw.caseload()
    draft = cw.add_note(agency.fss, **visit(agency, clock))
    assert draft.entered_by == "cw" and draft.status == "draft"
    edited = cw.edit_note(draft.id, draft.version, narrative="Jay was seen at home with his foster mother.")
    assert [n.id for n in cw.stage_notes(agency.fss)] == [n.id for n in owner_cw.stage_notes(agency.fss)]
    sent = cw.submit(edited.id, edited.version)
    recalled = cw.recall(sent.id, sent.version)
    assert recalled.status == "draft"
    cw.submit(recalled.id)
    other = cw.add_note(agency.fss, **visit(agency, clock, narrative="Phone call with the school."))
    cw.submit(other.id)
    thrown = cw.add_note(agency.fss, **visit(agency, clock, narrative="Typed twice."))
    cw.discard_draft(thrown.id)
    assert cw.caseload() == owner_cw.caseload()
    assert cw.my_deadlines() == owner_cw.my_deadlines()
    assert cw.note_history(sent.id) == owner_cw.note_history(sent.id)
    assert cw.note_actions(sent.id) == owner_cw.note_actions(sent.id)
    assert cw.stage_deadlines(agency.fss) == owner_cw.stage_deadlines(agency.fss)

    supa, owner_supa = as_role("supa"), store.as_user("supa")
    assert supa.review_queue() == owner_supa.review_queue()
    assert [item.note.id for item in supa.review_queue()] == [sent.id, other.id]
    assert supa.unit_caseload() == owner_supa.unit_caseload()
    assert supa.team_deadlines() == owner_supa.team_deadlines()
    approved = supa.approve(sent.id)
    returned = supa.return_note(other.id, "Name the teacher you spoke with.")
    assert (approved.status, returned.note.status) == ("approved", "returned")
    assert supa.timeliness() == owner_supa.timeliness()
    assert supa.review_queue() == owner_supa.review_queue() == []

    fixed = cw.edit_note(other.id, returned.note.version, narrative="Phone call with Ms Ortiz, Jay's teacher.")
    cw.submit(fixed.id)
    addendum = cw.add_addendum(sent.id, narrative="The foster mother's name is Rosa Diaz.")
    assert addendum.amends_note_id == sent.id
    assert cw.stage_notes(agency.fss) == owner_cw.stage_notes(agency.fss)


def test_a_read_from_outside_the_assignment_is_audited_under_the_readers_role(store, agency, clock, as_role):
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    store.as_user("cw").submit(note.id)
    supa = as_role("supa")
    assert [n.id for n in supa.stage_notes(agency.fss)] == [note.id]
    supa.note(note.id)
    assert supa.case(agency.case).reach == "supervision"
    assert audited_reads(store, "supa") == [("read stage", agency.fss), ("read note", note.id),
                                            ("read case", agency.case)]
    assert as_role("cw").case(agency.case).reach == "assigned"
    assert audited_reads(store, "cw") == []


def test_the_clerk_enters_a_note_for_its_author_as_their_own_role(store, agency, clock, as_role):
    clerk = as_role("clerk")
    assert clerk.may_add_note(agency.fss) is None
    entered = clerk.add_note(agency.fss, author="cw", **visit(agency, clock))
    assert (entered.author, entered.entered_by) == ("cw", "clerk")
    assert [n.id for n in clerk.stage_notes(agency.fss)] == [entered.id]
    cw = as_role("cw")
    assert entered.id in {n.id for n in cw.stage_notes(agency.fss)}
    cw.submit(entered.id)
    assert clerk.find_cases("Rivera") == store.as_user("clerk").find_cases("Rivera")


def test_the_advocate_reads_the_childs_notes_as_their_own_role(store, agency, clock, as_role):
    store.staffing().appoint_advocate("casa", agency.jay)
    cw = store.as_user("cw")
    with_jay = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    mother = cw.submit(cw.add_note(agency.fss, **visit(agency, clock, participants=[agency.ana])).id)
    under_review = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)  # may still change: not shown
    with_jay = store.as_user("supa").approve(with_jay.id)
    store.as_user("supa").approve(mother.id)
    casa, owner_casa = as_role("casa"), store.as_user("casa")
    assert casa.caseload() == owner_casa.caseload()
    assert [n.id for n in casa.stage_notes(agency.fss)] == [with_jay.id]
    assert casa.stage_notes(agency.fss) == owner_casa.stage_notes(agency.fss)
    assert casa.case(agency.case) == owner_casa.case(agency.case)
    assert casa.visible_note_ids([with_jay.id, mother.id, under_review.id]) == {with_jay.id}


def test_a_supervisors_team_figures_count_their_workers_drafts_as_their_own_role(store, agency, clock, as_role):
    draft = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    store.as_user("clerk").add_note(agency.fss, author="cw", **visit(agency, clock))
    clock.advance(hours=80)  # the drafts' entry deadlines have passed
    supa, owner_supa = as_role("supa"), store.as_user("supa")
    assert [row.drafts for row in owner_supa.unit_caseload() if row.drafts] == [2]
    assert supa.unit_caseload() == owner_supa.unit_caseload()
    assert draft.id in {o.note_id for o in owner_supa.team_deadlines()}
    assert supa.team_deadlines() == owner_supa.team_deadlines()
    assert supa.timeliness() == owner_supa.timeliness()
    assert as_role("director").timeliness() == store.as_user("director").timeliness()
    with pytest.raises(StoreError):  # the drafts themselves stay private to their author
        supa.note(draft.id)


# --- raw SQL in a caseworker's own session: what the rules do not allow is refused -----------------

class Session_:
    """Raw SQL in a worker's own database session, each statement in its own transaction at the
    store's clock (as the store's own sessions are)."""

    def __init__(self, url: str, clock):
        self.engine, self.clock = create_engine(url), clock

    def run(self, *statements: str, **params):
        """The statements in one transaction; the last one's rows or row count."""
        with self.engine.begin() as conn:
            conn.execute(text("SELECT set_config('casenotes.now', :now, true)"), {"now": self.clock.now().isoformat()})
            for sql in statements:
                result = conn.execute(text(sql), params)
            return result.all() if result.returns_rows else result.rowcount


@pytest.fixture
def psql(role_url, clock):
    opened: list[Session_] = []

    def open_as(login):
        opened.append(Session_(role_url(login), clock))
        return opened[-1]

    yield open_as
    for session in opened:
        session.engine.dispose()


def rows(store, table: str) -> list[tuple]:
    """Every row of the table as the owner reads it, to prove a refused write changed nothing."""
    with store.write_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]


def worker_id(store, login: str) -> int:
    with store.write_engine.connect() as conn:
        return conn.execute(text("SELECT id FROM workers WHERE login = :l"), {"l": login}).scalar_one()


REFUSED = "row-level security"


def test_a_caseworker_cannot_read_another_units_case(store, agency, clock, psql):
    note = store.as_user("cwb").add_note(agency.other_fss, **visit(agency, clock, participants=[]))
    store.as_user("cwb").submit(note.id)
    cw = psql("cw")
    assert cw.run("SELECT id FROM cases WHERE id = :c", c=agency.other_case) == []
    assert cw.run("SELECT id FROM stages WHERE case_id = :c", c=agency.other_case) == []
    assert cw.run("SELECT id FROM persons WHERE case_id = :c", c=agency.other_case) == []
    assert cw.run("SELECT id FROM notes WHERE stage_id = :s", s=agency.other_fss) == []
    assert cw.run("SELECT count(*) FROM note_revisions WHERE note_id = :n", n=note.id) == [(0,)]
    assert cw.run("SELECT count(*) FROM role_assignments WHERE stage_id = :s", s=agency.other_fss) == [(0,)]
    assert cw.run("SELECT id FROM cases") == [(agency.case,)]


def test_a_caseworker_cannot_read_others_drafts(store, agency, clock, psql):
    draft = store.as_user("cw2").add_note(agency.fss, **visit(agency, clock))
    cw = psql("cw")
    assert cw.run("SELECT id FROM notes WHERE id = :n", n=draft.id) == []
    assert cw.run("SELECT count(*) FROM note_participants WHERE note_id = :n", n=draft.id) == [(0,)]
    assert cw.run("SELECT count(*) FROM note_revisions WHERE note_id = :n", n=draft.id) == [(0,)]
    assert psql("cw2").run("SELECT id FROM notes WHERE id = :n", n=draft.id) == [(draft.id,)]
    assert psql("supa").run("SELECT id FROM notes WHERE id = :n", n=draft.id) == []


def test_a_caseworker_cannot_change_anothers_note(store, agency, clock, psql):
    cw2 = store.as_user("cw2")
    returned = cw2.submit(cw2.add_note(agency.fss, **visit(agency, clock)).id)
    store.as_user("supa").return_note(returned.id, "Say who else was there.")
    before = rows(store, "notes")
    cw = psql("cw")
    assert cw.run("SELECT status FROM notes WHERE id = :n", n=returned.id) == [("returned",)]  # read, not changed
    assert cw.run("UPDATE notes SET narrative = 'rewritten', version = version + 1 WHERE id = :n", n=returned.id) == 0
    assert cw.run("DELETE FROM note_participants WHERE note_id = :n", n=returned.id) == 0
    with pytest.raises(DBAPIError, match=REFUSED):
        cw.run("INSERT INTO note_participants (note_id, person_id) VALUES (:n, :p)", n=returned.id, p=agency.mia)
    assert rows(store, "notes") == before


def test_a_caseworker_cannot_approve_or_delete_notes(store, agency, clock, psql):
    cw = store.as_user("cw")
    sent = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    approved = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    store.as_user("supa").approve(approved.id)
    before = rows(store, "notes")
    own = psql("cw")
    with pytest.raises(DBAPIError, match=REFUSED):  # the author moves it, but not to approved
        own.run("INSERT INTO note_revisions (note_id, version, saved_at, saved_by_id, status, snapshot) "
                "SELECT :n, :v, now(), :me, 'approved', " + snapshot_of('postgresql', status="'approved'") + " "
                "FROM notes n WHERE id = :n",
                "UPDATE notes SET status = 'approved', version = version + 1 WHERE id = :n",
                n=sent.id, v=sent.version + 1, me=worker_id(store, "cw"))
    assert psql("cw2").run("UPDATE notes SET status = 'approved', version = version + 1 WHERE id = :n",
                           n=sent.id) == 0
    assert own.run("DELETE FROM notes WHERE id = :n", n=approved.id) == 0
    assert own.run("DELETE FROM notes WHERE id = :n", n=sent.id) == 0
    assert rows(store, "notes") == before
    with pytest.raises(DBAPIError, match=REFUSED):
        own.run("INSERT INTO review_actions (note_id, action, at, by_id) VALUES (:n, 'approve', now(), :by)",
                n=sent.id, by=worker_id(store, "supa"))
    assert rows(store, "review_actions") == rows(store, "review_actions")


def test_a_caseworker_cannot_write_a_note_where_or_for_whom_the_rules_do_not_allow(store, agency, clock, psql):
    before = rows(store, "notes")
    cw = psql("cw")
    insert = ("INSERT INTO notes (stage_id, event_at, entered_at, author_id, entered_by_id, contact_type, purposes, "
              "others, narrative, status, version, freezes_at) VALUES (:s, now(), now(), :a, :e, 'Collateral', "
              "'[]', '[]', 'x', 'draft', 1, now() + interval '21 days')")
    me = worker_id(store, "cw")
    with pytest.raises(DBAPIError, match=REFUSED):
        cw.run(insert, s=agency.other_fss, a=me, e=me)
    assert rows(store, "notes") == before
    # For whom: the database makes the worker who is not ENT PROG NOTE the author and enterer (0009).
    revision = ("INSERT INTO note_revisions (note_id, version, saved_at, saved_by_id, status, snapshot) "
                f"SELECT id, 1, now(), :e0, 'draft', {snapshot_of('postgresql')} FROM notes n "
                "WHERE id = (SELECT max(id) FROM notes)")
    for author, entered_by in ((worker_id(store, "cw2"), me), (me, worker_id(store, "clerk"))):
        cw.run(insert, revision, s=agency.fss, a=author, e=entered_by, e0=me)
        with store.write_engine.connect() as conn:
            stored = conn.execute(text("SELECT author_id, entered_by_id FROM notes ORDER BY id DESC LIMIT 1")).one()
        assert tuple(stored) == (me, me)


def test_a_caseworker_cannot_give_themselves_a_role_in_another_case(store, agency, psql):
    before = rows(store, "role_assignments")
    cw = psql("cw")
    with pytest.raises(DBAPIError, match=REFUSED):
        cw.run("INSERT INTO role_assignments (stage_id, worker_id, role, starts_at) "
               "VALUES (:s, :w, 'Case Worker', now())", s=agency.other_fss, w=worker_id(store, "cw"))
    assert cw.run("UPDATE role_assignments SET worker_id = :w WHERE stage_id = :s", w=worker_id(store, "cw"),
                  s=agency.other_fss) == 0
    assert rows(store, "role_assignments") == before


def test_only_maintain_staff_changes_workers_and_their_functions(store, agency, psql):
    before = {t: rows(store, t) for t in ("workers", "worker_functions", "units")}
    cw, me = psql("cw"), worker_id(store, "cw")
    assert cw.run("UPDATE workers SET supervisor_id = NULL WHERE id = :w", w=me) == 0
    assert cw.run("UPDATE units SET name = 'Mine' WHERE name = 'Unit A'") == 0
    assert cw.run("DELETE FROM worker_functions WHERE code = 'ENT PROG NOTE'") == 0
    with pytest.raises(DBAPIError, match=REFUSED):
        cw.run("INSERT INTO worker_functions (worker_id, code) VALUES (:w, 'ENT PROG NOTE')", w=me)
    with pytest.raises(DBAPIError, match=REFUSED):
        cw.run("INSERT INTO units (name) VALUES ('Mine')")
    assert {t: rows(store, t) for t in before} == before
    with store.write_engine.begin() as conn:
        conn.execute(text("INSERT INTO worker_functions (worker_id, code) VALUES (:w, 'MAINTAIN STAFF')"),
                     {"w": worker_id(store, "director")})
    director = psql("director")
    assert director.run("UPDATE workers SET title = 'Senior Caseworker' WHERE id = :w", w=me) == 1
    director.run("INSERT INTO worker_functions (worker_id, code) VALUES (:w, 'ENT PROG NOTE')", w=me)
    assert ("ENT PROG NOTE",) in cw.run("SELECT code FROM worker_functions WHERE worker_id = :w", w=me)


def test_audit_rows_are_written_under_ones_own_worker_only(store, agency, psql):
    before = rows(store, "audit_log")
    cw = psql("cw")
    with pytest.raises(DBAPIError, match=REFUSED):
        cw.run("INSERT INTO audit_log (at, worker_id, action, entity, entity_id, detail) "
               "VALUES (now(), :w, 'read case', 'case', :c, '{}')", w=worker_id(store, "supa"), c=agency.case)
    with pytest.raises(DBAPIError, match=REFUSED):
        cw.run("INSERT INTO audit_log (at, worker_id, action, entity, entity_id, detail) "
               "VALUES (now(), NULL, 'read case', 'case', :c, '{}')", c=agency.case)
    assert rows(store, "audit_log") == before


def test_a_role_that_is_no_workers_reads_nothing(store, agency, db_url, role_url, clock):
    from sqlalchemy.engine import make_url

    from store.db.server import create_login
    from tests.conftest import PG_ADMIN_URL, unique_name

    role = unique_name("nobody")
    admin = create_engine(PG_ADMIN_URL)
    with admin.begin() as conn:
        create_login(conn, role)
    try:
        nobody = Session_(make_url(db_url).set(username=role).render_as_string(hide_password=False), clock)
        for table in ("cases", "persons", "stages", "stage_persons", "role_assignments", "role_children", "notes",
                      "note_participants", "note_revisions", "review_actions", "advocate_appointments", "audit_log",
                      "workers", "units", "worker_functions", "absences", "placements"):
            assert nobody.run(f"SELECT count(*) FROM {table}") == [(0,)], table
        nobody.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


# --- keeping the record as one's own role: intake, a stage's people and course, staff ---------------

def test_a_supervisor_opens_a_family_for_a_caseworker_as_their_own_role(store, agency, as_role):
    from store.core.intake_forms import IntakeStage, NewPerson

    opened = as_role("supa").open_family("Okafor", [
        NewPerson("Ada", "Okafor", "mother", primary_caretaker=True), NewPerson("Ike", "Okafor", "child", is_child=True)],
        IntakeStage("FSI", case_manager="cw", source_worker="supa", narrative="Payment for a crib."))
    assert as_role("cw").case(opened.case_id) == store.as_user("cw").case(opened.case_id)
    with pytest.raises(StoreError):  # another unit's family
        as_role("supb").case(opened.case_id)


def test_a_case_manager_keeps_the_stage_as_their_own_role(store, agency, clock, as_role):
    from datetime import date

    from store.core.intake_forms import NewPerson

    cw = as_role("cw")
    leo = cw.add_person(agency.case, NewPerson("Leo", "Rivera", "child", is_child=True))
    cw.add_person_to_stage(agency.fss, leo)
    cw.assign_role(agency.fss, "cw", "Case Worker", children=[leo])
    cw.place_child(agency.fss, agency.jay, date(2026, 3, 2))
    fss = cw.progress_stage(agency.fsi, "FSS", case_manager="cw", person_ids=[agency.jay, agency.ana], subtype="CWS")
    assert cw.stage(fss.id) == store.as_user("cw").stage(fss.id)
    assert cw.case_activity(agency.case) == store.as_user("cw").case_activity(agency.case)
    assert as_role("supa").case_activity(agency.case) == store.as_user("supa").case_activity(agency.case)
    absence = cw.plan_absence(date(2026, 3, 20), date(2026, 3, 27))
    assert cw.next_absence() == store.as_user("cw").next_absence()
    cw.cancel_absence(absence.id)


def test_maintain_staff_keeps_units_and_workers_as_their_own_role(store, agency, as_role):
    from datetime import date

    with store.write_engine.begin() as conn:
        conn.execute(text("INSERT INTO worker_functions (worker_id, code) VALUES (:w, 'MAINTAIN STAFF')"),
                     {"w": worker_id(store, "director")})
    director = as_role("director")
    unit = director.add_unit("Unit C")
    director.rename_unit(unit, "Unit D")
    director.change_worker("cw2", {"title": "Senior Caseworker"})
    director.plan_absence_for("cw2", date(2026, 3, 20), date(2026, 3, 27))
    assert director.staff() == store.as_user("director").staff()
    assert director.open_roles("cw") == store.as_user("director").open_roles("cw")


def test_a_reviewer_approves_or_returns_but_rewrites_nothing(store, agency, clock, psql):
    cw = store.as_user("cw")
    sent = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    before = rows(store, "notes")
    supa, me = psql("supa"), worker_id(store, "supa")


    def revision(column, value):  # the next version's revision, saying what the UPDATE makes the note say
        return ("INSERT INTO note_revisions (note_id, version, saved_at, saved_by_id, status, snapshot) "
                f"SELECT :n, :v, now(), :me, 'submitted', {snapshot_of('postgresql', **{column: value})} "
                "FROM notes n WHERE id = :n")
    for column, value in (("narrative", "'rewritten by the supervisor'"), ("status", "'draft'")):
        with pytest.raises(DBAPIError, match="only the author or the person who entered"):
            supa.run(revision(column, value), f"UPDATE notes SET {column} = {value}, version = version + 1 "
                     "WHERE id = :n", n=sent.id, v=sent.version + 1, me=me)
    assert rows(store, "notes") == before
    assert supa.run(revision("status", "'approved'"), "UPDATE notes SET status = 'approved', reviewed_at = now(), "
                    "version = version + 1 WHERE id = :n", n=sent.id, v=sent.version + 1, me=me) == 1


def test_the_clerk_is_told_how_many_notes_are_not_shown_as_their_own_role(store, agency, clock, as_role):
    cw = store.as_user("cw")
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    assert as_role("clerk").notes_not_shown(agency.fss) == store.as_user("clerk").notes_not_shown(agency.fss)
    assert as_role("clerk").notes_not_shown(agency.fss) is not None


def test_the_advocate_is_told_how_many_notes_are_not_shown_as_their_own_role(store, agency, clock, as_role):
    store.staffing().appoint_advocate("casa", agency.jay)
    cw = store.as_user("cw")
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock, participants=[agency.ana])).id)
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock, participants=[agency.jay])).id)
    cw.add_note(agency.fss, **visit(agency, clock, participants=[agency.ana]))  # a draft: not counted
    assert as_role("casa").notes_not_shown(agency.fss) == store.as_user("casa").notes_not_shown(agency.fss)
    assert as_role("casa").notes_not_shown(agency.fss) is not None


def test_another_units_case_is_refused_with_the_same_sentence_as_their_own_role(store, agency, as_role):
    from store import NoAccess, NotFound

    with pytest.raises(NoAccess) as owner_says:
        store.as_user("cw").case(agency.other_case)
    with pytest.raises(NoAccess, match=re.escape(str(owner_says.value))):
        as_role("cw").case(agency.other_case)
    with pytest.raises(NoAccess):
        as_role("cw").may_search_case(agency.other_case)
    with pytest.raises(NoAccess):
        as_role("cw").case_activity(agency.other_case)
    with pytest.raises(NotFound):
        as_role("cw").case(agency.other_case + 1000)


def test_a_visit_recorded_in_a_draft_counts_as_their_own_role(store, agency, clock, as_role):
    from datetime import date

    store.as_user("cw").place_child(agency.fss, agency.jay, date(2026, 2, 2))
    store.as_user("cw2").add_note(agency.fss, **visit(agency, clock, participants=[agency.jay]))
    owner_supa = store.as_user("supa")
    assert [child.visited_this_month for child in owner_supa.team_visit_standards()] == [True]
    assert as_role("supa").team_visit_standards() == owner_supa.team_visit_standards()
    assert as_role("cw").visit_standards() == store.as_user("cw").visit_standards()
    assert as_role("supa").timeliness() == owner_supa.timeliness()
