"""The family record the case-plan rules read, built from the database (issue 19, migration 0016): stages,
children with the goals of their approved plans, placements with their legal basis, services to a parent;
each placement's basis and the stage's services set through the store by the stage's keepers only, and
held by the database for raw SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.exc import DBAPIError

from store import InvalidStage, NoAccess
from store.rules.plan_need import (COMMITTED_AT_HOME, COURT_ORDER, VPA, CarePeriod, CaseStage, FamilyRecord,
                                   PlannedChild)
from store.rules.plan_sections import ADOPTION, REUNIFICATION
from tests.stage_keeping import NOT_KEEPERS, written
from tests import test_advocacy_security as raw
from tests.test_plan_protection import run, table_rows

OPENED = date(2026, 3, 2)  # T0 in New York: every stage of the test agency opened then


def approve_goal(store, agency, child: int, goal_text: str) -> None:
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, child)
    plan = planner.save_plan_section(plan.id, "permanency_goal", goal_text, plan.version)
    store.as_user("supa").approve_plan(planner.submit_plan(plan.id).id)


def test_the_family_record_is_the_databases(store, agency, clock):
    cw = store.as_user("cw")
    first = cw.place_child(agency.fss, agency.jay, OPENED, "Kinship home", basis=VPA)
    clock.advance(days=20)
    cw.end_placement(first, OPENED + timedelta(days=9))
    cw.place_child(agency.fss, agency.jay, OPENED + timedelta(days=10), "Foster home", basis=COURT_ORDER)
    cw.place_child(agency.fss, agency.mia, OPENED + timedelta(days=12), "Own home", basis=COMMITTED_AT_HOME)
    cw.set_parent_services(agency.fss, True)
    approve_goal(store, agency, agency.jay, "Reunification with his mother by the autumn; concurrent goal: adoption "
                                            "by his aunt.")
    record = store.as_user("vaplanner").family_record(agency.case)
    assert record == FamilyRecord(
        "Rivera",
        (CaseStage(agency.int_, "INT", OPENED), CaseStage(agency.inv, "INV", OPENED),
         CaseStage(agency.fss, "FSS", OPENED, subtype="CWS"), CaseStage(agency.fsi, "FSI", OPENED)),
        (PlannedChild(agency.jay, "Jay Rivera", None, REUNIFICATION, ADOPTION),
         PlannedChild(agency.mia, "Mia Rivera", None)),
        (CarePeriod(agency.jay, OPENED, OPENED + timedelta(days=9), "Kinship home", VPA),
         CarePeriod(agency.jay, OPENED + timedelta(days=10), None, "Foster home", COURT_ORDER),
         CarePeriod(agency.mia, OPENED + timedelta(days=12), None, "Own home", COMMITTED_AT_HOME)),
        parent_services=True)
    other = store.as_user("cwb").family_record(agency.other_case)
    assert (other.name, other.placements, other.parent_services) == ("Nguyen", (), False)
    with pytest.raises(NoAccess):
        store.as_user("cwb").family_record(agency.case)


def test_a_placement_without_a_basis_gets_one_once(store, agency):
    cw = store.as_user("cw")
    placed = cw.place_child(agency.fss, agency.jay, OPENED)  # as the placements before 0016: no basis
    assert cw.family_record(agency.case).placements[0].basis is None
    cw.record_placement_basis(placed, COURT_ORDER)
    cw.record_placement_basis(placed, COURT_ORDER)  # the same again changes nothing
    with pytest.raises(InvalidStage, match=r"recorded \(court order\) and stays"):
        cw.record_placement_basis(placed, VPA)
    with pytest.raises(InvalidStage, match="legal basis is one of"):
        cw.place_child(agency.fss, agency.mia, OPENED, basis="by a neighbour")
    [view] = cw.placements_in_stage(agency.fss)
    assert view.basis == COURT_ORDER


@pytest.mark.parametrize("login", NOT_KEEPERS)
def test_only_the_stages_keepers_set_the_basis_and_the_services(store, agency, login):
    placed = store.staffing().place_child(agency.fss, agency.jay, OPENED)
    before = written(store)
    desk = store.as_user(login)
    with pytest.raises(NoAccess):
        desk.record_placement_basis(placed, VPA)
    with pytest.raises(NoAccess):
        desk.set_parent_services(agency.fss, True)
    with pytest.raises(NoAccess):
        desk.place_child(agency.fss, agency.mia, OPENED, basis=VPA)
    assert written(store) == before


def test_services_to_a_parent_are_an_open_fss_or_ccrs(store, agency):
    cw = store.as_user("cw")
    with pytest.raises(InvalidStage, match="not in a FSI stage"):
        cw.set_parent_services(agency.fsi, True)
    with pytest.raises(InvalidStage, match="yes or no"):
        cw.set_parent_services(agency.fss, "yes")
    cw.set_parent_services(agency.fss, True)
    assert cw.family_record(agency.case).parent_services
    cw.set_parent_services(agency.fss, False)
    assert not cw.family_record(agency.case).parent_services


# --- raw SQL as the owner, both backends ---------------------------------------------------------------

def test_the_database_holds_a_basis_to_the_rules(store, agency):
    placed = store.as_user("cw").place_child(agency.fss, agency.jay, OPENED)
    with pytest.raises(DBAPIError, match=r"casenotes\[InvalidStage\]: a placement's legal basis is"):
        run(store, f"UPDATE placements SET basis = 'by a neighbour' WHERE id = {placed}")
    with pytest.raises(DBAPIError, match=r"casenotes\[InvalidStage\]: a placement's legal basis is"):
        run(store, "INSERT INTO placements (person_id, stage_id, starts_on, setting, basis) "
                   f"VALUES ({agency.mia}, {agency.fss}, '2026-03-01', 'Foster home', 'whim')")
    run(store, f"UPDATE placements SET basis = 'court order' WHERE id = {placed}")
    with pytest.raises(DBAPIError, match="legal basis is written once"):
        run(store, f"UPDATE placements SET basis = 'voluntary placement agreement' WHERE id = {placed}")
    with pytest.raises(DBAPIError, match="legal basis is written once"):
        run(store, f"UPDATE placements SET basis = NULL WHERE id = {placed}")
    assert [row[-1] for row in table_rows(store, "placements")] == [COURT_ORDER]


def test_the_database_keeps_services_to_a_parent_in_an_open_fss_or_ccr(store, agency):
    with pytest.raises(DBAPIError, match="recorded in an open Family Services Stage"):
        run(store, f"UPDATE stages SET parent_services = TRUE WHERE id = {agency.fsi}")
    run(store, f"UPDATE stages SET parent_services = TRUE WHERE id = {agency.fss}")
    run(store, f"UPDATE stages SET closed_at = opened_at, close_reason = 'x' WHERE id = {agency.other_fss}")
    with pytest.raises(DBAPIError, match="a closed stage keeps them"):
        run(store, f"UPDATE stages SET parent_services = TRUE WHERE id = {agency.other_fss}")


# --- raw SQL in each worker's own PostgreSQL session -----------------------------------------------------

psql, as_role = raw.psql, raw.as_role


def test_only_the_stages_keepers_write_a_basis_and_the_services_in_raw_sql(store, agency, psql):
    placed = store.as_user("cw").place_child(agency.fss, agency.jay, OPENED)
    for login in ("cw2", "clerk", "cwb", "casa", "supb"):  # a Case Worker of the stage reads it, writes nothing
        assert psql(login).run(f"UPDATE placements SET basis = 'court order' WHERE id = {placed}") == 0, login
        assert psql(login).run(f"UPDATE stages SET parent_services = TRUE WHERE id = {agency.fss}") == 0, login
    assert [row[-1] for row in table_rows(store, "placements")] == [None]
    assert psql("vaplanner").run(f"UPDATE placements SET basis = 'court order' WHERE id = {placed}") == 1
    assert psql("supa").run(f"UPDATE stages SET parent_services = TRUE WHERE id = {agency.fss}") == 1
    with pytest.raises(DBAPIError, match="legal basis is written once"):
        psql("cw").run(f"UPDATE placements SET basis = 'voluntarily placed' WHERE id = {placed}")
    assert store.as_user("cw").family_record(agency.case).parent_services


def test_the_store_as_each_workers_own_role(store, agency, as_role):
    cw = as_role("cw")
    cw.place_child(agency.fss, agency.jay, OPENED, "Own home", basis=COMMITTED_AT_HOME)
    cw.set_parent_services(agency.fss, True)
    with pytest.raises(NoAccess):
        as_role("cw2").set_parent_services(agency.fss, False)
    assert as_role("vaplanner").family_record(agency.case) == store.as_user("vaplanner").family_record(agency.case)
