"""What the plan screens may offer before a key is pressed (issue 19): whether this worker may start a
family's plans, and what they may do with one plan. Each answer is the rule the action itself applies
(``store/rules/plan_checks.py``), so an offer is never refused afterwards for another reason."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from store.core import arguments
from store.core.errors import InvalidTransition, NotFound, StoreError
from store.db.models import Plan
from store.desks.base import DeskBase
from store.rules.plan_checks import (UNDER_REVIEW, check_editable, check_may_draft, check_may_read_plans,
                                     check_may_review_plan, check_move)

PLAN_ACTIONS = ("edit", "submit", "approve", "return", "new_version", "contest")


class PlanOfferDesk(DeskBase):
    def may_draft_plans(self, case_id: int) -> str | None:
        """None if I may start and write this family's plans, else the sentence ``start_plan`` refuses with."""
        case_id = arguments.record_id(case_id, "family")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            try:
                check_may_read_plans(session, user, case_id, now)
                check_may_draft(session, user, case_id, now)
            except StoreError as refusal:
                return refusal.message
            return None

    def plan_actions(self, plan_id: int) -> dict[str, str | None]:
        """For each of ``PLAN_ACTIONS``: None if I may do it to this plan now, else why not."""
        plan_id = arguments.record_id(plan_id, "plan")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            plan = session.get(Plan, plan_id)
            if plan is None:
                raise NotFound(f"There is no plan number {plan_id}.")
            check_may_read_plans(session, user, plan.case_id, now)
            newer = session.scalar(select(Plan.id).where(Plan.previous_plan_id == plan.id)) is not None

            def drafting() -> None:
                check_may_draft(session, user, plan.case_id, now)

            def new_version() -> None:
                drafting()
                if plan.status != "approved":
                    raise InvalidTransition("Only an approved plan gets a new version; this one is still being "
                                            "written or reviewed.")
                if newer:
                    raise InvalidTransition("This plan has a newer version already; change that one.")

            def editing() -> None:
                drafting()
                check_editable(plan)

            def reviewing(to: str, doing: str) -> Callable[[], None]:
                def check() -> None:
                    if plan.status not in UNDER_REVIEW:
                        raise InvalidTransition(f"Only a plan sent for review is {doing}; this one is {plan.status}.")
                    check_may_review_plan(session, plan, user)
                    check_move(plan, to, doing)
                return check

            checks: dict[str, Callable[[], None]] = {
                "edit": editing,
                "submit": editing,
                "approve": reviewing("approved", "approved"),
                "return": reviewing("returned", "returned"),
                "new_version": new_version,
                "contest": drafting,
            }
            return {name: _refusal(checks[name]) for name in PLAN_ACTIONS}


def _refusal(check: Callable[[], object]) -> str | None:
    try:
        check()
    except StoreError as refusal:
        return refusal.message
    return None
