"""Visit standards for children in foster care: a visit every calendar month (agency zone), a majority
of visited months in the child's residence, two contacts in a new placement's first 30 days, the
worker responsible for each child, and placements recorded only when they make sense."""

from datetime import date, datetime, timedelta

import pendulum
import pytest
from sqlalchemy import text

from store import InvalidStage, NotFound
from store.core.clock import utc
from store.desks.visits import visit_standings
from tests.conftest import visit
from tests.test_triggers import _raw

RESIDENCE = "Child's residence (foster/kinship home)"
OFFICE = "Agency office"


def local(*when: int) -> datetime:
    """A wall-clock time in New York (the agency's zone), as UTC."""
    return utc(pendulum.datetime(*when, tz="America/New_York"))


def at(clock, *when: int) -> None:
    clock.set(local(*when))


def place(store, clock, agency, *, child=None, on=date(2026, 10, 1), stage=None, setting="Foster home") -> int:
    """Place a child (Jay) with the clock on the day of placement, at noon."""
    at(clock, on.year, on.month, on.day, 12)
    return store.staffing().place_child(stage or agency.fss, child or agency.jay, on, setting)


def visit_on(store, agency, clock, when: datetime, *, login="cw", stage=None, **override):
    """A note of a contact with Jay at ``when``, written at that moment or later (the clock never goes back)."""
    if clock.now() < when:
        clock.set(when)
    fields = visit(agency, clock, event_at=when, **override)
    return store.as_user(login).add_note(stage or agency.fss, **fields)


def standing(store, login, child_id, team=False):
    desk = store.as_user(login)
    rows = desk.team_visit_standards() if team else desk.visit_standards()
    found = [r for r in rows if r.person_id == child_id]
    assert len(found) <= 1
    return found[0] if found else None


def written(store) -> dict[str, int]:
    with store.write_engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("placements", "audit_log")}


def test_policy_numbers_the_tests_assume(store):
    visits = store.policy.visits
    assert (visits.method, visits.residence, visits.new_placement_days, visits.new_placement_contacts) == (
        "Face to face", RESIDENCE, 30, 2)
    assert store.policy.time_zone == "America/New_York"


# --- placements ---------------------------------------------------------------------------------

def test_placing_a_child_is_recorded_and_audited(store, agency, clock):
    before = written(store)
    placement = place(store, clock, agency, on=date(2026, 10, 1), setting="Kinship home")
    assert written(store) == {"placements": before["placements"] + 1, "audit_log": before["audit_log"] + 1}
    at(clock, 2026, 10, 5, 12)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.placement_id, jay.placed_on, jay.placement_setting, jay.in_care) == (
        placement, date(2026, 10, 1), "Kinship home", True)
    store.staffing().end_placement(placement, date(2026, 10, 4))
    assert standing(store, "cw2", agency.jay) is None  # left care yesterday


def _close_fss(store, agency):
    store.as_user("cw").close_stage(agency.fss, "Services no longer necessary")


@pytest.mark.parametrize("setup, call, error, sentence", [
    (None, lambda s, a: s.staffing().place_child(a.fss, a.ana, date(2026, 3, 2)), InvalidStage,
     "for a child in the stage's person list"),
    (None, lambda s, a: s.staffing().place_child(a.fss, _lan(s, a), date(2026, 3, 2)), InvalidStage,
     "for a child in the stage's person list"),
    (None, lambda s, a: s.staffing().place_child(a.fsi, a.jay, date(2026, 3, 2)), InvalidStage,
     "Family Services Stage or Child Case Record, not in a FSI stage"),
    (_close_fss, lambda s, a: s.staffing().place_child(a.fss, a.jay, date(2026, 3, 2)), InvalidStage,
     r"FSS-CWS stage is closed \(Services no longer necessary\)"),
    (None, lambda s, a: s.staffing().place_child(a.fss, a.jay, date(2026, 3, 3)), InvalidStage,
     "03/03/2026 is still to come"),
    (None, lambda s, a: s.staffing().place_child(a.fss, a.jay, date(2026, 3, 2), setting="  "), InvalidStage,
     "names its setting"),
    (None, lambda s, a: s.staffing().place_child(999, a.jay, date(2026, 3, 2)), NotFound, "no stage number 999"),
    (None, lambda s, a: s.staffing().end_placement(999, date(2026, 3, 2)), NotFound, "no placement number 999"),
])
def test_bad_placement_is_refused_and_writes_nothing(store, agency, setup, call, error, sentence):
    if setup:
        setup(store, agency)
    before = written(store)
    with pytest.raises(error, match=sentence):
        call(store, agency)
    assert written(store) == before


