"""Case plans held by the database (migration 0015, issue 19): raw SQL through the owner's connection is
refused what the store refuses, on SQLite and PostgreSQL (nothing deleted, an approved plan frozen, a
status only along the workflow, a revision for every version, TRUNCATE refused); and on PostgreSQL, raw
SQL in each worker's own session reads and writes plans only as the store's rules allow (row-level
security, who and when stamped by the database)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.core.errors import NoAccess
from tests.conftest import visit
from tests import test_advocacy_security as raw
from tests.test_plans import approved_child_plan
from tests.test_row_security import REFUSED, worker_id

BLOCKED = rf"{REFUSED}|casenotes\["


def run(store, *statements: str, **params):
    """The statements in one transaction as the owner (the store's own engine: on SQLite its clock)."""
    with store.write_engine.begin() as conn:
        result = None
        for sql in statements:
            result = conn.execute(text(sql), params)
        return result.rowcount if result is not None and not result.returns_rows else None


def table_rows(store, table: str) -> list[tuple]:
    with store.write_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]


def revision(plan_id: int, version: int, status: str, by: str | None = None) -> str:
    """A raw INSERT of the plan's revision ``version``, saved by ``by`` (SQL; its drafter by default)."""
    by = by or f"(SELECT drafter_id FROM plans WHERE id = {plan_id})"
    snapshot = json.dumps({"plan_date": "2026-01-01", "sections": {}, "participants": []}).replace("'", "''")
    return (f"INSERT INTO plan_revisions (plan_id, version, saved_at, saved_by_id, status, snapshot) "
            f"VALUES ({plan_id}, {version}, (SELECT created_at FROM plans WHERE id = {plan_id}), "
            f"{by}, '{status}', '{snapshot}')")


# --- raw SQL as the owner, both backends ---------------------------------------------------------------

def test_nothing_of_a_plan_is_deleted(store, agency):
    approved = approved_child_plan(store, agency)
    draft = store.as_user("vaplanner").start_plan(agency.case)
    for table, where in (("plans", f"id = {draft.id}"), ("plans", f"id = {approved.id}"),
                         ("plan_sections", f"plan_id = {approved.id}"),
                         ("plan_revisions", f"plan_id = {draft.id}"),
                         ("plan_review_actions", f"plan_id = {approved.id}")):
        with pytest.raises(DBAPIError, match=r"casenotes\[(InvalidPlan|InvalidTransition)\]"):
            run(store, f"DELETE FROM {table} WHERE {where}")
    assert len(table_rows(store, "plans")) == 2


def test_an_approved_plan_and_its_sections_never_change(store, agency):
    approved = approved_child_plan(store, agency)
    before = (table_rows(store, "plans"), table_rows(store, "plan_sections"))
    with pytest.raises(DBAPIError, match="approved plan is final"):
        run(store, revision(approved.id, approved.version + 1, "approved"),
            f"UPDATE plans SET plan_date = plan_date, version = version + 1 WHERE id = {approved.id}")
    with pytest.raises(DBAPIError, match="approved plan's sections never change"):
        run(store, f"UPDATE plan_sections SET text = 'rewritten' WHERE plan_id = {approved.id}")
    with pytest.raises(DBAPIError, match="approved plan's sections never change"):
        run(store, f"INSERT INTO plan_sections (plan_id, key, text) VALUES ({approved.id}, 'education', 'x')")
    with pytest.raises(DBAPIError, match="changes only while it is a draft"):
        run(store, f"INSERT INTO plan_participants (plan_id, name, role) VALUES ({approved.id}, 'Someone', 'aunt')")
    assert (table_rows(store, "plans"), table_rows(store, "plan_sections")) == before


