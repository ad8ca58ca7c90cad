"""What the plan desk answers (issue 19): frozen dataclasses, like ``results``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class PlanParticipantView:
    person_id: int | None  # a person of the family, or None for someone named
    name: str
    role: str


@dataclass(frozen=True)
class PlanContestView:
    id: int
    person_id: int | None
    requested_by: str
    requested_on: date
    provision: str
    recorded_at: datetime
    recorded_by: str  # login


@dataclass(frozen=True)
class PlanReviewActionView:
    action: str  # submit, resubmit, approve, return
    at: datetime
    by: str  # login
    comment: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class PlanView:
    id: int
    case_id: int
    child_id: int | None  # None: the family plan
    child_name: str | None
    plan_date: date
    status: str  # draft submitted returned resubmitted approved
    version: int  # this row's saves: the one an edit must name
    plan_version: int  # 1, 2, … : the plan's versions, each approved one kept
    previous_plan_id: int | None
    drafter: str  # login
    drafter_name: str
    created_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    reviewed_by: str | None
    correction_due_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    review_due_at: datetime | None  # sent for review: when the supervisor's review is due (the notes' clock)
    section_keys: tuple[str, ...]  # the sections this plan has, in order
    sections: tuple[tuple[str, str], ...]  # (key, text) of every section written, in the plan's order
    participants: tuple[PlanParticipantView, ...]
    contests: tuple[PlanContestView, ...]

    @property
    def kind(self) -> str:
        return "family" if self.child_id is None else "child"

    def text_of(self, key: str) -> str:
        return dict(self.sections).get(key, "")


@dataclass(frozen=True)
class PlanChange:
    """What one saved version changed from the one before: a section's key or a field's name."""

    what: str
    before: str
    after: str


@dataclass(frozen=True)
class PlanRevisionView:
    version: int
    saved_at: datetime
    saved_by: str  # login
    status: str
    sections: tuple[tuple[str, str], ...]
    participants: tuple[PlanParticipantView, ...]
    plan_date: date
    changes: tuple[PlanChange, ...]  # from the version before (the first: every section written)


@dataclass(frozen=True)
class PlanHistory:
    plan_id: int
    plan_version: int
    revisions: tuple[PlanRevisionView, ...]
    actions: tuple[PlanReviewActionView, ...]
    earlier_versions: tuple[int, ...]  # the plan ids of the versions before, oldest first


@dataclass(frozen=True)
class PlanElement:
    """A plan element: a section of one approved plan (the family's, or a child's)."""

    plan_id: int
    child_id: int | None
    section_key: str
    title: str = ""  # the section's title (plan_sections.py)
    child_name: str | None = None  # whose plan: None for the family's


@dataclass(frozen=True)
class CasePlanDue:
    """A plan a family or a child needs next (``plan_due.PlanDue``), with the family it is of and who
    drafts its plans now: My deadlines, the caseload and Timeliness show these."""

    case_id: int
    family_name: str
    plan: str  # "family" or "child"
    child_id: int | None
    subject: str  # "the Rivera family", "Ana Rivera"
    action: str  # "initial" (no plan yet), "update" (after an entry into care), "review"
    due_at: datetime  # the last instant still in time
    counted_from: date
    overdue: bool
    sentence: str  # why it is due, in the caseworker's words
    drafters: tuple[str, ...] = ()  # the names of those who draft the family's plans now

    @property
    def what(self) -> str:
        plan = "family plan" if self.plan == "family" else "child's plan"
        return {"initial": f"Write the {plan}", "update": f"Update the {plan}",
                "review": f"Review the {plan}"}.get(self.action, self.action)
