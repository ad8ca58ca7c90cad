"""Administration: staff, units and functions, families, persons, stages and role assignments.

The agency's set-up work (and the demo generator's), done as the system: stages, roles and
placements go through the same rules as a signed-in desk (store/desks/stage_opening.py, roles.py,
placements.py), without its permission check.

Every public method checks its arguments first with store/core/arguments.py, as the desk does: a wrong
type, a number no record can have, a text too long for its column or holding hidden characters is
a ``StoreError`` with a sentence, and nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core import arguments
from store.desks import staff
from store.core.errors import InvalidRequest, InvalidStage, NotFound, StoreError
from store.db.journal import activity, audit
from store.desks import advocate_accounts, inbox, intake, placements, roles, stage_opening
from store.core.intake_forms import NewPerson
from store.desks.base import Work
from store.desks.roles import ROLES
from store.desks.stage_opening import STAGE_TYPES
from store.db.models import (AdvocateAppointment, Meta, Person, Stage, Worker)

if TYPE_CHECKING:
    from store.db.database import Database

EMPLOYERS = ("LDSS", "VA", "CASA")
# The longest text each column holds (store/db/models.py).
NAME_MAX, CODE_MAX, META_KEY_MAX, META_VALUE_MAX = 120, 32, 64, 400


def _text(value: Any, what: str, most: int, *, empty: bool = False, error: type[StoreError] = InvalidRequest) -> str:
    return arguments.text(value, what, error=error, most=most, empty=empty)


def _login(value: Any, what: str = "worker's login") -> str:
    return arguments.login(value, what, NotFound)


def _one_of(value: Any, what: str, allowed: tuple[str, ...], error: type[StoreError] = InvalidStage) -> str:
    """One of a fixed list of words; ``what`` reads "a stage type"."""
    if not isinstance(value, str):
        raise error(f"{what[0].upper()}{what[1:]} is one of {', '.join(allowed)}, and casenotes was given "
                    f"{arguments.kind_of(value)}.")
    if value not in allowed:
        raise error(f"{arguments.shown(value)} is not {what} ({', '.join(allowed)}).")
    return str(value)


class Staffing:
    def __init__(self, db: Database, by: str | None = None):
        self.db = db
        # login of the administrator, for the audit record
        self.by = None if by is None else arguments.login(by, "administrator's login", InvalidRequest)

    def set_meta(self, key: str, value: str) -> None:
        key = _text(key, "setting's name", META_KEY_MAX)
        value = _text(value, "setting's value", META_VALUE_MAX, empty=True)
        with self.db.writing() as session:
            session.merge(Meta(key=key, value=value))

    def add_unit(self, name: str) -> int:
        name = staff.clean_text(name, "unit's name")
        with self.db.writing() as session:
            return staff.add_unit(self._work(session), name)

    def add_worker(self, login: str, name: str, title: str, *, employer: str = "LDSS", agency: str = "",
                   unit: int | None = None, supervisor: str | None = None, functions: Iterable[str] = (),
                   email: str | None = None) -> int:
        login = staff.clean_new_login(login)
        profile = staff.clean_profile(self.db.policy, name, title, employer=employer, agency=agency, unit=unit,
                                      supervisor=supervisor, functions=functions, email=email)
        with self.db.writing() as session:
            return staff.add_worker(self._work(session), login, profile)

    def plan_absence(self, login: str, starts_on: date, ends_on: date, reason: str = "") -> int:
        login = _login(login)
        starts_on, ends_on, reason = staff.clean_absence(starts_on, ends_on, reason)
        with self.db.writing() as session:
            work = self._work(session)
            return staff.plan_absence(work, self._worker(session, login), starts_on, ends_on, reason).id

    def check_notifications(self) -> int:
        """The server's sweep, as the system: every worker's newly overdue corrections and reviews and
        absence cut-offs tomorrow, each notified once; how many are new."""
        with self.db.writing() as session:
            return inbox.sweep(session, self.db.policy, self.db.now())

    def mark_every_inbox_read(self) -> int:
        """Every worker's notifications marked read as of now (the demo: what reached them during its
        story was read then); how many were unread."""
        with self.db.writing() as session:
            return inbox.mark_every_read(session, self.db.now())

    def deliver_mail(self) -> int:
        """E-mail every worker with unread, un-e-mailed notifications (``MailNotSent`` if the relay is down)."""
        return inbox.deliver_pending(self.db)

    def open_case(self, family_name: str) -> int:
        with self.db.writing() as session:
            return intake.open_family(self._work(session), family_name, (), None).case_id

    def add_person(self, case_id: int, first_name: str, last_name: str, relationship: str, *,
                   birth_date: date | None = None, is_child: bool = False, sex: str | None = None) -> int:
        """Add a person to a family (``relationship`` and ``sex`` from the policy's picklists)."""
        case_id = arguments.record_id(case_id, "case")
        person = NewPerson(first_name, last_name, relationship, sex, birth_date, is_child)
        with self.db.writing() as session:
            return intake.add_person(self._work(session), case_id, person).id

    def open_stage(self, case_id: int, type: str, *, case_manager: str, person_ids: Iterable[int],
                   subtype: str | None = None, parent_id: int | None = None) -> int:
        """Open a stage (or progress ``parent_id`` into it) with its persons and its Case Manager."""
        case_id = arguments.record_id(case_id, "case")
        _one_of(type, "a stage type", STAGE_TYPES)
        case_manager = _login(case_manager, "Case Manager's login")
        person_ids = list(dict.fromkeys(arguments.record_ids(person_ids, "person")))
        subtype = None if subtype is None else _text(subtype, "Family Services Stage type", 16, error=InvalidStage)
        parent_id = None if parent_id is None else arguments.record_id(parent_id, "stage")
        with self.db.writing() as session:
            work = self._work(session)
            manager = self._worker(session, case_manager)
            return stage_opening.open_stage(work, case_id, type, case_manager=manager, person_ids=person_ids,
                                            subtype=subtype, parent_id=parent_id).id

    def assign_role(self, stage_id: int, login: str, role: str, children: Iterable[int] = ()) -> int:
        """Give a worker a role in a stage. A new Case Manager replaces the current one."""
        stage_id, login = arguments.record_id(stage_id, "stage"), _login(login)
        role = _one_of(role, "a stage role", ROLES)
        children = arguments.record_ids(children, "person")
        with self.db.writing() as session:
            stage = session.get(Stage, stage_id)
            if stage is None:
                raise NotFound(f"There is no stage number {stage_id}.")
            return roles.assign(self._work(session), stage, self._worker(session, login), role, list(children))

    def end_role(self, stage_id: int, login: str, role: str) -> None:
        stage_id, login = arguments.record_id(stage_id, "stage"), _login(login)
        role = _one_of(role, "a stage role", ROLES)
        with self.db.writing() as session:
            stage = session.get(Stage, stage_id)
            if stage is None:
                raise NotFound(f"There is no stage number {stage_id}.")
            work = self._work(session)
            roles.end(work, stage, roles.held(session, stage, login, role, work.now))

    def appoint_advocate(self, login: str, child_id: int, active: bool = True) -> int:
        """Switch a court-appointed advocate's read access to one child's records on or off."""
        login, child_id = _login(login, "advocate's login"), arguments.record_id(child_id, "child")
        active = arguments.yes_or_no(active, "Whether the advocate's access is on", InvalidRequest)
        with self.db.writing() as session:
            child = session.get(Person, child_id)
            if child is None or not child.is_child:
                raise InvalidStage("An advocate is appointed for a child of the case.")
            worker = self._worker(session, login)
            appointment = session.scalar(select(AdvocateAppointment).where(
                AdvocateAppointment.worker_id == worker.id, AdvocateAppointment.person_id == child_id))
            was = None if appointment is None else appointment.active
            if appointment is None:
                appointment = AdvocateAppointment(worker_id=worker.id, person_id=child_id,
                                                  appointed_at=self.db.now())
                session.add(appointment)
            appointment.active = active
            session.flush()
            work = self._work(session)
            activity(session, work.by, "advocate access", "person", child_id, work.now, case_id=child.case_id,
                     advocate=login, active=active, before={"access": was}, after={"access": active})
            return appointment.id

    def request_advocate_account(self, login: str, name: str, *, agency: str = "", email: str | None = None,
                                 title: str = advocate_accounts.ADVOCATE_TITLE) -> int:
        """An advocate's account waiting for a representative's approval (the demo's, the tests'), as the
        system; the worker's id."""
        login, title = staff.clean_new_login(login), staff.clean_text(title, "advocate's title")
        name, agency = staff.clean_text(name, "advocate's name"), staff.clean_text(agency, "advocate's programme",
                                                                                   empty=True)
        email = advocate_accounts.clean_email(email)
        with self.db.writing() as session:
            return advocate_accounts.request_account(self._work(session), login, name, agency, email, title)

    def approve_advocate_account(self, login: str) -> None:
        """Approve a requested advocate's account as the system (a demo's or an import's advocate already
        at work), as a representative would."""
        login = _login(login, "advocate's login")
        with self.db.writing() as session:
            advocate_accounts.approve(self._work(session), login)

    def place_child(self, stage_id: int, person_id: int, starts_on: date, setting: str = "Foster home",
                    basis: str | None = None) -> int:
        """Record that a child of the stage went into foster care on ``starts_on`` (a day in the agency's
        zone, counted in care), on the legal ``basis`` (``plan_need.LEGAL_BASES``; None: not known)."""
        stage_id, person_id = arguments.record_id(stage_id, "stage"), arguments.record_id(person_id, "child")
        starts_on = arguments.day(starts_on, "first day of the placement", InvalidStage)
        setting = placements.setting_of(setting)
        basis = None if basis is None else placements.basis_of(basis)
        with self.db.writing() as session:
            stage = session.get(Stage, stage_id)
            if stage is None:
                raise NotFound(f"There is no stage number {stage_id}.")
            return placements.place(self._work(session), stage, person_id, starts_on, setting, basis)

    def end_placement(self, placement_id: int, ends_on: date) -> None:
        """Record the last day a child spent in this placement."""
        placement_id = arguments.record_id(placement_id, "placement")
        ends_on = arguments.day(ends_on, "last day of the placement", InvalidStage)
        with self.db.writing() as session:
            placements.end(self._work(session), placements.placement_of(session, placement_id), ends_on)

    def _worker(self, session: Session, login: str) -> Worker:
        worker = session.scalar(select(Worker).where(Worker.login == login))
        if worker is None:
            raise NotFound(f"There is no worker with the login {login!r}.")
        return worker

    def _work(self, session: Session) -> Work:
        """The system's footing for a change (audited as done by ``by``, if given)."""
        by = session.scalar(select(Worker).where(Worker.login == self.by)) if self.by else None
        return Work(session, self.db.now(), self.db.policy, by)

    def _audit(self, session: Session, action: str, entity: str, entity_id: int, detail: dict[str, Any]) -> None:
        by = session.scalar(select(Worker).where(Worker.login == self.by)) if self.by else None
        audit(session, by, action, entity, entity_id, self.db.now(), detail)
