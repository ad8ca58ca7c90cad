"""Advocates' accounts with the programme's access management (``ADVOCATE ACCESS``, issue 18).

A representative files an advocate's account (a CASA worker who cannot sign in yet), approves it (the
worker may sign in; on the agency server their database user is made), rejects it with a reason, confirms
every ``policy.advocates.review_every_days`` that an approved advocate still needs access, and
terminates an advocate who left: sign-in refused at once (the existing deactivation: ``Store.as_user``,
``DeskBase._user``; on the server LOGIN taken), every appointment ended, the history kept.

Each change is a module-level function on a ``Work`` (called by the signed-in desk after its permission
check and by the system's ``Staffing``), audited with ``journal.activity``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.errors import InvalidRequest, NoAccess, NotFound
from store.db.journal import activity
from store.db.models import AdvocateAccount, AdvocateAppointment, Worker
from store.db.unseen import under_row_security
from store.desks.base import Work
from store.desks.staff import _on_agency_server, end_sign_in, give_sign_in
from store.rules.advocacy import check_account_is

EMAIL_MAX, REASON_MAX = 254, 2000
ADVOCATE_TITLE = "CASA Volunteer"


def clean_email(value: Any) -> str | None:
    if value is None or value == "":
        return None
    email = arguments.text(value, "e-mail address", error=InvalidRequest, most=EMAIL_MAX)
    if email.count("@") != 1 or any(c.isspace() for c in email) or email.startswith("@") or email.endswith("@"):
        raise InvalidRequest(f"{arguments.shown(email)} is not an e-mail address (name@example.org).")
    return email


def clean_reason(value: Any, what: str) -> str:
    reason = arguments.text(value, what, error=InvalidRequest, most=REASON_MAX, lines=True)
    if not reason.strip():
        raise InvalidRequest(f"Give the {what}: it is kept with the decision.")
    return reason.strip()


def account_of(session: Session, login: str) -> tuple[Worker, AdvocateAccount]:
    worker = session.scalar(select(Worker).where(Worker.login == login))
    account = None if worker is None else session.get(AdvocateAccount, worker.id, with_for_update=True)
    if worker is None or account is None:
        raise NotFound(f"There is no advocate account with the login {login!r}.")
    return worker, account


def request_account(work: Work, login: str, name: str, agency: str, email: str | None,
                    title: str = ADVOCATE_TITLE) -> int:
    """A CASA worker who may not sign in until a representative approves them."""
    session = work.session
    if session.scalar(select(Worker.id).where(Worker.login == login)) is not None:
        raise InvalidRequest(f"There is already a worker with the login {login!r}. Nothing was saved.")
    worker = Worker(login=login, name=name, title=title, employer="CASA", agency=agency, active=False,
                    email=email)
    session.add(worker)
    session.flush()
    session.add(AdvocateAccount(worker_id=worker.id, status="requested", requested_at=work.now,
                                requested_by_id=work.by.id if work.by else None))
    session.flush()
    activity(session, work.by, "request advocate account", "worker", worker.id, work.now, case_id=None, login=login,
             after={"name": name, "agency": agency, "status": "requested"})
    return worker.id


def approve(work: Work, login: str) -> None:
    worker, account = account_of(work.session, login)
    check_account_is(account, ("requested",), worker.name, "approved")
    account.status, account.decided_at = "approved", work.now
    account.decided_by_id = work.by.id if work.by else None
    account.review_on = _next_review(work)
    work.session.flush()  # the account first: the database lets only an approved advocate's worker be active
    worker.active, worker.deactivated_at = True, None
    work.session.flush()
    if _on_agency_server(work.session):
        give_sign_in(work, worker.id)
    activity(work.session, work.by, "approve advocate", "worker", worker.id, work.now, case_id=None, login=login,
             before={"status": "requested"}, after={"status": "approved", "review_on": account.review_on})


def reject(work: Work, login: str, reason: str) -> None:
    worker, account = account_of(work.session, login)
    check_account_is(account, ("requested",), worker.name, "rejected")
    account.status, account.decided_at, account.decision_reason = "rejected", work.now, reason
    account.decided_by_id = work.by.id if work.by else None
    work.session.flush()
    activity(work.session, work.by, "reject advocate", "worker", worker.id, work.now, case_id=None, login=login,
             before={"status": "requested"}, after={"status": "rejected", "reason": reason})


def terminate(work: Work, login: str, reason: str) -> int:
    """Sign-in refused from now on and every appointment ended; how many appointments were ended."""
    session = work.session
    worker, account = account_of(session, login)
    check_account_is(account, ("requested", "approved"), worker.name, "terminated")
    before = account.status
    account.status, account.terminated_at, account.termination_reason = "terminated", work.now, reason
    account.terminated_by_id = work.by.id if work.by else None
    worker.active, worker.deactivated_at = False, work.now
    ended = 0
    for appointment in session.scalars(select(AdvocateAppointment).where(
            AdvocateAppointment.worker_id == worker.id, AdvocateAppointment.ended_at.is_(None),
            AdvocateAppointment.status.in_(("requested", "approved")))):
        appointment.active, appointment.status = False, "ended"
        appointment.ended_at, appointment.end_reason = work.now, f"The advocate's access was terminated: {reason}"
        appointment.ended_by_id = work.by.id if work.by else None
        ended += 1
    session.flush()
    if _on_agency_server(session):
        end_sign_in(work, worker.id)
    activity(session, work.by, "terminate advocate", "worker", worker.id, work.now, case_id=None, login=login,
             before={"status": before, "active": True}, after={"status": "terminated", "reason": reason,
                                                               "appointments_ended": ended})
    return ended


def confirm_reviewed(work: Work, login: str) -> None:
    worker, account = account_of(work.session, login)
    check_account_is(account, ("approved",), worker.name, "confirmed")
    was, account.review_on = account.review_on, _next_review(work)
    work.session.flush()
    activity(work.session, work.by, "confirm advocate reviewed", "worker", worker.id, work.now, case_id=None,
             login=login, before={"review_on": was}, after={"review_on": account.review_on})


def note_sign_in(session: Session, worker_id: int, now: datetime) -> None:
    """An advocate signed in: the representatives' list shows when they last did (nothing for others).
    Under row-level security through the owner's function, which writes only the session's own row."""
    if under_row_security(session):
        session.execute(text("SELECT casenotes_note_sign_in()"))
        return
    account = session.get(AdvocateAccount, worker_id)
    if account is not None:
        account.last_sign_in_at = now


def check_advocate_may_sign_in(session: Session, worker: Worker) -> None:
    """For an advocate who may not sign in (yet, or any more), the sentence saying why."""
    account = session.get(AdvocateAccount, worker.id)
    if account is None:
        return
    said = {"requested": "waits for the advocate programme's approval",
            "rejected": "was not approved by the advocate programme",
            "terminated": "was terminated by the advocate programme"}.get(account.status)
    if said:
        raise NoAccess(f"Your casenotes advocate account ({worker.login}) {said}, so you cannot sign in; ask "
                       "your programme's access-management representative.")


def _next_review(work: Work) -> date:
    return work.policy.calendar.local_day(work.now) + timedelta(days=work.policy.advocates.review_every_days)
