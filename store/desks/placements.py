"""A child's placements in foster care, recorded in the stage that holds them (FSS or CCR).

A placement is for a child in the stage, recorded in an open stage once the child is placed (its
first day not in the future), one at a time per child (no overlap); it ends on or after its first
day and not in the future. A placement's child, stage and first day never change, and its end is
written once (a trigger holds both).

A placement has a legal basis (``plan_need.LEGAL_BASES``: a voluntary placement agreement, a court
order, a voluntary placement, or a child committed to the agency while living at home, recorded as a
placement at home on that basis); the plan rules read it. It is given when the child is placed, or
recorded once later for a placement recorded without it (migration 0016's placements kept none), and
never changes: a change of basis ends the placement and records the next. The stage also says whether
the agency provides services beyond visitation to address a parent's needs (``parent_services``).
The same keepers write all of it.
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
from store.desks.stage_keeping import StageKeepingBase, check_open, day_text
from store.rules.plan_need import LEGAL_BASES

PLACING_STAGES = ("FSS", "CCR")  # the stages that hold a child's placement in foster care
SETTING_MAX = 120
RECORDING, ENDING = "record a placement in it", "end a placement in it"
BASIS, SERVICES = "record a placement's legal basis in it", "record services to a parent in it"


@dataclass(frozen=True)
class PlacementView:
    id: int
    stage_id: int
    child_id: int
    child_name: str
    starts_on: date
    ends_on: date | None
    setting: str
    basis: str | None = None  # plan_need.LEGAL_BASES; None: not recorded yet


def setting_of(value: object) -> str:
    """A placement's setting, such as Foster home, with its spaces tidied."""
    setting = " ".join(arguments.text(value, "placement's setting", error=InvalidStage, most=10 * SETTING_MAX,
                                      empty=True).split())
    if not setting or len(setting) > SETTING_MAX:
        raise InvalidStage(f"A placement names its setting, such as Foster home, in at most {SETTING_MAX} characters.")
    return setting


def basis_of(value: object) -> str:
    """A placement's legal basis, one of ``plan_need.LEGAL_BASES``."""
    basis = arguments.text(value, "placement's legal basis", error=InvalidStage, most=80, empty=True).strip()
    if basis not in LEGAL_BASES:
        raise InvalidStage(f"A placement's legal basis is one of: {'; '.join(LEGAL_BASES)}; not {basis!r}.")
    return basis


def place(work: Work, stage: Stage, child_id: int, starts_on: date, setting: str, basis: str | None = None) -> int:
    """Record that a child of the stage went into foster care on ``starts_on`` (a day in the agency's
    zone, counted in care), on the legal ``basis`` (None: not known yet)."""
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
    placement = Placement(person_id=child.id, stage_id=stage.id, starts_on=starts_on, setting=setting, basis=basis)
    work.session.add(placement)
    work.session.flush()
    after = {"child": child.full_name, "from": starts_on, "setting": setting, "stage": stage.label}
    activity(work.session, work.by, "place child", "placement", placement.id, work.now, case_id=stage.case_id,
             child=child.id, stage=stage.id, after=after | ({"basis": basis} if basis else {}))
    return placement.id


def record_basis(work: Work, placement: Placement, basis: str) -> None:
    """Record the legal basis of a placement recorded without one; a basis once recorded stays."""
    if placement.basis == basis:
        return
    if placement.basis is not None:
        raise InvalidStage(f"This placement's legal basis is recorded ({placement.basis}) and stays: a change of "
                           "basis ends the placement and records the next one.")
    placement.basis = basis
    work.session.flush()
    activity(work.session, work.by, "record placement basis", "placement", placement.id, work.now,
             case_id=placement.stage.case_id, child=placement.person_id,
             before={"child": placement.person.full_name, "basis": None},
             after={"child": placement.person.full_name, "basis": basis})


def set_parent_services(work: Work, stage: Stage, provided: bool) -> None:
    """Record whether the agency provides services beyond visitation to address a parent's needs in
    the family's Family Services Stage or Child Case Record."""
    if stage.type not in PLACING_STAGES:
        raise InvalidStage(f"Services to a parent are recorded in the family's Family Services Stage or Child Case "
                           f"Record, not in a {stage.label} stage.")
    check_open(stage, "change the services it records")
    if stage.parent_services == provided:
        return
    stage.parent_services = provided
    work.session.flush()
    activity(work.session, work.by, "set parent services", "stage", stage.id, work.now, case_id=stage.case_id,
             stage=stage.id, before={"parent_services": not provided}, after={"parent_services": provided})


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
    def place_child(self, stage_id: int, person_id: int, starts_on: date, setting: str = "Foster home",
                    basis: str | None = None) -> int:
        """Record a child's placement in the stage (its Case Manager, Case Planner or above them), on the
        legal ``basis`` (``plan_need.LEGAL_BASES``; a child committed to the agency at home is placed at
        home on ``COMMITTED_AT_HOME``)."""
        stage_id, person_id = arguments.record_id(stage_id, "stage"), arguments.record_id(person_id, "child")
        starts_on = arguments.day(starts_on, "first day of the placement", InvalidStage)
        setting = setting_of(setting)
        basis = None if basis is None else basis_of(basis)
        with self.db.writing() as session:
            work, stage = self._kept_stage(session, stage_id, RECORDING)
            return place(work, stage, person_id, starts_on, setting, basis)

    def record_placement_basis(self, placement_id: int, basis: str) -> None:
        """Record the legal basis of a placement recorded without one. Cannot be changed afterwards."""
        placement_id, basis = arguments.record_id(placement_id, "placement"), basis_of(basis)
        with self.db.writing() as session:
            placement = placement_of(session, placement_id)
            work, _ = self._kept_stage(session, placement.stage_id, BASIS)
            record_basis(work, placement, basis)

    def set_parent_services(self, stage_id: int, provided: bool) -> None:
        """Record whether the agency provides services beyond visitation to address a parent's needs
        (in the family's open FSS or CCR stage; its keepers)."""
        stage_id = arguments.record_id(stage_id, "stage")
        if not isinstance(provided, bool):
            raise InvalidStage("Say whether services to a parent are provided: yes or no.")
        with self.db.writing() as session:
            work, stage = self._kept_stage(session, stage_id, SERVICES)
            set_parent_services(work, stage, provided)

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

    def parent_services(self, stage_id: int) -> bool:
        """Whether the stage records that the agency provides services beyond visitation to a parent."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            stage, access = self._read_stage(session, stage_id)
            provided, case_id = bool(stage.parent_services), stage.case_id
        self._audit_read(access, case_id, "stage", stage_id)
        return provided

    def placements_in_stage(self, stage_id: int) -> tuple[PlacementView, ...]:
        """The placements recorded in the stage, open ones first, then the latest first."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            stage, access = self._read_stage(session, stage_id)
            rows = session.scalars(select(Placement).where(Placement.stage_id == stage.id)
                                   .options(selectinload(Placement.person)))
            view = tuple(PlacementView(p.id, p.stage_id, p.person_id, p.person.full_name, p.starts_on, p.ends_on,
                                       p.setting, p.basis)
                         for p in sorted(rows, key=lambda p: (p.ends_on is not None, -p.starts_on.toordinal(), -p.id)))
            case_id = stage.case_id
        self._audit_read(access, case_id, "stage", stage_id)
        return view
