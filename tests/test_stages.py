"""Stage rules: who closes a stage, role assignments, and progression along the stage tree."""

import pytest

from store import InvalidStage, NoAccess

CLOSE = "Services no longer necessary"


def stage_of(store, agency, stage_id, login="cw"):
    return next(s for s in store.as_user(login).case(agency.case).stages if s.id == stage_id)


def stage_ids(store, case_id, login="director"):
    return [s.id for s in store.as_user(login).case(case_id).stages]


# --- closing ------------------------------------------------------------------------------------

def test_case_manager_closes_the_stage(store, agency, clock):
    closed = store.as_user("cw").close_stage(agency.fss, CLOSE)
    assert (closed.closed_at, closed.close_reason) == (clock.now(), CLOSE)
    stored = stage_of(store, agency, agency.fss)
    assert (stored.closed_at, stored.close_reason) == (clock.now(), CLOSE)


def test_case_managers_supervisor_may_close(store, agency, clock):
    closed = store.as_user("supa").close_stage(agency.fss, CLOSE)
    assert closed.closed_at == clock.now() and closed.close_reason == CLOSE


def test_case_planner_may_start_but_not_finish_closing(store, agency, clock):
    planner = store.as_user("vaplanner")
    started = planner.start_closing(agency.fss, CLOSE)
    assert (started.closing_started_by, started.closing_reason, started.closed_at) == ("vaplanner", CLOSE, None)
    with pytest.raises(NoAccess, match="Case Manager"):
        planner.close_stage(agency.fss, CLOSE)
    assert stage_of(store, agency, agency.fss).closed_at is None
    assert store.as_user("cw").close_stage(agency.fss, CLOSE).closed_at == clock.now()


def test_case_worker_may_neither_start_nor_finish_closing(store, agency):
    worker = store.as_user("cw2")
    with pytest.raises(NoAccess, match="Case Manager or Case Planner, or a supervisor above them, may start closing"):
        worker.start_closing(agency.fss, CLOSE)
    with pytest.raises(NoAccess, match="Case Manager"):
        worker.close_stage(agency.fss, CLOSE)
    stored = stage_of(store, agency, agency.fss)
    assert (stored.closed_at, stored.closing_reason) == (None, None)


def test_director_two_levels_up_may_close(store, agency, clock):
    """Anyone in the supervision chain above the Case Manager closes (store/rules/maintenance.py)."""
    assert store.as_user("director").close_stage(agency.fss, CLOSE).closed_at == clock.now()


def test_supervisor_of_another_unit_may_not_close(store, agency):
    with pytest.raises(NoAccess):
        store.as_user("supb").close_stage(agency.fss, CLOSE)


def test_unknown_closure_reason_is_refused(store, agency):
    cw = store.as_user("cw")
    with pytest.raises(InvalidStage, match="not one of the agency's reasons"):
        cw.close_stage(agency.fss, "Worker went on holiday")
    with pytest.raises(InvalidStage):
        store.as_user("vaplanner").start_closing(agency.fss, "Worker went on holiday")
    stored = stage_of(store, agency, agency.fss)
    assert (stored.closed_at, stored.close_reason, stored.closing_reason) == (None, None, None)


def test_closed_stage_cannot_be_closed_again(store, agency, clock):
    cw = store.as_user("cw")
    first = cw.close_stage(agency.fss, CLOSE)
    clock.advance(hours=1)
    with pytest.raises(InvalidStage, match="already closed"):
        cw.close_stage(agency.fss, "Family refused services")
    with pytest.raises(InvalidStage, match="already closed"):
        store.as_user("vaplanner").start_closing(agency.fss, CLOSE)
    stored = stage_of(store, agency, agency.fss)
    assert (stored.closed_at, stored.close_reason) == (first.closed_at, CLOSE)


# --- roles --------------------------------------------------------------------------------------

