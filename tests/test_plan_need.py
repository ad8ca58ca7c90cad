"""Which families and children need which case plan (issue 19's case-planning policy), as a table:
around the birthdays that matter (13, 16, 18; the day before, the day, the day after; 29 February),
placements starting and ending, and changes of a placement's legal basis. Pure rules, no database."""

from datetime import date

import pytest

from store import InvalidStage
from store.rules.plan_need import (CHILD, COMMITTED_AT_HOME, COURT_ORDER, FAMILY, VOLUNTARY, VPA, CarePeriod,
                                   CaseStage, FamilyRecord, PlannedChild, care_entered_on, child_plan_need,
                                   family_plan_need, plans_needed)

D = date.fromisoformat
FSS = CaseStage(1, "FSS", D("2026-01-05"), subtype="CWS")
FSS_CLOSED = CaseStage(1, "FSS", D("2026-01-05"), D("2026-09-30"), subtype="CWS")
INV = CaseStage(2, "INV", D("2025-12-01"))
ANA = 10  # the child every row asks about


def family(*placements: CarePeriod, stages=(FSS,), born="2012-03-01", goal=None, concurrent=None,
           services=False) -> FamilyRecord:
    child = PlannedChild(ANA, "Ana Rivera", D(born) if born else None, goal, concurrent)
    return FamilyRecord("Rivera", tuple(stages), (child,), tuple(placements), services)


def placed(starts: str, ends: str | None = None, basis: str | None = COURT_ORDER, setting="Foster home") -> CarePeriod:
    return CarePeriod(ANA, D(starts), D(ends) if ends else None, setting, basis)


# (what the row shows, the family, the day asked, child plan needed, words of its reason)
CHILD_ROWS = [
    ("a child at home, not committed: no plan", family(), "2026-06-01", False, "lives at home"),
    ("in foster care by court order", family(placed("2026-02-01")), "2026-06-01", True, "by court order"),
    ("in foster care under a voluntary placement agreement", family(placed("2026-02-01", basis=VPA)),
     "2026-06-01", True, "under a voluntary placement agreement"),
    ("placed voluntarily", family(placed("2026-02-01", basis=VOLUNTARY)), "2026-06-01", True, "placed voluntarily"),
    ("legal basis not recorded yet: still a plan", family(placed("2026-02-01", basis=None)), "2026-06-01", True,
     "does not say yet on what legal basis"),
    ("committed to the agency but at home", family(placed("2026-02-01", basis=COMMITTED_AT_HOME, setting="Home")),
     "2026-06-01", True, "committed to the agency"),
    ("the day before the placement starts", family(placed("2026-02-01")), "2026-01-31", False, "lives at home"),
    ("the placement's first day", family(placed("2026-02-01")), "2026-02-01", True, "out-of-home care"),
    ("the placement's last day is counted in care", family(placed("2026-02-01", "2026-05-31")), "2026-05-31", True,
     "out-of-home care"),
    ("the day after the placement ended (a 15-year-old)", family(placed("2026-02-01", "2026-05-31"), born="2011-01-01"),
     "2026-06-01", False, "lives at home"),
    ("court order ends, committed at home the next day",
     family(placed("2026-02-01", "2026-04-30"), placed("2026-05-01", basis=COMMITTED_AT_HOME, setting="Home")),
     "2026-05-01", True, "committed to the agency since 05/01/2026"),
    ("VPA turns into a court order: one stay in care, from its first day",
     family(placed("2026-02-01", "2026-03-15", basis=VPA), placed("2026-03-16")), "2026-04-01", True,
     "since 02/01/2026), by court order"),
    # a youth 18 or older: kept while the case is open, if the youth was in care
    ("17, the day before turning 18, home after care", family(placed("2024-01-01", "2025-12-31"), born="2008-06-01"),
     "2026-05-31", False, "lives at home"),
    ("turns 18 that day, home after care, case open", family(placed("2024-01-01", "2025-12-31"), born="2008-06-01"),
     "2026-06-01", True, "is 18 (born 06/01/2008)"),
    ("18 and a day", family(placed("2024-01-01", "2025-12-31"), born="2008-06-01"), "2026-06-02", True,
     "a youth 18 or older"),
    ("18 but never in care", family(born="2008-06-01"), "2026-06-02", False, "was never in the agency's care"),
    ("18, home after care, case closed", family(placed("2024-01-01", "2025-12-31"), stages=(FSS_CLOSED,),
                                                born="2008-06-01"), "2026-10-01", False, "case is closed"),
    ("18 in care: both reasons", family(placed("2026-02-01"), born="2008-06-01"), "2026-06-01", True,
     "out-of-home care"),
    ("born 29 Feb 2008: still 17 on 28 Feb 2026", family(placed("2024-01-01", "2025-12-31"), born="2008-02-29"),
     "2026-02-28", False, "lives at home"),
    ("born 29 Feb 2008: 18 on 1 March 2026", family(placed("2024-01-01", "2025-12-31"), born="2008-02-29"),
     "2026-03-01", True, "is 18 (born 02/29/2008)"),
    ("born 29 Feb 2012: still 17 on 28 Feb 2030", family(placed("2024-01-01", "2025-12-31"), born="2012-02-29",
                                                        stages=(CaseStage(1, "FSS", D("2024-01-01"), subtype="CWS"),)),
     "2030-02-28", False, "lives at home"),
    ("no birth date, home after care", family(placed("2024-01-01", "2025-12-31"), born=None), "2026-06-01", False,
     "the record has no birth date"),
    # 13 and 16 change what a plan holds, not whether one is needed
    ("turns 13 at home: still no plan", family(born="2013-06-01"), "2026-06-01", False, "lives at home"),
    ("turns 16 in care: the plan goes on", family(placed("2026-02-01"), born="2010-06-01"), "2026-06-01", True,
     "out-of-home care"),
]