def test_a_status_moves_only_along_the_workflow(store, agency):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, agency.jay)
    plan = planner.save_plan_section(plan.id, "education", "Grade 4.", plan.version)
    supa = worker_id(store, "supa")
    with pytest.raises(DBAPIError, match="moves only from draft to submitted"):
        run(store, revision(plan.id, plan.version + 1, "approved"),
            f"UPDATE plans SET status = 'approved', approved_at = created_at, approved_by_id = {supa}, "
            f"version = version + 1 WHERE id = {plan.id}")
    with pytest.raises(DBAPIError, match="moves only from draft to submitted"):
        run(store, revision(plan.id, plan.version + 1, "returned"),
            f"UPDATE plans SET status = 'returned', version = version + 1 WHERE id = {plan.id}")
    sent = planner.submit_plan(plan.id)
    with pytest.raises(DBAPIError, match="never by the drafter"):  # approved by the drafter themselves
        run(store, revision(plan.id, sent.version + 1, "approved"),
            f"UPDATE plans SET status = 'approved', approved_at = created_at, approved_by_id = drafter_id, "
            f"version = version + 1 WHERE id = {plan.id}")
    with pytest.raises(DBAPIError, match="moves only from draft to submitted"):
        run(store, revision(plan.id, sent.version + 1, "draft"),
            f"UPDATE plans SET status = 'draft', version = version + 1 WHERE id = {plan.id}")


def test_every_change_raises_the_version_with_its_revision(store, agency):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, agency.jay)
    with pytest.raises(DBAPIError, match=r"casenotes\[StaleEdit\]"):
        run(store, f"UPDATE plans SET plan_date = plan_date WHERE id = {plan.id}")
    with pytest.raises(DBAPIError, match="saved with its revision"):
        run(store, f"UPDATE plans SET version = version + 1 WHERE id = {plan.id}")
    with pytest.raises(DBAPIError, match="only for the version of a plan being written"):
        run(store, revision(plan.id, plan.version + 5, "draft"))
    with pytest.raises(DBAPIError, match="family, child, drafter"):
        run(store, revision(plan.id, plan.version + 1, "draft"),
            f"UPDATE plans SET child_id = {agency.mia}, version = version + 1 WHERE id = {plan.id}")
    history = planner.plan_history(plan.id)
    for table in ("plan_revisions", "plan_review_actions", "plan_contests"):
        with pytest.raises(DBAPIError, match=r"casenotes\[InvalidTransition\]") if table == "plan_revisions" \
                else _nothing_or_refused():
            run(store, f"UPDATE {table} SET plan_id = plan_id")
    assert planner.plan_history(plan.id) == history