def _lan(store, agency):
    """The other family's child, who is not in the Riveras' stage."""
    return store.as_user("cwb").case(agency.other_case).persons[0].id


def test_overlapping_placements_of_one_child_are_refused(store, agency, clock):
    first = place(store, clock, agency, on=date(2026, 10, 1))
    at(clock, 2026, 10, 20, 12)
    with pytest.raises(InvalidStage, match="Jay Rivera is still in the placement that started 10/01/2026"):
        store.staffing().place_child(agency.fss, agency.jay, date(2026, 10, 20))
    store.staffing().end_placement(first, date(2026, 10, 10))
    before = written(store)
    with pytest.raises(InvalidStage, match=r"placed from 10/01/2026 to 10/10/2026; .* may not overlap"):
        store.staffing().place_child(agency.fss, agency.jay, date(2026, 10, 10))
    with pytest.raises(InvalidStage, match="already ended on 10/10/2026"):
        store.staffing().end_placement(first, date(2026, 10, 12))
    assert written(store) == before
    store.staffing().place_child(agency.fss, agency.jay, date(2026, 10, 11))  # the next day is fine
    assert standing(store, "cw2", agency.jay).placed_on == date(2026, 10, 11)


def test_placement_cannot_end_before_it_starts(store, agency, clock):
    placement = place(store, clock, agency, on=date(2026, 10, 1))
    before = written(store)
    with pytest.raises(InvalidStage, match=r"ends on or after the day it started \(10/01/2026\)"):
        store.staffing().end_placement(placement, date(2026, 9, 30))
    assert written(store) == before
    store.staffing().end_placement(placement, date(2026, 10, 1))  # a one-day placement
    assert written(store)["audit_log"] == before["audit_log"] + 1


# --- the monthly visit, in the agency's calendar month -------------------------------------------

@pytest.mark.parametrize("event, october_visited, november_visited", [
    (local(2026, 10, 31, 23, 30), True, False),   # Nov 1, 03:30 in UTC: still October in New York
    (local(2026, 11, 1, 0, 30), False, True),     # Nov 1, 04:30 in UTC
    (local(2026, 10, 1, 9, 0), True, False),      # the day of placement counts
])
def test_visit_counts_for_its_month_in_the_agency_zone(store, agency, clock, event, october_visited,
                                                       november_visited):
    place(store, clock, agency, on=date(2026, 10, 1))
    visit_on(store, agency, clock, event)
    at(clock, 2026, 11, 10, 12)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.months_required, jay.months_visited) == (1, int(october_visited))
    assert (jay.visited_this_month, jay.at_risk) == (november_visited, not november_visited)
    assert jay.last_visit_at == event


@pytest.mark.parametrize("visit_at, now, at_risk, days_left", [
    (local(2026, 11, 2, 10), (2026, 11, 20, 10), False, 11),
    (None, (2026, 11, 20, 10), True, 11),
    (local(2026, 10, 30, 10), (2026, 11, 30, 23), True, 1),   # December 1 in UTC, still November here
    (local(2026, 11, 2, 10), (2026, 12, 1, 0, 30), True, 31),  # a new month: November's visit no longer helps
])
def test_child_not_visited_this_month_is_at_risk_with_days_left(store, agency, clock, visit_at, now, at_risk,
                                                                days_left):
    place(store, clock, agency, on=date(2026, 10, 1))
    if visit_at:
        visit_on(store, agency, clock, visit_at)
    at(clock, *now)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.at_risk, jay.visited_this_month, jay.days_left_in_month) == (at_risk, not at_risk, days_left)


