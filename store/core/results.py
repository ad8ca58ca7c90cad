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
    may_enter_for_others: bool  # enters notes for a stage's workers (ENT PROG NOTE): the editor asks whose


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
    administrative: bool = False  # opened only to authorise a payment: left out of the casework reports
    primary_caretaker_id: int | None = None  # App/Reg of a Family Services Stage (None: child only)
    app_reg_at: datetime | None = None


@dataclass(frozen=True)
class StageCourse:
    """What the signed-in worker may do with a stage's course now (``Desk.stage_course``): for each
    action None when allowed, else the sentence saying why not; and what a progression chooses from."""

    stage_id: int
    progress: str | None
    app_reg: str | None
    start_closing: str | None
    close: str | None
    transitions: tuple[str, ...]  # the stage types it may progress into
    fss_types: tuple[str, ...]
    persons: tuple[PersonView, ...]  # now in the stage
    case_managers: tuple[tuple[str, str], ...]  # (login, name) of who may be a Case Manager (active LDSS staff)
    case_manager: str | None  # the stage's current Case Manager (login), the progression's first choice
    closure_reasons: tuple[str, ...]


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
    next_deadline_at: datetime | None  # the sooner of the two
    next_deadline_kind: str | None  # what is due then: "entry" (a draft) or "correction" (a returned note)
    overdue: bool  # the next deadline has passed (the deadline engine's answer)


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
    frozen: bool  # the freeze date has come (an FSI entry freezes as it is saved)
    late_entry: bool
    submitted_at: datetime | None
    correction_due_at: datetime | None

    @property
    def final(self) -> bool:
        """Approved, final (FSI) or frozen: only an addendum can correct it now. An approved note
        is final before its freeze date, not frozen."""
        return self.status in ("approved", "final") or self.frozen


# The fields of a saved version a reader compares, in the order a note reads, with their names.
REVISION_FIELDS = (("status", "Status"), ("event_at", "Event"), ("contact_type", "Type"), ("method", "Method"),
                   ("location", "Location"), ("purposes", "Purposes"), ("participants", "Present"),
                   ("others", "Others present"), ("correction_due_at", "Correct by"))


@dataclass(frozen=True)
class FieldChange:
    """A field that differs between two saved versions of a note, with its values typed: a time is an
    aware datetime, a list a tuple, the people present their names; an empty value is None or ()."""

    name: str  # the note's field, e.g. "event_at"
    label: str  # as a reader calls it, e.g. "Event"
    before: Any
    after: Any


@dataclass(frozen=True)
class RevisionView:
    version: int
    saved_at: datetime
    saved_by: str
    status: str
    snapshot: dict[str, Any]  # the version as recorded (times as ISO text, people by id)
    values: dict[str, Any]  # the same version typed: the fields of REVISION_FIELDS and "narrative"

    @property
    def narrative(self) -> str:
        return str(self.values["narrative"])

    def changes_from(self, earlier: RevisionView) -> tuple[FieldChange, ...]:
        """The fields other than the narrative that differ from an earlier version, in reading order."""
        return tuple(FieldChange(name, label, earlier.values.get(name), self.values.get(name))
                     for name, label in REVISION_FIELDS if earlier.values.get(name) != self.values.get(name))


@dataclass(frozen=True)
class ReviewActionView:
    action: str
    at: datetime
    by: str  # login
    by_name: str
    comment: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class NoteHistory:
    note: NoteView
    revisions: tuple[RevisionView, ...]
    review: tuple[ReviewActionView, ...]