@pytest.mark.parametrize("record, day, needed, words", [row[1:] for row in CHILD_ROWS],
                         ids=[row[0] for row in CHILD_ROWS])
def test_which_children_need_a_child_in_placement_plan(record, day, needed, words):
    need = child_plan_need(record, ANA, D(day))
    assert (need.plan, need.child_id, need.needed) == (CHILD, ANA, needed)
    assert words in need.reason
    assert (need.since is not None) == needed


FAMILY_ROWS = [
    ("an open case", family(), "2026-06-01", True, "case is open (FSS-CWS since 01/05/2026)"),
    ("only an investigation: no case yet", family(stages=(INV,)), "2026-01-01", False, "no open case"),
    ("the case closed, nobody placed", family(stages=(FSS_CLOSED,)), "2026-10-01", False, "no open case"),
    ("closed on its closing day", family(stages=(FSS_CLOSED,)), "2026-09-30", False, "no open case"),
    ("an administrative stage is not a case", family(stages=(CaseStage(1, "FSS", D("2026-01-05"), subtype="CWS",
                                                                       administrative=True),)), "2026-06-01", False,
     "no open case"),
    ("ADVPO is kept outside the state record", family(stages=(CaseStage(1, "FSS", D("2026-01-05"), subtype="ADVPO"),)),
     "2026-06-01", False, "no open case"),
    ("case closed, child placed with reunification as the goal",
     family(placed("2026-02-01"), stages=(FSS_CLOSED,), goal="reunification"), "2026-10-01", True,
     "reunification as the permanency goal"),
    ("case closed, reunification the concurrent goal",
     family(placed("2026-02-01"), stages=(FSS_CLOSED,), goal="adoption", concurrent="reunification"), "2026-10-01",
     True, "reunification as the concurrent goal"),
    ("case closed, child placed, adoption the only goal",
     family(placed("2026-02-01"), stages=(FSS_CLOSED,), goal="adoption"), "2026-10-01", False, "no open case"),
    ("case closed, child placed, services to a parent beyond visitation",
     family(placed("2026-02-01"), stages=(FSS_CLOSED,), goal="adoption", services=True), "2026-10-01", True,
     "services beyond visitation"),
    ("committed at home is not in placement",
     family(placed("2026-02-01", basis=COMMITTED_AT_HOME, setting="Home"), stages=(FSS_CLOSED,),
            goal="reunification", services=True), "2026-10-01", False, "no open case"),
    ("the placement ended: the goal no longer counts",
     family(placed("2026-02-01", "2026-09-30"), stages=(FSS_CLOSED,), goal="reunification"), "2026-10-01", False,
     "no open case"),
]


@pytest.mark.parametrize("record, day, needed, words", [row[1:] for row in FAMILY_ROWS],
                         ids=[row[0] for row in FAMILY_ROWS])
def test_which_families_need_a_family_plan(record, day, needed, words):
    need = family_plan_need(record, D(day))
    assert (need.plan, need.child_id, need.needed) == (FAMILY, None, needed)
    assert words in need.reason


def test_every_rule_that_applies_is_a_reason():
    need = family_plan_need(family(placed("2026-02-01"), goal="reunification", services=True), D("2026-06-01"))
    assert len(need.reasons) == 3
    assert need.reason.startswith("The Rivera family's case is open")


def test_a_need_runs_from_the_day_it_began():
    # the family: from the case opening; the child: from the stay in care's first day, across a change of basis
    record = family(placed("2026-02-01", "2026-03-15", basis=VPA), placed("2026-03-16"))
    assert family_plan_need(record, D("2026-06-01")).since == D("2026-01-05")
    assert child_plan_need(record, ANA, D("2026-06-01")).since == D("2026-02-01")
    # home for a week, then back in care: a new stay, a new need
    record = family(placed("2026-02-01", "2026-03-01"), placed("2026-03-09"))
    assert child_plan_need(record, ANA, D("2026-06-01")).since == D("2026-03-09")
    assert care_entered_on(record, ANA, D("2026-06-01")) == D("2026-03-09")
    # in care, then 18 at home with the case open: one need, from the first day in care
    record = family(placed("2026-02-01", "2026-05-31"), born="2008-06-01")
    assert child_plan_need(record, ANA, D("2026-07-01")).since == D("2026-02-01")


def test_every_child_has_a_decision():
    record = FamilyRecord("Rivera", (FSS,), (PlannedChild(1, "Ana Rivera", D("2012-03-01")),
                                             PlannedChild(2, "Leo Rivera", D("2020-02-29"))),
                          (CarePeriod(1, D("2026-02-01"), None, "Foster home", COURT_ORDER),))
    needs = plans_needed(record, D("2026-06-01"))
    assert [(n.plan, n.child_id, n.needed) for n in needs] == [(FAMILY, None, True), (CHILD, 1, True),
                                                                (CHILD, 2, False)]


def test_a_placement_on_a_basis_the_policy_does_not_know_is_refused():
    with pytest.raises(InvalidStage, match="'kinship care' is not a legal basis of a placement; the bases are "
                                           "voluntary placement agreement, court order"):
        placed("2026-02-01", basis="kinship care")


def test_a_youth_of_18_in_care_has_both_reasons():
    need = child_plan_need(family(placed("2026-02-01"), born="2008-06-01"), ANA, D("2026-06-01"))
    assert len(need.reasons) == 2 and need.since == D("2026-02-01")
