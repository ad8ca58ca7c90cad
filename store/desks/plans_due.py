"""Which case plans are due, and when: the family record the plan rules read (``family_record``) and
what each family and child needs next (``plans_due``) for My deadlines, the caseload and Timeliness.

A plan needed and never approved is due within the policy's initial window of the day the need began;
an approved one is reviewed within the policy's months of its approval (``store/rules/plan_due.py``),
with the approvals read from the plans table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.plan_results import CasePlanDue
from store.core.policy import Policy
from store.db.models import Worker
from store.db.unseen import case_exists
from store.core.errors import NotFound
from store.desks.base import DeskBase
from store.desks.plan_record import family_records, plan_approvals
from store.rules.access import readable_case_ids, team_ids
from store.rules.plan_checks import check_may_read_plans, families_plan_keepers
from store.rules.plan_due import plans_due
from store.rules.plan_need import FamilyRecord


class PlansDueDesk(DeskBase):
    def family_record(self, case_id: int) -> FamilyRecord:
        """The family's record as the plan rules read it today: its stages, children (with the goals of
        their approved plans), placements with their legal basis, and services to a parent."""
        case_id = arguments.record_id(case_id, "family")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            if not case_exists(session, case_id):
                raise NotFound(f"There is no family number {case_id}.")
            access = check_may_read_plans(session, user, case_id, now)
            record = family_records(session, {case_id}, self.policy, now)[case_id]
        self._audit_read(access, case_id, "plans", case_id)
        return record

    def plans_due(self, case_ids: list[int] | None = None) -> list[CasePlanDue]:
        """What each family's plans need next, soonest first: of the families whose plans I draft
        (``case_ids`` None: My deadlines), or of those of ``case_ids`` I read through a role or
        supervision (the caseload's; the others are left out)."""
        ids = None if case_ids is None else arguments.record_ids(case_ids, "family")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            if ids is None:
                keepers = families_plan_keepers(session, now, worker_ids={user.id})
            else:
                readable = set(ids) & readable_case_ids(session, user, now)
                found = families_plan_keepers(session, now, case_ids=readable)
                keepers = {case_id: found.get(case_id, set()) for case_id in readable}
            return case_plans_due(session, self.policy, now, keepers)

    def team_plans_due(self) -> list[CasePlanDue]:
        """For a supervisor or director: the plans due of the families drafted by those below me."""
        with self.db.reading() as session:
            now = self._now()
            below = team_ids(session, self.worker_id) - {self.worker_id}
            if not below:
                return []
            return case_plans_due(session, self.policy, now, families_plan_keepers(session, now, worker_ids=below))


def case_plans_due(session: Session, policy: Policy, now: datetime, keepers: dict[int, set[int]]) -> list[CasePlanDue]:
    """What the plans of the families of ``keepers`` (case id → who drafts its plans) need next, soonest
    first."""
    case_ids = set(keepers)
    records = family_records(session, case_ids, policy, now)
    approvals = plan_approvals(session, case_ids, policy, now)
    worker_ids = {worker for found in keepers.values() for worker in found}
    names = {worker: name for worker, name in session.execute(
        select(Worker.id, Worker.name).where(Worker.id.in_(worker_ids or {0})))}
    rows = [CasePlanDue(case_id, record.name, due.plan, due.child_id, due.subject, due.action, due.due_at,
                        due.counted_from, due.overdue, due.sentence,
                        tuple(sorted(names[w] for w in keepers[case_id] if w in names)))
            for case_id, record in records.items() for due in plans_due(record, approvals[case_id], now, policy)]
    return sorted(rows, key=lambda row: (row.due_at, row.family_name, row.case_id, row.child_id or 0))
