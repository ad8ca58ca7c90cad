"""A child's placements, recorded and ended from a desk: the stage's Case Manager, Case Planner and
the supervision chain above them may; nobody else may; the placement rules hold (SQLite and
PostgreSQL)."""

from datetime import timedelta

import pendulum
import pytest

from store import InvalidStage, NoAccess, NotFound, StoreError
from tests.stage_keeping import KEEPERS, NOT_KEEPERS, activities, detail_of, written
from tests.test_triggers import _refused

CLOSE = "Services no longer necessary"


def _today(store):
    return pendulum.instance(store.clock.now()).in_timezone("America/New_York").date()


@pytest.mark.parametrize("login", KEEPERS)
def test_the_stages_keepers_may_record_and_end_a_placement(store, agency, login):
    desk, today = store.as_user(login), _today(store)
    assert desk.may_change_placements(agency.fss) is None
    placed = desk.place_child(agency.fss, agency.jay, today - timedelta(days=10), "Kinship home")
    desk.end_placement(placed, today)
    [view] = store.as_user("cw").placements_in_stage(agency.fss)
    assert (view.id, view.child_name, view.starts_on, view.ends_on, view.setting) == (
        placed, "Jay Rivera", today - timedelta(days=10), today, "Kinship home")
    [(by, entity, entity_id, detail)] = activities(store, agency.case, "place child")
    assert (by, entity, entity_id) == (login, "placement", placed)
    assert detail_of(detail)["after"]["setting"] == "Kinship home"
    [(by, _, _, detail)] = activities(store, agency.case, "end placement")
    assert by == login and detail_of(detail)["after"]["to"] == today.isoformat()


@pytest.mark.parametrize("login", NOT_KEEPERS)
def test_nobody_else_may_record_or_end_a_placement(store, agency, login):
    placed = store.staffing().place_child(agency.fss, agency.jay, _today(store))
    before = written(store)
    assert "Case Manager or Case Planner" in store.as_user(login).may_change_placements(agency.fss)
    with pytest.raises(NoAccess, match="may record a placement"):
        store.as_user(login).place_child(agency.fss, agency.mia, _today(store))
    with pytest.raises(NoAccess, match="may end a placement"):
        store.as_user(login).end_placement(placed, _today(store))
    assert written(store) == before


def test_a_placement_is_for_a_child_of_an_open_placing_stage_once_placed(store, agency):
    cw, today = store.as_user("cw"), _today(store)
    before = written(store)
    with pytest.raises(InvalidStage, match="child in the stage's person list"):
        cw.place_child(agency.fss, agency.ana, today)
    with pytest.raises(InvalidStage, match="still to come"):
        cw.place_child(agency.fss, agency.jay, today + timedelta(days=1))
    with pytest.raises(InvalidStage, match="not in a FSI stage"):
        cw.place_child(agency.fsi, agency.jay, today)
    with pytest.raises(InvalidStage, match="setting"):
        cw.place_child(agency.fss, agency.jay, today, "   ")
    assert written(store) == before
    cw.end_person_in_stage(agency.fss, agency.mia)
    with pytest.raises(InvalidStage, match="child in the stage's person list"):
        cw.place_child(agency.fss, agency.mia, today)


def test_a_childs_placements_do_not_overlap(store, agency):
    cw, today = store.as_user("cw"), _today(store)
    first = cw.place_child(agency.fss, agency.jay, today - timedelta(days=20))
    with pytest.raises(InvalidStage, match="still in the placement"):
        cw.place_child(agency.fss, agency.jay, today)
    cw.end_placement(first, today - timedelta(days=5))
    with pytest.raises(InvalidStage, match="may not overlap"):
        cw.place_child(agency.fss, agency.jay, today - timedelta(days=5))
    cw.place_child(agency.fss, agency.jay, today - timedelta(days=4), "Group home")
    assert [(p.setting, p.ends_on) for p in cw.placements_in_stage(agency.fss)] == [
        ("Group home", None), ("Foster home", today - timedelta(days=5))]


def test_a_placement_ends_once_on_or_after_its_start_and_not_in_the_future(store, agency):
    cw, today = store.as_user("cw"), _today(store)
    placed = cw.place_child(agency.fss, agency.jay, today - timedelta(days=3))
    with pytest.raises(InvalidStage, match="on or after the day it started"):
        cw.end_placement(placed, today - timedelta(days=4))
    with pytest.raises(InvalidStage, match="still to come"):
        cw.end_placement(placed, today + timedelta(days=1))
    cw.end_placement(placed, today)
    with pytest.raises(InvalidStage, match="already ended"):
        cw.end_placement(placed, today)
    _refused(store, "InvalidStage", "UPDATE placements SET ends_on = NULL WHERE id = :i", i=placed)
    _refused(store, "InvalidStage", "UPDATE placements SET stage_id = :s WHERE id = :i", i=placed, s=agency.other_fss)
    with pytest.raises(NotFound, match="no placement number 999"):
        cw.end_placement(999, today)


def test_a_closed_stage_takes_no_new_placement(store, agency):
    cw, today = store.as_user("cw"), _today(store)
    placed = cw.place_child(agency.fss, agency.jay, today - timedelta(days=3))
    cw.end_placement(placed, today)
    cw.close_stage(agency.fss, CLOSE)
    with pytest.raises(InvalidStage, match="closed"):
        cw.place_child(agency.fss, agency.mia, today)
    assert [p.id for p in cw.placements_in_stage(agency.fss)] == [placed]


@pytest.mark.parametrize("bad", [None, "", 20260302, [1], -1])
def test_bad_arguments_are_refused_and_write_nothing(store, agency, bad):
    before, today = written(store), _today(store)
    for call in (lambda d: d.place_child(agency.fss, agency.jay, bad), lambda d: d.place_child(bad, agency.jay, today),
                 lambda d: d.place_child(agency.fss, agency.jay, today, bad), lambda d: d.end_placement(bad, today),
                 lambda d: d.placements_in_stage(bad)):
        with pytest.raises(StoreError):
            call(store.as_user("cw"))
    assert written(store) == before


def test_the_staffing_api_keeps_the_placement_rules(store, agency):
    s, today = store.staffing(), _today(store)
    with pytest.raises(InvalidStage, match="still to come"):
        s.place_child(agency.fss, agency.jay, today + timedelta(days=2))
    placed = s.place_child(agency.fss, agency.jay, today)
    with pytest.raises(InvalidStage, match="still to come"):
        s.end_placement(placed, today + timedelta(days=1))
    [(by, _, _, _)] = activities(store, agency.case, "place child")
    assert by is None
