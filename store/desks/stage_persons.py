"""A stage's persons: a person of the family added to a stage, or ended in it.

"Ended" means taken out of the stage from that moment: an ended person is offered for nothing new
there (a new note's people present, the note defaults and visits, a Case Worker's children, a
placement), but is kept for the stage's history and stays in the notes that already name them
(an edit of such a note may keep them). The end is written once (a trigger holds it), so an ended
person does not come back to that stage. A Family Services Intake keeps at least one child, a
Child Case Record its child, and a child in an open placement of the stage stays in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.errors import InvalidStage, NotFound
from store.core.results import PersonView
from store.db.journal import activity, change
from store.db.models import Person, Placement, Stage, StagePerson
from store.desks.base import Work
from store.desks.stage_keeping import StageKeepingBase, check_open, day_text
from store.desks.to_results import person_view

ADDING, ENDING = "add a person to it", "end a person in it"
KEEPS_A_CHILD = {"FSI": "A Family Services Intake needs at least one child in its person list",
                 "CCR": "A Child Case Record is for its one child"}


@dataclass(frozen=True)
class StagePersonView:
    """A person of the stage; ``ended_at`` set once they were taken out of it."""

    person: PersonView
    ended_at: datetime | None


@dataclass(frozen=True)
class StagePersons:
    stage_id: int
    stage_label: str
    persons: tuple[StagePersonView, ...]  # in the stage now first, then those ended in it
    family: tuple[PersonView, ...]  # the family's persons never in the stage: those that may be added


def add_person(work: Work, stage: Stage, person: Person) -> None:
    """Put a person of the stage's family in the stage."""
    check_open(stage, ADDING)
    if person.case_id != stage.case_id:
        raise InvalidStage("A stage's persons belong to its family's case.")
    row = work.session.get(StagePerson, (stage.id, person.id))
    if row is not None and row.ended_at is not None:
        raise InvalidStage(f"{person.full_name} was ended in this {stage.label} stage on "
                           f"{day_text(work.policy.calendar.local_day(row.ended_at))} and stays ended "
                           "(kept for the stage's history).")
    if row is not None:
        raise InvalidStage(f"{person.full_name} is already in this {stage.label} stage.")
    work.session.add(StagePerson(stage_id=stage.id, person_id=person.id))
    work.session.flush()
    work.session.expire(stage, ["persons", "persons_ever"])
    activity(work.session, work.by, "add person to stage", "stage", stage.id, work.now, case_id=stage.case_id,
             person=person.id, after={"person": person.full_name, "stage": stage.label})
    change(work.session, "stage", stage.id, "update", work.now)


def end_person(work: Work, stage: Stage, person: Person) -> None:
    """Take a person out of the stage from now; kept for its history and in the notes naming them."""
    check_open(stage, ENDING)
    row = work.session.get(StagePerson, (stage.id, person.id))
    if row is None:
        raise InvalidStage(f"{person.full_name} is not a person of this {stage.label} stage.")
    if row.ended_at is not None:
        raise InvalidStage(f"{person.full_name} was already ended in this stage on "
                           f"{day_text(work.policy.calendar.local_day(row.ended_at))}.")
    children = [p for p in stage.persons if p.is_child]
    if person.is_child and children == [person] and stage.type in KEEPS_A_CHILD:
        raise InvalidStage(f"{KEEPS_A_CHILD[stage.type]}; {person.full_name} is the last child in this stage.")
    placed = work.session.scalar(select(Placement).where(
        Placement.stage_id == stage.id, Placement.person_id == person.id, Placement.ends_on.is_(None)).limit(1))
    if placed is not None:
        raise InvalidStage(f"{person.full_name} is in a placement of this stage since "
                           f"{day_text(placed.starts_on)}; end the placement first.")
    row.ended_at = work.now
    work.session.flush()
    work.session.expire(stage, ["persons"])
    activity(work.session, work.by, "end person in stage", "stage", stage.id, work.now, case_id=stage.case_id,
             person=person.id, before={"person": person.full_name, "in stage": True},
             after={"person": person.full_name, "in stage": False})
    change(work.session, "stage", stage.id, "update", work.now)


class StagePersonDesk(StageKeepingBase):
    def add_person_to_stage(self, stage_id: int, person_id: int) -> None:
        """Put a person of the family in the stage (its Case Manager, Case Planner or above them)."""
        stage_id, person_id = arguments.record_id(stage_id, "stage"), arguments.record_id(person_id, "person")
        with self.db.writing() as session:
            work, stage = self._kept_stage(session, stage_id, ADDING)
            add_person(work, stage, _person(session, person_id))

    def end_person_in_stage(self, stage_id: int, person_id: int) -> None:
        """Take a person out of the stage (kept for its history); cannot be undone."""
        stage_id, person_id = arguments.record_id(stage_id, "stage"), arguments.record_id(person_id, "person")
        with self.db.writing() as session:
            work, stage = self._kept_stage(session, stage_id, ENDING)
            end_person(work, stage, _person(session, person_id))

    def may_change_stage_persons(self, stage_id: int) -> str | None:
        """None if I may add and end persons in the stage, else the sentence why not."""
        return self._refusal(stage_id, "add or end its persons")

    def persons_in_stage(self, stage_id: int) -> StagePersons:
        """The stage's persons (those ended in it marked) and the family's persons not in it."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            stage, access = self._read_stage(session, stage_id)
            rows = session.execute(select(Person, StagePerson.ended_at).join(StagePerson)
                                   .where(StagePerson.stage_id == stage.id)).all()
            ever = {person.id for person, _ in rows}
            family = session.scalars(select(Person).where(Person.case_id == stage.case_id).order_by(Person.id))
            view = StagePersons(
                stage_id=stage.id, stage_label=stage.label,
                persons=tuple(StagePersonView(person_view(p), ended) for p, ended in
                              sorted(rows, key=lambda r: (r[1] is not None, r[0].id))),
                family=tuple(person_view(p) for p in family if p.id not in ever))
            case_id = stage.case_id
        self._audit_read(access, case_id, "stage", stage_id)
        return view


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person number {person_id}.")
    return person