def test_only_face_to_face_notes_with_the_child_in_the_case_are_visits(store, agency, clock):
    place(store, clock, agency, on=date(2026, 10, 1))
    visit_on(store, agency, clock, local(2026, 10, 5, 10), method="Telephone", location="Remote")
    visit_on(store, agency, clock, local(2026, 10, 6, 10), participants=[agency.ana])
    gone = visit_on(store, agency, clock, local(2026, 10, 7, 10))
    store.as_user("cw").discard_draft(gone.id)
    at(clock, 2026, 11, 2, 12)
    assert standing(store, "cw2", agency.jay).months_visited == 0
    visit_on(store, agency, clock, local(2026, 10, 8, 10), stage=agency.fsi)  # another stage of the case
    assert standing(store, "cw2", agency.jay).months_visited == 1


def test_addendum_is_not_a_second_contact(store, agency, clock):
    place(store, clock, agency, on=date(2026, 10, 1))
    note = visit_on(store, agency, clock, local(2026, 10, 5, 10))
    cw = store.as_user("cw")
    cw.submit(note.id)
    store.as_user("supa").approve(note.id)
    cw.add_addendum(note.id, narrative="Correction: the foster mother was also present. She signed the plan.")
    jay = standing(store, "cw2", agency.jay)
    assert (jay.new_placement, jay.new_placement_contacts) == ("due", 1)


# --- residence ------------------------------------------------------------------------------------

@pytest.mark.parametrize("locations, visited, at_home, majority", [
    ([RESIDENCE, OFFICE, RESIDENCE, None], 3, 2, True),
    ([RESIDENCE, OFFICE, None, None], 2, 1, False),   # half is not a majority
    ([None, None, None, None], 0, 0, None),
    ([OFFICE, OFFICE, OFFICE, RESIDENCE], 4, 1, False),
])
def test_majority_of_visited_months_in_the_childs_residence(store, agency, clock, locations, visited, at_home,
                                                           majority):
    place(store, clock, agency, on=date(2026, 7, 1))
    for month, location in zip((7, 8, 9, 10), locations, strict=True):
        if location:
            visit_on(store, agency, clock, local(2026, month, 15, 10), location=location)
    at(clock, 2026, 11, 5, 12)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.months_required, jay.months_visited, jay.months_in_residence, jay.residence_majority) == (
        4, visited, at_home, majority)


def test_month_with_an_office_and_a_home_visit_counts_in_the_residence(store, agency, clock):
    place(store, clock, agency, on=date(2026, 9, 1))
    visit_on(store, agency, clock, local(2026, 9, 3, 10), location=OFFICE)
    visit_on(store, agency, clock, local(2026, 9, 20, 10), location=RESIDENCE)
    at(clock, 2026, 10, 1, 12)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.months_visited, jay.months_in_residence, jay.residence_majority) == (1, 1, True)


def test_a_home_visit_this_month_counts_in_the_residence_share_at_once(store, agency, clock):
    place(store, clock, agency, on=date(2026, 8, 1))
    for month, location in ((8, RESIDENCE), (9, OFFICE), (10, OFFICE)):
        visit_on(store, agency, clock, local(2026, month, 15, 10), location=location)
    at(clock, 2026, 11, 2, 12)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.months_in_residence, jay.months_with_visits, jay.residence_majority) == (1, 3, False)
    visit_on(store, agency, clock, local(2026, 11, 3, 10), location=RESIDENCE)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.months_in_residence, jay.months_with_visits, jay.residence_majority) == (2, 4, False)
    assert (jay.months_required, jay.months_visited) == (3, 3)  # November is not a completed month yet


def test_an_office_visit_this_month_then_a_home_visit_makes_it_a_month_at_home(store, agency, clock):
    place(store, clock, agency, on=date(2026, 10, 1))
    visit_on(store, agency, clock, local(2026, 10, 15, 10), location=RESIDENCE)
    visit_on(store, agency, clock, local(2026, 11, 3, 10), location=OFFICE)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.months_in_residence, jay.months_with_visits, jay.residence_majority) == (1, 2, False)
    visit_on(store, agency, clock, local(2026, 11, 4, 10), location=RESIDENCE)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.months_in_residence, jay.months_with_visits, jay.residence_majority) == (2, 2, True)


