"""``AdvocacyDesk``: court-appointed advocates' accounts and their access to children (issue 18).

The representatives' list and decisions (``advocate_accounts``, ``approve_advocate`` …), requests for a
child's record by letter of introduction (``file_access_request``, ``access_requests``,
``decide_access_request``) and the advocate's own children (``advocate_children``). The rules are in
``store/rules/advocacy.py``; the changes in ``advocate_accounts.py`` and ``access_requests.py``.
"""

from __future__ import annotations

from dataclasses import replace

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.advocate_results import AccessRequestView, AdvocateAccountView, AdvocateChildView
from store.core.errors import InvalidRequest, NotFound, StoreError
from store.db.models import (AdvocateAccount, AdvocateAppointment, Case, Document, Person, Stage, StagePerson, Worker,
                             stage_label)
from store.desks import access_requests, advocate_accounts
from store.db.unseen import under_row_security
from store.desks.advocate_facts import AppointedChild, appointed_children, request_target
from store.desks.base import DeskBase, Work
from store.desks.staff import clean_new_login, clean_text
from store.rules.access import open_appointment, readable_case_ids
from store.rules.advocacy import check_may_decide, check_may_file_for, check_may_manage_advocates, \
    check_request_dates, may_decide, may_manage_advocates

REQUESTS_SHOWN = 500


def clean_request(policy: Any, court: Any, cause_number: Any, appointed_on: Any, ends_on: Any, letter_name: Any,
                  letter_content: Any) -> tuple[str, str, date, date | None, str, bytes]:
    court = arguments.text(court, "court", error=InvalidRequest, most=access_requests.COURT_MAX, empty=False).strip()
    cause = arguments.text(cause_number, "cause number", error=InvalidRequest, most=access_requests.CAUSE_MAX,
                           empty=False).strip()
    appointed = arguments.day(appointed_on, "appointment date", InvalidRequest)
    ends = None if ends_on is None else arguments.day(ends_on, "appointment's last day", InvalidRequest)
    name = arguments.text(letter_name, "letter's file name", error=InvalidRequest,
                          most=access_requests.FILE_NAME_MAX, empty=False)
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "letter"
    if not isinstance(letter_content, (bytes, bytearray)):
        raise InvalidRequest(f"The letter is given as the file's bytes, and casenotes was given "
                             f"{arguments.kind_of(letter_content)}. Nothing was saved.")
    if len(letter_content) > policy.documents.max_bytes:
        raise InvalidRequest(f"The letter is {len(letter_content) / 1_048_576:.1f} MB; a document holds at most "
                             f"{policy.documents.max_bytes / 1_048_576:.0f} MB. Nothing was saved.")
    return court, cause, appointed, ends, name, bytes(letter_content)


