"""Roles in a stage: who holds one, and the rules of giving, handing over and ending one
(DOMAIN.md, roles in a stage).

One Case Manager (local-district staff; a new one replaces the current one; a stage always keeps
one), at most one Case Planner, CPS Worker/Monitor local-district only, advocates hold no role,
nobody deactivated gets one, a Family Services Intake has one worker at a time, a Case Worker is
associated only with children in the stage. A handover ("reassign") names the day the old holder's
role ends (today, at once, or a later day, from its first hour in the agency's zone) and the new
holder takes the role at that same moment, so the stage is never without it nor holds it twice.
An end is written once (a trigger holds it): it cannot be taken back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from store.core import arguments
from store.core.errors import InvalidStage, NotFound
from store.core.results import RoleView, WorkerView
from store.db.journal import activity
from store.db.models import RoleAssignment, Stage, Worker
from store.desks.base import Work
from store.desks.stage_keeping import StageKeepingBase, check_open, day_text
from store.desks.to_results import ROLE_ORDER, role_view, worker_view
from store.rules.access import stage_roles

ROLES = ("Case Manager", "Case Planner", "Case Worker", "CPS Worker/Monitor")
ONE_HOLDER = ("Case Manager", "Case Planner")  # one at a time: a handover, never two
LDSS_ONLY = ("Case Manager", "CPS Worker/Monitor")
ASSIGNING, REASSIGNING, ENDING = "assign its roles", "reassign its roles", "end its roles"


@dataclass(frozen=True)
class StageRoles:
    """A stage's roles: held now, handed over to start later, and ended (with their dates)."""

    stage_id: int
    stage_label: str
    current: tuple[RoleView, ...]
    coming: tuple[RoleView, ...]
    past: tuple[RoleView, ...]


def check_may_hold(worker: Worker, role: str) -> None:
    """Whether this worker may hold this role at all (whatever the stage)."""
    if role not in ROLES:
        raise InvalidStage(f"{role!r} is not a stage role ({', '.join(ROLES)}).")
    if not worker.active:
        raise InvalidStage(f"{worker.name} is deactivated and takes no new role.")
    if worker.employer == "CASA":
        raise InvalidStage("Advocates are given access by appointment, not a stage role.")
    if role in LDSS_ONLY and worker.employer != "LDSS":
        raise InvalidStage(f"A {role} is always local district (LDSS) staff; {worker.name} is not.")


def assign(work: Work, stage: Stage, worker: Worker, role: str, children: list[int]) -> int:
    """Give ``worker`` the ``role`` in ``stage`` (a new Case Manager ends the current one's role)."""
    session, now = work.session, work.now
    check_may_hold(worker, role)
    check_open(stage, ASSIGNING)
    current = stage_roles(session, stage.id, now)
    if stage.type == "FSI" and any(r.role != "Case Manager" or role != "Case Manager" for r in current):
        raise InvalidStage("A Family Services Intake has one worker at a time.")
    if any(r.worker_id == worker.id and r.role == role for r in current):
        raise InvalidStage(f"{worker.name} is already the {role} of this stage.")
    if role == "Case Planner" and any(r.role == "Case Planner" for r in current):
        raise InvalidStage("A stage has at most one Case Planner; reassign the role to hand it over.")
    _check_no_handover_coming(work, stage, role)
    stage_children = {p.id for p in stage.persons if p.is_child}
    if set(children) - stage_children:
        raise InvalidStage("A Case Worker is associated only with children in the stage.")
    before = None
    if role == "Case Manager":
        for previous in (r for r in current if r.role == "Case Manager"):
            previous.ends_at = now
            before = {"worker": previous.worker.name, "role": role}
    assignment = RoleAssignment(stage_id=stage.id, worker_id=worker.id, role=role, starts_at=now,
                                children=[p for p in stage.persons if p.id in set(children)])
    session.add(assignment)
    session.flush()
    activity(session, work.by, "assign role", "stage", stage.id, now, case_id=stage.case_id,
             worker=worker.login, role=role, before=before,
             after={"worker": worker.name, "role": role, "stage": stage.label})
    return assignment.id


