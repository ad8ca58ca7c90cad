"""Which plans are due for a worker's families, on the frozen clock (issue 19): a plan needed and never
approved is due 60 days after the case opened or the child entered care, overdue the day after; an
approved plan is reviewed 6 months after its approval; the approvals are the plans table's."""

from __future__ import annotations

from datetime import date, datetime

import pendulum

from store.rules.plan_need import COURT_ORDER

OPENED = date(2026, 3, 2)  # T0 in New York


def ny(text: str) -> datetime:
    return pendulum.parse(text, tz="America/New_York").in_timezone("UTC")


def rows(desk, **kwargs):
    return [(r.family_name, r.subject, r.action, r.due_at, r.overdue) for r in desk.plans_due(**kwargs)]


def approve(store, case, child=None, goal="Reunification with the mother."):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(case, child)
    plan = planner.save_plan_section(plan.id, "permanency_goal" if child else "family_goals", goal, plan.version)
    return store.as_user("supa").approve_plan(planner.submit_plan(plan.id).id)


def test_the_first_plans_are_due_60_days_after_opening_and_placement(store, agency, clock):
    store.as_user("cw").place_child(agency.fss, agency.jay, OPENED, basis=COURT_ORDER)
    planner = store.as_user("vaplanner")
    due = ny("2026-05-01 23:59:59")
    assert rows(planner) == [("Rivera", "the Rivera family", "initial", due, False),
                             ("Rivera", "Jay Rivera", "initial", due, False)]
    [family, jay] = planner.plans_due()
    assert family.sentence == ("The Rivera family's family plan is due by 05/01/2026, 60 days after Jay Rivera "
                               "entered out-of-home care on 03/02/2026; none has been approved yet.")
    assert (family.what, jay.what, family.drafters) == ("Write the family plan", "Write the child's plan",
                                                         ("Vic Planner",))
    assert rows(store.as_user("cw")) == []  # the Case Planner drafts this family's plans, not the Case Manager
    assert rows(store.as_user("cwb")) == [("Nguyen", "the Nguyen family", "initial", due, False)]
    clock.set(ny("2026-05-01 23:59:59"))
    assert [r.overdue for r in planner.plans_due()] == [False, False]
    clock.set(ny("2026-05-02 00:00:00"))
    assert [r.overdue for r in planner.plans_due()] == [True, True]
    assert planner.plans_due()[0].sentence.endswith("It is overdue.")


def test_an_approved_plan_is_reviewed_six_months_after_its_approval(store, agency, clock):
    clock.set(ny("2026-04-10 11:00"))
    approve(store, agency.case)
    planner = store.as_user("vaplanner")
    assert rows(planner) == [("Rivera", "the Rivera family", "review", ny("2026-10-10 23:59:59"), False)]
    clock.set(ny("2026-10-11 08:00"))
    assert rows(planner) == [("Rivera", "the Rivera family", "review", ny("2026-10-10 23:59:59"), True)]


def test_a_placement_after_the_approval_needs_a_new_plan(store, agency, clock):
    clock.set(ny("2026-04-10 11:00"))
    approve(store, agency.case)
    clock.set(ny("2026-04-20 11:00"))
    store.as_user("cw").place_child(agency.fss, agency.jay, date(2026, 4, 20), basis=COURT_ORDER)
    assert rows(store.as_user("vaplanner")) == [
        ("Rivera", "the Rivera family", "update", ny("2026-06-19 23:59:59"), False),
        ("Rivera", "Jay Rivera", "initial", ny("2026-06-19 23:59:59"), False)]


def test_the_caseload_asks_for_its_families(store, agency, clock):
    clock.set(ny("2026-05-05 09:00"))
    supa = store.as_user("supa")
    assert rows(supa, case_ids=[agency.case, agency.other_case]) == [  # Nguyen's is another unit's
        ("Rivera", "the Rivera family", "initial", ny("2026-05-01 23:59:59"), True)]
    assert [r.family_name for r in supa.team_plans_due()] == ["Rivera"]
    assert [r.family_name for r in store.as_user("director").team_plans_due()] == ["Nguyen", "Rivera"]
    assert store.as_user("cw2").plans_due() == []  # a Case Worker drafts no plans


def test_timeliness_counts_plans_approved_on_time_and_late_and_overdue_now(store, agency, clock):
    store.as_user("cw").place_child(agency.fss, agency.jay, OPENED, basis=COURT_ORDER)
    clock.set(ny("2026-04-10 11:00"))
    approve(store, agency.case)  # the family plan, due 05/01: in time
    clock.set(ny("2026-05-05 11:00"))
    approve(store, agency.case, agency.jay)  # Jay's, due 05/01: late
    planner = next(w for u in store.as_user("supa").timeliness(days=90).units for w in u.workers
                   if w.login == "vaplanner")
    assert (planner.plans_approved, planner.plans_on_time, planner.plans_overdue) == (2, 1, 0)
    assert planner.plans_on_time_percent == 50
    [unit_b] = store.as_user("supb").timeliness(days=90).units
    [bo] = unit_b.workers
    assert (bo.login, bo.plans_approved, bo.plans_overdue) == ("cwb", 0, 1)  # the Nguyen family's, due 05/01
    assert unit_b.total.plans_overdue == 1
