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

STAGE_TYPES = ("INT", "INV", "FSI", "FSS", "CCR", "FAD")
FSS_TYPES = ("CWS", "OTI", "COI", "ICPC", "ADVPO")
PARENT_TYPES = {"INT": (), "INV": ("INT",), "FSI": (), "FSS": ("INV", "FSI"), "CCR": ("FSS",), "FAD": ()}


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
    if type not in STAGE_TYPES:
        raise InvalidStage(f"{type!r} is not a stage type ({', '.join(STAGE_TYPES)}).")
    if (type == "FSS") != (subtype is not None) or (subtype and subtype not in FSS_TYPES):
        raise InvalidStage(f"A Family Services Stage has a type ({', '.join(FSS_TYPES)}); other stages have none.")
    if parent_id is None:
        if type == "CCR":
            raise InvalidStage("A Child Case Record is opened from the family's Family Services Stage.")
        return
    parent = session.get(Stage, parent_id)
    if parent is None or parent.case_id != case_id:
        raise InvalidStage("A stage progresses from a stage of the same family.")
    if parent.type not in PARENT_TYPES[type]:
        raise InvalidStage(f"A {type} stage does not follow from a {parent.type} stage.")