def reassign(work: Work, stage: Stage, old: RoleAssignment, worker: Worker, ends_on: date | None = None) -> int:
    """Hand ``old``'s role to ``worker``: the old holder's role ends on ``ends_on`` (None: today, at
    once), the new holder's starts at that moment."""
    session, now = work.session, work.now
    check_open(stage, REASSIGNING)
    check_may_hold(worker, old.role)
    if old.ends_at is not None:
        raise InvalidStage(f"{old.worker.name}'s role as {old.role} already ends "
                           f"{day_text(work.policy.calendar.local_day(old.ends_at))}.")
    if worker.id == old.worker_id or any(r.worker_id == worker.id and r.role == old.role
                                         for r in stage_roles(session, stage.id, now)):
        raise InvalidStage(f"{worker.name} is already the {old.role} of this stage.")
    today = work.policy.calendar.local_day(now)
    day = today if ends_on is None else ends_on
    if day < today:
        raise InvalidStage(f"The old holder's role ends today or on a later day; {day_text(day)} is past.")
    began = work.policy.calendar.local_day(old.starts_at)
    if day < began:
        raise InvalidStage(f"{old.worker.name}'s role as {old.role} began on {day_text(began)}; it cannot end "
                           "before that.")
    _check_no_handover_coming(work, stage, old.role)
    at = now if day == today else work.policy.calendar.at(day, time(0))
    old.ends_at = at
    assignment = RoleAssignment(stage_id=stage.id, worker_id=worker.id, role=old.role, starts_at=at,
                                children=[p for p in stage.persons if p in old.children])
    session.add(assignment)
    session.flush()
    activity(session, work.by, "reassign role", "stage", stage.id, now, case_id=stage.case_id,
             worker=worker.login, role=old.role, before={"worker": old.worker.name, "role": old.role},
             after={"worker": worker.name, "role": old.role, "from": at, "stage": stage.label})
    return assignment.id


def end(work: Work, stage: Stage, old: RoleAssignment) -> None:
    """End a role now (never the Case Manager's: a stage always keeps one)."""
    check_open(stage, ENDING)
    if old.role == "Case Manager":
        raise InvalidStage("A stage always keeps its Case Manager; reassign the role to someone else instead.")
    if old.ends_at is not None:
        raise InvalidStage(f"{old.worker.name}'s role as {old.role} already ends "
                           f"{day_text(work.policy.calendar.local_day(old.ends_at))}.")
    old.ends_at = work.now
    work.session.flush()
    activity(work.session, work.by, "end role", "stage", stage.id, work.now, case_id=stage.case_id,
             worker=old.worker.login, role=old.role, before={"worker": old.worker.name, "role": old.role})


def held(session: Session, stage: Stage, login: str, role: str, now: datetime) -> RoleAssignment:
    """The role ``login`` holds in the stage now (a deactivated worker's too: it is handed over)."""
    found = next((r for r in stage_roles(session, stage.id, now) if r.worker.login == login and r.role == role), None)
    if found is None:
        raise NotFound(f"{arguments.shown(login)} holds no {role} role in this {stage.label} stage now.")
    return found


def _check_no_handover_coming(work: Work, stage: Stage, role: str) -> None:
    if role not in ONE_HOLDER:
        return
    coming = work.session.scalar(select(RoleAssignment).where(
        RoleAssignment.stage_id == stage.id, RoleAssignment.role == role, RoleAssignment.starts_at > work.now).limit(1))
    if coming is not None:
        day = day_text(work.policy.calendar.local_day(coming.starts_at))
        raise InvalidStage(f"{coming.worker.name} already takes over as {role} of this stage on {day}; that "
                           "handover cannot be changed.")


def _role(value: object) -> str:
    if not isinstance(value, str) or value not in ROLES:
        raise InvalidStage(f"{arguments.shown(value)} is not a stage role ({', '.join(ROLES)}).")
    return value


def _login(value: object, what: str) -> str:
    return arguments.login(value, what, NotFound)