def test_a_visit_before_the_child_came_into_care_is_not_a_foster_care_visit(store, agency, clock):
    visit_on(store, agency, clock, local(2026, 9, 11, 10), location=RESIDENCE)  # two days before
    place(store, clock, agency, on=date(2026, 9, 13))
    visit_on(store, agency, clock, local(2026, 10, 3, 10), location=OFFICE)
    at(clock, 2026, 11, 2, 12)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.months_required, jay.months_visited) == (2, 1)  # September had no visit in care
    assert (jay.months_in_residence, jay.months_with_visits) == (0, 1)


def test_tariqs_home_visit_this_month_shows_in_the_demo(demo_store):
    """The demo's Tariq Holbrook: visited in three months, at home in one (September, in his first
    week in care); a home visit made this month counts at once."""
    worker = demo_store.as_user("dkwarteng")
    [tariq] = [c for c in worker.visit_standards() if c.child_name == "Tariq Holbrook"]
    assert (tariq.months_in_residence, tariq.months_with_visits) == (1, 3)
    now = demo_store.clock.now()
    worker.add_note(tariq.stage_id, event_at=now - timedelta(hours=2), contact_type="Caseworker/Child Contact",
                    method="Face to face", location=RESIDENCE, purposes=["Safety"], participants=[tariq.person_id],
                    narrative="Tariq was seen at home with his aunt.")
    [tariq] = [c for c in worker.visit_standards() if c.child_name == "Tariq Holbrook"]
    assert (tariq.months_in_residence, tariq.months_with_visits) == (2, 3)


# --- two contacts in the first 30 days ------------------------------------------------------------

@pytest.mark.parametrize("visits, now, state, contacts, days_left", [
    ([(11, 3), (11, 20)], (2026, 11, 21, 9), "met", 2, 10),
    ([(11, 3)], (2026, 11, 21, 9), "due", 1, 10),
    ([], (2026, 11, 30, 23), "due", 0, 1),           # placed 11/1: 11/30 is the 30th day, the last
    ([(11, 3)], (2026, 12, 1, 9), "missed", 1, None),
    ([(11, 3), (11, 30)], (2026, 12, 1, 9), None, 2, None),  # met on the last day; nothing left to show
    ([(11, 3), (12, 1)], (2026, 12, 2, 9), "missed", 1, None),  # a day late
    ([(10, 30), (11, 3)], (2026, 11, 21, 9), "due", 1, 10),   # a visit before the placement is not one of its
])
def test_new_placement_gets_two_contacts_within_thirty_days(store, agency, clock, visits, now, state, contacts,
                                                            days_left):
    at(clock, 2026, 10, 29, 12)
    for month, day in visits:
        if (month, day) < (11, 1):
            visit_on(store, agency, clock, local(2026, month, day, 10))
    place(store, clock, agency, on=date(2026, 11, 1))
    for month, day in visits:
        if (month, day) >= (11, 1):
            visit_on(store, agency, clock, local(2026, month, day, 10))
    at(clock, *now)
    jay = standing(store, "cw2", agency.jay)
    assert (jay.new_placement, jay.new_placement_contacts, jay.new_placement_days_left) == (state, contacts,
                                                                                           days_left)


# --- who is responsible ---------------------------------------------------------------------------

def test_case_worker_of_the_child_then_case_planner_then_case_manager(store, agency, clock):
    place(store, clock, agency, child=agency.jay, on=date(2026, 10, 1))
    store.staffing().place_child(agency.fss, agency.mia, date(2026, 10, 1))
    assert [(r.child_name, r.worker, r.worker_name) for r in store.as_user("cw2").visit_standards()] == [
        ("Jay Rivera", "cw2", "Cole Worker")]
    assert [(r.child_name, r.worker) for r in store.as_user("vaplanner").visit_standards()] == [
        ("Mia Rivera", "vaplanner")]
    assert store.as_user("cw").visit_standards() == []
    store.staffing().end_role(agency.fss, "vaplanner", "Case Planner")
    store.staffing().end_role(agency.fss, "cw2", "Case Worker")
    assert store.as_user("vaplanner").visit_standards() == []
    assert sorted((r.child_name, r.worker) for r in store.as_user("cw").visit_standards()) == [
        ("Jay Rivera", "cw"), ("Mia Rivera", "cw")]