@dataclass(frozen=True)
class NoteForm:
    """A note's fields as a form holds them, checked before a save: what stops them from being saved,
    by field name in the sentences the save would give, and which of the fields a save needs are
    still empty (a form need not complain of those while they are being filled in)."""

    problems: dict[str, str]
    missing: tuple[str, ...]  # of "event_at", "contact_type", "narrative"

    @property
    def may_save(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ReturnedNote:
    note: NoteView
    due_at: datetime
    warning: str | None  # set when the due date falls after the note freezes


@dataclass(frozen=True)
class QueuedNote:
    """What the review queue shows of a waiting note: enough to list and act on it, not its text
    (a queue of thousands is read in one light query; the note itself is opened by id)."""

    id: int
    stage_id: int
    case_id: int
    version: int
    status: str
    author: str  # login
    author_name: str
    contact_type: str
    event_at: datetime
    submitted_at: datetime
    freezes_at: datetime
    frozen: bool


@dataclass(frozen=True)
class ReviewItem:
    """A note waiting for this supervisor, with its review deadline."""

    note: QueuedNote
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


@dataclass(frozen=True)
class Obligation:
    """What a note waits for now: who must act, by when, and whether that time has passed."""

    note_id: int
    case_id: int
    family_name: str
    stage_id: int
    stage_label: str
    contact_type: str
    event_at: datetime
    author: str  # login
    author_name: str
    status: str  # the note's status: draft, submitted, resubmitted, returned
    who: str  # login of the worker who must act: the author, or the author's supervisor for a review
    who_name: str
    action: str  # "submit", "resubmit", "review", "re-review"
    due_at: datetime
    overdue: bool
    freezes_at: datetime
    after_freeze: bool  # due after the note freezes: editing will not do, it needs an addendum
    cutoff_at: datetime | None  # an absence cut-off of the author's that comes before due_at

    @property
    def next_due_at(self) -> datetime:
        """The earlier of the policy deadline and an absence cut-off."""
        return min(self.due_at, self.cutoff_at) if self.cutoff_at else self.due_at

    @property
    def what(self) -> str:
        return {"submit": "Record and submit", "resubmit": "Correct and resubmit", "review": "Review",
                "re-review": "Review the correction"}[self.action]


@dataclass(frozen=True)
class AbsenceView:
    id: int
    worker: str  # login
    worker_name: str
    starts_on: date
    ends_on: date
    reason: str
    cutoff_at: datetime  # pending notes are submitted by this instant (5:00 PM, two working days before)
    pending: tuple[int, ...]  # the worker's drafts and returned notes that must be submitted by the cut-off
    past_cutoff: bool  # the cut-off has passed with notes still pending


@dataclass(frozen=True)
class WorkerTimeliness:
    """One worker's record over a period (the row of the Timeliness screen; a unit total has no login)."""

    login: str
    name: str
    unit: str
    notes_entered: int
    late_entries: int
    median_entry_lag_hours: float | None
    reviews: int  # approvals and returns of this worker's notes in the period
    median_review_hours: float | None
    overdue_reviews: int  # this worker's notes now waiting on the supervisor past the review deadline
    overdue_corrections: int  # returned notes of this worker's now past the correction deadline
    overdue_entries: int  # drafts of this worker's now past the entry deadline (or an absence cut-off)
    frozen_unapproved: int  # this worker's notes that froze in the period without being approved
    visits_required: int  # child-months in foster care in the period (completed months)
    visits_made: int
    plans_approved: int = 0  # case plans this worker drafted approved in the period
    plans_on_time: int = 0  # of those, approved by the date the plan rules had them due
    plans_overdue: int = 0  # plans of the families this worker drafts that are overdue now

    @property
    def late_entry_percent(self) -> float | None:
        return 100 * self.late_entries / self.notes_entered if self.notes_entered else None

    @property
    def visit_percent(self) -> float | None:
        return 100 * self.visits_made / self.visits_required if self.visits_required else None

    @property
    def plans_on_time_percent(self) -> float | None:
        return 100 * self.plans_on_time / self.plans_approved if self.plans_approved else None


@dataclass(frozen=True)
class UnitTimeliness:
    unit: str
    supervisor: str  # name
    workers: tuple[WorkerTimeliness, ...]
    total: WorkerTimeliness


@dataclass(frozen=True)
class Timeliness:
    since: datetime
    until: datetime
    units: tuple[UnitTimeliness, ...]


@dataclass(frozen=True)
class ActivityChange:
    """One value a maintenance change set, as a reader sees it (a day as 03/02/2026, a list joined);
    None: no value (before a record existed, or after it was cleared)."""

    name: str  # as a reader calls it, e.g. "role", "birth date"
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ActivityEntry:
    """One maintenance change in a case's activity history."""

    id: int
    at: datetime
    who: str  # the worker's name; "casenotes" for the system (the demo, an import)
    who_login: str | None
    action: str  # as recorded: "open stage", "assign role", "end placement"…
    about: str  # what it was about: a stage label, a person's or worker's name, the family
    sentence: str  # "Case Planner Vic Planner assigned in FSS-CWS"
    changes: tuple[ActivityChange, ...]  # the values before and after


@dataclass(frozen=True)
class CaseActivity:
    """A page of a case's activity history, newest first."""

    case_id: int
    family_name: str
    entries: tuple[ActivityEntry, ...]
    more: bool  # older entries follow: ask for them with before_id=entries[-1].id


@dataclass(frozen=True)
class UnitView:
    """A unit of the agency as the Staff screen lists it."""

    id: int
    name: str
    active_workers: int


@dataclass(frozen=True)
class StaffMember:
    """One worker as the Staff screen lists them (deactivated workers too: their work is kept)."""

    id: int
    login: str
    name: str
    title: str
    employer: str  # LDSS, VA or CASA
    agency: str
    unit_id: int | None
    unit: str | None
    supervisor: str | None  # login
    supervisor_name: str | None
    functions: tuple[str, ...]
    active: bool
    deactivated_at: datetime | None
    last_change_at: datetime | None  # the last audited change to the profile (added, changed, absence…)
    open_roles: int  # stage roles held now: each is reassigned before the worker may be deactivated
    database_user: str | None = None  # on the agency server (PostgreSQL): the database user they sign in as
    email: str | None = None  # where their notifications are e-mailed, if the agency has a relay


@dataclass(frozen=True)
class OpenRole:
    """A role a worker holds now in an open stage, named so that whoever reassigns it can find it."""

    stage_id: int
    case_id: int
    family_name: str
    stage_label: str
    role: str
    since: datetime

    def __str__(self) -> str:
        return f"{self.role} in the {self.family_name} family's {self.stage_label} stage (number {self.stage_id})"


@dataclass(frozen=True)
class LoginChange:
    """What giving or ending one worker's sign-in on the agency server did to their database user."""

    login: str
    name: str
    database_user: str | None
    done: str  # created, enabled, signs_in (nothing to do), ended, already_ended, none

    def __str__(self) -> str:
        who, user = f"{self.name} ({self.login})", self.database_user
        return {
            "created": f"Made the database user {user} for {who}, who can sign in with it now.",
            "enabled": f"{who} can sign in again as the database user {user}.",
            "signs_in": f"{who} already signs in as the database user {user}; nothing to do.",
            "ended": f"{who} can no longer sign in: the database user {user} lost LOGIN (it and its history are kept).",
            "already_ended": f"{who} already cannot sign in as the database user {user}; nothing to do.",
            "none": f"{who} has no database user to sign in with; nothing to do.",
        }[self.done]


@dataclass(frozen=True)
class NotificationView:
    """Something waiting in one worker's inbox, and what Enter opens: ``entity`` (note, stage, case,
    document, appointment, absence) and its ``entity_id``, with the case and stage it belongs to."""

    id: int
    at: datetime
    kind: str  # "note returned", "note approved", "correction overdue", "review overdue", "absence cut-off"…
    sentence: str
    entity: str | None
    entity_id: int | None
    case_id: int | None
    stage_id: int | None
    read_at: datetime | None
    emailed_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True)
class DocumentView:
    """A document in a child's record, without its content (``Desk.document_content`` reads that)."""

    id: int
    case_id: int
    child_id: int
    child_name: str
    kind: str
    file_name: str
    size: int
    content_type: str
    sha256: str
    uploaded_at: datetime
    uploaded_by: str         # login
    uploaded_by_name: str
    withdrawn_at: datetime | None
    withdrawn_by_name: str | None
    withdrawal_reason: str | None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True)
class AccessLogEntry:
    """One read of a case's record, for the case's access log: who, how they reach the case
    (``reach``: supervision, advocate, entry clerk, assigned), what they read and when."""

    at: datetime
    login: str | None
    name: str
    title: str
    reach: str
    what: str                # in words: "Jay Rivera's document report.pdf (Legal document)"
    entity: str
    entity_id: int | None
