"""Staff administration (the ``MAINTAIN STAFF`` business function): units, workers, who supervises
whom, business functions, deactivating someone who left, and an absence planned for someone else.

Each change is one module-level function on a ``Work`` (session, instant, policy, who acts), called by
the signed-in ``StaffDesk`` after its permission check, by the system's ``Staffing`` and by the import,
so that each rule is written once. Arguments are checked by the ``clean_*`` functions before anything
is read; every change is audited with its values before and after (``journal.activity``).

A worker is never deleted: deactivation refuses their sign-in (``Store.as_user``) and any desk already
open for them (``DeskBase._user``/``_actor``), and keeps their notes, roles and history. Their open
roles are reassigned first; the refusal names each one.

On the agency server (PostgreSQL, the staff administrator signed in as their own database user) adding
a worker also makes their database user, and deactivating one takes its LOGIN away, in the same
transaction, through the owner's functions of ``store/db/server.py`` (``give_sign_in``,
``end_sign_in``). The import and the system's ``Staffing`` leave database users to the owner's
``casenotes admin logins``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from store.core import arguments
from store.core.errors import InvalidAbsence, InvalidRequest, InvalidStage, NotFound, StoreError
from store.core.policy import Policy
from store.core.results import AbsenceView, OpenRole, StaffMember, UnitView
from store.db import server
from store.db.journal import activity
from store.db.models import Absence, AuditEntry, Case, RoleAssignment, Stage, Unit, Worker, WorkerFunction, stage_label
from store.desks.base import DeskBase, Work
from store.rules.access import active_role_filter
from store.rules.record_shape import check_employer, check_known_function, check_no_supervision_circle
from store.rules.maintenance import check_may_maintain_staff
from store.rules.obligations import absence_view

EMPLOYERS = ("LDSS", "VA", "CASA")
LDSS_ONLY_ROLES = ("Case Manager", "CPS Worker/Monitor")
NAME_MAX, CODE_MAX = 120, 32  # units.name, workers.name/title/agency; worker_functions.code
REASON_MAX_CHARS = 200  # absences.reason
Boss = aliased(Worker)
PROFILE = ("name", "title", "employer", "agency", "unit", "supervisor", "functions", "email")  # all but the login
EMAIL_MAX = 254  # workers.email


@dataclass(frozen=True)
class Profile:
    """A worker's profile as given, checked: everything but the login."""

    name: str
    title: str
    employer: str
    agency: str
    unit: int | None  # unit number
    supervisor: str | None  # login
    functions: tuple[str, ...]
    email: str | None = None  # where notifications are e-mailed (None: in the app only)


# -- checking what is given, before anything is read ------------------------------------------------------

def clean_text(value: Any, what: str, *, empty: bool = False) -> str:
    return arguments.text(value, what, error=InvalidRequest, most=NAME_MAX, empty=empty)


def clean_new_login(value: Any) -> str:
    login = arguments.login(value, "new worker's login", InvalidRequest)
    if not login.strip():
        raise InvalidRequest("A new worker needs a login.")
    if login != login.strip() or any(char.isspace() for char in login):
        raise InvalidRequest(f"A login is one word, without spaces; {arguments.shown(login)} has one.")
    return login


def clean_login(value: Any, what: str = "worker's login") -> str:
    return arguments.login(value, what, NotFound)


def clean_employer(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidStage(f"An employer type is one of {', '.join(EMPLOYERS)}, and casenotes was given "
                           f"{arguments.kind_of(value)}.")
    check_employer(value)
    return value


def clean_unit(value: Any) -> int | None:
    return None if value is None else arguments.record_id(value, "unit")


def clean_supervisor(value: Any) -> str | None:
    return None if value is None or value == "" else clean_login(value, "supervisor's login")


def clean_functions(value: Any, policy: Policy) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(arguments.texts(value, "function code", error=InvalidRequest, most=CODE_MAX)))
    for code in codes:
        check_known_function(code, policy.business_functions)
    return codes


