"""The review cycle: draft → submitted → approved | returned → resubmitted → …, and recall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pendulum
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.clock import utc
from store.desks.base import DeskBase, addenda_of
from store.core.errors import InvalidNote, StaleEdit
from store.db.journal import record_note
from store.db.notifications import notify
from store.db.models import AuditEntry, Case, Note, ReviewAction, Stage, Worker, stage_label
from store.rules.note_checks import UNDER_REVIEW, check_move
from store.rules.obligations import deadline
from store.rules.note_rules import correction_due, is_frozen, local_text
from store.core.results import NoteView, QueuedNote, ReturnedNote, ReturnPlan, ReviewItem
from store.desks.to_results import note_view

COMMENT_MAX_CHARS = 5_000  # what to correct, for a note of at most 50,000

# One review move on a locked note (session, note, acting user, now): what the revision's detail records.
Step = Callable[[Session, Note, Worker, datetime], dict[str, Any] | None]


class ReviewDesk(DeskBase):
    def submit(self, note_id: int, version: int | None = None) -> NoteView:
        """Send a draft, or a returned note after correction, to the author's supervisor."""
        return self._move(note_id, version, "submit", self._submit)

    def recall(self, note_id: int, version: int | None = None) -> NoteView:
        """Pull a note back from review before the supervisor has acted on it."""
        return self._move(note_id, version, "recall", self._recall)

    def approve(self, note_id: int, version: int | None = None) -> NoteView:
        return self._move(note_id, version, "approve", self._approve)

    def plan_return(self, note_id: int, due: datetime | date | None = None) -> ReturnPlan:
        """The due date a return would set (policy default if none given) and any warning, unsaved."""
        note_id, due = arguments.record_id(note_id, "note"), self._due_given(due)
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            note = self._note(session, note_id)
            check_move(session, note, user, now, self.policy, "return")
            due_at = self._due(due, now)
            return ReturnPlan(due_at, note.freezes_at, self._after_freeze(due_at, note))

    def review_queue(self, limit: int | None = None) -> list[ReviewItem]:
        """Notes my workers sent me, the one due soonest first (the earlier sent first on the same
        due date); those that froze unreviewed last. ``limit``: only the first so many, read without
        reading the whole queue, so that a queue of thousands shows its first screen at once.
        Read as plain columns, not as notes: the note itself is opened by id."""
        if limit is not None:
            limit = arguments.count(limit, "number of notes to show")
        with self.db.reading() as session:
            now = self._now()
            frozen = Note.freezes_at <= now
            query = (select(Note.id, Note.stage_id, Stage.case_id, Note.version, Note.status, Worker.login, Worker.name,
                            Note.contact_type, Note.event_at, Note.entered_at, Note.submitted_at, Note.freezes_at,
                            Case.family_name, Stage.type, Stage.subtype)
                     .join(Worker, Note.author_id == Worker.id).join(Stage, Note.stage_id == Stage.id)
                     .join(Case, Stage.case_id == Case.id)
                     .where(Worker.supervisor_id == self.worker_id, Note.status.in_(UNDER_REVIEW)))
            if limit is not None:
                # A review window's deadline never moves earlier as the sending time moves later, so
                # the first ``limit`` of each kind (first review or corrected, frozen or not) by
                # sending time hold the first ``limit`` of the whole queue.
                place = func.row_number().over(partition_by=(Note.status, frozen),
                                               order_by=(Note.submitted_at, Note.id)).label("place")
                ranked = query.add_columns(place).subquery()
                query = select(*[c for c in ranked.c if c.name != "place"]).where(ranked.c.place <= limit)
            items = []
            for (note_id, stage_id, case_id, version, status, login, name, contact_type, event_at, entered_at,
                 submitted_at, freezes_at, family_name, stage_type, subtype) in session.execute(query):
                # The deadline engine's answer (no absence cut-off: the supervisor acts), read from
                # columns; a note that froze unreviewed is past anyone's doing and so not overdue.
                due = deadline(status, event_at=event_at, entered_at=entered_at, contact_type=contact_type,
                               submitted_at=submitted_at, reviewed_at=None, correction_due_at=None,
                               freezes_at=freezes_at, now=now, policy=self.policy)
                note = QueuedNote(id=note_id, stage_id=stage_id, case_id=case_id, version=version, status=status,
                                  author=login, author_name=name, contact_type=contact_type, event_at=event_at,
                                  submitted_at=submitted_at, freezes_at=freezes_at, frozen=is_frozen(freezes_at, now))
                items.append(ReviewItem(note=note, family_name=family_name,
                                        stage_label=stage_label(stage_type, subtype), review_due_at=due.due_at,
                                        overdue=due.overdue, resubmitted=due.action == "re-review"))
            # Notes that froze unreviewed can only be corrected by an addendum now: they go last.
            items.sort(key=lambda item: (item.note.frozen, item.review_due_at, item.note.submitted_at, item.note.id))
            return items[:limit] if limit is not None else items

    def not_opened(self, note_ids: list[int]) -> set[int]:
        """Of these notes, those I have not opened since they were last sent for review: the batch
        approval asks again before approving notes its supervisor has not read. An opening is a read
        of the whole note recorded in the audit log (a supervisor reads their workers' notes from
        outside the assignment, and each such read of a note is recorded)."""
        ids = sorted(arguments.possible_ids(note_ids, "note"))
        if not ids:
            return set()
        opened = exists().where(and_(AuditEntry.worker_id == self.worker_id, AuditEntry.action == "read note",
                                     AuditEntry.entity_id == Note.id, AuditEntry.at >= Note.submitted_at))
        with self.db.reading() as session:
            return set(session.scalars(select(Note.id).where(Note.id.in_(ids), ~opened)))

    def return_note(self, note_id: int, comment: str, due: datetime | date | None = None,
                    version: int | None = None) -> ReturnedNote:
        """Send the note back to its author with what to correct and by when (default from policy)."""
        note_id, version = arguments.record_id(note_id, "note"), arguments.version(version, optional=True)
        if not isinstance(comment, str) or not comment.strip():
            raise InvalidNote("Say what needs correcting before returning the note.")
        comment = arguments.text(comment.strip(), "return comment", error=InvalidNote, most=COMMENT_MAX_CHARS,
                                 lines=True)
        due = self._due_given(due)
        result: dict[str, Any] = {}

        def _return(session: Session, note: Note, user: Worker, now: datetime) -> dict[str, Any]:
            due_at = self._due(due, now)
            note.status, note.reviewed_at, note.correction_due_at = "returned", now, due_at
            session.add(ReviewAction(note_id=note.id, action="return", at=now, by_id=user.id,
                                     comment=comment, due_at=due_at))
            result["warning"], result["due"] = self._after_freeze(due_at, note), due_at
            return {"comment": comment, "due": due_at}

        view = self._move(note_id, version, "return", _return)
        return ReturnedNote(note=view, due_at=result["due"], warning=result.get("warning"))

    def _move(self, note_id: int, version: int | None, action: str, step: Step) -> NoteView:
        note_id, version = arguments.record_id(note_id, "note"), arguments.version(version, optional=True)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            note = self._note(session, note_id, lock=True)
            check_move(session, note, user, now, self.policy, action)
            if version is not None and version != note.version:
                raise StaleEdit()
            with session.no_autoflush:  # nothing is written before the revision (record_note)
                detail = step(session, note, user, now)
            if note.status == "resubmitted":
                action = "resubmit"
            record_note(session, note, user, action, now, detail=detail)
            if action in ("return", "approve"):
                self._tell_author(session, note, user, now, action)
            return note_view(note, now, self.policy, addenda_of(session, note, user, now))

    def _submit(self, session: Session, note: Note, user: Worker, now: datetime) -> dict[str, Any]:
        action = "resubmit" if note.status == "returned" else "submit"
        note.status = "resubmitted" if action == "resubmit" else "submitted"
        note.submitted_at = now
        note.first_submitted_at = note.first_submitted_at or now
        session.add(ReviewAction(note_id=note.id, action=action, at=now, by_id=user.id))
        supervisor = note.author.supervisor
        assert supervisor is not None  # check_move refused a note whose author has nobody to send it to
        return {"to": supervisor.login}

    def _recall(self, session: Session, note: Note, user: Worker, now: datetime) -> None:
        # A recalled resubmission is still a returned note with its correction deadline.
        note.status = "returned" if note.status == "resubmitted" else "draft"
        session.add(ReviewAction(note_id=note.id, action="recall", at=now, by_id=user.id))

    def _approve(self, session: Session, note: Note, user: Worker, now: datetime) -> None:
        note.status, note.reviewed_at, note.correction_due_at = "approved", now, None
        session.add(ReviewAction(note_id=note.id, action="approve", at=now, by_id=user.id))

    def _tell_author(self, session: Session, note: Note, user: Worker, now: datetime, action: str) -> None:
        """The author's inbox hears of a return (each one: a note may come back more than once) and of the
        approval (once: an approved note is final)."""
        stage = session.get_one(Stage, note.stage_id)
        family = session.get_one(Case, stage.case_id).family_name
        what = (f"{note.contact_type} note of {local_text(note.event_at, self.policy, time=False)} "
                f"({family} family, {stage.label})")
        if action == "return":
            assert note.correction_due_at is not None
            kind, key = "note returned", f"returned:note:{note.id}:{now:%Y%m%dT%H%M%S.%f}"
            sentence = (f"{user.name} returned your {what} for correction by "
                        f"{local_text(note.correction_due_at, self.policy)}.")
        else:
            kind, key = "note approved", f"approved:note:{note.id}"
            sentence = f"{user.name} approved your {what}; it is final."
        notify(session, note.author_id, kind, sentence, key, now, entity="note", entity_id=note.id,
               case_id=stage.case_id, stage_id=stage.id)

    def _after_freeze(self, due_at: datetime, note: Note) -> str | None:
        """A correction due after the freeze cannot be made by editing: say so before and after."""
        if due_at < note.freezes_at:
            return None
        return (f"The correction is due {local_text(due_at, self.policy)}, after the note freezes on "
                f"{local_text(note.freezes_at, self.policy, time=False)}; the correction will then have to go "
                "in as an addendum.")

    @staticmethod
    def _due_given(due: datetime | date | None) -> datetime | date | None:
        return None if due is None else arguments.day_or_moment(due, "correction due date", InvalidNote)

    def _due(self, due: datetime | date | None, now: datetime) -> datetime:
        if due is None:
            return correction_due(now, self.policy)
        if isinstance(due, datetime):
            due_at = due if due.tzinfo else pendulum.instance(due, tz=self.policy.zone)
        elif isinstance(due, date):  # a date means the end of that day in the agency
            due_at = pendulum.datetime(due.year, due.month, due.day, 23, 59, 59, tz=self.policy.zone)
        else:
            raise InvalidNote("The correction due date must be a date.")
        due_at = utc(due_at)
        if due_at <= now:
            raise InvalidNote(f"The correction due date {local_text(due_at, self.policy)} has already passed.")
        return due_at

