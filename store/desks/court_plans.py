"""The case plans a court record carries (issue 19): the current approved plan of the family and of each
child (a child's record: that child's), each with its sections titled by the plan rules and its hash
over what ``store/core/court_results.py`` says; and checking a plan of a manifest against the database.

Who reads them: whoever reads the family's plans (``rules/plan_checks.check_may_read_plans``). A child's
advocate produces a court record of their child's notes but does not read plans, so theirs has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.clock import utc
from store.core.court_results import (CourtPlanContest, CourtPlanParticipant, CourtPlanSection, PlanCheck, PlanEntry,
                                      PlanSummary, sha256_of, utc_text)
from store.db.models import Person, Plan, PlanContest, PlanParticipant, PlanSectionText, aware_utc
from store.rules.access import CaseAccess, Reach
from store.rules.plan_keys import plan_section_keys
from store.rules.plan_sections import APPLA_SECTION, CHILD_SECTIONS, FAMILY_SECTIONS, YOUTH_SECTIONS

TITLES = {s.key: s.title for s in (*FAMILY_SECTIONS, *CHILD_SECTIONS, *YOUTH_SECTIONS, APPLA_SECTION)}

WorkerName = Callable[[int], str]


def reads_plans(access: CaseAccess | None) -> bool:
    """The reaches that read a family's plans (``check_may_read_plans`` refuses the others)."""
    return access is not None and access.reach not in (Reach.ADVOCATE, Reach.ENTRY_CLERK)


def current_approved_plans(session: Session, case_id: int, child_id: int | None, access: CaseAccess,
                           worker_name: WorkerName) -> tuple[PlanSummary, ...]:
    """The family's current approved plans for its court record: the family plan first, then each
    child's by person number; with ``child_id``, that child's only."""
    if not reads_plans(access):
        return ()
    query = select(Plan).where(Plan.case_id == case_id, Plan.status == "approved")
    if child_id is not None:
        query = query.where(Plan.child_id == child_id)
    plans = list(session.scalars(query.order_by(Plan.child_id.is_not(None), Plan.child_id, Plan.plan_version)))
    replaced = {p.previous_plan_id for p in plans}  # an approved plan with a newer approved version
    return tuple(summary(session, plan, worker_name) for plan in plans if plan.id not in replaced)


def summary(session: Session, plan: Plan, worker_name: WorkerName) -> PlanSummary:
    child = None if plan.child_id is None else session.get_one(Person, plan.child_id)
    keys = plan_section_keys(child.birth_date if child else None, plan.plan_date, family=child is None)
    written = dict(session.execute(select(PlanSectionText.key, PlanSectionText.text)
                                   .where(PlanSectionText.plan_id == plan.id)).all())
    order = list(keys) + sorted(set(written) - set(keys))
    sections = tuple(CourtPlanSection(key, TITLES.get(key, key), written.get(key, "")) for key in order)
    participants = tuple(CourtPlanParticipant(name or "", role) for name, role in session.execute(
        select(PlanParticipant.name, PlanParticipant.role).where(PlanParticipant.plan_id == plan.id)
        .order_by(PlanParticipant.id)))
    contests = tuple(CourtPlanContest(c.requested_by, c.requested_on, c.provision) for c in session.scalars(
        select(PlanContest).where(PlanContest.plan_id == plan.id).order_by(PlanContest.id)))
    approved_at = aware_utc(plan.approved_at)
    assert approved_at is not None and plan.approved_by_id is not None  # an approved plan says when and who
    made = PlanSummary(
        plan_id=plan.id, child_id=plan.child_id, child_name=child.full_name if child else None,
        plan_version=plan.plan_version, version=plan.version, plan_date=plan.plan_date,
        drafter_name=worker_name(plan.drafter_id), approved_at=utc(approved_at),
        approved_by_name=worker_name(plan.approved_by_id), participants=participants, contests=contests,
        sections=sections, sha256="")
    return replace(made, sha256=sha256_of(plan_content(made)))


def plan_content(plan: PlanSummary) -> dict[str, Any]:
    """What a plan's hash is made of (``store/core/court_results.py``)."""
    return {
        "plan": plan.plan_id, "plan_version": plan.plan_version, "version": plan.version, "child": plan.child_id,
        "child_name": plan.child_name, "plan_date": plan.plan_date.isoformat(), "status": "approved",
        "drafter": plan.drafter_name, "approved_by": plan.approved_by_name, "approved_at": utc_text(plan.approved_at),
        "participants": [{"name": p.name, "role": p.role} for p in plan.participants],
        "contests": [{"requested_by": c.requested_by, "requested_on": c.requested_on.isoformat(),
                      "provision": c.provision} for c in plan.contests],
        "sections": [{"key": s.key, "text": s.text} for s in plan.sections],
    }


def check_plan(session: Session, entry: PlanEntry, access_of: Callable[[int], CaseAccess | None],
               worker_name: WorkerName) -> PlanCheck:
    """One plan of a manifest hashed afresh from the database."""
    plan = session.get(Plan, entry.plan_id)
    if plan is None:
        return PlanCheck(entry.plan_id, entry.version, entry.sha256, None, "missing")
    if not reads_plans(access_of(plan.case_id)):
        return PlanCheck(entry.plan_id, entry.version, entry.sha256, None, "not readable")
    if plan.status != "approved" or plan.version != entry.version:
        return PlanCheck(entry.plan_id, entry.version, entry.sha256, None, "missing")
    newer = session.scalar(select(Plan.id).where(Plan.previous_plan_id == plan.id, Plan.status == "approved"))
    found = summary(session, plan, worker_name).sha256
    return PlanCheck(entry.plan_id, entry.version, entry.sha256, found,
                     "matches" if found == entry.sha256 else "differs", newer)