def clean_email(value: Any) -> str | None:
    """An e-mail address for notifications, or None (none given, or blank) for none."""
    if value is None:
        return None
    address = arguments.text(value, "worker's e-mail address", error=InvalidRequest, most=EMAIL_MAX, empty=True).strip()
    if not address:
        return None
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or any(char.isspace() for char in address):
        raise InvalidRequest(f"An e-mail address looks like name@agency.example; {arguments.shown(address)} does "
                             "not. Nothing was saved.")
    return address


def clean_profile(policy: Policy, name: Any, title: Any, *, employer: Any, agency: Any, unit: Any,
                  supervisor: Any, functions: Any, email: Any = None) -> Profile:
    return Profile(name=clean_text(name, "worker's name"), title=clean_text(title, "worker's title"),
                   employer=clean_employer(employer), agency=clean_text(agency, "worker's agency", empty=True),
                   unit=clean_unit(unit), supervisor=clean_supervisor(supervisor),
                   functions=clean_functions(functions, policy), email=clean_email(email))


def clean_changes(policy: Policy, changes: dict[str, Any]) -> dict[str, Any]:
    """The fields of a profile to change, each checked; the login never changes."""
    if not isinstance(changes, dict) or not all(isinstance(field, str) for field in changes):
        raise InvalidRequest(f"The changes to a worker are given by field name ({', '.join(PROFILE)}), and "
                             f"casenotes was given {arguments.kind_of(changes)}.")
    if not changes:
        raise InvalidRequest(f"Say what to change: any of {', '.join(PROFILE)}.")
    unknown = sorted(set(changes) - set(PROFILE))
    if unknown:
        raise InvalidRequest(f"A worker's {arguments.shown(unknown[0])} is not something casenotes changes; "
                             f"change any of {', '.join(PROFILE)} (the login stays).")
    return {field: _clean_field(policy, field, value) for field, value in changes.items()}


def _clean_field(policy: Policy, field: str, value: Any) -> Any:
    if field in ("name", "title", "agency"):
        return clean_text(value, f"worker's {field}", empty=field == "agency")
    if field == "employer":
        return clean_employer(value)
    if field == "unit":
        return clean_unit(value)
    if field == "supervisor":
        return clean_supervisor(value)
    if field == "email":
        return clean_email(value)
    return clean_functions(value, policy)


def clean_absence(starts_on: Any, ends_on: Any, reason: Any) -> tuple[date, date, str]:
    starts_on = arguments.day(starts_on, "first day of the absence", InvalidAbsence)
    ends_on = arguments.day(ends_on, "last day of the absence", InvalidAbsence)
    if ends_on < starts_on:
        raise InvalidAbsence(f"The absence ends on {ends_on:%m/%d/%Y}, before it starts on {starts_on:%m/%d/%Y}.")
    reason = " ".join(arguments.text("" if reason is None else reason, "reason for the absence",
                                     error=InvalidAbsence, most=REASON_MAX_CHARS).split())
    return starts_on, ends_on, reason


# -- the changes ---------------------------------------------------------------------------------------

def add_unit(work: Work, name: str) -> int:
    session = work.session
    _check_unit_name_free(session, name)
    unit = Unit(name=name)
    session.add(unit)
    session.flush()
    activity(session, work.by, "add unit", "unit", unit.id, work.now, case_id=None, after={"name": name})
    return unit.id


def rename_unit(work: Work, unit_id: int, name: str) -> None:
    session = work.session
    unit = _unit(session, unit_id)
    if unit.name == name:
        return
    _check_unit_name_free(session, name)
    before = unit.name
    unit.name = name
    session.flush()
    activity(session, work.by, "change unit", "unit", unit.id, work.now, case_id=None, before={"name": before},
             after={"name": name})


