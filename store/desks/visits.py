"""Visit standards for children in foster care (DOMAIN.md, "Contact standards a caseload should track").

A child in care is visited every calendar month, in a majority of months in their residence, and a
new placement gets its contacts within its first days; the numbers are ``policy.visits``. A visit is a
note of any status (addenda correct a note, they are no contact) whose method is the visit method and
whose participants include the child, in any stage of the child's case, made while the child was
in care (from the day of placement, or from the first of the month of a move between placements).
Months and days are the agency zone's; the current month is never a completed one for the monthly
visit (it is the at-risk list instead), but once visited it counts in the residence share: a visit at
home this month shows at once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

import pendulum
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from store.rules.access import active_role_filter, team_ids
from store.desks.base import DeskBase
from store.db.models import Case, Note, NoteParticipant, Person, Placement, RoleAssignment, Stage, StagePerson, Worker
from store.db.unseen import unread_draft_visits
from store.core.policy import Policy

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True)
class ChildVisits:
    """One child's placement measured against the visit standards, as of today."""

    person_id: int
    child_name: str
    case_id: int
    family_name: str
    stage_id: int  # the stage that holds the placement
    stage_label: str
    placement_id: int
    worker: str  # login of the worker responsible for the visits
    worker_name: str
    placed_on: date
    placement_ends_on: date | None
    placement_setting: str
    in_care: bool  # the placement and its stage are open today
    visited_this_month: bool
    last_visit_at: datetime | None
    days_left_in_month: int  # counting today
    at_risk: bool  # in care and not yet visited this month
    months_required: int  # completed calendar months in care (since the report's start, if any)
    months_visited: int
    months_in_residence: int  # visited months (this one too, once visited) with a visit in the residence
    months_with_visits: int  # visited months, this one too once visited: what the residence share is of
    residence_majority: bool | None  # None: no visited month yet
    new_placement: str | None  # "met", "due", "missed"; None once the window closed with its contacts made
    new_placement_contacts: int
    new_placement_days_left: int | None  # counting today, while the window is open


@dataclass(frozen=True)
class Visit:
    at: datetime
    day: date  # in the agency zone
    in_residence: bool


def visit_standings(session: Session, policy: Policy, now: datetime, worker_ids: set[int] | None,
                    since: date | None = None) -> list[ChildVisits]:
    """The children in care whose responsible worker is one of ``worker_ids`` (None: every worker),
    at risk first. With ``since``, also children who left care but were in care in a completed month
    from ``since``'s month on, and their months counted from there (for reports)."""
    today = local_day(now, policy)
    rows = session.execute(_placements(today, since)).all()
    if not rows:
        return []
    responsible = _responsible(session, {stage.id for _, stage, _, _ in rows}, now)
    next_starts, counted_from = _placement_neighbours(session, {child.id for _, _, child, _ in rows})
    visits = _visits(session, policy, now, {child.id for _, _, child, _ in rows})
    found = []
    for placement, stage, child, family in rows:
        worker = responsible_worker(responsible.get(stage.id, []), child.id)
        if worker is None or (worker_ids is not None and worker.id not in worker_ids):
            continue
        last_day = last_day_in_care(placement, stage, next_starts.get(placement.id), policy)
        since_in_care = counted_from.get(placement.id, placement.starts_on)
        in_care_visits = [v for v in visits.get(child.id, []) if v.day >= since_in_care]
        standing = _standing(placement, stage, child, family, worker, in_care_visits, last_day, policy, today, since)
        if standing.in_care or standing.months_required:
            found.append(standing)
    return sorted(found, key=lambda c: (not c.at_risk, c.new_placement != "due", c.family_name, c.child_name,
                                        c.placed_on))


def responsible_worker(roles: list[RoleAssignment], child_id: int) -> Worker | None:
    """A Case Worker associated with the child, else the Case Planner, else the Case Manager."""
    for wanted in ("Case Worker", "Case Planner", "Case Manager"):
        for role in roles:
            if role.role == wanted and (wanted != "Case Worker" or any(p.id == child_id for p in role.children)):
                return role.worker
    return None


