"""When case plans are due, on the agency's casework clock: the first plan, a new one after a
placement, and the periodic review.

The policy's ``[plans]`` gives the numbers (``initial_within_days`` = 60, ``review_every_months`` =
6). A plan is needed from the day ``plan_need`` says the need began: the first plan is due within the
initial window of that day (the case opening, the child's entry into care or commitment, the 18th
birthday of a youth still open); when a child enters out-of-home care after the family's or the
child's last approved plan, a new plan is due within the same window of that entry (a move between
settings, a change of legal basis, a new stage of an open case or an 18th birthday in care is no
entry: the plan's review covers them); and an approved
plan is reviewed (approved again, as a new version) within the review months of its approval. The
soonest of these is what is due. Approvals from before the need began (an earlier case, a closed
stay in care) count for nothing.

Day windows end at 11:59:59 PM, agency time, on their last day, as every other window of the clock
does (``work_calendar``). They are counted in calendar days, like the note windows counted in
calendar days (``obligations``), so a deadline on a Saturday or a holiday stays there: the clock moves
a deadline only in business-day windows. A month later is the same day of the month, or the month's
last day when it has no such day (31 August + 6 months = 28 or 29 February). "Overdue" is decided by
``obligations.is_overdue``, as for notes.

These answer from plain inputs, for My deadlines, the caseload and Timeliness to show later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from store.core.policy import Policy
from store.core.work_calendar import END_OF_DAY, Window
from store.rules.obligations import is_overdue
from store.rules.plan_need import (ADULT_AGE, COMMITTED_AT_HOME, FAMILY, FamilyRecord, PlanNeed, PlannedChild,
                                   care_entries, day_text, plans_needed)
from store.rules.plan_sections import birthday

INITIAL, UPDATE, REVIEW = "initial", "update", "review"
PLAN_NAMES = {FAMILY: "family plan", "child": "child-in-placement plan"}


@dataclass(frozen=True)
class PlanApprovals:
    """The days (agency zone) on which the family's and each child's plans were approved."""

    family: tuple[date, ...] = ()
    children: dict[int, tuple[date, ...]] = field(default_factory=dict)

    def of(self, need: PlanNeed) -> tuple[date, ...]:
        return self.family if need.child_id is None else self.children.get(need.child_id, ())


@dataclass(frozen=True)
class PlanDue:
    """The next plan due for a family or a child, by when, and the sentence saying why."""

    plan: str  # plan_need.FAMILY or CHILD
    child_id: int | None
    subject: str
    action: str  # INITIAL (no plan yet), UPDATE (after a placement), REVIEW
    due_at: datetime  # the last instant still in time
    counted_from: date  # the day the window started
    overdue: bool
    sentence: str


def initial_due(start: date, policy: Policy) -> datetime:
    """The last instant of the first (or post-placement) plan's window counted from ``start``."""
    window = Window(policy.plans.initial_within_days, "calendar_days")
    return policy.calendar.at(window.last_day(start, policy.calendar), END_OF_DAY)


def review_due(approved_on: date, policy: Policy) -> datetime:
    """The last instant at which a plan approved on ``approved_on`` is reviewed."""
    return policy.calendar.at(approved_on + relativedelta(months=policy.plans.review_every_months), END_OF_DAY)


def plan_due(need: PlanNeed, family: FamilyRecord, approved_on: tuple[date, ...], now: datetime,
             policy: Policy) -> PlanDue | None:
    """What is due next for the plan ``need`` decided (None when no plan is needed)."""
    if not need.needed or need.since is None:
        return None
    today = policy.calendar.local_day(now)
    since = need.since
    approved = sorted(day for day in approved_on if since <= day <= today)
    last = approved[-1] if approved else None
    starts = _starts(need, family)
    entries = {day for child in _children(need, family) for day in care_entries(family, child.id)}
    uncovered = sorted(day for day in {since, *entries} if since <= day <= today and (last is None or day > last))
    candidates: list[tuple[datetime, str, date]] = []
    if uncovered:
        candidates.append((initial_due(uncovered[0], policy), INITIAL if last is None else UPDATE, uncovered[0]))
    if last is not None:
        candidates.append((review_due(last, policy), REVIEW, last))
    due_at, action, start = min(candidates)
    overdue = is_overdue(due_at, now)
    return PlanDue(need.plan, need.child_id, need.subject, action, due_at, start, overdue,
                   _sentence(need, action, start, starts.get(start), due_at, overdue, policy))


def plans_due(family: FamilyRecord, approvals: PlanApprovals, now: datetime, policy: Policy) -> tuple[PlanDue, ...]:
    """Every plan the family and its children need, with what is due next, soonest first."""
    found = (plan_due(need, family, approvals.of(need), now, policy)
             for need in plans_needed(family, policy.calendar.local_day(now)))
    return tuple(sorted((due for due in found if due is not None), key=lambda due: (due.due_at, due.child_id or 0)))


def _children(need: PlanNeed, family: FamilyRecord) -> tuple[PlannedChild, ...]:
    """The children whose entry into care starts the plan's clock again: any child's for the family's."""
    return family.children if need.child_id is None else (family.child(need.child_id),)


def _starts(need: PlanNeed, family: FamilyRecord) -> dict[date, str]:
    """The words for the days a plan's need may begin on: the case opening, a child's entry into care
    or commitment at home, a youth's 18th birthday."""
    starts: dict[date, str] = {}
    children = _children(need, family)
    for stage in family.stages:
        if stage.makes_a_case:
            starts.setdefault(stage.opened_on, f"the {stage.label} stage opened on {day_text(stage.opened_on)}")
    for child in children:
        if need.child_id is not None and child.birth_date is not None:
            turned = birthday(child.birth_date, ADULT_AGE)
            starts[turned] = f"{child.name} turned {ADULT_AGE} on {day_text(turned)}"
        for period in family.periods_of(child.id):
            if period.basis == COMMITTED_AT_HOME:
                starts[period.starts_on] = (f"{child.name} was committed to the agency at home on "
                                            f"{day_text(period.starts_on)}")
        for entered in care_entries(family, child.id):
            starts[entered] = f"{child.name} entered out-of-home care on {day_text(entered)}"
    return starts


def _sentence(need: PlanNeed, action: str, start: date, what_started: str | None, due_at: datetime, overdue: bool,
              policy: Policy) -> str:
    whose = f"{need.subject[0].upper()}{need.subject[1:]}'s {PLAN_NAMES[need.plan]}"
    by = day_text(policy.calendar.local_day(due_at))
    started = what_started or f"it was first needed on {day_text(start)}"
    days, months = policy.plans.initial_within_days, policy.plans.review_every_months
    if action == INITIAL:
        sentence = f"{whose} is due by {by}, {days} days after {started}; none has been approved yet."
    elif action == UPDATE:
        sentence = (f"{whose} needs a new approved version by {by}, {days} days after {started}, which came after "
                    "its last approval.")
    else:
        sentence = (f"{whose} is due for review by {by}, {months} month{'s' if months != 1 else ''} after it was "
                    f"last approved on {day_text(start)}.")
    return f"{sentence} It is overdue." if overdue else sentence
