"""Plan coverage (issue 19): for a child, each element of their current approved plan and of the
family's, the last counted note that discussed it and whether it has gone undiscussed too long; for a
supervisor, the same counted for every child of the unit's caseload. The rule is
``store/rules/plan_coverage.py``; the window is the policy's ``[plans] coverage_window_days``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.coverage_results import ChildCoverage, ElementCoverage, UnitCoverageRow
from store.core.errors import NotFound
from store.db.models import Case, Note, NotePlanElement, Person, Plan, RoleAssignment, Stage, Worker
from store.desks.base import DeskBase
from store.desks.plans import plan_keys_of
from store.rules.access import active_role_filter, team_ids
from store.rules.plan_checks import check_may_read_plans
from store.rules.plan_coverage import COUNTED_STATUSES, Discussion, element_coverage


class PlanCoverageDesk(DeskBase):
    def plan_coverage(self, child_id: int) -> ChildCoverage:
        """Each element of the child's current approved plan, then of the family's current approved plan,
        with the last submitted or approved note that discussed it; flagged past the policy's window."""
        child_id = arguments.record_id(child_id, "child")
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            child = session.get(Person, child_id)
            if child is None or not child.is_child:
                raise NotFound(f"There is no child number {child_id}.")
            access = check_may_read_plans(session, user, child.case_id, now)
            coverage = self._coverage(session, child, now)
        self._audit_read(access, child.case_id, "plan coverage", child_id)
        return coverage

    def family_coverage(self, case_id: int) -> list[ChildCoverage]:
        """``plan_coverage`` of each child of the family, in the order they were recorded."""
        case_id = arguments.record_id(case_id, "family")
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            access = check_may_read_plans(session, user, case_id, now)
            children = session.scalars(select(Person).where(Person.case_id == case_id, Person.is_child)
                                       .order_by(Person.id))
            coverage = [self._coverage(session, child, now) for child in children]
        self._audit_read(access, case_id, "plan coverage", case_id)
        return coverage

    def unit_coverage(self) -> list[UnitCoverageRow]:
        """Every child with a current approved plan in a family where I or someone I supervise has a role
        in an open stage, the children with the most flagged elements first."""
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            team = team_ids(session, user.id)
            roles = session.execute(
                select(Stage.case_id, Worker.name).join(RoleAssignment, RoleAssignment.stage_id == Stage.id)
                .join(Worker, Worker.id == RoleAssignment.worker_id)
                .where(RoleAssignment.worker_id.in_(team), Stage.closed_at.is_(None), active_role_filter(now))).all()
            workers: dict[int, set[str]] = {}
            for case_id, name in roles:
                workers.setdefault(case_id, set()).add(name)
            children = session.scalars(select(Person).join(Plan, Plan.child_id == Person.id).where(
                Plan.case_id.in_(workers), Plan.status == "approved").distinct().order_by(Person.id))
            rows = [UnitCoverageRow(self._coverage(session, child, now), tuple(sorted(workers[child.case_id])))
                    for child in children]
        return sorted(rows, key=lambda row: (-row.coverage.flagged, row.coverage.family_name,
                                             row.coverage.child_name, row.coverage.child_id))

    def _coverage(self, session: Session, child: Person, now: datetime) -> ChildCoverage:
        today = self.policy.calendar.local_day(now)
        window = self.policy.plans.coverage_window_days
        elements: list[ElementCoverage] = []
        current: dict[int | None, int | None] = {}
        for whose in (child.id, None):
            plans = list(session.scalars(select(Plan).where(
                Plan.case_id == child.case_id, Plan.status == "approved",
                Plan.child_id.is_(None) if whose is None else Plan.child_id == whose).order_by(Plan.plan_version)))
            current[whose] = plans[-1].id if plans else None
            if not plans:
                continue
            held_since: dict[str, date] = {}
            for plan in plans:  # oldest version first: the first to hold a section sets its day
                assert plan.approved_at is not None
                for key in plan_keys_of(session, plan):
                    held_since.setdefault(key, self.policy.calendar.local_day(plan.approved_at))
            said = self._discussions(session, [plan.id for plan in plans])
            elements += [element_coverage(plans[-1].id, whose, key, held_since[key], said.get(key, []), today, window)
                         for key in plan_keys_of(session, plans[-1])]
        family = session.get_one(Case, child.case_id).family_name
        return ChildCoverage(child.case_id, family, child.id, child.full_name, today, window, current[child.id],
                             current[None], tuple(elements))

    def _discussions(self, session: Session, plan_ids: list[int]) -> dict[str, list[Discussion]]:
        rows = session.execute(
            select(NotePlanElement.section_key, Note.id, Note.event_at, Worker.name)
            .join(Note, Note.id == NotePlanElement.note_id).join(Worker, Worker.id == Note.author_id)
            .where(NotePlanElement.plan_id.in_(plan_ids), Note.status.in_(COUNTED_STATUSES))).all()
        said: dict[str, list[Discussion]] = {}
        for key, note_id, event_at, author in rows:
            said.setdefault(key, []).append(Discussion(note_id, self.policy.calendar.local_day(event_at), author))
        return said

