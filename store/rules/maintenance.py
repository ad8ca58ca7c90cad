"""Who may keep the agency's records current: staff, intake, and a stage's people and course.

- staff administration (add and change workers and units, deactivate, plan someone's absence): the
  ``MAINTAIN STAFF`` business function;
- intake (open a family with its persons, open its INT and FSI stages): the ``INTAKE`` function, or
  any supervisor (someone at least one active worker reports to);
- a stage's persons, roles, placements and progression: the stage's current Case Manager or Case
  Planner, or anyone in the supervision chain above either of them;
- closing a stage: its Case Manager or anyone above the Case Manager (the Case Planner may only
  start the closing).

Each ``check_*`` raises ``NoAccess`` with a sentence; each ``may_*`` answers yes or no for a screen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.errors import NoAccess
from store.db.models import Stage, Worker
from store.rules.access import chain_above, has_function, stage_roles, supervises_anyone

MAINTAIN_STAFF = "MAINTAIN STAFF"
INTAKE = "INTAKE"
STAGE_KEEPERS = ("Case Manager", "Case Planner")


def may_maintain_staff(session: Session, user: Worker) -> bool:
    return has_function(session, user, MAINTAIN_STAFF)


def check_may_maintain_staff(session: Session, user: Worker) -> None:
    if not may_maintain_staff(session, user):
        raise NoAccess("Only staff with the MAINTAIN STAFF function may add, change or deactivate workers and units.")


def may_do_intake(session: Session, user: Worker) -> bool:
    return has_function(session, user, INTAKE) or supervises_anyone(session, user.id)


def check_may_do_intake(session: Session, user: Worker) -> None:
    if not may_do_intake(session, user):
        raise NoAccess("Only intake staff (the INTAKE function) or a supervisor may open a family and its "
                       "intake stages.")


def _keepers(session: Session, stage: Stage, now: datetime, roles: tuple[str, ...]) -> list[Worker]:
    return [r.worker for r in stage_roles(session, stage.id, now) if r.role in roles]


def _holds_or_is_above(session: Session, user: Worker, holders: list[Worker]) -> bool:
    return any(user.id == h.id or any(boss.id == user.id for boss in chain_above(session, h)) for h in holders)


def may_maintain_stage(session: Session, user: Worker, stage: Stage, now: datetime) -> bool:
    return _holds_or_is_above(session, user, _keepers(session, stage, now, STAGE_KEEPERS))


def check_may_maintain_stage(session: Session, user: Worker, stage: Stage, now: datetime, doing: str) -> None:
    """``doing`` completes "Only the stage's Case Manager, … may …", e.g. "assign its roles"."""
    if not may_maintain_stage(session, user, stage, now):
        raise NoAccess(f"Only the {stage.label} stage's Case Manager or Case Planner, or a supervisor above "
                       f"them, may {doing}.")


def may_close_stage(session: Session, user: Worker, stage: Stage, now: datetime) -> bool:
    return _holds_or_is_above(session, user, _keepers(session, stage, now, ("Case Manager",)))


def check_may_close_stage(session: Session, user: Worker, stage: Stage, now: datetime) -> None:
    if not may_close_stage(session, user, stage, now):
        raise NoAccess(f"Only the {stage.label} stage's Case Manager, or a supervisor above that person, may "
                       "close it; the Case Planner may start the closing.")


def may_keep_family(session: Session, user: Worker, case_id: int, now: datetime) -> bool:
    """Add or change a family's persons: intake (or any supervisor), or the keepers of one of its open
    stages (its Case Manager or Case Planner, or a supervisor above them)."""
    if may_do_intake(session, user):
        return True
    stages = session.scalars(select(Stage).where(Stage.case_id == case_id, Stage.closed_at.is_(None)))
    return any(may_maintain_stage(session, user, stage, now) for stage in stages)


def check_may_keep_family(session: Session, user: Worker, case_id: int, now: datetime) -> None:
    if not may_keep_family(session, user, case_id, now):
        raise NoAccess("Only intake staff, a supervisor, or the Case Manager or Case Planner of one of the "
                       "family's open stages may add or change its persons.")