def add_worker(work: Work, login: str, profile: Profile) -> int:
    session = work.session
    if session.scalar(select(Worker.id).where(Worker.login == login)) is not None:
        raise InvalidRequest(f"There is already a worker with the login {login!r}.")
    unit_id = None if profile.unit is None else _unit(session, profile.unit).id
    boss = None if profile.supervisor is None else _supervisor(work, profile.supervisor, None)
    worker = Worker(login=login, name=profile.name, title=profile.title, employer=profile.employer,
                    agency=profile.agency, unit_id=unit_id, supervisor=boss, active=True, email=profile.email,
                    functions=[WorkerFunction(code=code) for code in profile.functions])
    session.add(worker)
    session.flush()
    activity(session, work.by, "add worker", "worker", worker.id, work.now, case_id=None, login=login,
             after=_profile_of(worker))
    return worker.id


def change_worker(work: Work, login: str, changes: dict[str, Any]) -> None:
    """Change any of a worker's profile fields (``PROFILE``); ``changes`` already cleaned."""
    session = work.session
    worker = _staff_worker(session, login)
    _check_still_active(work, worker, "changed")
    before = _profile_of(worker)
    boss = worker.supervisor
    if changes.get("supervisor") is not None:
        boss = _supervisor(work, changes["supervisor"], worker)
    elif "supervisor" in changes:
        boss = None
    if "unit" in changes and changes["unit"] is not None:
        _unit(session, changes["unit"])
    if "employer" in changes and changes["employer"] != worker.employer:
        _check_roles_fit_employer(session, work.now, worker, changes["employer"])
    for field in ("name", "title", "employer", "agency", "email"):
        if field in changes:
            setattr(worker, field, changes[field])
    if "unit" in changes:
        worker.unit_id = changes["unit"]
    worker.supervisor = boss
    if "functions" in changes:
        kept = {f.code: f for f in worker.functions}
        worker.functions = [kept.get(code) or WorkerFunction(code=code) for code in changes["functions"]]
    session.flush()
    after = _profile_of(worker)
    if after != before:
        activity(session, work.by, "change worker", "worker", worker.id, work.now, case_id=None, login=login,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})


def deactivate_worker(work: Work, login: str) -> None:
    """Refuse the worker's sign-in from now on, keeping everything they did. Refused while they hold
    an open stage role (each named, for whoever reassigns it) or supervise active workers."""
    session = work.session
    worker = _staff_worker(session, login)
    _check_still_active(work, worker, "deactivated again")
    if work.by is not None and work.by.id == worker.id:
        raise InvalidRequest("You cannot deactivate yourself; another staff administrator can. Nothing was changed.")
    roles = open_roles(session, worker.id, work.now)
    if roles:
        listed = "; ".join(map(str, roles))
        raise InvalidStage(f"{worker.name} still holds {_count(len(roles), 'open role')}; reassign "
                           f"{'it' if len(roles) == 1 else 'each'} first, then deactivate: {listed}. "
                           "Nothing was changed.")
    reports = list(session.scalars(select(Worker.name).where(Worker.supervisor_id == worker.id, Worker.active)
                                   .order_by(Worker.name)))
    if reports:
        raise InvalidRequest(f"{', '.join(reports)} {'reports' if len(reports) == 1 else 'report'} to "
                             f"{worker.name}; give {'them' if len(reports) > 1 else 'that worker'} another "
                             "supervisor first. Nothing was changed.")
    worker.active, worker.deactivated_at = False, work.now
    session.flush()
    activity(session, work.by, "deactivate worker", "worker", worker.id, work.now, case_id=None, login=login,
             before={"active": True}, after={"active": False, "deactivated_at": work.now})


