"""Case plans in the Timeliness report (issue 19): per drafter, the plans approved in the period and how
many of them were approved in time, and the plans of the families they draft that are overdue now.

A plan was approved in time when its approval came by the due date the plan rules gave at that moment
(``plan_due``: the first plan within the initial window of the need, a new one after an entry into care,
a review within the months of the approval before), counting only the approvals before it; a plan
approved while none was due (an early review, a plan nobody needed yet) is in time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.policy import Policy
from store.db.models import Plan
from store.desks.plan_record import family_records
from store.desks.plans_due import case_plans_due
from store.rules.obligations import is_overdue
from store.rules.plan_checks import families_plan_keepers
from store.rules.plan_due import plan_due
from store.rules.plan_need import plans_needed


@dataclass
class PlanFigures:
    approved: int = 0  # plans the worker drafted that were approved in the period
    on_time: int = 0  # of those, approved by their due date
    overdue: int = 0  # plans of the families the worker drafts that are overdue now


@dataclass
class _Approval:
    case_id: int
    child_id: int | None
    drafter_id: int
    at: datetime


def plan_figures(session: Session, policy: Policy, worker_ids: set[int], since: datetime,
                 now: datetime) -> dict[int, PlanFigures]:
    figures: defaultdict[int, PlanFigures] = defaultdict(PlanFigures)
    if not worker_ids:
        return figures
    approved = [_Approval(case_id, child_id, drafter_id, at) for case_id, child_id, drafter_id, at in session.execute(
        select(Plan.case_id, Plan.child_id, Plan.drafter_id, Plan.approved_at).where(
            Plan.drafter_id.in_(worker_ids), Plan.status == "approved", Plan.approved_at >= since,
            Plan.approved_at <= now)) if at is not None]
    case_ids = {a.case_id for a in approved}
    records = family_records(session, case_ids, policy, now)
    history: defaultdict[tuple[int, int | None], list[datetime]] = defaultdict(list)
    if case_ids:
        for case_id, child_id, at in session.execute(select(Plan.case_id, Plan.child_id, Plan.approved_at).where(
                Plan.case_id.in_(case_ids), Plan.status == "approved", Plan.approved_at <= now)):
            if at is not None:
                history[(case_id, child_id)].append(at)
    for approval in approved:
        record = records.get(approval.case_id)
        day = policy.calendar.local_day(approval.at)
        earlier = tuple(policy.calendar.local_day(at) for at in history[(approval.case_id, approval.child_id)]
                        if at < approval.at)
        need = None if record is None else next(
            (n for n in plans_needed(record, day) if n.child_id == approval.child_id), None)
        due = None if need is None or record is None else plan_due(need, record, earlier, approval.at, policy)
        figures[approval.drafter_id].approved += 1
        figures[approval.drafter_id].on_time += due is None or not is_overdue(due.due_at, approval.at)
    keepers = families_plan_keepers(session, now, worker_ids=worker_ids)
    for row in case_plans_due(session, policy, now, keepers):
        if row.overdue:
            for worker_id in keepers[row.case_id] & worker_ids:
                figures[worker_id].overdue += 1
    return figures
