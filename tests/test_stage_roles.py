"""A stage's roles: its Case Manager, Case Planner and the supervision chain above them assign,
reassign (the old holder's role ending today or on a later day) and end roles; nobody else may; a
stage always keeps its Case Manager (SQLite and PostgreSQL)."""

from datetime import datetime, timedelta

import pendulum
import pytest

from store import InvalidStage, NoAccess, NotFound, StoreError
from tests.stage_keeping import KEEPERS, NOT_KEEPERS, activities, detail_of, written
from tests.test_triggers import _raw, _refused, _scalar

CLOSE = "Services no longer necessary"
ZONE = "America/New_York"


def _today(clock):
    return pendulum.instance(clock.now()).in_timezone(ZONE).date()


def _midnight(day):
    return pendulum.datetime(day.year, day.month, day.day, tz=ZONE).in_timezone("UTC")


def _holders(store, stage_id, part="current"):
    return [(r.worker_login, r.role) for r in getattr(store.as_user("director").roles_in_stage(stage_id), part)]


@pytest.mark.parametrize("login", KEEPERS)
def test_the_stages_keepers_may_assign_a_role(store, agency, login):
    assert store.as_user(login).may_change_stage_roles(agency.fss) is None
    store.as_user(login).assign_role(agency.fss, "cwb", "Case Worker", children=[agency.mia])
    assert ("cwb", "Case Worker") in _holders(store, agency.fss)
    assert agency.fss in {r.stage_id for r in store.as_user("cwb").caseload()}
    [(_, _, _, detail)] = [a for a in activities(store, agency.case, "assign role") if a[0] == login]
    assert detail_of(detail)["after"] == {"worker": "Bo Worker", "role": "Case Worker", "stage": "FSS-CWS"}


@pytest.mark.parametrize("login", NOT_KEEPERS)
def test_nobody_else_may_assign_a_role(store, agency, login):
    before = written(store)
    assert "Case Manager or Case Planner" in store.as_user(login).may_change_stage_roles(agency.fss)
    with pytest.raises(NoAccess, match="may assign its roles"):
        store.as_user(login).assign_role(agency.fss, "cwb", "Case Worker")
    assert written(store) == before


@pytest.mark.parametrize("login", KEEPERS)
def test_the_stages_keepers_may_reassign_a_role_today(store, agency, clock, login):
    store.as_user(login).reassign_role(agency.fss, "Case Planner", "vaplanner", "cw2")
    roles = store.as_user("cw").roles_in_stage(agency.fss)
    [planner] = [r for r in roles.current if r.role == "Case Planner"]
    assert (planner.worker_login, planner.starts_at) == ("cw2", clock.now())
    [old] = [r for r in roles.past if r.role == "Case Planner"]
    assert (old.worker_login, old.ends_at) == ("vaplanner", clock.now())
    [(by, _, _, detail)] = activities(store, agency.case, "reassign role")
    assert by == login and detail_of(detail)["before"]["worker"] == "Vic Planner"


@pytest.mark.parametrize("login", NOT_KEEPERS)
def test_nobody_else_may_reassign_a_role(store, agency, login):
    before = written(store)
    with pytest.raises(NoAccess, match="may reassign its roles"):
        store.as_user(login).reassign_role(agency.fss, "Case Planner", "vaplanner", "cw2")
    assert written(store) == before


def test_a_reassignment_on_a_later_day_hands_over_at_that_days_first_hour(store, agency, clock):
    day = _today(clock) + timedelta(days=5)
    store.as_user("cw").reassign_role(agency.fss, "Case Manager", "cw", "supa", old_ends_on=day)
    roles = store.as_user("cw").roles_in_stage(agency.fss)
    assert [(r.worker_login, r.ends_at) for r in roles.current if r.role == "Case Manager"] == [("cw", _midnight(day))]
    assert [(r.worker_login, r.starts_at) for r in roles.coming] == [("supa", _midnight(day))]
    with pytest.raises(InvalidStage, match="already ends"):
        store.as_user("cw").reassign_role(agency.fss, "Case Manager", "cw", "director")
    with pytest.raises(InvalidStage, match="already takes over as Case Manager"):
        store.as_user("cw").assign_role(agency.fss, "director", "Case Manager")
    clock.advance(days=6)
    assert [w for w, role in _holders(store, agency.fss) if role == "Case Manager"] == ["supa"]
    with pytest.raises(NoAccess):  # cw no longer keeps the stage; supa does
        store.as_user("cw").end_role(agency.fss, "cw2", "Case Worker")