def plan_absence(work: Work, worker: Worker, starts_on: date, ends_on: date, reason: str) -> Absence:
    """A planned absence of ``worker`` (the desk's own, or someone's planned by staff administration):
    planned ahead, and not overlapping another of theirs. Arguments already cleaned."""
    session = work.session
    _check_still_active(work, worker, "given an absence")
    today = work.policy.calendar.local_day(work.now)
    if starts_on <= today:
        raise InvalidAbsence(f"An absence is planned ahead: it must start after today ({today:%m/%d/%Y}).")
    clash = session.scalar(select(Absence).where(Absence.worker_id == worker.id, Absence.starts_on <= ends_on,
                                                 Absence.ends_on >= starts_on))
    if clash is not None:
        whose = "You already have" if work.by is not None and work.by.id == worker.id else f"{worker.name} already has"
        raise InvalidAbsence(f"{whose} an absence from {clash.starts_on:%m/%d/%Y} to {clash.ends_on:%m/%d/%Y}; "
                             "change that one instead.")
    absence = Absence(worker_id=worker.id, starts_on=starts_on, ends_on=ends_on, reason=reason)
    session.add(absence)
    session.flush()
    activity(session, work.by, "plan absence", "worker", worker.id, work.now, case_id=None, absence=absence.id,
             after={"from": starts_on, "to": ends_on, "reason": reason})
    return absence


def give_sign_in(work: Work, worker_id: int) -> str:
    """PostgreSQL: the worker's database user, made (or given LOGIN back) by the owner's function;
    'created', 'enabled' or 'unchanged', audited when it changed anything."""
    done = server.grant_login(work.session.connection(), worker_id)
    if done != "unchanged":
        role = work.session.scalar(select(Worker.db_role).where(Worker.id == worker_id))
        activity(work.session, work.by, "give sign-in", "worker", worker_id, work.now, case_id=None,
                 after={"database_user": role, "login": True})
    return done


def end_sign_in(work: Work, worker_id: int) -> str:
    """PostgreSQL: LOGIN taken from the worker's database user (kept, with all they did); 'ended',
    'unchanged' or 'none', audited when it ended one."""
    done = server.end_worker_login(work.session.connection(), worker_id)
    if done == "ended":
        role = work.session.scalar(select(Worker.db_role).where(Worker.id == worker_id))
        activity(work.session, work.by, "end sign-in", "worker", worker_id, work.now, case_id=None,
                 before={"database_user": role, "login": True}, after={"login": False})
    return done


def _on_agency_server(session: Session) -> bool:
    """Whether this desk works on the agency server as its worker's own database user (then adding and
    deactivating a worker gives and ends their sign-in; connected as the owner, ``casenotes admin`` does)."""
    return session.get_bind().dialect.name == "postgresql" and server.session_is_worker(session.connection())


# -- reading ---------------------------------------------------------------------------------------

def open_roles(session: Session, worker_id: int, now: datetime) -> list[OpenRole]:
    """The roles the worker holds now in open stages, by family and stage."""
    rows = session.execute(
        select(RoleAssignment.stage_id, Stage.case_id, Case.family_name, Stage.type, Stage.subtype,
               RoleAssignment.role, RoleAssignment.starts_at)
        .join(Stage, Stage.id == RoleAssignment.stage_id).join(Case, Case.id == Stage.case_id)
        .where(RoleAssignment.worker_id == worker_id, active_role_filter(now), Stage.closed_at.is_(None))
        .order_by(Case.family_name, RoleAssignment.stage_id, RoleAssignment.role))
    return [OpenRole(stage_id, case_id, family, stage_label(kind, subtype), role, since)
            for stage_id, case_id, family, kind, subtype, role, since in rows]


