"""Per-case access by letter of introduction (issue 18): an advocate (or a representative for them)
files a request for a child with the court, the cause number, the appointment's dates and the letter;
the child's responsible worker is notified; a role holder of an open stage the child is in, or their
supervisor, approves or declines it with a reason, and the advocate is notified.

The letter is a document of kind "Letter of introduction" in the child's record.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.advocate_results import AccessRequestView
from store.core.errors import InvalidRequest
from store.core.policy import Policy
from store.db.journal import activity
from store.db.models import AdvocateAppointment, Document, Worker
from store.db.notifications import notify
from store.desks.advocate_facts import AppointedChild, RequestTarget
from store.desks.base import Work
from store.rules.access import open_appointment
from store.rules.advocacy import LETTER_KIND, ends_at_of
from store.rules.documents import check_content, check_kind, clean_file_name

COURT_MAX, CAUSE_MAX, FILE_NAME_MAX = 120, 60, 255


def store_letter(session: Session, *, case_id: int, child_id: int, file_name: str, content: bytes, by: Worker,
                 now: datetime, policy: Policy) -> Document:
    """The letter of introduction as a document of the child's record, checked as every upload is
    (``rules.documents``: its name, its size, its type read from its bytes)."""
    # Not rules.documents.store_document itself: it reads the child's row, which an advocate's own
    # session may not read before the request is decided (request_target found the child already).
    kind = check_kind(LETTER_KIND, policy)
    file_name = clean_file_name(file_name)
    found = check_content(file_name, content, policy)
    document = Document(case_id=case_id, person_id=child_id, kind=kind, file_name=file_name, content=content,
                        sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                        content_type=found.content_type, uploaded_at=now, uploaded_by_id=by.id)
    session.add(document)
    session.flush()
    return document


def file_request(work: Work, advocate: Worker, target: RequestTarget, *, court: str, cause_number: str,
                 appointed_on: date, ends_on: date | None, letter_name: str,
                 letter_content: bytes) -> AdvocateAppointment:
    session, by = work.session, work.by
    assert by is not None
    # One waiting or open at a time; an approved one whose last day passed, or whose stage closed, is
    # renewed by a new request (a new court order, a new stage).
    pending = session.scalar(select(AdvocateAppointment.status).where(
        AdvocateAppointment.worker_id == advocate.id, AdvocateAppointment.person_id == target.child_id,
        AdvocateAppointment.ended_at.is_(None),
        ((AdvocateAppointment.status == "requested")
         | ((AdvocateAppointment.status == "approved") & open_appointment(work.now)))).limit(1))
    if pending is not None:
        already = "waits for a decision" if pending == "requested" else "was approved"
        raise InvalidRequest(f"A request for child number {target.child_id} {already} already. Nothing was saved.")
    letter = store_letter(session, case_id=target.case_id, child_id=target.child_id, file_name=letter_name,
                          content=letter_content, by=by, now=work.now, policy=work.policy)
    appointment = AdvocateAppointment(
        worker_id=advocate.id, person_id=target.child_id, active=False, appointed_at=work.now, status="requested",
        court=court, cause_number=cause_number, appointed_on=appointed_on, ends_on=ends_on,
        ends_at=ends_at_of(ends_on, work.policy), letter_id=letter.id, requested_at=work.now, requested_by_id=by.id)
    session.add(appointment)
    session.flush()
    if target.worker_id is not None:
        # No child's name: the advocate's own session writes this, and may not read it yet.
        notify(session, target.worker_id, "access request",
               f"{advocate.name} (court-appointed advocate) asks for access to the record of child number "
               f"{target.child_id}: {court}, cause {cause_number}. Decide it from the child's case.",
               f"access-request:{appointment.id}", work.now, entity="appointment", entity_id=appointment.id,
               case_id=target.case_id, stage_id=target.stage_id)
    activity(session, by, "file access request", "appointment", appointment.id, work.now, case_id=target.case_id,
             advocate=advocate.login, child=target.child_id,
             after={"court": court, "cause_number": cause_number, "appointed_on": appointed_on, "ends_on": ends_on,
                    "letter": letter.id})
    return appointment


def decide(work: Work, appointment: AdvocateAppointment, child: AppointedChild | None, approve: bool,
           reason: str) -> None:
    session, by = work.session, work.by
    assert by is not None
    if appointment.status != "requested":
        raise InvalidRequest(f"This request was {appointment.status} already"
                             f"{' on ' + f'{appointment.decided_at:%m/%d/%Y}' if appointment.decided_at else ''}; "
                             "nothing was changed.")
    appointment.status = "approved" if approve else "declined"
    appointment.active = approve
    appointment.decided_at, appointment.decided_by_id, appointment.decision_reason = work.now, by.id, reason or None
    session.flush()
    about = f"{child.name}'s record" if approve and child else f"access (cause {appointment.cause_number})"
    said = "approved" if approve else "declined"
    notify(session, appointment.worker_id, "access decided",
           f"{by.name} {said} your request for {about}" + (f": {reason}" if reason else "."),
           f"access-decided:{appointment.id}", work.now, entity="appointment", entity_id=appointment.id,
           case_id=child.case_id if approve and child else None)
    activity(session, by, "approve access request" if approve else "decline access request", "appointment",
             appointment.id, work.now, case_id=child.case_id if child else None, child=appointment.person_id,
             advocate=session.scalar(select(Worker.login).where(Worker.id == appointment.worker_id)),
             before={"status": "requested"}, after={"status": appointment.status, "reason": reason})


def request_view(appointment: AdvocateAppointment, advocate: Worker, child: AppointedChild | None,
                 names: dict[int, str], letter_name: str | None, may_decide: bool, is_open: bool) -> AccessRequestView:
    return AccessRequestView(
        id=appointment.id, advocate_login=advocate.login, advocate_name=advocate.name, child_id=appointment.person_id,
        child_name=child.name if child else None, case_id=child.case_id if child else None,
        family_name=child.family_name if child else None, court=appointment.court or "",
        cause_number=appointment.cause_number or "", appointed_on=appointment.appointed_on, ends_on=appointment.ends_on,
        status=appointment.status, open=is_open, letter_id=appointment.letter_id, letter_name=letter_name,
        requested_at=appointment.requested_at, requested_by=names.get(appointment.requested_by_id or 0),
        decided_at=appointment.decided_at, decided_by=names.get(appointment.decided_by_id or 0),
        decision_reason=appointment.decision_reason, ended_at=appointment.ended_at, end_reason=appointment.end_reason,
        may_decide=may_decide)