def test_the_old_holders_end_is_today_or_later(store, agency, clock):
    before = written(store)
    with pytest.raises(InvalidStage, match="is past"):
        store.as_user("cw").reassign_role(agency.fss, "Case Planner", "vaplanner", "cw2",
                                          old_ends_on=_today(clock) - timedelta(days=1))
    assert written(store) == before


def test_a_handover_goes_to_someone_who_may_hold_the_role(store, agency):
    cw = store.as_user("cw")
    with pytest.raises(InvalidStage, match="LDSS"):
        cw.reassign_role(agency.fss, "Case Manager", "cw", "vaplanner")
    with pytest.raises(InvalidStage, match="already the Case Planner"):
        cw.reassign_role(agency.fss, "Case Planner", "vaplanner", "vaplanner")
    with pytest.raises(InvalidStage, match="appointment"):
        cw.reassign_role(agency.fss, "Case Planner", "vaplanner", "casa")
    with pytest.raises(NotFound, match="holds no Case Planner"):
        cw.reassign_role(agency.fss, "Case Planner", "cw2", "cwb")


def test_a_case_workers_children_go_with_the_handover(store, agency):
    store.as_user("cw").reassign_role(agency.fss, "Case Worker", "cw2", "cwb")
    [worker] = [r for r in store.as_user("cw").roles_in_stage(agency.fss).current if r.role == "Case Worker"]
    assert (worker.worker_login, worker.children) == ("cwb", ("Jay Rivera",))


@pytest.mark.parametrize("login", KEEPERS)
def test_the_stages_keepers_may_end_a_role(store, agency, clock, login):
    store.as_user(login).end_role(agency.fss, "cw2", "Case Worker")
    assert ("cw2", "Case Worker") not in _holders(store, agency.fss)
    assert [(r.worker_login, r.ends_at) for r in store.as_user("cw").roles_in_stage(agency.fss).past] == [
        ("cw2", clock.now())]
    [(by, _, _, _)] = activities(store, agency.case, "end role")
    assert by == login


@pytest.mark.parametrize("login", NOT_KEEPERS)
def test_nobody_else_may_end_a_role(store, agency, login):
    before = written(store)
    with pytest.raises(NoAccess, match="may end its roles"):
        store.as_user(login).end_role(agency.fss, "cw2", "Case Worker")
    assert written(store) == before


def test_a_stage_always_keeps_its_case_manager(store, agency):
    before = written(store)
    with pytest.raises(InvalidStage, match="always keeps its Case Manager"):
        store.as_user("supa").end_role(agency.fss, "cw", "Case Manager")
    assert written(store) == before
    assert ("cw", "Case Manager") in _holders(store, agency.fss)


def test_a_role_ends_once(store, agency):
    cw = store.as_user("cw")
    cw.end_role(agency.fss, "vaplanner", "Case Planner")
    with pytest.raises(NotFound, match="holds no Case Planner"):
        cw.end_role(agency.fss, "vaplanner", "Case Planner")
    planner = _scalar(store, "SELECT id FROM role_assignments WHERE stage_id = :s AND role = 'Case Planner'",
                      s=agency.fss)
    _refused(store, "InvalidStage", "UPDATE role_assignments SET ends_at = NULL WHERE id = :i", i=planner)
    _refused(store, "InvalidStage", "UPDATE role_assignments SET ends_at = '2031-01-01 00:00:00' WHERE id = :i",
             i=planner)


