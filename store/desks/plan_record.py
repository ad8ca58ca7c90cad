"""The record as the case-plan rules read it (``plan_need.FamilyRecord``) and the days each plan was
approved (``plan_due.PlanApprovals``), for many families in a few queries (the caseload asks for all
of its families at once).

- the family's stages, by their days in the agency's zone (a stage closed on a day is open until it);
- its children (persons marked a child), oldest id first, with the permanency goals of each child's
  latest approved plan (``plan_goals``: read from its "Permanency goal" section; none without one);
- its placements with their legal basis (None where the record does not say yet; a child committed to
  the agency at home is a placement at home on that basis);
- services beyond visitation to a parent: said by one of the family's open FSS or CCR stages today.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.policy import Policy
from store.db.models import Case, Person, Placement, Plan, PlanSectionText, Stage
from store.rules.plan_due import PlanApprovals
from store.rules.plan_goals import GOAL_SECTION, goals_in
from store.rules.plan_need import CarePeriod, CaseStage, FamilyRecord, PlannedChild


def family_records(session: Session, case_ids: set[int], policy: Policy, now: datetime) -> dict[int, FamilyRecord]:
    """Each family's record as the plan rules read it on ``now``, by case id."""
    if not case_ids:
        return {}
    day = policy.calendar.local_day
    today = day(now)
    names = {case_id: name for case_id, name in session.execute(
        select(Case.id, Case.family_name).where(Case.id.in_(case_ids)))}
    stages: defaultdict[int, list[CaseStage]] = defaultdict(list)
    services: set[int] = set()
    for s in session.scalars(select(Stage).where(Stage.case_id.in_(case_ids), Stage.opened_at <= now)
                             .order_by(Stage.opened_at, Stage.id)):
        stage = CaseStage(s.id, s.type, day(s.opened_at), day(s.closed_at) if s.closed_at else None, s.subtype,
                          bool(s.administrative))
        stages[s.case_id].append(stage)
        if s.parent_services and stage.makes_a_case and stage.is_open_on(today):
            services.add(s.case_id)
    goals = _goals(session, case_ids)
    children: defaultdict[int, list[PlannedChild]] = defaultdict(list)
    for p in session.scalars(select(Person).where(Person.case_id.in_(case_ids), Person.is_child).order_by(Person.id)):
        children[p.case_id].append(PlannedChild(p.id, p.full_name, p.birth_date, *goals.get(p.id, (None, None))))
    periods: defaultdict[int, list[CarePeriod]] = defaultdict(list)
    for placement, case_id in session.execute(
            select(Placement, Person.case_id).join(Person, Person.id == Placement.person_id)
            .where(Person.case_id.in_(case_ids), Placement.starts_on <= today)
            .order_by(Placement.starts_on, Placement.id)):
        periods[case_id].append(CarePeriod(placement.person_id, placement.starts_on, placement.ends_on,
                                           placement.setting, placement.basis))
    return {case_id: FamilyRecord(names[case_id], tuple(stages[case_id]), tuple(children[case_id]),
                                  tuple(periods[case_id]), case_id in services)
            for case_id in sorted(case_ids) if case_id in names}


def plan_approvals(session: Session, case_ids: set[int], policy: Policy, now: datetime) -> dict[int, PlanApprovals]:
    """The days (agency zone) each family's plan and each child's plan were approved, by case id."""
    family: defaultdict[int, list[date]] = defaultdict(list)
    children: defaultdict[int, defaultdict[int, list[date]]] = defaultdict(lambda: defaultdict(list))
    if case_ids:
        for case_id, child_id, approved_at in session.execute(
                select(Plan.case_id, Plan.child_id, Plan.approved_at).where(
                    Plan.case_id.in_(case_ids), Plan.status == "approved", Plan.approved_at <= now)
                .order_by(Plan.approved_at)):
            if approved_at is None:  # an approved plan has its approval time (0015's trigger)
                continue
            approved_on = policy.calendar.local_day(approved_at)
            (family[case_id] if child_id is None else children[case_id][child_id]).append(approved_on)
    return {case_id: PlanApprovals(tuple(family[case_id]),
                                   {child: tuple(days) for child, days in children[case_id].items()})
            for case_id in case_ids}


def _goals(session: Session, case_ids: set[int]) -> dict[int, tuple[str | None, str | None]]:
    """Each child's goals from the goal section of their latest approved plan (the highest version)."""
    latest: dict[int, str | None] = {}
    for child_id, text in session.execute(
            select(Plan.child_id, PlanSectionText.text)
            .outerjoin(PlanSectionText, (PlanSectionText.plan_id == Plan.id) & (PlanSectionText.key == GOAL_SECTION))
            .where(Plan.case_id.in_(case_ids), Plan.child_id.is_not(None), Plan.status == "approved")
            .order_by(Plan.child_id, Plan.plan_version)):
        if child_id is not None:
            latest[child_id] = text  # the higher version comes later
    return {child_id: goals_in(text) for child_id, text in latest.items()}
