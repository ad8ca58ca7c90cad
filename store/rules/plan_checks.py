"""Who drafts, sends, reviews and reads a case plan, and which moves its status makes (issue 19).

A plan is drafted by the family's Case Planner, or its Case Manager where there is no planner
(DOMAIN.md), in an open Family Services (FSS) or Child Care (CCR) stage, and by anyone above them in
the supervision chain; it is approved or returned by a supervisor above its drafter, with the notes'
review clock; approved, it is final, and a change is a new version. It is read by whoever reads the
family whole (a role in one of its stages, or supervising someone who has one): never by a child's
advocate nor by the clerk who enters notes. ``store/db/row_security_plans.py`` says the same to
PostgreSQL, and migration 0015's triggers hold the workflow for raw SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.errors import InvalidTransition, NoAccess
from store.db.models import Plan, RoleAssignment, Stage, Worker
from store.rules.access import CaseAccess, Reach, active_role_filter, case_access, chain_above, team_ids

PLAN_STAGES = ("FSS", "CCR")
EDITABLE = ("draft", "returned")
UNDER_REVIEW = ("submitted", "resubmitted")
# status → the statuses it may move to (the trigger of 0015 says the same).
MOVES = {"draft": ("submitted",), "submitted": ("approved", "returned"), "resubmitted": ("approved", "returned"),
         "returned": ("resubmitted",), "approved": ()}


def plan_keepers(session: Session, case_id: int, now: datetime) -> set[int]:
    """The family's plan drafters now: each open FSS/CCR stage's Case Planner, or its Case Manager where
    the stage has no planner."""
    return families_plan_keepers(session, now, case_ids={case_id}).get(case_id, set())


def families_plan_keepers(session: Session, now: datetime, *, case_ids: set[int] | None = None,
                          worker_ids: set[int] | None = None) -> dict[int, set[int]]:
    """``plan_keepers`` of many families at once, by case id: of ``case_ids``, or of the families whose
    plans one of ``worker_ids`` drafts."""
    query = (select(Stage.case_id, RoleAssignment.stage_id, RoleAssignment.role, RoleAssignment.worker_id)
             .join(Stage).where(Stage.closed_at.is_(None), Stage.type.in_(PLAN_STAGES), active_role_filter(now),
                                RoleAssignment.role.in_(("Case Planner", "Case Manager"))))
    if case_ids is not None:
        query = query.where(Stage.case_id.in_(case_ids))
    if worker_ids is not None:
        mine = select(Stage.case_id).join(RoleAssignment).where(RoleAssignment.worker_id.in_(worker_ids))
        query = query.where(Stage.case_id.in_(mine))
    rows = session.execute(query).all()
    planned = {stage for _, stage, role, _ in rows if role == "Case Planner"}
    keepers: dict[int, set[int]] = {}
    for case_id, stage, role, worker in rows:
        if role == "Case Planner" or stage not in planned:
            keepers.setdefault(case_id, set()).add(worker)
    if worker_ids is not None:
        keepers = {case_id: found for case_id, found in keepers.items() if found & worker_ids}
    return keepers


def check_may_read_plans(session: Session, user: Worker, case_id: int, now: datetime) -> CaseAccess:
    access = case_access(session, user, case_id, now)
    if access.reach is Reach.ADVOCATE:
        raise NoAccess("A child's advocate reads the child's approved notes, not the family's case plans.")
    if access.reach is Reach.ENTRY_CLERK:
        raise NoAccess("Entering notes for others does not open a family's case plans; the family's workers "
                       "read them.")
    return access


def check_may_draft(session: Session, user: Worker, case_id: int, now: datetime) -> None:
    keepers = plan_keepers(session, case_id, now)
    if not keepers:
        raise NoAccess("This family has no open Family Services or Child Care stage with a Case Planner or Case "
                       "Manager, so nobody drafts its plans now.")
    if not keepers & team_ids(session, user.id):
        raise NoAccess("A family's plans are written by its Case Planner (its Case Manager where there is none) "
                       "and those above them, and you are neither.")


def check_may_review_plan(session: Session, plan: Plan, user: Worker) -> None:
    drafter = session.get_one(Worker, plan.drafter_id)
    if user.id == drafter.id:
        raise NoAccess("You drafted this plan, so a supervisor above you approves or returns it.")
    if user not in chain_above(session, drafter):
        raise NoAccess(f"Only {drafter.name}'s supervisors approve or return this plan.")


def check_editable(plan: Plan) -> None:
    if plan.status == "approved":
        raise InvalidTransition("This plan is approved and final; start a new version of it to change it.")
    if plan.status in UNDER_REVIEW:
        raise InvalidTransition("This plan is waiting for its supervisor's review and cannot be changed now.")


def check_move(plan: Plan, to: str, doing: str) -> None:
    if to not in MOVES.get(plan.status, ()):
        raise InvalidTransition(f"A plan that is {plan.status} cannot be {doing}.")
