"""When case plans are due (issue 19): the first plan within 60 days of the case opening or a child's
entry into care, a new one after a later placement, a review 6 months after each approval; on the
casework clock (the end of the last day, agency time; calendar days, so a weekend or holiday does not
move it, as for notes counted in calendar days); the numbers from the policy file."""

from datetime import date, datetime

import pendulum
import pytest

from store import NotFound, Policy
from store.rules.plan_due import INITIAL, REVIEW, UPDATE, PlanApprovals, initial_due, plans_due, review_due
from store.rules.plan_need import (CHILD, COMMITTED_AT_HOME, COURT_ORDER, FAMILY, CarePeriod, CaseStage,
                                   FamilyRecord, PlannedChild)

D = date.fromisoformat
ANA, LEO = 10, 11


@pytest.fixture(scope="module")
def ny():
    return Policy.defaults()


def local(text: str) -> datetime:
    return pendulum.parse(text, tz="America/New_York").in_timezone("UTC")


def rivera(*placements: CarePeriod, opened="2026-01-05", closed=None) -> FamilyRecord:
    return FamilyRecord("Rivera", (CaseStage(1, "FSS", D(opened), D(closed) if closed else None, subtype="CWS"),),
                        (PlannedChild(ANA, "Ana Rivera", D("2012-03-01")), PlannedChild(LEO, "Leo Rivera",
                                                                                      D("2020-02-29"))),
                        placements)


def ana_placed(starts: str, ends: str | None = None, basis=COURT_ORDER, setting="Foster home") -> CarePeriod:
    return CarePeriod(ANA, D(starts), D(ends) if ends else None, setting, basis)


# (what the row shows, start day, initial due: the end of that day, agency time)
INITIAL_DUE = [
    ("60 days after 5 January", "2026-01-05", "2026-03-06 23:59:59"),
    ("a Saturday stays a Saturday (calendar days)", "2026-01-06", "2026-03-07 23:59:59"),
    ("Independence Day observed stays (calendar days)", "2026-05-04", "2026-07-03 23:59:59"),
    ("over the spring DST change, still the end of the day", "2026-02-01", "2026-04-02 23:59:59"),
    ("into a leap day", "2027-12-31", "2028-02-29 23:59:59"),
]


@pytest.mark.parametrize("start, due", [row[1:] for row in INITIAL_DUE], ids=[row[0] for row in INITIAL_DUE])
def test_first_plan_due_at_the_end_of_day_60(ny, start, due):
    assert initial_due(D(start), ny) == local(due)


@pytest.mark.parametrize("approved, due", [
    ("2026-02-20", "2026-08-20 23:59:59"),
    ("2026-08-31", "2027-02-28 23:59:59"),  # no 31 February: the month's last day
    ("2027-08-31", "2028-02-29 23:59:59"),
    ("2026-05-02", "2026-11-02 23:59:59"),  # across the autumn DST change
])
def test_review_due_six_months_after_approval(ny, approved, due):
    assert review_due(D(approved), ny) == local(due)


def test_an_open_case_owes_a_family_plan_from_its_opening(ny):
    dues = plans_due(rivera(), PlanApprovals(), local("2026-02-01 09:00"), ny)
    assert [(d.plan, d.action, d.due_at, d.overdue) for d in dues] == [
        (FAMILY, INITIAL, local("2026-03-06 23:59:59"), False)]
    assert dues[0].sentence == ("The Rivera family's family plan is due by 03/06/2026, 60 days after the FSS-CWS stage "
                                "opened on 01/05/2026; none has been approved yet.")


def test_overdue_only_after_the_last_instant(ny):
    on_time = plans_due(rivera(), PlanApprovals(), local("2026-03-06 23:59:59"), ny)[0]
    late = plans_due(rivera(), PlanApprovals(), local("2026-03-07 00:00:01"), ny)[0]
    assert (on_time.overdue, late.overdue) == (False, True)
    assert late.sentence.endswith("It is overdue.") and not on_time.sentence.endswith("overdue.")


def test_a_placed_child_owes_a_plan_from_entering_care_and_the_family_an_update(ny):
    record = rivera(ana_placed("2026-04-10"))
    dues = plans_due(record, PlanApprovals(family=(D("2026-02-01"),)), local("2026-04-20 09:00"), ny)
    assert [(d.plan, d.child_id, d.action, d.due_at, d.counted_from) for d in dues] == [
        (FAMILY, None, UPDATE, local("2026-06-09 23:59:59"), D("2026-04-10")),
        (CHILD, ANA, INITIAL, local("2026-06-09 23:59:59"), D("2026-04-10"))]
    assert dues[0].sentence == ("The Rivera family's family plan needs a new approved version by 06/09/2026, 60 days "
                                "after Ana Rivera entered out-of-home care on 04/10/2026, which came after its last "
                                "approval.")
    assert dues[1].sentence.startswith("Ana Rivera's child-in-placement plan is due by 06/09/2026, 60 days after Ana "
                                       "Rivera entered out-of-home care on 04/10/2026")


def test_the_review_comes_first_when_it_is_sooner(ny):
    record = rivera(ana_placed("2026-07-25"))
    dues = plans_due(record, PlanApprovals(family=(D("2026-02-01"),)), local("2026-07-26 09:00"), ny)
    family = next(d for d in dues if d.plan == FAMILY)
    assert (family.action, family.due_at) == (REVIEW, local("2026-08-01 23:59:59"))
    assert family.sentence == ("The Rivera family's family plan is due for review by 08/01/2026, 6 months after it was "
                               "last approved on 02/01/2026.")