def test_fsi_needs_a_child_in_its_person_list(store, agency):
    before = stage_ids(store, agency.case)
    with pytest.raises(InvalidStage, match="at least one child"):
        store.staffing().open_stage(agency.case, "FSI", case_manager="cw", person_ids=[agency.ana])
    assert stage_ids(store, agency.case) == before


def test_fsi_has_one_worker_at_a_time(store, agency):
    staffing = store.staffing()
    with pytest.raises(InvalidStage, match="one worker at a time"):
        staffing.assign_role(agency.fsi, "cw2", "Case Worker", children=[agency.jay])
    with pytest.raises(InvalidStage, match="one worker at a time"):
        staffing.assign_role(agency.fsi, "vaplanner", "Case Planner")
    assert [(r.worker_login, r.role) for r in stage_of(store, agency, agency.fsi).roles] == [("cw", "Case Manager")]


def test_fsi_worker_is_handed_over_by_a_new_case_manager(store, agency):
    store.staffing().assign_role(agency.fsi, "cw2", "Case Manager")
    assert [(r.worker_login, r.role) for r in stage_of(store, agency, agency.fsi, "cw2").roles] == [
        ("cw2", "Case Manager")]


def test_case_manager_must_be_ldss_staff(store, agency):
    with pytest.raises(InvalidStage, match="LDSS"):
        store.staffing().assign_role(agency.fss, "vaplanner", "Case Manager")
    with pytest.raises(InvalidStage, match="LDSS"):
        store.staffing().open_stage(agency.case, "FSI", case_manager="vaplanner", person_ids=[agency.jay])
    roles = stage_of(store, agency, agency.fss).roles
    assert [r.worker_login for r in roles if r.role == "Case Manager"] == ["cw"]


def test_cps_worker_monitor_must_be_ldss_staff(store, agency):
    with pytest.raises(InvalidStage, match="LDSS"):
        store.staffing().assign_role(agency.fss, "vaplanner", "CPS Worker/Monitor")
    store.staffing().assign_role(agency.fss, "cpsw", "CPS Worker/Monitor")
    roles = stage_of(store, agency, agency.fss).roles
    assert [r.worker_login for r in roles if r.role == "CPS Worker/Monitor"] == ["cpsw"]


def test_stage_has_at_most_one_case_planner(store, agency):
    with pytest.raises(InvalidStage, match="at most one Case Planner"):
        store.staffing().assign_role(agency.fss, "cw2", "Case Planner")
    roles = stage_of(store, agency, agency.fss).roles
    assert [r.worker_login for r in roles if r.role == "Case Planner"] == ["vaplanner"]


def test_new_case_manager_replaces_the_old_one(store, agency):
    store.staffing().assign_role(agency.fss, "cw2", "Case Manager")
    assert [r.stage_id for r in store.as_user("cw").caseload()] == [agency.fsi]
    assert ("Case Manager", agency.fss) in {(r.role, r.stage_id) for r in store.as_user("cw2").caseload()}
    roles = stage_of(store, agency, agency.fss, "cw2").roles
    assert [r.worker_login for r in roles if r.role == "Case Manager"] == ["cw2"]
    with pytest.raises(NoAccess):
        store.as_user("cw").close_stage(agency.fss, CLOSE)


def test_case_manager_role_cannot_simply_be_ended(store, agency):
    with pytest.raises(InvalidStage, match="always keeps its Case Manager"):
        store.staffing().end_role(agency.fss, "cw", "Case Manager")
    assert agency.fss in {r.stage_id for r in store.as_user("cw").caseload()}


def test_advocate_gets_no_stage_role(store, agency):
    with pytest.raises(InvalidStage, match="appointment"):
        store.staffing().assign_role(agency.fss, "casa", "Case Worker", children=[agency.jay])


# --- progression along the tree -----------------------------------------------------------------

def test_fss_may_progress_from_an_investigation(store, agency):
    fss = store.staffing().open_stage(agency.case, "FSS", subtype="OTI", parent_id=agency.inv, case_manager="cw",
                                      person_ids=[agency.mia, agency.ana])
    stage = stage_of(store, agency, fss)
    assert (stage.label, stage.parent_id) == ("FSS-OTI", agency.inv)


