"""A child's placements in foster care, recorded in the stage that holds them (FSS or CCR).

A placement is for a child in the stage, recorded in an open stage once the child is placed (its
first day not in the future), one at a time per child (no overlap); it ends on or after its first
day and not in the future. A placement's child, stage and first day never change, and its end is
written once (a trigger holds both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from store.core import arguments
from store.core.errors import InvalidStage, NotFound
from store.db.journal import activity
from store.db.models import Person, Placement, Stage
from store.desks.base import Work
from store.desks.stage_keeping import StageKeepingBase, day_text

PLACING_STAGES = ("FSS", "CCR")  # the stages that hold a child's placement in foster care
SETTING_MAX = 120
RECORDING, ENDING = "record a placement in it", "end a placement in it"


@dataclass(frozen=True)
class PlacementView:
    id: int
    stage_id: int
    child_id: int
    child_name: str
    starts_on: date
    ends_on: date | None
    setting: str


def setting_of(value: object) -> str:
    """A placement's setting, such as Foster home, with its spaces tidied."""
    setting = " ".join(arguments.text(value, "placement's setting", error=InvalidStage, most=10 * SETTING_MAX,
                                      empty=True).split())
    if not setting or len(setting) > SETTING_MAX:
        raise InvalidStage(f"A placement names its setting, such as Foster home, in at most {SETTING_MAX} characters.")
    return setting


def place(work: Work, stage: Stage, child_id: int, starts_on: date, setting: str) -> int:
    """Record that a child of the stage went into foster care on ``starts_on`` (a day in the agency's
    zone, counted in care)."""
    if stage.type not in PLACING_STAGES:
        raise InvalidStage(f"A placement is recorded in the child's Family Services Stage or Child Case "
                           f"Record, not in a {stage.label} stage.")
    if stage.closed_at is not None:
        raise InvalidStage(f"This {stage.label} stage is closed ({stage.close_reason}); a placement is "
                           "recorded in an open stage.")
    child = next((p for p in stage.persons if p.id == child_id), None)
    if child is None or not child.is_child:
        raise InvalidStage("A placement is for a child in the stage's person list.")
    if starts_on > work.policy.calendar.local_day(work.now):
        raise InvalidStage(f"A placement is recorded once the child is placed; {day_text(starts_on)} is still "
                           "to come.")
    _check_no_overlap(work.session, child, starts_on)
    placement = Placement(person_id=child.id, stage_id=stage.id, starts_on=starts_on, setting=setting)
    work.session.add(placement)
    work.session.flush()
    activity(work.session, work.by, "place child", "placement", placement.id, work.now, case_id=stage.case_id,
             child=child.id, stage=stage.id,
             after={"child": child.full_name, "from": starts_on, "setting": setting, "stage": stage.label})
    return placement.id


def end(work: Work, placement: Placement, ends_on: date) -> None:
    """Record the last day a child spent in this placement."""
    if placement.ends_on is not None:
        raise InvalidStage(f"This placement already ended on {day_text(placement.ends_on)}.")
    if ends_on < placement.starts_on:
        raise InvalidStage(f"A placement ends on or after the day it started ({day_text(placement.starts_on)}).")
    if ends_on > work.policy.calendar.local_day(work.now):
        raise InvalidStage(f"A placement's end is recorded once it has ended; {day_text(ends_on)} is still to come.")
    placement.ends_on = ends_on
    work.session.flush()
    activity(work.session, work.by, "end placement", "placement", placement.id, work.now,
             case_id=placement.stage.case_id, child=placement.person_id,
             before={"child": placement.person.full_name, "to": None},
             after={"child": placement.person.full_name, "to": ends_on})


def placement_of(session: Session, placement_id: int) -> Placement:
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise NotFound(f"There is no placement number {placement_id}.")
    return placement


def _check_no_overlap(session: Session, child: Person, starts_on: date) -> None:
    """A child is in one placement at a time; the new one is open, so any placement that has not
    ended before ``starts_on`` would overlap it."""
    earlier = session.scalar(select(Placement).where(
        Placement.person_id == child.id, or_(Placement.ends_on.is_(None), Placement.ends_on >= starts_on))
        .order_by(Placement.starts_on).limit(1))
    if earlier is None:
        return
    if earlier.ends_on is None:
        raise InvalidStage(f"{child.full_name} is still in the placement that started {day_text(earlier.starts_on)}; "
                           "end it before recording a new one.")
    raise InvalidStage(f"{child.full_name} was placed from {day_text(earlier.starts_on)} to "
                       f"{day_text(earlier.ends_on)}; a child's placements may not overlap.")


class PlacementDesk(StageKeepingBase):
    def place_child(self, stage_id: int, person_id: int, starts_on: date, setting: str = "Foster home") -> int:
        """Record a child's placement in the stage (its Case Manager, Case Planner or above them)."""
        stage_id, person_id = arguments.record_id(stage_id, "stage"), arguments.record_id(person_id, "child")
        starts_on = arguments.day(starts_on, "first day of the placement", InvalidStage)
        setting = setting_of(setting)
        with self.db.writing() as session:
            work, stage = self._kept_stage(session, stage_id, RECORDING)
            return place(work, stage, person_id, starts_on, setting)

    def end_placement(self, placement_id: int, ends_on: date) -> None:
        """Record the last day of a placement. Cannot be undone."""
        placement_id = arguments.record_id(placement_id, "placement")
        ends_on = arguments.day(ends_on, "last day of the placement", InvalidStage)
        with self.db.writing() as session:
            placement = placement_of(session, placement_id)
            work, _ = self._kept_stage(session, placement.stage_id, ENDING)
            end(work, placement, ends_on)

    def may_change_placements(self, stage_id: int) -> str | None:
        """None if I may record and end placements in the stage, else the sentence why not (a closed
        stage still lets a placement left open be ended)."""
        return self._refusal(stage_id, "record or end its placements", open_only=False)

    def placements_in_stage(self, stage_id: int) -> tuple[PlacementView, ...]:
        """The placements recorded in the stage, open ones first, then the latest first."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            stage, access = self._read_stage(session, stage_id)
            rows = session.scalars(select(Placement).where(Placement.stage_id == stage.id)
                                   .options(selectinload(Placement.person)))
            view = tuple(PlacementView(p.id, p.stage_id, p.person_id, p.person.full_name, p.starts_on, p.ends_on,
                                       p.setting)
                         for p in sorted(rows, key=lambda p: (p.ends_on is not None, -p.starts_on.toordinal(), -p.id)))
            case_id = stage.case_id
        self._audit_read(access, case_id, "stage", stage_id)
        return view