def test_approved_plans_move_the_clock_to_the_next_review(ny):
    record = rivera(ana_placed("2026-02-01", "2026-03-15", basis="voluntary placement agreement"),
                    ana_placed("2026-03-16"))
    approvals = PlanApprovals(family=(D("2026-02-20"), D("2026-08-10")), children={ANA: (D("2026-03-20"),)})
    dues = plans_due(record, approvals, local("2026-09-01 09:00"), ny)
    assert [(d.plan, d.action, d.due_at, d.overdue) for d in dues] == [
        (CHILD, REVIEW, local("2026-09-20 23:59:59"), False),
        (FAMILY, REVIEW, local("2027-02-10 23:59:59"), False)]  # the change of legal basis is no new placement


def test_approvals_before_the_need_began_count_for_nothing(ny):
    record = FamilyRecord("Rivera", (CaseStage(1, "FSS", D("2024-01-05"), D("2025-06-30"), subtype="CWS"),
                                     CaseStage(3, "FSS", D("2026-01-05"), subtype="CWS")),
                          (PlannedChild(ANA, "Ana Rivera", D("2012-03-01")),))
    dues = plans_due(record, PlanApprovals(family=(D("2024-02-01"), D("2025-01-15"))), local("2026-03-10 09:00"), ny)
    assert [(d.action, d.due_at, d.overdue) for d in dues] == [(INITIAL, local("2026-03-06 23:59:59"), True)]


def test_a_child_committed_at_home_owes_a_plan_from_the_commitment(ny):
    record = rivera(ana_placed("2026-05-01", basis=COMMITTED_AT_HOME, setting="Mother's home"))
    child = next(d for d in plans_due(record, PlanApprovals(family=(D("2026-02-01"),)), local("2026-05-02 09:00"), ny)
                 if d.plan == CHILD)
    assert (child.action, child.due_at) == (INITIAL, local("2026-06-30 23:59:59"))
    assert "committed to the agency at home on 05/01/2026" in child.sentence


def test_returned_home_and_case_closed_nothing_is_due(ny):
    record = rivera(ana_placed("2026-02-01", "2026-08-31"), closed="2026-09-15")
    assert plans_due(record, PlanApprovals(), local("2026-10-01 09:00"), ny) == ()


def test_the_agency_sets_the_plan_clock(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[plans]\ninitial_within_days = 30\nreview_every_months = 3\n")
    agency = Policy.load(path)
    record = rivera(ana_placed("2026-04-10"))
    dues = plans_due(record, PlanApprovals(family=(D("2026-04-01"),)), local("2026-04-20 09:00"), agency)
    assert [(d.plan, d.action, d.due_at) for d in dues] == [
        (FAMILY, UPDATE, local("2026-05-10 23:59:59")), (CHILD, INITIAL, local("2026-05-10 23:59:59"))]
    dues = plans_due(record, PlanApprovals(family=(D("2026-04-15"),), children={ANA: (D("2026-04-15"),)}),
                     local("2026-04-20 09:00"), agency)
    assert {(d.action, d.due_at) for d in dues} == {(REVIEW, local("2026-07-15 23:59:59"))}
    assert "3 months after it was last approved on 04/15/2026" in dues[0].sentence


def test_the_agencys_own_time_zone_sets_the_end_of_the_day(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('[agency]\ntime_zone = "America/Los_Angeles"\nholiday_subdivision = "CA"\n')
    west = Policy.load(path)
    assert initial_due(D("2026-01-05"), west) == pendulum.parse("2026-03-06 23:59:59", tz="America/Los_Angeles")


def test_only_an_entry_into_care_starts_the_clock_again(ny):
    # a CCR opened in the open case, a move to a kinship home and an 18th birthday in care: the reviews cover them
    record = FamilyRecord("Rivera", (CaseStage(1, "FSS", D("2026-01-05"), subtype="CWS"), CaseStage(2, "CCR",
                                                                                             D("2026-05-01"))),
                          (PlannedChild(ANA, "Ana Rivera", D("2008-04-15")),),
                          (ana_placed("2026-02-01", "2026-03-31"), ana_placed("2026-04-01", setting="Kinship home")))
    approvals = PlanApprovals(family=(D("2026-02-10"),), children={ANA: (D("2026-02-10"),)})
    dues = plans_due(record, approvals, local("2026-05-20 09:00"), ny)
    assert {(d.plan, d.action, d.due_at) for d in dues} == {(FAMILY, REVIEW, local("2026-08-10 23:59:59")),
                                                           (CHILD, REVIEW, local("2026-08-10 23:59:59"))}


def test_a_youth_home_after_care_owes_a_plan_from_turning_18(ny):
    record = FamilyRecord("Rivera", (CaseStage(1, "FSS", D("2025-01-05"), subtype="CWS"),),
                          (PlannedChild(ANA, "Ana Rivera", D("2008-06-01")),),
                          (ana_placed("2025-02-01", "2025-12-31"),))
    dues = plans_due(record, PlanApprovals(family=(D("2026-05-01"),), children={ANA: (D("2025-03-01"),)}),
                     local("2026-06-02 09:00"), ny)
    child = next(d for d in dues if d.plan == CHILD)
    assert (child.action, child.counted_from, child.due_at) == (INITIAL, D("2026-06-01"), local("2026-07-31 23:59:59"))
    assert "60 days after Ana Rivera turned 18 on 06/01/2026" in child.sentence


def test_a_child_the_family_does_not_have_is_named(ny):
    with pytest.raises(NotFound, match="The Rivera family has no child with the id 99"):
        rivera().child(99)
