"""The footing every part of ``Desk`` stands on: the acting worker, the clock, record look-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from store.rules.access import CaseAccess, Reach, case_access, visible_notes
from store.core.errors import NoAccess, NotFound, StoreError
from store.db.journal import audit
from store.db.models import AuditEntry, Note, Stage, Worker, stage_label
from store.core.policy import Policy

READ_AUDIT_EVERY = timedelta(hours=1)  # the same read again within this (a search as it is typed, a
# long list paged in) is not audited again

DEACTIVATED = "Your casenotes sign-in was deactivated; nothing more is done under your login. Nothing was saved."

if TYPE_CHECKING:
    from store.db.database import Database


@dataclass(frozen=True)
class Actor:
    """The acting worker as a note save needs them, read as plain columns (the ORM's look-up of a
    worker and a stage was a quarter of a save)."""

    id: int
    login: str
    name: str


@dataclass(frozen=True)
class StageFacts:
    """A stage as a note save needs it, read as plain columns."""

    id: int
    case_id: int
    type: str
    subtype: str | None
    opened_at: datetime
    closed_at: datetime | None
    close_reason: str | None

    @property
    def label(self) -> str:
        return stage_label(self.type, self.subtype)


_ACTOR = select(Worker.id, Worker.login, Worker.name, Worker.active).where(Worker.id == bindparam("id"))
_STAGE_FACTS = select(Stage.id, Stage.case_id, Stage.type, Stage.subtype, Stage.opened_at, Stage.closed_at,
                      Stage.close_reason).where(Stage.id == bindparam("id"))


@dataclass(frozen=True)
class Work:
    """One maintenance change's footing, shared by the signed-in ``Desk`` (after its permission
    check), the system's ``Staffing`` and ``casenotes import`` (many changes, one transaction): the
    open session, the instant, the policy, and who acts (None: the system)."""

    session: Session
    now: datetime
    policy: Policy
    by: Worker | None


class DeskBase:
    def __init__(self, db: Database, worker_id: int, login: str):
        self.db = db
        self.worker_id = worker_id
        self.login = login

    @property
    def policy(self) -> Policy:
        return self.db.policy

    def _work(self, session: Session) -> Work:
        """The footing of a maintenance change made by this desk's worker, in ``session``."""
        return Work(session, self._now(), self.policy, self._user(session))

    def _now(self) -> datetime:
        """Inside a unit of work, the instant it began: the triggers' clock too."""
        return self.db.now()

    def _user(self, session: Session) -> Worker:
        """The acting worker; a desk opened before they were deactivated acts for them no more."""
        worker = session.get_one(Worker, self.worker_id)
        if not worker.active:
            raise NoAccess(DEACTIVATED)
        return worker

    def _actor(self, session: Session) -> Actor:
        """``_user`` as plain columns (the note save's)."""
        worker_id, login, name, active = session.connection().execute(_ACTOR, {"id": self.worker_id}).one()
        if not active:
            raise NoAccess(DEACTIVATED)
        return Actor(worker_id, login, name)

    def _stage_facts(self, session: Session, stage_id: int) -> StageFacts:
        row = session.connection().execute(_STAGE_FACTS, {"id": stage_id}).first()
        if row is None:
            raise NotFound(f"There is no stage number {stage_id}.")
        return StageFacts(*row)

    def _worker(self, session: Session, login: str) -> Worker:
        worker = session.scalar(select(Worker).where(Worker.login == login, Worker.active))
        if worker is None:
            raise NotFound(f"There is no active worker with the login {login!r}.")
        return worker

    def _stage(self, session: Session, stage_id: int) -> Stage:
        stage = session.get(Stage, stage_id)
        if stage is None:
            raise NotFound(f"There is no stage number {stage_id}.")
        return stage

    def _note(self, session: Session, note_id: int, *, lock: bool = False) -> Note:
        note = session.get(Note, note_id, with_for_update=lock or None)
        if note is None:
            raise NotFound(f"There is no note number {note_id}; a discarded draft is kept only in the audit record.")
        return note

    def _readable(self, session: Session, case_id: int, user: Worker, now: datetime) -> CaseAccess:
        """How the user reaches the case (or ``NoAccess``), audited in this (writing) session when the
        user reaches it from outside the assignment."""
        access = case_access(session, user, case_id, now)
        if access.reach is not Reach.ASSIGNED:
            audit(session, user, "read case", "case", case_id, now, {"reach": access.reach.value}, case_id=case_id)
        return access

    def _audit_read(self, access: CaseAccess, case_id: int, what: str, entity_id: int,
                    every: timedelta | None = None) -> None:
        """Record a read made from outside the assignment, in its own short write; with ``every``,
        not again if this read of the same thing was recorded within that time."""
        if access.reach is Reach.ASSIGNED:
            return
        now = self._now()
        if every is not None:  # asked in a read: a search as it is typed must not queue for the writer
            with self.db.reading() as session:
                if session.scalar(select(AuditEntry.id).where(
                        AuditEntry.worker_id == self.worker_id, AuditEntry.action == f"read {what}",
                        AuditEntry.entity_id == entity_id, AuditEntry.at > now - every,
                        AuditEntry.at <= now).limit(1)) is not None:
                    return
        with self.db.writing() as session:
            audit(session, self._user(session), f"read {what}", what, entity_id, now,
                  {"reach": access.reach.value, "case": case_id}, case_id=case_id)  # the case's access log


def addenda_of(session: Session, note: Note, reader: Worker, now: datetime,
               access: CaseAccess | None = None) -> tuple[int, ...]:
    """The addenda to the note that the reader may read: another's draft addendum stays private, as
    any draft does, so not even its existence shows. ``access``: the reader's, if already known."""
    ids = list(session.scalars(select(Note.id).where(Note.amends_note_id == note.id)))
    if not ids:  # the usual case: no access to work out
        return ()
    if access is None:
        try:
            access = case_access(session, reader, note.stage.case_id, now)
        except StoreError:  # a save by someone who no longer reaches the case: they see none
            return ()
    return tuple(session.scalars(select(Note.id).where(Note.id.in_(ids), visible_notes(reader, access))
                                 .order_by(Note.id)))
