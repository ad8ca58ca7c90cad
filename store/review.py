"""The review cycle: draft → submitted → approved | returned → resubmitted → …, and recall."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pendulum

from .access import may_change, may_review
from .clock import utc
from .desk_base import DeskBase, addenda_of
from .errors import InvalidNote, InvalidTransition, StaleEdit
from .journal import record_note
from .models import ReviewAction
from .rules import check_changeable, check_complete, local_text, refuse_control_characters
from .views import NoteView, ReturnedNote
from .viewing import note_view

UNDER_REVIEW = ("submitted", "resubmitted")


class ReviewDesk(DeskBase):
    def submit(self, note_id: int, version: int | None = None) -> NoteView:
        """Send a draft, or a returned note after correction, to the author's supervisor."""
        return self._move(note_id, version, ("draft", "returned"), "submit", self._submit)

    def recall(self, note_id: int, version: int | None = None) -> NoteView:
        """Pull a note back from review before the supervisor has acted on it."""
        return self._move(note_id, version, UNDER_REVIEW, "recall", self._recall)

    def approve(self, note_id: int, version: int | None = None) -> NoteView:
        return self._move(note_id, version, UNDER_REVIEW, "approve", self._approve, reviewer=True)

    def return_note(self, note_id: int, comment: str, due: datetime | date | None = None,
                    version: int | None = None) -> ReturnedNote:
        """Send the note back to its author with what to correct and by when (default from policy)."""
        if not isinstance(comment, str) or not comment.strip():
            raise InvalidNote("Say what needs correcting before returning the note.")
        refuse_control_characters(comment, "return comment", allowed="\n\t")
        result: dict = {}

        def _return(session, note, user, now):
            due_at = self._due(due, now)
            note.status, note.reviewed_at, note.correction_due_at = "returned", now, due_at
            session.add(ReviewAction(note_id=note.id, action="return", at=now, by_id=user.id,
                                     comment=comment.strip(), due_at=due_at))
            if due_at >= note.freezes_at:
                result["warning"] = (f"The correction is due {local_text(due_at, self.policy)}, after the note "
                                     f"freezes on {local_text(note.freezes_at, self.policy, time=False)}; "
                                     "the correction will then have to go in as an addendum.")
            result["due"] = due_at
            return {"comment": comment.strip(), "due": due_at}

        view = self._move(note_id, version, UNDER_REVIEW, "return", _return, reviewer=True)
        return ReturnedNote(note=view, due_at=result["due"], warning=result.get("warning"))

    def _move(self, note_id, version, allowed_from, action, step, reviewer=False) -> NoteView:
        with self.store.writing() as session:
            now, user = self._now(), self._user(session)
            note = self._note(session, note_id, lock=True)
            if reviewer:
                may_review(session, note, user)
            else:
                may_change(note, user)
            if note.status not in allowed_from:
                raise InvalidTransition(_wrong_state(action, note.status))
            check_changeable(note, now, self.policy)
            if version is not None and version != note.version:
                raise StaleEdit()
            detail = step(session, note, user, now)
            if note.status == "resubmitted":
                action = "resubmit"
            record_note(session, note, user, action, now, detail=detail)
            return note_view(note, now, self.policy, addenda_of(session, note.id))

    def _submit(self, session, note, user, now):
        check_complete(note)
        if note.author.supervisor_id is None:
            raise InvalidTransition(f"{note.author.name} has no supervisor on record to review this note.")
        action = "resubmit" if note.status == "returned" else "submit"
        note.status = "resubmitted" if action == "resubmit" else "submitted"
        note.submitted_at = now
        note.first_submitted_at = note.first_submitted_at or now
        session.add(ReviewAction(note_id=note.id, action=action, at=now, by_id=user.id))
        return {"to": note.author.supervisor.login}

    def _recall(self, session, note, user, now):
        # A recalled resubmission is still a returned note with its correction deadline.
        note.status = "returned" if note.status == "resubmitted" else "draft"
        session.add(ReviewAction(note_id=note.id, action="recall", at=now, by_id=user.id))

    def _approve(self, session, note, user, now):
        note.status, note.reviewed_at, note.correction_due_at = "approved", now, None
        session.add(ReviewAction(note_id=note.id, action="approve", at=now, by_id=user.id))

    def _due(self, due: datetime | date | None, now: datetime) -> datetime:
        if due is None:
            return now + timedelta(days=self.policy.correction_days)
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


def _wrong_state(action: str, status: str) -> str:
    return {
        "submit": f"This note is {status}; only a draft or a returned note can be sent for review.",
        "recall": f"This note is {status}; only a note waiting for review can be recalled.",
        "approve": f"This note is {status}; only a note waiting for review can be approved.",
        "return": f"This note is {status}; only a note waiting for review can be returned.",
    }[action]
