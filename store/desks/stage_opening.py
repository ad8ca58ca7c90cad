"""Opening a stage, or progressing one into a child stage, along the stage tree of DOMAIN.md:
INT → INV → FSS; FSI → FSS; FSS → CCR (one per child); FAD stands alone."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.errors import InvalidStage, NotFound
from store.db.journal import activity, change
from store.db.models import Case, Person, Stage, Worker
from store.desks import roles
from store.desks.base import Work
from store.rules import record_shape
from store.rules.record_shape import FSS_TYPES, PARENT_TYPES, STAGE_TYPES

__all__ = ["FSS_TYPES", "PARENT_TYPES", "STAGE_TYPES", "check_stage_kind", "open_stage"]


def open_stage(work: Work, case_id: int, type: str, *, case_manager: Worker, person_ids: Iterable[int],
               subtype: str | None = None, parent_id: int | None = None) -> Stage:
    """Open a stage (or progress ``parent_id`` into it) with its persons and its Case Manager."""
    session, now = work.session, work.now
    person_ids = list(person_ids)
    if session.get(Case, case_id) is None:
        raise NotFound(f"There is no case number {case_id}.")
    check_stage_kind(session, case_id, type, subtype, parent_id)
    persons = list(session.scalars(select(Person).where(Person.id.in_(person_ids), Person.case_id == case_id)))
    if len(persons) != len(person_ids):
        raise InvalidStage("Every person of a stage must belong to the family's case.")
    if type == "FSI" and not any(p.is_child for p in persons):
        raise InvalidStage("A Family Services Intake needs at least one child in its person list.")
    if type == "CCR" and sum(p.is_child for p in persons) != 1:
        raise InvalidStage("A Child Case Record is for exactly one child; siblings each get their own.")
    stage = Stage(case_id=case_id, type=type, subtype=subtype, parent_id=parent_id, opened_at=now, persons=persons)
    session.add(stage)
    session.flush()
    activity(session, work.by, "open stage", "stage", stage.id, now, case_id=case_id, type=stage.label,
             parent=parent_id, after={"stage": stage.label, "persons": [p.full_name for p in persons]})
    change(session, "stage", stage.id, "insert", now)
    roles.assign(work, stage, case_manager, "Case Manager", [])
    return stage


def check_stage_kind(session: Session, case_id: int, type: str, subtype: str | None, parent_id: int | None) -> None:
    record_shape.check_stage_kind(type, subtype)
    if parent_id is None:
        record_shape.check_stage_follows(type, None)
        return
    parent = session.get(Stage, parent_id)
    if parent is None or parent.case_id != case_id:
        raise InvalidStage("A stage progresses from a stage of the same family.")
    record_shape.check_stage_follows(type, parent.type)