def staff_list(session: Session, now: datetime) -> list[StaffMember]:
    """Every worker, active or not, by unit (none last) and name."""
    roles = dict(session.execute(
        select(RoleAssignment.worker_id, func.count()).join(Stage, Stage.id == RoleAssignment.stage_id)
        .where(active_role_filter(now), Stage.closed_at.is_(None)).group_by(RoleAssignment.worker_id)).all())
    changed = dict(session.execute(
        select(AuditEntry.entity_id, func.max(AuditEntry.at)).where(AuditEntry.entity == "worker")
        .group_by(AuditEntry.entity_id)).all())
    functions: dict[int, list[str]] = {}
    for worker_id, code in session.execute(select(WorkerFunction.worker_id, WorkerFunction.code)
                                           .order_by(WorkerFunction.code)):
        functions.setdefault(worker_id, []).append(code)
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    workers = list(session.execute(select(Worker.id, Worker.login, Worker.name, Worker.title, Worker.employer,
                                          Worker.agency, Worker.unit_id, Worker.supervisor_id, Worker.active,
                                          Worker.deactivated_at, Worker.db_role, Worker.email)))
    by_id = {w.id: w for w in workers}
    found = []
    for w in workers:
        boss = by_id.get(w.supervisor_id) if w.supervisor_id else None
        found.append(StaffMember(
            id=w.id, login=w.login, name=w.name, title=w.title, employer=w.employer, agency=w.agency,
            unit_id=w.unit_id, unit=units.get(w.unit_id) if w.unit_id else None,
            supervisor=boss.login if boss else None, supervisor_name=boss.name if boss else None,
            functions=tuple(functions.get(w.id, ())), active=bool(w.active), deactivated_at=w.deactivated_at,
            last_change_at=changed.get(w.id), open_roles=roles.get(w.id, 0), database_user=w.db_role,
            email=w.email))
    return sorted(found, key=lambda m: (m.unit is None, m.unit or "", m.name.lower(), m.login))


def unit_list(session: Session) -> list[UnitView]:
    counts = dict(session.execute(select(Worker.unit_id, func.count()).where(Worker.active)
                                  .group_by(Worker.unit_id)).all())
    return [UnitView(unit.id, unit.name, counts.get(unit.id, 0))
            for unit in session.scalars(select(Unit).order_by(Unit.name))]


# -- the signed-in desk ------------------------------------------------------------------------------

class StaffDesk(DeskBase):
    """Staff administration for a worker with the MAINTAIN STAFF function."""

    def may_maintain_staff(self) -> str | None:
        """None if I may open the Staff screen and change staff, else the sentence saying why not."""
        with self.db.reading() as session:
            try:
                check_may_maintain_staff(session, self._user(session))
            except StoreError as refusal:
                return refusal.message
        return None

    def staff(self) -> list[StaffMember]:
        """Every worker of the agency, active or deactivated, by unit and name."""
        with self.db.reading() as session:
            check_may_maintain_staff(session, self._user(session))
            return staff_list(session, self._now())

    def units(self) -> list[UnitView]:
        with self.db.reading() as session:
            check_may_maintain_staff(session, self._user(session))
            return unit_list(session)

    def open_roles(self, login: str) -> list[OpenRole]:
        """The roles a worker holds now in open stages (reassigned before they are deactivated)."""
        login = clean_login(login)
        with self.db.reading() as session:
            check_may_maintain_staff(session, self._user(session))
            return open_roles(session, _staff_worker(session, login).id, self._now())

    def add_unit(self, name: str) -> int:
        name = clean_text(name, "unit's name")
        with self.db.writing() as session:
            work = self._staff_work(session)
            return add_unit(work, name)

    def rename_unit(self, unit_id: int, name: str) -> None:
        unit_id = arguments.record_id(unit_id, "unit")
        name = clean_text(name, "unit's name")
        with self.db.writing() as session:
            rename_unit(self._staff_work(session), unit_id, name)

    def add_worker(self, login: str, name: str, title: str, *, employer: str = "LDSS", agency: str = "",
                   unit: int | None = None, supervisor: str | None = None, functions: Iterable[str] = (),
                   email: str | None = None) -> int:
        login = clean_new_login(login)
        profile = clean_profile(self.policy, name, title, employer=employer, agency=agency, unit=unit,
                                supervisor=supervisor, functions=functions, email=email)
        with self.db.writing() as session:
            work = self._staff_work(session)
            worker_id = add_worker(work, login, profile)
            if _on_agency_server(session):
                give_sign_in(work, worker_id)
            return worker_id

    def change_worker(self, login: str, changes: dict[str, Any]) -> None:
        """Change any of ``name``, ``title``, ``employer``, ``agency``, ``unit`` (a unit number or None),
        ``supervisor`` (a login or None), ``functions`` and ``email`` (None: none), given as a dict; the
        login stays."""
        login = clean_login(login)
        cleaned = clean_changes(self.policy, changes)
        with self.db.writing() as session:
            change_worker(self._staff_work(session), login, cleaned)

    def deactivate_worker(self, login: str) -> None:
        login = clean_login(login)
        with self.db.writing() as session:
            work = self._staff_work(session)
            deactivate_worker(work, login)
            if _on_agency_server(session):
                end_sign_in(work, _staff_worker(session, login).id)

    def plan_absence_for(self, login: str, starts_on: date, ends_on: date, reason: str = "") -> AbsenceView:
        """Plan someone else's absence (their pending notes then fall due before it starts)."""
        login = clean_login(login)
        starts_on, ends_on, reason = clean_absence(starts_on, ends_on, reason)
        with self.db.writing() as session:
            work = self._staff_work(session)
            absence = plan_absence(work, _staff_worker(session, login), starts_on, ends_on, reason)
            return absence_view(session, absence, self.policy, work.now)

    def _staff_work(self, session: Session) -> Work:
        work = self._work(session)
        assert work.by is not None
        check_may_maintain_staff(session, work.by)
        return work


