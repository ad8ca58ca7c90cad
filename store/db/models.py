"""The database schema as SQLAlchemy 2 typed declarative models.

Times are stored in UTC (``UTCDateTime``) and turned into the agency's zone only where a rule or a
screen needs a local date. Append-only tables (revisions, review actions, audit, change log) are
protected by triggers created in the migrations, not just by this code.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from store.core.clock import utc


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python; ``timestamptz`` on PostgreSQL, naive UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(DateTime(timezone=dialect.name != "sqlite"))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("casenotes stores aware datetimes only")
        value = utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return aware_utc(value)


def aware_utc(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite keeps naive UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class WorkerFields(Protocol):
    """What the rules and the journal read of a worker: a ``Worker`` row, or the desk's ``Actor``
    (the same columns read plainly, which a note save does because the ORM's look-up costs more)."""

    @property
    def id(self) -> int: ...
    @property
    def login(self) -> str: ...
    @property
    def name(self) -> str: ...


class StageFields(Protocol):
    """What the rules read of a stage to take a note: a ``Stage`` row, or the desk's ``StageFacts``."""

    @property
    def id(self) -> int: ...
    @property
    def case_id(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def subtype(self) -> str | None: ...
    @property
    def closed_at(self) -> datetime | None: ...
    @property
    def close_reason(self) -> str | None: ...
    @property
    def label(self) -> str: ...


def table_of(model: type[Base]) -> Table:
    """A model's table, typed as one (SQLAlchemy declares ``__table__`` as any FROM clause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Meta(Base):
    """Facts about the database itself, e.g. ``demo = yes`` for a generated demo agency."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Worker(Base):
    __tablename__ = "workers"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120))
    employer: Mapped[str] = mapped_column(String(8))  # LDSS, VA (voluntary agency) or CASA
    agency: Mapped[str] = mapped_column(String(120))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_at: Mapped[datetime | None]  # a worker who left: sign-in refused, their work kept
    email: Mapped[str | None] = mapped_column(String(254))  # where notifications are e-mailed, if the agency relays
    # The PostgreSQL login role this worker signs in as on the agency server (None: no server sign-in).
    # Written only by the owner's login functions (store/db/server.py): a worker's session may not insert
    # it, so the ORM leaves it out of a new worker's INSERT (FetchedValue: the database's to give).
    db_role: Mapped[str | None] = mapped_column(String(63), unique=True, index=True, server_default=FetchedValue())

    unit: Mapped[Unit | None] = relationship()
    supervisor: Mapped[Worker | None] = relationship(remote_side=[id])
    functions: Mapped[list[WorkerFunction]] = relationship(cascade="all, delete-orphan")


class WorkerFunction(Base):
    """A business function on a worker's profile, e.g. ``ENT PROG NOTE``."""

    __tablename__ = "worker_functions"
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)