def test_fss_may_progress_from_a_family_services_intake(store, agency):
    fss = store.staffing().open_stage(agency.case, "FSS", subtype="CWS", parent_id=agency.fsi, case_manager="cw",
                                      person_ids=[agency.jay])
    assert stage_of(store, agency, fss).parent_id == agency.fsi


def test_investigation_does_not_follow_from_fss(store, agency):
    before = stage_ids(store, agency.case)
    with pytest.raises(InvalidStage, match="does not follow from a FSS"):
        store.staffing().open_stage(agency.case, "INV", parent_id=agency.fss, case_manager="cpsw",
                                    person_ids=[agency.jay])
    assert stage_ids(store, agency.case) == before


def test_ccr_follows_an_fss_for_exactly_one_child(store, agency):
    staffing = store.staffing()
    ccr = staffing.open_stage(agency.case, "CCR", parent_id=agency.fss, case_manager="cw", person_ids=[agency.jay])
    stage = stage_of(store, agency, ccr)
    assert (stage.type, stage.parent_id, [p.id for p in stage.persons]) == ("CCR", agency.fss, [agency.jay])
    for persons in ([agency.jay, agency.mia], [agency.ana]):
        with pytest.raises(InvalidStage, match="exactly one child"):
            staffing.open_stage(agency.case, "CCR", parent_id=agency.fss, case_manager="cw", person_ids=persons)
    with pytest.raises(InvalidStage, match="does not follow"):
        staffing.open_stage(agency.case, "CCR", parent_id=agency.inv, case_manager="cw", person_ids=[agency.mia])


def test_ccr_without_an_fss_parent_is_refused(store, agency):
    with pytest.raises(InvalidStage, match="opened from the family's Family Services Stage"):
        store.staffing().open_stage(agency.case, "CCR", case_manager="cw", person_ids=[agency.mia])


def test_fss_needs_a_subtype_and_other_stages_none(store, agency):
    staffing = store.staffing()
    before = stage_ids(store, agency.case)
    with pytest.raises(InvalidStage, match="has a type"):
        staffing.open_stage(agency.case, "FSS", parent_id=agency.inv, case_manager="cw", person_ids=[agency.jay])
    with pytest.raises(InvalidStage, match="has a type"):
        staffing.open_stage(agency.case, "FSS", subtype="XYZ", parent_id=agency.inv, case_manager="cw",
                            person_ids=[agency.jay])
    with pytest.raises(InvalidStage, match="other stages have none"):
        staffing.open_stage(agency.case, "FSI", subtype="CWS", case_manager="cw", person_ids=[agency.jay])
    with pytest.raises(InvalidStage, match="not a stage type"):
        staffing.open_stage(agency.case, "XYZ", case_manager="cw", person_ids=[agency.jay])
    assert stage_ids(store, agency.case) == before


def test_stage_persons_must_belong_to_the_case(store, agency):
    staffing = store.staffing()
    stranger = staffing.add_person(agency.other_case, "Kim", "Nguyen", "child", is_child=True)
    before = stage_ids(store, agency.case)
    with pytest.raises(InvalidStage, match="belong to the family's case"):
        staffing.open_stage(agency.case, "FSI", case_manager="cw", person_ids=[agency.jay, stranger])
    with pytest.raises(InvalidStage, match="belong to the family's case"):
        staffing.open_stage(agency.case, "FSI", case_manager="cw", person_ids=[agency.jay, 999_999])
    assert stage_ids(store, agency.case) == before


def test_stage_progresses_only_from_a_stage_of_the_same_family(store, agency):
    with pytest.raises(InvalidStage, match="same family"):
        store.staffing().open_stage(agency.case, "CCR", parent_id=agency.other_fss, case_manager="cw",
                                    person_ids=[agency.jay])