class AdvocacyDesk(DeskBase):
    # -- the programme's representatives ----------------------------------------------------------------

    def may_manage_advocates(self) -> bool:
        with self.db.reading() as session:
            return may_manage_advocates(session, self._user(session))

    def request_advocate_account(self, login: str, name: str, *, agency: str = "",
                                 email: str | None = None) -> AdvocateAccountView:
        login = clean_new_login(login)
        name, agency = clean_text(name, "advocate's name"), clean_text(agency, "advocate's programme", empty=True)
        email = advocate_accounts.clean_email(email)
        with self.db.writing() as session:
            work = self._manager_work(session)
            advocate_accounts.request_account(work, login, name, agency, email)
            return self._accounts(session, login)[0]

    def advocate_accounts(self) -> list[AdvocateAccountView]:
        """Every advocate's account, requested first, then by name."""
        with self.db.reading() as session:
            check_may_manage_advocates(session, self._user(session))
            return self._accounts(session)

    def approve_advocate(self, login: str) -> None:
        self._account_change(login, advocate_accounts.approve)

    def reject_advocate(self, login: str, reason: str) -> None:
        reason = advocate_accounts.clean_reason(reason, "reason for rejecting the account")
        self._account_change(login, lambda work, who: advocate_accounts.reject(work, who, reason))

    def terminate_advocate(self, login: str, reason: str) -> None:
        reason = advocate_accounts.clean_reason(reason, "reason for terminating the advocate's access")
        self._account_change(login, lambda work, who: advocate_accounts.terminate(work, who, reason))

    def confirm_advocate_reviewed(self, login: str) -> None:
        self._account_change(login, advocate_accounts.confirm_reviewed)

    def _account_change(self, login: str, change: Any) -> None:
        login = arguments.login(login, "advocate's login", NotFound)
        with self.db.writing() as session:
            change(self._manager_work(session), login)

    def _manager_work(self, session: Session) -> Work:
        work = self._work(session)
        assert work.by is not None
        check_may_manage_advocates(session, work.by)
        return work

    def _accounts(self, session: Session, login: str | None = None) -> list[AdvocateAccountView]:
        now, today = self._now(), self.policy.calendar.local_day(self._now())
        query = select(AdvocateAccount, Worker).join(Worker, Worker.id == AdvocateAccount.worker_id)
        if login is not None:
            query = query.where(Worker.login == login)
        rows = session.execute(query).all()
        names = {i: n for i, n in session.execute(select(Worker.id, Worker.name))}
        appointments = list(session.scalars(select(AdvocateAppointment).where(
            AdvocateAppointment.worker_id.in_([a.worker_id for a, _ in rows]))))
        children = appointed_children(session, self.worker_id, [a.id for a in appointments], now)
        is_open = self._open_appointment_ids(session, [a.id for a in appointments], now, children)
        views = []
        for account, worker in rows:
            mine = [a for a in appointments if a.worker_id == worker.id]
            open_children = [children[a.id] for a in mine if a.id in is_open and a.id in children]
            views.append(AdvocateAccountView(
                login=worker.login, name=worker.name, agency=worker.agency, email=worker.email, status=account.status,
                requested_at=account.requested_at, requested_by=names.get(account.requested_by_id or 0),
                decided_at=account.decided_at, decided_by=names.get(account.decided_by_id or 0),
                decision_reason=account.decision_reason, terminated_at=account.terminated_at,
                termination_reason=account.termination_reason, review_on=account.review_on,
                last_sign_in_at=account.last_sign_in_at, open_appointments=len(open_children),
                children=tuple(sorted(c.name for c in open_children)),
                pending_requests=sum(1 for a in mine if a.status == "requested"),
                review_due=account.status == "approved" and account.review_on is not None
                and account.review_on <= today))
        order = {"requested": 0, "approved": 1, "rejected": 2, "terminated": 3}
        return sorted(views, key=lambda v: (order.get(v.status, 9), v.name.lower(), v.login))

    # -- requests for a child's record ------------------------------------------------------------------

    def file_access_request(self, child_id: int, *, court: str, cause_number: str, appointed_on: date,
                            ends_on: date | None, letter_name: str, letter_content: bytes,
                            advocate: str | None = None) -> AccessRequestView:
        """Ask for access to a child's record with the letter of introduction: by the advocate
        (``advocate`` None) or by a representative on the advocate's behalf (``advocate``: their login)."""
        child_id = arguments.record_id(child_id, "child")
        advocate = None if advocate is None else arguments.login(advocate, "advocate's login", NotFound)
        court, cause, appointed, ends, name, content = clean_request(
            self.policy, court, cause_number, appointed_on, ends_on, letter_name, letter_content)
        with self.db.writing() as session:
            work = self._work(session)
            assert work.by is not None
            who = work.by if advocate is None else session.scalar(select(Worker).where(Worker.login == advocate))
            if who is None:
                raise NotFound(f"There is no advocate with the login {advocate!r}.")
            check_may_file_for(session, work.by, who, session.get(AdvocateAccount, who.id))
            check_request_dates(appointed, ends, self.policy.calendar.local_day(work.now))
            target = request_target(session, child_id, work.now)
            appointment = access_requests.file_request(
                work, who, target, court=court, cause_number=cause, appointed_on=appointed, ends_on=ends,
                letter_name=name, letter_content=content)
            told = None if target.worker_id is None else session.scalar(
                select(Worker.name).where(Worker.id == target.worker_id))
            return replace(self._request_views(session, [appointment])[0], told=told)

    def access_requests(self, *, child_id: int | None = None) -> list[AccessRequestView]:
        """The requests the reader sees, newest first: an advocate their own, a representative all,
        a caseworker or supervisor those for children of the families they read whole."""
        child_id = None if child_id is None else arguments.record_id(child_id, "child")
        with self.db.reading() as session:
            user = self._user(session)
            query = select(AdvocateAppointment).where(AdvocateAppointment.requested_at.is_not(None))
            if not may_manage_advocates(session, user):
                readable = readable_case_ids(session, user, self._now())
                children = select(Person.id).where(Person.case_id.in_(readable))
                query = query.where((AdvocateAppointment.worker_id == user.id)
                                    | AdvocateAppointment.person_id.in_(children))
            if child_id is not None:
                query = query.where(AdvocateAppointment.person_id == child_id)
            query = query.order_by(AdvocateAppointment.requested_at.desc(), AdvocateAppointment.id.desc())
            return self._request_views(session, list(session.scalars(query.limit(REQUESTS_SHOWN))))

    def access_request(self, request_id: int) -> AccessRequestView:
        request_id = arguments.record_id(request_id, "request")
        for view in self.access_requests():
            if view.id == request_id:
                return view
        raise NotFound(f"There is no request number {request_id} that you may see.")

    def decide_access_request(self, request_id: int, approve: bool, reason: str) -> AccessRequestView:
        request_id = arguments.record_id(request_id, "request")
        approve = arguments.yes_or_no(approve, "Whether the request is approved", InvalidRequest)
        reason = arguments.text(reason, "reason", error=InvalidRequest, most=advocate_accounts.REASON_MAX,
                                lines=True).strip()
        if not approve and not reason:
            raise InvalidRequest("Say why the request is declined: the advocate is told. Nothing was saved.")
        with self.db.writing() as session:
            work = self._work(session)
            assert work.by is not None
            appointment = session.get(AdvocateAppointment, request_id, with_for_update=True)
            if appointment is None or appointment.requested_at is None:
                raise NotFound(f"There is no request number {request_id} that you may see.")
            check_may_decide(session, work.by, appointment.person_id, work.now)
            child = appointed_children(session, self.worker_id, [appointment.id], work.now).get(appointment.id)
            access_requests.decide(work, appointment, child, approve, reason)
            return self._request_views(session, [appointment])[0]

    def _request_views(self, session: Session, appointments: list[AdvocateAppointment]) -> list[AccessRequestView]:
        if not appointments:
            return []
        now, user = self._now(), self._user(session)
        ids = [a.id for a in appointments]
        children = appointed_children(session, self.worker_id, ids, now)
        people = {w.id: w for w in session.scalars(select(Worker).where(
            Worker.id.in_({a.worker_id for a in appointments})))}
        names = {i: n for i, n in session.execute(select(Worker.id, Worker.name))}
        letters = {i: n for i, n in session.execute(select(Document.id, Document.file_name).where(
            Document.id.in_([a.letter_id for a in appointments if a.letter_id])))}
        is_open = self._open_appointment_ids(session, ids, now, children)
        views = []
        for a in appointments:
            child = children.get(a.id)
            deciding = a.status == "requested" and _may_decide(session, user, a.person_id, now)
            opened = a.id in is_open
            views.append(access_requests.request_view(a, people[a.worker_id], child, names,
                                                      letters.get(a.letter_id or 0), deciding, opened))
        return views

    @staticmethod
    def _open_appointment_ids(session: Session, ids: list[int], now: datetime,
                              children: dict[int, AppointedChild]) -> set[int]:
        """Of these appointments, those whose access is open now: ``rules.access.open_appointment``, the
        rule the advocate's own list (``advocate_children``) reads, so that the representatives' count
        and the advocate's home cannot differ. Under row-level security a reader who may not read the
        children's stages (a representative) is told it by the owner's function (``children``)."""
        opened = set(session.scalars(select(AdvocateAppointment.id).where(
            AdvocateAppointment.id.in_(ids), open_appointment(now)))) if ids else set()
        if under_row_security(session):  # what the session cannot see of the stages, the owner's function says
            opened |= {i for i in ids if i in children and children[i].open}
        return opened

    # -- the advocate's own children --------------------------------------------------------------------

    def advocate_children(self) -> list[AdvocateChildView]:
        """The children whose records are open to me (an advocate), by family and name."""
        with self.db.reading() as session:
            self._user(session)
            now = self._now()
            rows = session.execute(
                select(AdvocateAppointment, Person, Case.family_name)
                .join(Person, Person.id == AdvocateAppointment.person_id).join(Case, Case.id == Person.case_id)
                .where(AdvocateAppointment.worker_id == self.worker_id, open_appointment(now))
                .order_by(Case.family_name, Person.first_name, AdvocateAppointment.id)).all()
            views = []
            for appointment, child, family in rows:
                stages = session.execute(
                    select(Stage.id, Stage.type, Stage.subtype).join(StagePerson, StagePerson.stage_id == Stage.id)
                    .where(StagePerson.person_id == child.id, StagePerson.ended_at.is_(None),
                           Stage.closed_at.is_(None)).order_by(Stage.opened_at, Stage.id)).all()
                views.append(AdvocateChildView(
                    child_id=child.id, name=f"{child.first_name} {child.last_name}", case_id=child.case_id,
                    family_name=family, stages=tuple((s_id, stage_label(t, st)) for s_id, t, st in stages),
                    court=appointment.court, cause_number=appointment.cause_number,
                    appointed_on=appointment.appointed_on, ends_on=appointment.ends_on,
                    appointment_id=appointment.id))
            return views

    def pending_request_count(self) -> int:
        """Requests waiting for the reader's decision (for a badge)."""
        return sum(1 for r in self.access_requests() if r.may_decide)


def _may_decide(session: Session, user: Worker, child_id: int, now: Any) -> bool:
    try:
        return may_decide(session, user, child_id, now)
    except StoreError:
        return False