# --- who sees what --------------------------------------------------------------------------------

def test_supervision_chain_sees_the_children_and_other_units_do_not(store, agency, clock):
    place(store, clock, agency, on=date(2026, 10, 1))
    store.staffing().place_child(agency.fss, agency.mia, date(2026, 10, 1))
    lan = _lan(store, agency)
    rivera = {agency.jay, agency.mia}
    for boss in ("supa", "director"):
        assert {r.person_id for r in store.as_user(boss).team_visit_standards()} == rivera
        assert store.as_user(boss).visit_standards() == []
    for outsider in ("cwb", "supb", "supcps", "cpsw", "clerk", "casa"):
        desk = store.as_user(outsider)
        assert desk.visit_standards() == [] and desk.team_visit_standards() == []
    store.staffing().place_child(agency.other_fss, lan, date(2026, 10, 1))
    assert [r.person_id for r in store.as_user("cwb").visit_standards()] == [lan]
    assert [r.person_id for r in store.as_user("supb").team_visit_standards()] == [lan]
    assert {r.person_id for r in store.as_user("supa").team_visit_standards()} == rivera
    assert {r.person_id for r in store.as_user("director").team_visit_standards()} == rivera | {lan}


# --- for reports: months since a day, per worker ---------------------------------------------------

def test_report_counts_months_since_a_day_once_per_child_across_a_move(store, agency, clock):
    first = place(store, clock, agency, on=date(2026, 7, 1))
    visit_on(store, agency, clock, local(2026, 8, 10, 10))
    at(clock, 2026, 9, 11, 12)
    store.staffing().end_placement(first, date(2026, 9, 10))
    second = store.staffing().place_child(agency.fss, agency.jay, date(2026, 9, 11), "Kinship home")
    visit_on(store, agency, clock, local(2026, 9, 5, 10))   # before the move, in September
    visit_on(store, agency, clock, local(2026, 10, 12, 10))
    at(clock, 2026, 11, 5, 12)
    with store.reading() as session:
        rows = visit_standings(session, store.policy, clock.now(), None, since=date(2026, 8, 15))
        mine = visit_standings(session, store.policy, clock.now(), {_id(store, "cw")}, since=date(2026, 8, 15))
    by_placement = {r.placement_id: r for r in rows if r.person_id == agency.jay}
    assert (by_placement[first].months_required, by_placement[first].months_visited) == (1, 1)  # August
    assert (by_placement[first].in_care, by_placement[first].at_risk) == (False, False)
    assert (by_placement[second].months_required, by_placement[second].months_visited) == (2, 2)  # Sep, Oct
    assert all(r.worker == "cw2" for r in by_placement.values()) and mine == []
    assert [r.placement_id for r in store.as_user("cw2").visit_standards()] == [second]


def test_child_of_a_closed_stage_is_no_longer_in_care(store, agency, clock):
    place(store, clock, agency, on=date(2026, 9, 1))
    at(clock, 2026, 10, 15, 12)
    # The store refuses to close a stage while a child is placed in it; an imported or older record
    # may still hold one (the triggers allow closing it once).
    with pytest.raises(InvalidStage, match="still placed"):
        store.as_user("cw").close_stage(agency.fss, "Services no longer necessary")
    _raw(store, "UPDATE stages SET closed_at = :at, close_reason = 'Services no longer necessary' WHERE id = :i",
         at=clock.now().strftime("%Y-%m-%d %H:%M:%S"), i=agency.fss)
    at(clock, 2026, 12, 3, 12)
    assert store.as_user("cw2").visit_standards() == []
    with store.reading() as session:
        rows = visit_standings(session, store.policy, clock.now(), None, since=date(2026, 1, 1))
    assert [(r.person_id, r.months_required, r.at_risk) for r in rows] == [(agency.jay, 2, False)]  # Sep, Oct


def _id(store, login) -> int:
    return store.as_user(login).worker_id