class RoleDesk(StageKeepingBase):
    def assign_role(self, stage_id: int, login: str, role: str, children: Iterable[int] = ()) -> int:
        """Give a worker a role in the stage (its Case Manager, Case Planner or above them)."""
        stage_id, login, role = arguments.record_id(stage_id, "stage"), _login(login, "worker's login"), _role(role)
        children = arguments.record_ids(children, "child")
        with self.db.writing() as session:
            work, stage = self._kept_stage(session, stage_id, ASSIGNING)
            return assign(work, stage, self._worker(session, login), role, list(children))

    def reassign_role(self, stage_id: int, role: str, login: str, new_login: str,
                      old_ends_on: date | None = None) -> int:
        """Hand ``login``'s role to ``new_login``; the old holder's role ends on ``old_ends_on`` (None:
        today, at once). Cannot be undone."""
        stage_id, role = arguments.record_id(stage_id, "stage"), _role(role)
        login, new_login = _login(login, "holder's login"), _login(new_login, "new holder's login")
        old_ends_on = None if old_ends_on is None else arguments.day(old_ends_on, "day the old role ends",
                                                                      InvalidStage)
        with self.db.writing() as session:
            work, stage = self._kept_stage(session, stage_id, REASSIGNING)
            old = held(session, stage, login, role, work.now)
            return reassign(work, stage, old, self._worker(session, new_login), old_ends_on)

    def end_role(self, stage_id: int, login: str, role: str) -> None:
        """End a worker's role in the stage now. Cannot be undone."""
        stage_id, login, role = arguments.record_id(stage_id, "stage"), _login(login, "worker's login"), _role(role)
        with self.db.writing() as session:
            work, stage = self._kept_stage(session, stage_id, ENDING)
            end(work, stage, held(session, stage, login, role, work.now))

    def may_change_stage_roles(self, stage_id: int) -> str | None:
        """None if I may assign, reassign and end roles in the stage, else the sentence why not."""
        return self._refusal(stage_id, "assign, reassign or end its roles")

    def roles_in_stage(self, stage_id: int) -> StageRoles:
        """The stage's roles now, those handed over to start later, and those ended, with their dates."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            stage, access = self._read_stage(session, stage_id)
            now = self._now()
            rows = sorted(session.scalars(select(RoleAssignment).where(RoleAssignment.stage_id == stage.id).options(
                selectinload(RoleAssignment.worker), selectinload(RoleAssignment.children))),
                key=lambda r: (ROLE_ORDER.get(r.role, 9), r.starts_at, r.id))
            view = StageRoles(
                stage_id=stage.id, stage_label=stage.label,
                current=tuple(role_view(r) for r in rows
                              if r.starts_at <= now and (r.ends_at is None or r.ends_at > now)),
                coming=tuple(role_view(r) for r in rows if r.starts_at > now),
                past=tuple(role_view(r) for r in sorted(rows, key=lambda r: r.ends_at or now, reverse=True)
                           if r.ends_at is not None and r.ends_at <= now))
            case_id = stage.case_id
        self._audit_read(access, case_id, "stage", stage_id)
        return view

    def role_candidates(self, stage_id: int, role: str) -> tuple[WorkerView, ...]:
        """The active workers who may be given ``role`` in the stage (not those holding it now), by name."""
        stage_id, role = arguments.record_id(stage_id, "stage"), _role(role)
        with self.db.reading() as session:
            stage, _ = self._read_stage(session, stage_id)
            holding = {r.worker_id for r in stage_roles(session, stage.id, self._now()) if r.role == role}
            workers = session.scalars(select(Worker).where(Worker.active).order_by(Worker.name, Worker.id).options(
                selectinload(Worker.unit), selectinload(Worker.supervisor), selectinload(Worker.functions)))
            return tuple(worker_view(w) for w in workers if w.id not in holding and _may_hold(w, role))


def _may_hold(worker: Worker, role: str) -> bool:
    try:
        check_may_hold(worker, role)
    except InvalidStage:
        return False
    return True
