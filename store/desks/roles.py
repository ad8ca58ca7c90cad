"""Roles in a stage: who holds one, and the rules of giving one (DOMAIN.md, roles in a stage).

One Case Manager (local-district staff; a new one replaces the current one), at most one Case
Planner, CPS Worker/Monitor local-district only, advocates hold no role, a Family Services Intake has
one worker at a time, a Case Worker is associated only with children of the stage.
"""

from __future__ import annotations

from store.core.errors import InvalidStage
from store.db.journal import activity
from store.db.models import RoleAssignment, Stage, Worker
from store.desks.base import Work
from store.rules.access import stage_roles

ROLES = ("Case Manager", "Case Planner", "Case Worker", "CPS Worker/Monitor")


def assign(work: Work, stage: Stage, worker: Worker, role: str, children: list[int]) -> int:
    """Give ``worker`` the ``role`` in ``stage`` (a new Case Manager ends the current one's role)."""
    session, now = work.session, work.now
    if role not in ROLES:
        raise InvalidStage(f"{role!r} is not a stage role ({', '.join(ROLES)}).")
    if role in ("Case Manager", "CPS Worker/Monitor") and worker.employer != "LDSS":
        raise InvalidStage(f"A {role} is always local district (LDSS) staff; {worker.name} is not.")
    if worker.employer == "CASA":
        raise InvalidStage("Advocates are given access by appointment, not a stage role.")
    current = stage_roles(session, stage.id, now)
    if stage.type == "FSI" and any(r.role != "Case Manager" or role != "Case Manager" for r in current):
        raise InvalidStage("A Family Services Intake has one worker at a time.")
    if role == "Case Planner" and any(r.role == "Case Planner" for r in current):
        raise InvalidStage("A stage has at most one Case Planner.")
    if role == "Case Manager":
        for previous in (r for r in current if r.role == "Case Manager"):
            previous.ends_at = now
    stage_children = {p.id for p in stage.persons if p.is_child}
    if set(children) - stage_children:
        raise InvalidStage("A Case Worker is associated only with children of the stage.")
    assignment = RoleAssignment(stage_id=stage.id, worker_id=worker.id, role=role, starts_at=now,
                                children=[p for p in stage.persons if p.id in set(children)])
    session.add(assignment)
    session.flush()
    activity(session, work.by, "assign role", "stage", stage.id, now, case_id=stage.case_id,
             worker=worker.login, role=role, after={"worker": worker.name, "role": role, "stage": stage.label})
    return assignment.id
