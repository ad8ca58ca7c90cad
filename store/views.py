"""Read-only pictures of the record handed to callers, so that no screen holds a database session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class WorkerView:
    id: int
    login: str
    name: str
    title: str
    employer: str
    agency: str
    unit: str | None
    supervisor: str | None  # login
    supervisor_name: str | None
    functions: tuple[str, ...]


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    relationship: str
    birth_date: date | None
    is_child: bool


@dataclass(frozen=True)
class RoleView:
    worker_login: str
    worker_name: str
    role: str
    starts_at: datetime
    ends_at: datetime | None
    children: tuple[str, ...]


@dataclass(frozen=True)
class StageView:
    id: int
    case_id: int
    family_name: str
    type: str
    subtype: str | None
    label: str
    parent_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    close_reason: str | None
    closing_started_by: str | None
    closing_reason: str | None
    persons: tuple[PersonView, ...]
    roles: tuple[RoleView, ...]


@dataclass(frozen=True)
class CaseView:
    id: int
    family_name: str
    opened_at: datetime
    persons: tuple[PersonView, ...]
    stages: tuple[StageView, ...]  # parents before their children
    reach: str  # how the reader reaches the case: assigned, supervision, entry clerk, advocate


@dataclass(frozen=True)
class CaseloadRow:
    stage_id: int
    case_id: int
    family_name: str
    stage_label: str
    worker: str  # name of the assigned worker this row is about
    role: str
    opened_at: datetime
    closed_at: datetime | None
    last_contact_at: datetime | None
    drafts: int
    returned: int
    correction_due_at: datetime | None  # earliest due date among returned notes
    entry_due_at: datetime | None  # earliest "record within 72 hours" deadline among drafts
    overdue: bool  # the next deadline has passed

    @property
    def next_deadline_at(self) -> datetime | None:
        dues = [d for d in (self.correction_due_at, self.entry_due_at) if d is not None]
        return min(dues) if dues else None


@dataclass(frozen=True)
class NoteView:
    id: int
    stage_id: int
    case_id: int
    event_at: datetime
    entered_at: datetime
    author: str  # login
    author_name: str
    entered_by: str
    entered_by_name: str
    contact_type: str
    purposes: tuple[str, ...]
    method: str | None
    location: str | None
    participants: tuple[PersonView, ...]
    others: tuple[str, ...]
    narrative: str
    status: str
    version: int
    amends_note_id: int | None
    addenda: tuple[int, ...]
    freezes_at: datetime
    frozen: bool
    late_entry: bool
    submitted_at: datetime | None
    correction_due_at: datetime | None


@dataclass(frozen=True)
class RevisionView:
    version: int
    saved_at: datetime
    saved_by: str
    status: str
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class ReviewActionView:
    action: str
    at: datetime
    by: str
    comment: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class NoteHistory:
    note: NoteView
    revisions: tuple[RevisionView, ...]
    review: tuple[ReviewActionView, ...]


@dataclass(frozen=True)
class ReturnedNote:
    note: NoteView
    due_at: datetime
    warning: str | None  # set when the due date falls after the note freezes


@dataclass(frozen=True)
class ReviewItem:
    """A note waiting for this supervisor, with its review deadline."""

    note: NoteView
    family_name: str
    stage_label: str
    review_due_at: datetime
    overdue: bool
    resubmitted: bool


@dataclass(frozen=True)
class CaseMatch:
    case_id: int
    family_name: str
    matched: str  # what matched: the family name or a person's name


@dataclass(frozen=True)
class ReturnPlan:
    """What a return would set, before it is made: the due date and any warning."""

    due_at: datetime
    freezes_at: datetime
    warning: str | None