def last_day_in_care(placement: Placement, stage: Stage, next_start: date | None, policy: Policy) -> date | None:
    """The last day in care that counts for this placement: its end, or the day its stage closed if
    earlier; None while it goes on. The month of a move belongs to the next placement, so that a
    child's month is required once."""
    ends = [d for d in (placement.ends_on, stage.closed_at and local_day(stage.closed_at, policy)) if d]
    if next_start is not None:
        ends.append(_month_start(next_start) - timedelta(days=1))
    return min(ends) if ends else None


def required_months(starts_on: date, last_day: date | None, today: date, since: date | None) -> list[Month]:
    """Completed calendar months in which the child was in care for any part (from ``since``'s month)."""
    month, this_month = _month(starts_on), _month(today)
    if since is not None:
        month = max(month, _month(since))
    last = min(_month(last_day), this_month) if last_day else this_month
    months = []
    while month < this_month and month <= last:
        months.append(month)
        month = (month[0] + month[1] // 12, month[1] % 12 + 1)
    return months


def new_placement_standing(starts_on: date, visits: list[Visit], policy: Policy,
                           today: date) -> tuple[str | None, int, int | None]:
    """(state, contacts, days left) of the new-placement contacts. "The first 30 days" are the day
    of the placement and the 29 after it."""
    last = starts_on + timedelta(days=policy.visits.new_placement_days - 1)
    contacts = sum(starts_on <= v.day <= last for v in visits)
    window_open = today <= last
    days_left = (last - today).days + 1 if window_open else None
    if contacts >= policy.visits.new_placement_contacts:
        return ("met" if window_open else None), contacts, days_left
    return ("due" if window_open else "missed"), contacts, days_left


def _standing(placement: Placement, stage: Stage, child: Person, family: str, worker: Worker, visits: list[Visit],
              last_day: date | None, policy: Policy, today: date, since: date | None) -> ChildVisits:
    required = set(required_months(placement.starts_on, last_day, today, since))
    visited = {_month(v.day) for v in visits} & required
    # The residence share also looks at this month once it has a visit (while the child is in care).
    measured = required | ({_month(today)} if last_day is None or _month(last_day) >= _month(today) else set())
    seen = {_month(v.day) for v in visits} & measured
    at_home = {_month(v.day) for v in visits if v.in_residence} & measured
    this_month = any(_month(v.day) == _month(today) for v in visits)
    in_care = stage.closed_at is None and (placement.ends_on is None or placement.ends_on >= today)
    state, contacts, days_left = new_placement_standing(placement.starts_on, visits, policy, today)
    return ChildVisits(
        person_id=child.id, child_name=child.full_name, case_id=stage.case_id, family_name=family,
        stage_id=stage.id, stage_label=stage.label, placement_id=placement.id, worker=worker.login,
        worker_name=worker.name, placed_on=placement.starts_on, placement_ends_on=placement.ends_on,
        placement_setting=placement.setting, in_care=in_care, visited_this_month=this_month,
        last_visit_at=max((v.at for v in visits), default=None),
        days_left_in_month=calendar.monthrange(today.year, today.month)[1] - today.day + 1,
        at_risk=in_care and not this_month, months_required=len(required), months_visited=len(visited),
        months_in_residence=len(at_home), months_with_visits=len(seen),
        residence_majority=2 * len(at_home) > len(seen) if seen else None,
        new_placement=state, new_placement_contacts=contacts, new_placement_days_left=days_left)


def _placements(today: date, since: date | None) -> Select[Placement, Stage, Person, str]:
    query = (select(Placement, Stage, Person, Case.family_name)
             .join(Stage, Stage.id == Placement.stage_id).join(Person, Person.id == Placement.person_id)
             .join(Case, Case.id == Stage.case_id).where(Stage.administrative.is_(False))  # no casework there
             .order_by(Placement.id))
    if since is None:
        return query.where(Stage.closed_at.is_(None), or_(Placement.ends_on.is_(None), Placement.ends_on >= today))
    return query.where(or_(Placement.ends_on.is_(None), Placement.ends_on >= _month_start(since)))


def _responsible(session: Session, stage_ids: set[int], now: datetime) -> dict[int, list[RoleAssignment]]:
    roles: dict[int, list[RoleAssignment]] = {}
    for role in session.scalars(
            select(RoleAssignment).where(RoleAssignment.stage_id.in_(stage_ids), active_role_filter(now))
            .order_by(RoleAssignment.starts_at, RoleAssignment.id)
            .options(selectinload(RoleAssignment.worker), selectinload(RoleAssignment.children))):
        roles.setdefault(role.stage_id, []).append(role)
    return roles


def _placement_neighbours(session: Session, child_ids: set[int]) -> tuple[dict[int, date], dict[int, date]]:
    """For each placement of these children: the day the child's next placement started, and the
    first day whose visits count for it (its start; the first of its month after a move, the month of
    a move belonging to the new placement). A visit before the child came into care is none."""
    by_child: dict[int, list[Placement]] = {}
    for placement in session.scalars(select(Placement).where(Placement.person_id.in_(child_ids))
                                     .order_by(Placement.starts_on)):
        by_child.setdefault(placement.person_id, []).append(placement)
    next_starts, counted_from = {}, {}
    for placements in by_child.values():
        for earlier, later in pairwise(placements):
            next_starts[earlier.id] = later.starts_on
            moved = earlier.ends_on is None or earlier.ends_on >= _month_start(later.starts_on)
            counted_from[later.id] = _month_start(later.starts_on) if moved else later.starts_on
    return next_starts, counted_from


def _visits(session: Session, policy: Policy, now: datetime, child_ids: set[int]) -> dict[int, list[Visit]]:
    rows = session.execute(
        select(NoteParticipant.person_id, Note.event_at, Note.location)
        .join(Note, Note.id == NoteParticipant.note_id).join(Stage, Stage.id == Note.stage_id)
        .join(Person, Person.id == NoteParticipant.person_id)
        .where(NoteParticipant.person_id.in_(child_ids), Stage.case_id == Person.case_id,
               Note.method == policy.visits.method, Note.amends_note_id.is_(None), Note.event_at <= now)
        .order_by(Note.event_at))
    found = [(child_id, at, location == policy.visits.residence) for child_id, at, location in rows]
    # Signed in as their own database user, a worker may not read others' drafts, which are visits too.
    found += unread_draft_visits(session, policy.visits.method, policy.visits.residence, child_ids, now)
    visits: dict[int, list[Visit]] = {}
    for child_id, at, in_residence in sorted(found, key=lambda visit: visit[1]):
        visits.setdefault(child_id, []).append(Visit(at, local_day(at, policy), in_residence))
    return visits


def local_day(at: datetime, policy: Policy) -> date:
    day = pendulum.instance(at).in_timezone(policy.zone)
    return date(day.year, day.month, day.day)


def _month(day: date) -> Month:
    return day.year, day.month


def _month_start(day: date) -> date:
    return day.replace(day=1)


class VisitDesk(DeskBase):
    def visit_standards(self) -> list[ChildVisits]:
        """The children in foster care I am responsible for visiting, at risk first."""
        with self.db.reading() as session:
            return visit_standings(session, self.policy, self._now(), {self.worker_id})

    def team_visit_standards(self) -> list[ChildVisits]:
        """For a supervisor: the children in care of everyone below me."""
        with self.db.reading() as session:
            below = team_ids(session, self.worker_id) - {self.worker_id}
            return visit_standings(session, self.policy, self._now(), below) if below else []


def child_responsible_worker(session: Session, child_id: int, now: datetime) -> Worker | None:
    """Who answers for a child now (the worker the visit standards hold responsible): in the child's
    open stages, newest first, a Case Worker associated with the child, else the Case Planner, else
    the Case Manager. None when no open stage of the child has one."""
    stage_ids = list(session.scalars(
        select(StagePerson.stage_id).join(Stage, Stage.id == StagePerson.stage_id)
        .where(StagePerson.person_id == child_id, StagePerson.ended_at.is_(None), Stage.closed_at.is_(None))
        .order_by(Stage.opened_at.desc(), Stage.id.desc())))
    roles = _responsible(session, set(stage_ids), now)
    for stage_id in stage_ids:
        if (worker := responsible_worker(roles.get(stage_id, []), child_id)) is not None:
            return worker
    return None