def test_the_role_rules_hold_for_a_signed_in_assignment(store, agency):
    cw = store.as_user("cw")
    with pytest.raises(InvalidStage, match="at most one Case Planner"):
        cw.assign_role(agency.fss, "cw2", "Case Planner")
    with pytest.raises(InvalidStage, match="one worker at a time"):
        cw.assign_role(agency.fsi, "cw2", "Case Worker")
    with pytest.raises(InvalidStage, match="LDSS"):
        cw.assign_role(agency.fss, "vaplanner", "CPS Worker/Monitor")
    with pytest.raises(InvalidStage, match="already the Case Worker"):
        cw.assign_role(agency.fss, "cw2", "Case Worker")
    _raw(store, "UPDATE workers SET active = :no WHERE login = 'cwb'", no=False)
    with pytest.raises(NotFound, match="no active worker"):
        cw.assign_role(agency.fss, "cwb", "Case Worker")


def test_a_new_case_manager_by_assignment_ends_the_old_one(store, agency, clock):
    store.as_user("supa").assign_role(agency.fss, "cw2", "Case Manager")
    assert [w for w, role in _holders(store, agency.fss) if role == "Case Manager"] == ["cw2"]
    [(_, _, _, detail)] = [a for a in activities(store, agency.case, "assign role") if a[0] == "supa"]
    assert detail_of(detail)["before"] == {"worker": "Cara Worker", "role": "Case Manager"}


def test_a_closed_stages_roles_stay_as_they_were(store, agency):
    cw = store.as_user("cw")
    cw.close_stage(agency.fsi, CLOSE)
    assert "closed" in cw.may_change_stage_roles(agency.fsi)
    with pytest.raises(InvalidStage, match="closed"):
        cw.reassign_role(agency.fsi, "Case Manager", "cw", "cw2")


def test_the_candidates_for_a_role_are_those_who_may_hold_it(store, agency):
    managers = [w.login for w in store.as_user("cw").role_candidates(agency.fss, "Case Manager")]
    assert "cw" not in managers and "vaplanner" not in managers and "casa" not in managers
    assert {"cw2", "supa", "director", "cwb"} <= set(managers)
    planners = [w.login for w in store.as_user("cw").role_candidates(agency.fss, "Case Planner")]
    assert "vaplanner" not in planners and "cw" in planners
    _raw(store, "UPDATE workers SET active = :no WHERE login = 'cwb'", no=False)
    assert "cwb" not in [w.login for w in store.as_user("cw").role_candidates(agency.fss, "Case Worker")]


@pytest.mark.parametrize("bad", [None, "Boss", 3, ["Case Worker"]])
def test_a_role_that_is_not_a_stage_role_is_refused(store, agency, bad):
    before = written(store)
    for call in (lambda d: d.assign_role(agency.fss, "cwb", bad), lambda d: d.end_role(agency.fss, "cw2", bad),
                 lambda d: d.reassign_role(agency.fss, bad, "cw2", "cwb"), lambda d: d.role_candidates(agency.fss, bad)):
        with pytest.raises(StoreError):
            call(store.as_user("cw"))
    assert written(store) == before


@pytest.mark.parametrize("bad", ["tomorrow", 5, datetime(2026, 3, 9, 12, 0), -1])
def test_a_bad_end_day_is_refused(store, agency, bad):
    before = written(store)
    with pytest.raises(StoreError):
        store.as_user("cw").reassign_role(agency.fss, "Case Planner", "vaplanner", "cw2", old_ends_on=bad)
    assert written(store) == before


def test_the_staffing_api_uses_the_same_role_rules(store, agency):
    with pytest.raises(InvalidStage, match="always keeps its Case Manager"):
        store.staffing().end_role(agency.fss, "cw", "Case Manager")
    store.staffing().end_role(agency.fss, "cw2", "Case Worker")
    [(by, _, _, _)] = activities(store, agency.case, "end role")
    assert by is None


def test_a_handover_reads_as_a_sentence_in_the_cases_activity(store, agency):
    store.as_user("cw").reassign_role(agency.fss, "Case Planner", "vaplanner", "cw2")
    entry = store.as_user("cw").case_activity(agency.case).entries[0]
    assert (entry.who_login, entry.sentence) == ("cw", "Case Planner role in FSS-CWS handed from Vic Planner to "
                                                       "Cole Worker")
