"""What the advocacy desk returns (issue 18): advocates' accounts, access requests, an advocate's children.

Frozen dataclasses like those of ``store/core/results.py``, kept apart so that the parts of issue 18
grow without editing one shared file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class AdvocateAccountView:
    """One advocate as the programme's representatives keep the list."""

    login: str
    name: str
    agency: str
    email: str | None
    status: str  # requested, approved, rejected, terminated
    requested_at: datetime
    requested_by: str | None  # name
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    terminated_at: datetime | None
    termination_reason: str | None
    review_on: date | None
    last_sign_in_at: datetime | None
    open_appointments: int
    children: tuple[str, ...]  # the children whose records are open to them now, "First Last"
    pending_requests: int
    review_due: bool  # approved and its review date has come: the representatives confirm it


@dataclass(frozen=True)
class AccessRequestView:
    """A request for access to a child's record, filed with a letter of introduction."""

    id: int
    advocate_login: str
    advocate_name: str
    child_id: int
    child_name: str | None  # None where the reader may not yet learn it (an advocate before approval)
    case_id: int | None  # None likewise
    family_name: str | None
    court: str
    cause_number: str
    appointed_on: date | None
    ends_on: date | None
    status: str  # requested, approved, declined, ended
    open: bool  # access open now (approved, not ended, the child in an open stage, not past ends_on)
    letter_id: int | None
    letter_name: str | None
    requested_at: datetime | None
    requested_by: str | None  # name
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    ended_at: datetime | None
    end_reason: str | None
    may_decide: bool  # the reader may approve or decline it now
    told: str | None = None  # filing it: the name of the worker the request was sent to (None: nobody answers yet)


@dataclass(frozen=True)
class AdvocateChildView:
    """A child whose record is open to the signed-in advocate."""

    child_id: int
    name: str
    case_id: int
    family_name: str
    stages: tuple[tuple[int, str], ...]  # (stage id, label) of the child's open stages
    court: str | None
    cause_number: str | None
    appointed_on: date | None
    ends_on: date | None
    appointment_id: int