class Absence(Base):
    """A planned absence (vacation, training) during which notes must already be submitted."""

    __tablename__ = "absences"
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class Case(Base):
    """One family."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    family_name: Mapped[str] = mapped_column(String(120), index=True)
    opened_at: Mapped[datetime]

    persons: Mapped[list[Person]] = relationship(back_populates="case", order_by="Person.id")
    stages: Mapped[list[Stage]] = relationship(back_populates="case", order_by="Stage.id",
                                               foreign_keys="Stage.case_id")


class Person(Base):
    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date | None] = mapped_column(Date)
    relationship_: Mapped[str] = mapped_column("relationship", String(60))  # child, mother, teacher…
    is_child: Mapped[bool] = mapped_column(Boolean, default=False)
    sex: Mapped[str | None] = mapped_column(String(12))

    case: Mapped[Case] = relationship(back_populates="persons")

    @property
    def full_name(self) -> str:
        return Person.name_of(self.first_name, self.last_name)

    @staticmethod
    def name_of(first_name: str, last_name: str) -> str:
        return f"{first_name} {last_name}"


class Stage(Base):
    __tablename__ = "stages"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    type: Mapped[str] = mapped_column(String(4))  # INT INV FSI FSS CCR FAD
    subtype: Mapped[str | None] = mapped_column(String(8))  # FSS: CWS OTI COI ICPC ADVPO
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(200))
    closing_started_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    closing_started_at: Mapped[datetime | None]
    closing_reason: Mapped[str | None] = mapped_column(String(200))
    # Opened only to authorise a payment (the administrative FSI -> FSS opening): the deadline,
    # timeliness and visit reports leave it out.
    administrative: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # FSS/CCR: the agency provides services beyond visitation to address a parent's needs (plan rules)
    parent_services: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The intake's facts (FSI): who asked, the circumstances, the day the work was done, the
    # "preventive only?" decision and the family's earlier closed case.
    source_worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    narrative: Mapped[str | None] = mapped_column(Text)
    application_date: Mapped[date | None] = mapped_column(Date)
    preventive_only: Mapped[bool | None] = mapped_column(Boolean)
    linked_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # App/Reg of a Family Services Stage: the primary caretaker (none when the case is child only).
    primary_caretaker_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    app_reg_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="stages", foreign_keys=[case_id])
    parent: Mapped[Stage | None] = relationship(remote_side=[id])
    # The persons in the stage now: a person ended in the stage (stage_persons.ended_at) is kept for
    # its history (``persons_ever``, the notes that name them) but offered for nothing new.
    persons: Mapped[list[Person]] = relationship(
        secondary="stage_persons", order_by="Person.id",
        secondaryjoin="and_(Person.id == StagePerson.person_id, StagePerson.ended_at.is_(None))")
    persons_ever: Mapped[list[Person]] = relationship(secondary="stage_persons", order_by="Person.id", viewonly=True)
    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="stage")

    @property
    def label(self) -> str:
        return stage_label(self.type, self.subtype)


def stage_label(type_: str, subtype: str | None) -> str:
    """"FSS-CWS", or "INV" for a stage kind without subtypes."""
    return f"{type_}-{subtype}" if subtype else type_


class StagePerson(Base):
    __tablename__ = "stage_persons"
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    ended_at: Mapped[datetime | None]  # taken out of the stage; kept for its history


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]

    stage: Mapped[Stage] = relationship(back_populates="roles")
    worker: Mapped[Worker] = relationship()
    children: Mapped[list[Person]] = relationship(secondary="role_children", order_by="Person.id")


class RoleChild(Base):
    """A Case Worker's association with specific children of the stage."""

    __tablename__ = "role_children"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("role_assignments.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)


class AdvocateAppointment(Base):
    """A court appointment giving an outside advocate (CASA) read access to one child's records.

    Filed by the advocate (or the programme's representative) with the court, cause number, the
    appointment's dates and the letter of introduction (a document), and decided by the child's
    caseworker, Case Manager or their supervisor (issue 18). ``status``: requested, approved,
    declined or ended. ``active`` is the switch the rules read: on from approval until the
    appointment is ended (termination, the representative, the caseworker); access also stops by
    itself at ``ends_at`` (the end of the appointment's last day, agency time) and when no stage
    the child is in is open."""

    __tablename__ = "advocate_appointments"
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    appointed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="approved")
    court: Mapped[str | None] = mapped_column(String(120))
    cause_number: Mapped[str | None] = mapped_column(String(60))
    appointed_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    ends_at: Mapped[datetime | None]  # the first instant after ``ends_on``, agency time
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    requested_at: Mapped[datetime | None]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    end_reason: Mapped[str | None] = mapped_column(Text)


class AdvocateAccount(Base):
    """An advocate's account with the advocate programme's access management (``ADVOCATE ACCESS``):
    requested, then approved (the worker may sign in) or rejected, and terminated when they leave
    (sign-in refused at once, history kept). ``review_on``: when the representatives next confirm
    the advocate still needs access."""

    __tablename__ = "advocate_accounts"
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="requested")  # requested approved rejected terminated
    requested_at: Mapped[datetime]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    review_on: Mapped[date | None] = mapped_column(Date)
    terminated_at: Mapped[datetime | None]
    terminated_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    termination_reason: Mapped[str | None] = mapped_column(Text)
    last_sign_in_at: Mapped[datetime | None]


class Document(Base):
    """A file in a child's record (an advocate's or a caseworker's upload, a letter of introduction):
    stored in the database with its SHA-256, size and the type read from its bytes; never deleted,
    only withdrawn with a reason. ``content`` is loaded only when asked for (up to 25 MB)."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_person", "person_id", "uploaded_at"),
                      Index("ix_documents_case", "case_id", "uploaded_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(80))
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """Something waiting for one worker: an advocate's upload or access request, a note returned or
    approved, a correction or review overdue, an absence cut-off tomorrow. ``key`` makes each one
    arrive once (e.g. ``overdue-review:note:42:v3``); ``entity``/``entity_id`` is what Enter opens."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("worker_id", "key", name="uq_notifications_key"),
                      Index("ix_notifications_unread", "worker_id", "read_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(160))
    sentence: Mapped[str] = mapped_column(String(400))
    entity: Mapped[str | None] = mapped_column(String(20))  # note, document, appointment, absence…
    entity_id: Mapped[int | None]
    case_id: Mapped[int | None]
    stage_id: Mapped[int | None]
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    event_at: Mapped[datetime]
    entered_at: Mapped[datetime]
    author_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    contact_type: Mapped[str] = mapped_column(String(120))
    purposes: Mapped[list[Any]] = mapped_column(default=list)
    method: Mapped[str | None] = mapped_column(String(60))
    location: Mapped[str | None] = mapped_column(String(80))
    others: Mapped[list[Any]] = mapped_column(default=list)  # free-text participants
    narrative: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    amends_note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), index=True)
    freezes_at: Mapped[datetime]  # first instant at which the note can no longer change
    first_submitted_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    correction_due_at: Mapped[datetime | None]

    stage: Mapped[Stage] = relationship()
    author: Mapped[Worker] = relationship(foreign_keys=[author_id])
    entered_by: Mapped[Worker] = relationship(foreign_keys=[entered_by_id])
    participants: Mapped[list[Person]] = relationship(secondary="note_participants", order_by="Person.id")
    amends: Mapped[Note | None] = relationship(remote_side=[id], foreign_keys=[amends_note_id])

    __mapper_args__ = {"version_id_col": version}
    # A discarded draft's id stays taken (its revisions keep it), so SQLite must never reuse ids.
    __table_args__ = (Index("ix_notes_stage_event", "stage_id", "event_at"), {"sqlite_autoincrement": True})


