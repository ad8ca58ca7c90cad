"""How a case plan reads on screen (issue 19): whose plan it is, where it stands, and its sections'
titles and descriptions as the plan rules give them (``store/rules/plan_sections.py``)."""

from __future__ import annotations

from store.core.plan_results import PlanView
from store.rules.plan_sections import APPLA_SECTION, CHILD_SECTIONS, FAMILY_SECTIONS, YOUTH_SECTIONS, PlanSection
from tui import formatting

SECTIONS: dict[str, PlanSection] = {s.key: s for s in (*FAMILY_SECTIONS, *CHILD_SECTIONS, *YOUTH_SECTIONS,
                                                       APPLA_SECTION)}
STATUS = {"draft": "draft", "submitted": "sent for review", "resubmitted": "sent again for review",
          "returned": "returned", "approved": "approved"}


def section_title(key: str) -> str:
    section = SECTIONS.get(key)
    return section.title if section else key.replace("_", " ").capitalize()


def section_description(key: str) -> str:
    section = SECTIONS.get(key)
    return section.description if section else ""


def plan_name(plan: PlanView) -> str:
    """ "Family plan" or "Jay Rivera's plan"."""
    return "Family plan" if plan.child_id is None else f"{plan.child_name}'s plan"


def standing(plan: PlanView, zone: str) -> str:
    """Where the plan stands and what is due: "approved 03/02/2026 by supa", "sent for review, due …"."""
    status = STATUS.get(plan.status, plan.status)
    if plan.status == "approved":
        return f"{status} {formatting.day(plan.approved_at, zone)} by {plan.approved_by}"
    if plan.status in ("submitted", "resubmitted"):
        return f"{status}, due {formatting.short_moment(plan.review_due_at, zone)}"
    if plan.status == "returned":
        return f"{status}, correct by {formatting.short_moment(plan.correction_due_at, zone)}"
    return status
