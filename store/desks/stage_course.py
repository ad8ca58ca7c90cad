"""A stage's course after it opens: progressing it into a child stage, App/Reg of a Family Services
Stage, starting the closing and closing it (DOMAIN.md, stages; issue 16, items 1 and 4).

Each change is a function of a ``Work`` (the signed-in desk calls it after its permission check, the
system's Staffing and ``casenotes import`` call it as the system), audited as case activity.

Where the parent goes when it progresses (``PARENT_CLOSES``): a CPS Intake closes once its
investigation opens, and a Family Services Intake once its Family Services Stage opens, both
"Progressed to another stage"; an investigation may stay open while services begin (it closes
"Investigation complete" on its own), and a Family Services Stage stays open beside each child's
Child Case Record. A FAD (foster/adoptive home development) stands alone in the tree: the family's
FSS or CCR may open one, with no parent, and stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.arguments import shown
from store.core.errors import InvalidStage
from store.db.journal import activity, change
from store.db.models import Person, Placement, Stage, StagePerson, Worker
from store.desks.base import Work
from store.desks.stage_opening import FSS_TYPES, open_stage

# What each open stage may progress into, in the order a screen offers them.
TRANSITIONS: dict[str, tuple[str, ...]] = {"INT": ("INV",), "INV": ("FSS",), "FSI": ("FSS",), "FSS": ("CCR", "FAD"),
                                           "CCR": ("FAD",), "FAD": ()}
PARENT_CLOSES = {("INT", "INV"), ("FSI", "FSS")}
PROGRESSED = "Progressed to another stage"
NAMES = {"INT": "CPS Intake", "INV": "CPS Investigation", "FSI": "Family Services Intake",
         "FSS": "Family Services Stage", "CCR": "Child Case Record", "FAD": "Foster/Adoptive Home Development"}


def current_persons(session: Session, stage_id: int) -> list[Person]:
    """The persons in the stage now (a person taken out of it keeps only its history)."""
    return list(session.scalars(select(Person).join(StagePerson, StagePerson.person_id == Person.id)
                                .where(StagePerson.stage_id == stage_id, StagePerson.ended_at.is_(None))
                                .order_by(Person.id)))


def transitions(stage: Stage) -> tuple[str, ...]:
    """The stage types this stage may progress into now (none once it is closed)."""
    return () if stage.closed_at is not None else TRANSITIONS.get(stage.type, ())


def check_open(stage: Stage, doing: str) -> None:
    if stage.closed_at is not None:
        raise InvalidStage(f"This {stage.label} stage is already closed ({stage.close_reason}); nobody may {doing}.")


def check_may_progress(stage: Stage) -> None:
    check_open(stage, "progress it")
    if not transitions(stage):
        raise InvalidStage(f"A {stage.label} stage does not progress into another stage.")


def progress(work: Work, parent: Stage, type: str, *, case_manager: Worker, person_ids: Iterable[int],
             subtype: str | None = None) -> Stage:
    """Open the child stage ``type`` of ``parent`` with some of the parent's current persons and its
    Case Manager; it carries the parent's administrative mark, and the parent closes where the tree
    says so (``PARENT_CLOSES``)."""
    check_may_progress(parent)
    if type not in TRANSITIONS[parent.type]:
        raise InvalidStage(f"A {parent.label} stage progresses into {_either(TRANSITIONS[parent.type])}, "
                           f"not {shown(type)}.")
    if type == "FSS" and subtype not in FSS_TYPES:
        raise InvalidStage(f"A Family Services Stage has a type ({', '.join(FSS_TYPES)}).")
    person_ids = list(dict.fromkeys(person_ids))
    if not person_ids:
        raise InvalidStage("Choose the persons of the new stage from those of this one.")
    current = {p.id: p for p in current_persons(work.session, parent.id)}
    if set(person_ids) - set(current):
        raise InvalidStage(f"The persons of the new stage are chosen from those now in the {parent.label} stage.")
    chosen = [current[i] for i in person_ids]
    if type != "FAD" and not any(p.is_child for p in chosen):
        raise InvalidStage(f"A {NAMES[type]} with an adult needs at least one child in its person list.")
    if not case_manager.active:
        raise InvalidStage(f"{case_manager.name} no longer works here and cannot be the Case Manager.")
    child = open_stage(work, parent.case_id, type, case_manager=case_manager, person_ids=person_ids,
                       subtype=subtype if type == "FSS" else None, parent_id=None if type == "FAD" else parent.id)
    child.administrative = parent.administrative
    activity(work.session, work.by, "progress stage", "stage", parent.id, work.now, case_id=parent.case_id,
             before={"stage": parent.label}, after={"stage": child.label, "new stage id": child.id,
                                                    "administrative": child.administrative})
    if (parent.type, type) in PARENT_CLOSES:
        _close(work, parent, PROGRESSED)
    work.session.flush()
    return child


def check_may_app_reg(stage: Stage) -> None:
    check_open(stage, "App/Reg it")
    if stage.type != "FSS":
        raise InvalidStage(f"App/Reg is done in a Family Services Stage, not in a {stage.label} stage.")
    if stage.app_reg_at is not None:
        raise InvalidStage("This stage has already been App/Reg'd.")


def app_reg(work: Work, stage: Stage, primary_caretaker_id: int | None) -> None:
    """App/Reg a Family Services Stage: its primary caretaker, an adult of the stage; or, when only
    children are in the stage, "child only" (None)."""
    check_may_app_reg(stage)
    persons = current_persons(work.session, stage.id)
    if primary_caretaker_id is None:
        adults = [p.full_name for p in persons if not p.is_child]
        if adults:
            raise InvalidStage(f"A stage is child only when only children are in it; choose its primary caretaker "
                               f"among {', '.join(adults)}.")
        caretaker = None
    else:
        caretaker = next((p for p in persons if p.id == primary_caretaker_id), None)
        if caretaker is None:
            raise InvalidStage("The primary caretaker is one of the persons now in the stage.")
        if caretaker.is_child:
            raise InvalidStage(f"{caretaker.full_name} is a child of the stage; the primary caretaker is an adult.")
    stage.primary_caretaker_id, stage.app_reg_at = primary_caretaker_id, work.now
    activity(work.session, work.by, "app/reg", "stage", stage.id, work.now, case_id=stage.case_id,
             before={"primary caretaker": None},
             after={"primary caretaker": caretaker.full_name if caretaker else "child only"})
    change(work.session, "stage", stage.id, "update", work.now)
    work.session.flush()


def closure_reason(work: Work, reason: object) -> str:
    if not isinstance(reason, str) or reason not in work.policy.stage_closure_reasons:
        raise InvalidStage(f"{shown(reason)} is not one of the agency's reasons for closing a stage.")
    return reason


def start_closing(work: Work, stage: Stage, reason: str) -> None:
    """The Case Planner (or anyone who keeps the stage) proposes closing it with a reason; the Case
    Manager then closes it."""
    check_open(stage, "start closing it")
    reason = closure_reason(work, reason)
    before = {"closing reason": stage.closing_reason}
    stage.closing_started_by_id, stage.closing_started_at, stage.closing_reason = (
        work.by.id if work.by else None, work.now, reason)
    activity(work.session, work.by, "start closing", "stage", stage.id, work.now, case_id=stage.case_id,
             reason=reason, before=before, after={"closing reason": reason})
    change(work.session, "stage", stage.id, "update", work.now)
    work.session.flush()


def check_may_close(session: Session, stage: Stage) -> None:
    check_open(stage, "close it")
    placed = session.scalars(select(Placement).where(Placement.stage_id == stage.id, Placement.ends_on.is_(None))
                             .order_by(Placement.id)).first()
    if placed is not None:
        raise InvalidStage(f"{placed.person.full_name} is still placed ({placed.setting}, since "
                           f"{placed.starts_on:%m/%d/%Y}) in this stage; end the placement before closing it.")


def close(work: Work, stage: Stage, reason: str) -> None:
    """Close the stage with one of the agency's reasons; refused while a child's placement recorded
    in it is open. A closed stage takes no new notes and stays closed."""
    check_may_close(work.session, stage)
    _close(work, stage, closure_reason(work, reason))
    work.session.flush()


def _close(work: Work, stage: Stage, reason: str) -> None:
    stage.closed_at, stage.close_reason = work.now, reason
    activity(work.session, work.by, "close stage", "stage", stage.id, work.now, case_id=stage.case_id,
             reason=reason, before={"closed": None}, after={"closed": reason})
    change(work.session, "stage", stage.id, "update", work.now)


def _either(types: tuple[str, ...]) -> str:
    return " or ".join(f"a {NAMES[t]} ({t})" for t in types) or "no other stage"