class NoteParticipant(Base):
    __tablename__ = "note_participants"
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True, index=True)


class NoteRevision(Base):
    """Every saved version of a note. ``note_id`` has no foreign key on purpose: the revisions of a
    discarded draft outlive the draft itself."""

    __tablename__ = "note_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int]
    saved_at: Mapped[datetime]
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    status: Mapped[str] = mapped_column(String(12))
    snapshot: Mapped[dict[str, Any]]

    __table_args__ = (UniqueConstraint("note_id", "version"),)


class ReviewAction(Base):
    """submit, resubmit, recall, approve or return — with the return comment and correction due date."""

    __tablename__ = "review_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    action: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime]
    by_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]

    by: Mapped[Worker] = relationship()


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # "Was this read recorded in the last hour?" is asked at every search from outside the assignment.
    __table_args__ = (Index("ix_audit_log_reader", "worker_id", "action", "entity_id", "at"),
                      Index("ix_audit_log_case", "case_id", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None]
    case_id: Mapped[int | None]  # the case a maintenance change belongs to (its activity history)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Change(Base):
    """The change log ``search/`` follows: one row per changed entity, in commit order."""

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    op: Mapped[str] = mapped_column(String(10))  # insert, update, delete

    __table_args__ = {"sqlite_autoincrement": True}  # never reuse a sequence number


class Placement(Base):
    """A child's time in foster care, recorded in the stage that holds it (FSS or CCR).

    ``starts_on`` and ``ends_on`` are days in the agency's zone, both counted in care; an open
    placement has no ``ends_on``."""

    __tablename__ = "placements"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    setting: Mapped[str] = mapped_column(String(120))
    # plan_need.LEGAL_BASES (VPA, court order, voluntary, committed at home); None: not recorded yet
    basis: Mapped[str | None] = mapped_column(String(40))

    person: Mapped[Person] = relationship()
    stage: Mapped[Stage] = relationship()


class ExternalKey(Base):
    """The agency's own id of a record brought in by ``casenotes import`` (its external key)."""

    __tablename__ = "external_keys"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # worker, unit, case, person, stage…
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[int]

    __table_args__ = (UniqueConstraint("kind", "record_id", name="uq_external_keys_record"),)


class Plan(Base):
    """One version of a case plan (issue 19): the family plan (``child_id`` None) or a child-in-placement
    plan. Drafted by the family's Case Planner (the Case Manager where there is none), sent to a supervisor
    above the drafter, approved or returned (``correction_due_at``, the notes' review clock), and frozen
    once approved: a change is a new version (``plan_version`` + 1, ``previous_plan_id``), the approved one
    kept as it was. ``version`` counts the saves of this row, each with its revision."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_case", "case_id", "child_id", "plan_version"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    plan_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    plan_version: Mapped[int] = mapped_column(Integer, default=1)
    previous_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    drafter_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]
    first_submitted_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    correction_due_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))


class PlanSectionText(Base):
    """A plan's section (its stable key, e.g. ``permanency_goal``) and what the planner wrote in it."""

    __tablename__ = "plan_sections"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")


class PlanParticipant(Base):
    """Who took part in making the plan: a person of the family (``person_id``) or another by name, with
    their role (child, mother, foster parent, therapist…)."""

    __tablename__ = "plan_participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    name: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(60))


class PlanContest(Base):
    """A request for a hearing to contest a provision of the plan: by whom, on which day, what provision."""

    __tablename__ = "plan_contests"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_on: Mapped[date] = mapped_column(Date)
    provision: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))


class PlanRevision(Base):
    """Every saved version of a plan row (its fields, sections and participants), kept forever."""

    __tablename__ = "plan_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    version: Mapped[int]
    saved_at: Mapped[datetime]
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    status: Mapped[str] = mapped_column(String(12))
    snapshot: Mapped[dict[str, Any]]

    __table_args__ = (UniqueConstraint("plan_id", "version"),)


class PlanReviewAction(Base):
    """submit, resubmit, approve or return of a plan, with the return's comment and correction due date."""

    __tablename__ = "plan_review_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    action: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime]
    by_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]


class NotePlanElement(Base):
    """A plan element (a section of an approved plan) a note says was discussed."""

    __tablename__ = "note_plan_elements"
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True, index=True)
    section_key: Mapped[str] = mapped_column(String(40), primary_key=True)