# -- look-ups --------------------------------------------------------------------------------------

def _staff_worker(session: Session, login: str) -> Worker:
    worker = session.scalar(select(Worker).where(Worker.login == login))
    if worker is None:
        raise NotFound(f"There is no worker with the login {login!r}.")
    return worker


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit number {unit_id}.")
    return unit


def _check_unit_name_free(session: Session, name: str) -> None:
    if session.scalar(select(Unit.id).where(Unit.name == name)) is not None:
        raise InvalidRequest(f"There is already a unit called {name!r}.")


def _supervisor(work: Work, login: str, worker: Worker | None) -> Worker:
    """The active worker ``login`` as the supervisor of ``worker`` (None: a new worker), refusing a
    chain of supervision that would come back to ``worker``."""
    session = work.session
    boss = session.scalar(select(Worker).where(Worker.login == login))
    if boss is None:
        raise NotFound(f"There is no worker with the login {login!r} to be the supervisor.")
    if not boss.active:
        raise InvalidRequest(f"{boss.name} was deactivated{_on(boss.deactivated_at, work)} and supervises no one now; "
                             "choose an active supervisor.")
    if worker is not None:  # the chain as it would be: by login, as the import checks a whole agency
        supervisors = dict(session.execute(select(Worker.login, Boss.login).outerjoin(
            Boss, Boss.id == Worker.supervisor_id)).all())
        supervisors[worker.login] = boss.login
        check_no_supervision_circle(supervisors, worker.login)
    return boss


def _check_still_active(work: Work, worker: Worker, done: str) -> None:
    if not worker.active:
        raise InvalidRequest(f"{worker.name} was deactivated{_on(worker.deactivated_at, work)}; a deactivated "
                             f"worker is not {done}. Their record is kept as it was.")


def _check_roles_fit_employer(session: Session, now: datetime, worker: Worker, employer: str) -> None:
    roles = open_roles(session, worker.id, now)
    misfits = roles if employer == "CASA" else [r for r in roles if employer != "LDSS" and r.role in LDSS_ONLY_ROLES]
    if misfits:
        why = ("an advocate holds no stage role" if employer == "CASA"
               else "a Case Manager or CPS Worker/Monitor is always local district (LDSS) staff")
        raise InvalidStage(f"{worker.name} cannot become {employer} staff while holding "
                           f"{'; '.join(map(str, misfits))}: {why}. Reassign first. Nothing was changed.")


def _profile_of(worker: Worker) -> dict[str, Any]:
    return {"name": worker.name, "title": worker.title, "employer": worker.employer, "agency": worker.agency,
            "unit": worker.unit_id, "supervisor": worker.supervisor.login if worker.supervisor else None,
            "functions": sorted(f.code for f in worker.functions), "email": worker.email}


def _on(moment: datetime | None, work: Work) -> str:
    return f" on {work.policy.calendar.local_day(moment):%m/%d/%Y}" if moment is not None else ""


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"
