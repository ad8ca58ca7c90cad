"""What the advocacy desk must know of a child's record that the reader may not read (issue 18).

An advocate files a request for a child whose record is not open to them yet, and the programme's
representatives read no family's record at all; still the store must know the child's family (where
the letter goes) and who answers for the child (whom the request notifies), and the representatives'
list names the children each advocate's access is open to. Through the owner's connection (and on
SQLite) the store reads the rows and applies the rule itself; signed in as a worker's own database
user (row-level security) it asks the owner's narrow functions of ``row_security.ADVOCACY_FUNCTIONS``,
which say the same. One question, one function here, whichever way it is answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.core.errors import InvalidRequest, NotFound
from store.db.models import AdvocateAppointment, Case, Person, Stage, StagePerson
from store.db.unseen import under_row_security
from store.desks.visits import _responsible, responsible_worker
from store.rules.access import open_appointment, readable_case_ids
from store.rules.advocacy import may_manage_advocates


@dataclass(frozen=True)
class RequestTarget:
    """The child a request is filed for: their family, and who answers for them now (None: nobody)."""

    child_id: int
    case_id: int
    worker_id: int | None
    stage_id: int | None


@dataclass(frozen=True)
class AppointedChild:
    """A request's child as the reader may know them."""

    name: str
    case_id: int
    family_name: str
    open: bool  # the appointment's access is open now


def request_target(session: Session, child_id: int, now: datetime) -> RequestTarget:
    """The child's family and responsible worker, or ``NotFound`` (no such child)."""
    if under_row_security(session):
        row = session.execute(text("SELECT * FROM casenotes_request_child(:p)"), {"p": child_id}).first()
        if row is None:
            raise NotFound(f"There is no child number {child_id} in casenotes; check the number on the court's "
                           "order with the child's caseworker.")
        if not row.child_is_child or row.child_case is None:  # a parent's number: their family is not said
            raise InvalidRequest(f"Person number {child_id} is not a child of a family; an advocate is appointed "
                                 "for a child.")
        return RequestTarget(child_id, row.child_case, row.responsible, row.responsible_stage)
    person = session.get(Person, child_id)
    if person is None:
        raise NotFound(f"There is no child number {child_id} in casenotes; check the number on the court's "
                       "order with the child's caseworker.")
    if not person.is_child:
        raise InvalidRequest(f"Person number {child_id} is not a child of a family; an advocate is appointed "
                             "for a child.")
    stage_ids = list(session.scalars(
        select(StagePerson.stage_id).join(Stage, Stage.id == StagePerson.stage_id)
        .where(StagePerson.person_id == child_id, StagePerson.ended_at.is_(None), Stage.closed_at.is_(None))
        .order_by(Stage.opened_at.desc(), Stage.id.desc())))
    roles = _responsible(session, set(stage_ids), now)
    for stage_id in stage_ids:
        worker = responsible_worker(roles.get(stage_id, []), child_id)
        if worker is not None:
            return RequestTarget(child_id, person.case_id, worker.id, stage_id)
    return RequestTarget(child_id, person.case_id, None, None)


def appointed_children(session: Session, user_id: int, appointment_ids: Iterable[int],
                       now: datetime) -> dict[int, AppointedChild]:
    """For each of these appointments the reader may know the child of: the child. The reader knows
    the child of every appointment if they manage advocates, of their own appointment once it was
    approved, and of any appointment of a child in a family they read whole."""
    ids = list(appointment_ids)
    if not ids:
        return {}
    if under_row_security(session):
        rows = session.execute(text("SELECT * FROM casenotes_appointed_children()")).all()
        return {r.appointment_id: AppointedChild(r.child_name, r.child_case, r.child_family, r.access_open)
                for r in rows if r.appointment_id in set(ids)}
    from store.db.models import Worker  # the reader as the rules read them

    user = session.get_one(Worker, user_id)
    manages, readable = may_manage_advocates(session, user), readable_case_ids(session, user, now)
    rows = session.execute(
        select(AdvocateAppointment, Person.first_name, Person.last_name, Person.case_id, Case.family_name,
               open_appointment(now))
        .join(Person, Person.id == AdvocateAppointment.person_id).join(Case, Case.id == Person.case_id)
        .where(AdvocateAppointment.id.in_(ids))).all()
    found = {}
    for appointment, first, last, case_id, family, is_open in rows:
        own_approved = (appointment.worker_id == user_id and appointment.decided_at is not None
                        and appointment.decided_by_id is not None and appointment.status != "declined")
        if manages or own_approved or case_id in readable:
            found[appointment.id] = AppointedChild(f"{first} {last}", case_id, family, bool(is_open))
    return found