class _nothing_or_refused:
    """An UPDATE of an empty append-only table changes nothing; of a full one it is refused."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        return kind is None or (issubclass(kind, DBAPIError) and "casenotes[" in str(error))


def test_a_new_plan_starts_as_a_draft_and_a_version_follows_an_approved_one(store, agency):
    cw = worker_id(store, "vaplanner")
    columns = "case_id, child_id, plan_date, status, version, plan_version, previous_plan_id, drafter_id, created_at"
    with pytest.raises(DBAPIError, match="starts as an unsent draft"):
        run(store, f"INSERT INTO plans ({columns}) VALUES ({agency.case}, NULL, '2026-01-01', 'approved', 1, 1, "
                   f"NULL, {cw}, '2026-01-01 00:00:00')")
    with pytest.raises(DBAPIError, match="for a child of the family"):
        run(store, f"INSERT INTO plans ({columns}) VALUES ({agency.case}, {agency.ana}, '2026-01-01', 'draft', 1, 1, "
                   f"NULL, {cw}, '2026-01-01 00:00:00')")
    draft = store.as_user("vaplanner").start_plan(agency.case)
    with pytest.raises(DBAPIError, match="follows the approved version"):
        run(store, f"INSERT INTO plans ({columns}) VALUES ({agency.case}, NULL, '2026-01-01', 'draft', 1, 2, "
                   f"{draft.id}, {cw}, '2026-01-01 00:00:00')")


def test_a_note_is_tagged_only_with_an_approved_plans_sections_and_only_while_it_may_change(store, agency, clock):
    draft = store.as_user("vaplanner").start_plan(agency.case, agency.mia)
    approved = approved_child_plan(store, agency)
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    with pytest.raises(DBAPIError, match="sections of an approved plan"):
        run(store, f"INSERT INTO note_plan_elements (note_id, plan_id, section_key) "
                   f"VALUES ({note.id}, {draft.id}, 'education')")
    cw.set_note_plan_elements(note.id, [(approved.id, "education")])
    store.as_user("supa").approve(cw.submit(note.id).id)
    with pytest.raises(DBAPIError, match="plan elements of a final or frozen note"):
        run(store, f"DELETE FROM note_plan_elements WHERE note_id = {note.id}")
    with pytest.raises(DBAPIError, match="plan elements of a final or frozen note"):
        run(store, f"INSERT INTO note_plan_elements (note_id, plan_id, section_key) "
                   f"VALUES ({note.id}, {approved.id}, 'physical_health')")


@pytest.mark.postgres
def test_truncate_is_refused_on_the_plan_tables(store, agency, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("TRUNCATE triggers are PostgreSQL's")
    approved_child_plan(store, agency)
    for table in ("plans", "plan_sections", "plan_participants", "plan_contests", "plan_revisions",
                  "plan_review_actions", "note_plan_elements"):
        with pytest.raises(DBAPIError, match="never emptied"):
            run(store, f"TRUNCATE {table} CASCADE")


# --- raw SQL in each worker's own PostgreSQL session -----------------------------------------------------

# The advocates' raw-SQL fixtures: psql(login) and as_role(login), each worker's own database user.
psql, as_role = raw.psql, raw.as_role


def test_the_plan_workflow_as_each_workers_own_role(store, agency, as_role):
    planner, supa = as_role("vaplanner"), as_role("supa")
    plan = planner.start_plan(agency.case, agency.jay)
    plan = planner.save_plan_section(plan.id, "education", "Grade 4.", plan.version)
    plan = planner.set_plan_participants(plan.id, [{"person_id": agency.jay, "role": "child"}], plan.version)
    sent = planner.submit_plan(plan.id, plan.version)
    returned = supa.return_plan(sent.id, "Say which school.")
    fixed = planner.save_plan_section(plan.id, "education", "Grade 4 at Lincoln Elementary.", returned.version)
    approved = supa.approve_plan(planner.submit_plan(fixed.id).id)
    assert (approved.status, approved.approved_by, approved.drafter) == ("approved", "supa", "vaplanner")
    assert [n.kind for n in planner.inbox() if n.entity == "plan"] == ["plan approved", "plan returned"]
    assert planner.plan_history(plan.id) == store.as_user("vaplanner").plan_history(plan.id)
    assert as_role("cw").plans(agency.case) == store.as_user("cw").plans(agency.case)
    second = planner.new_plan_version(approved.id)
    assert second.plan_version == 2
    note = as_role("cw").add_note(agency.fss, **visit(agency, store.clock))
    assert [e.section_key for e in as_role("cw").set_note_plan_elements(note.id, [(approved.id, "education")])] \
        == ["education"]


def test_who_reads_plans_in_raw_sql(store, agency, psql):
    approved = approved_child_plan(store, agency)
    store.staffing().appoint_advocate("casa", agency.jay)
    for login in ("vaplanner", "cw", "cw2", "supa", "director"):
        assert psql(login).run("SELECT id FROM plans") == [(approved.id,)], login
        assert psql(login).run("SELECT count(*) FROM plan_sections") == [(1,)], login
    for login in ("casa", "clerk", "cwb", "supb", "rep"):
        assert psql(login).run("SELECT id FROM plans") == [], login
        for table in ("plan_sections", "plan_revisions", "plan_review_actions", "plan_participants"):
            assert psql(login).run(f"SELECT count(*) FROM {table}") == [(0,)], (login, table)


def test_who_writes_plans_in_raw_sql(store, agency, psql):
    planner = store.as_user("vaplanner")
    draft = planner.start_plan(agency.case, agency.jay)
    draft = planner.save_plan_section(draft.id, "education", "Grade 4.", draft.version)
    before = table_rows(store, "plan_sections")
    # A caseworker of the family reads the plan and writes nothing of it; another unit sees nothing to write.
    for login in ("cw", "cw2", "cwb", "casa"):
        assert psql(login).run(f"UPDATE plan_sections SET text = 'x' WHERE plan_id = {draft.id}") == 0, login
        with pytest.raises(DBAPIError, match=REFUSED):
            psql(login).run(f"INSERT INTO plan_sections (plan_id, key, text) VALUES ({draft.id}, 'diagnosis', 'x')")
    assert table_rows(store, "plan_sections") == before
    with pytest.raises(DBAPIError, match=REFUSED):
        psql("cw").run(f"INSERT INTO plans (case_id, plan_date, status, version, plan_version, drafter_id, "
                       f"created_at) VALUES ({agency.case}, '2026-01-01', 'draft', 1, 1, "
                       f"{worker_id(store, 'cw')}, now())")
    # The planner writes a section; who and when the database stamps.
    assert psql("vaplanner").run(f"UPDATE plan_sections SET text = 'Grade 5.' WHERE plan_id = {draft.id}") == 1


def test_only_a_supervisor_above_the_drafter_approves_in_raw_sql(store, agency, psql):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, agency.jay)
    plan = planner.submit_plan(planner.save_plan_section(plan.id, "education", "Grade 4.", plan.version).id)
    me = "casenotes_worker_id()"
    approve = f"UPDATE plans SET status = 'approved', version = version + 1 WHERE id = {plan.id}"
    with pytest.raises(DBAPIError, match=BLOCKED):
        psql("vaplanner").run(revision(plan.id, plan.version + 1, "approved", me), approve)  # the drafter
    with pytest.raises(DBAPIError, match=REFUSED):
        psql("cw").run(revision(plan.id, plan.version + 1, "approved", me), approve)  # not above the drafter
    psql("supa").run(revision(plan.id, plan.version + 1, "approved", me), approve)
    seen = store.as_user("supa").plan(plan.id)
    assert (seen.status, seen.approved_by, seen.reviewed_by) == ("approved", "supa", "supa")  # stamped
    with pytest.raises(DBAPIError, match="approved plan is final"):
        psql("supa").run(revision(plan.id, seen.version + 1, "approved", me),
                         f"UPDATE plans SET version = version + 1 WHERE id = {plan.id}")


def test_a_workers_session_stamps_who_and_when(store, agency, psql, clock):
    plan = store.as_user("vaplanner").start_plan(agency.case, agency.jay)
    store.as_user("vaplanner").save_plan_section(plan.id, "education", "Grade 4.", plan.version)
    sent = store.as_user("vaplanner").submit_plan(plan.id)
    store.as_user("supa").approve_plan(sent.id)
    day = clock.now().date()
    psql("vaplanner").run(
        f"INSERT INTO plan_contests (plan_id, requested_by, requested_on, provision, recorded_at, recorded_by_id) "
        f"VALUES ({plan.id}, 'Ana Rivera', '{day}', 'The visits.', '2001-01-01', {worker_id(store, 'supa')})")
    (contest,) = store.as_user("vaplanner").plan(plan.id).contests
    assert (contest.recorded_by, contest.recorded_at) == ("vaplanner", clock.now())
    with pytest.raises(DBAPIError, match=REFUSED):
        psql("cw").run(f"INSERT INTO plan_contests (plan_id, requested_by, requested_on, provision, recorded_at, "
                       f"recorded_by_id) VALUES ({plan.id}, 'Ana', '{day}', 'x', now(), {worker_id(store, 'cw')})")


def test_a_reader_who_may_not_change_a_plan_is_told_why_as_their_own_role(store, agency, as_role):
    plan = store.as_user("vaplanner").start_plan(agency.case, agency.jay)
    for desk in (as_role("cw"), store.as_user("cw")):
        with pytest.raises(NoAccess, match="Case Planner"):
            desk.save_plan_section(plan.id, "education", "Grade 4.", plan.version)
        with pytest.raises(NoAccess, match="supervisors approve"):
            desk.approve_plan(plan.id)
