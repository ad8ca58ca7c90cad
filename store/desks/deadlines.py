"""What is due, for whom, and planned absences: the casework clock as a worker and a supervisor see it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from store.core import arguments
from store.rules.access import check_visible, team_ids
from store.desks.base import DeskBase
from store.desks.staff import clean_absence, plan_absence
from store.core.errors import InvalidAbsence, InvalidRequest, NotFound
from store.db.journal import audit
from store.db.models import Absence, Case
from store.rules.obligations import (absence_view, cutoff_of, new_note_terms, next_absences, next_cutoffs, obligation,
                                     open_obligations)
from store.core.results import AbsenceView, Obligation



class DeadlineDesk(DeskBase):
    if TYPE_CHECKING:  # RecordDesk's, beside this one in Desk
        def visible_note_ids(self, note_ids: list[int]) -> set[int]: ...

    def my_deadlines(self) -> list[Obligation]:
        """Everything waiting on me, soonest first: my notes to submit or correct, notes to review."""
        with self.db.reading() as session:
            found = open_obligations(session, self.policy, self._now(), authors={self.worker_id},
                                     reviewers={self.worker_id})
        return [o for o in found if o.who == self.login]

    def team_deadlines(self) -> list[Obligation]:
        """For a supervisor or director: every open obligation of the people below me."""
        with self.db.reading() as session:
            below = team_ids(session, self.worker_id) - {self.worker_id}
            if not below:
                return []
            return open_obligations(session, self.policy, self._now(), authors=below, reviewers=below)

    def stage_deadlines(self, stage_id: int, ids: list[int] | None = None) -> dict[int, Obligation]:
        """Open obligations of a stage's notes by note id (the note list shows them), for the notes
        I may read: others' drafts stay out. ``ids``: only those notes (the rows on screen)."""
        stage_id = arguments.record_id(stage_id, "stage")
        ids = None if ids is None else arguments.record_ids(ids, "note")
        with self.db.reading() as session:
            found = open_obligations(session, self.policy, self._now(), stage_id=stage_id, note_ids=ids)
        visible = self.visible_note_ids([o.note_id for o in found])
        return {o.note_id: o for o in found if o.note_id in visible}

    def note_deadline(self, note_id: int) -> Obligation | None:
        """The note's current obligation (the editor and the note screen show it)."""
        note_id = arguments.record_id(note_id, "note")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            note = self._note(session, note_id)
            check_visible(session, note, user, now)
            author = note.author
            cutoff = next_cutoffs(session, self.policy, now, {author.id}).get(author.id)
            return obligation(note, session.get_one(Case, note.stage.case_id).family_name, author, author.supervisor,
                              now, self.policy, cutoff)

    def new_note_terms(self, stage_type: str, contact_type: str | None = None, *, addendum: bool = False) -> str:
        """What the casework clock will ask of a note not yet in the record, in words, e.g. 'record
        within 72 hours of the event · freezes 21 days after it is entered' (the editor's heading).
        ``stage_type`` as in ``StageView.type``. Reads no database."""
        stage_type = arguments.text(stage_type, "stage type", error=InvalidRequest, most=8)
        if contact_type is not None:
            contact_type = arguments.text(contact_type, "contact type", error=InvalidRequest, most=200)
        return new_note_terms(self.policy, stage_type, contact_type, addendum=bool(addendum))

    def supervises(self) -> bool:
        """Whether anyone reports to me (the team tabs and the Timeliness report are for them)."""
        with self.db.reading() as session:
            return bool(team_ids(session, self.worker_id) - {self.worker_id})

    def absence_cutoff(self, starts_on: date) -> datetime:
        """When pending notes are due before an absence starting on ``starts_on`` (a preview)."""
        return cutoff_of(arguments.day(starts_on, "first day of the absence", InvalidAbsence), self.policy)

    def plan_absence(self, starts_on: date, ends_on: date, reason: str = "") -> AbsenceView:
        """Record my planned absence; from now on my pending notes are due by its cut-off."""
        starts_on, ends_on, reason = clean_absence(starts_on, ends_on, reason)
        with self.db.writing() as session:
            work = self._work(session)
            assert work.by is not None
            absence = plan_absence(work, work.by, starts_on, ends_on, reason)
            return absence_view(session, absence, self.policy, work.now)

    def cancel_absence(self, absence_id: int) -> None:
        absence_id = arguments.record_id(absence_id, "planned absence")
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            absence = session.get(Absence, absence_id)
            if absence is None or absence.worker_id != user.id:
                raise NotFound(f"You have no planned absence number {absence_id}.")
            audit(session, user, "cancel absence", "worker", user.id, now,
                  {"absence": absence.id, "from": absence.starts_on, "to": absence.ends_on})
            session.delete(absence)

    def my_absences(self) -> list[AbsenceView]:
        """My absences that have not ended yet, first one first."""
        with self.db.reading() as session:
            now = self._now()
            today = self.policy.calendar.local_day(now)
            absences = session.scalars(select(Absence).where(Absence.worker_id == self.worker_id,
                                                             Absence.ends_on >= today).order_by(Absence.starts_on))
            return [absence_view(session, a, self.policy, now) for a in absences]

    def next_absence(self) -> AbsenceView | None:
        """My next absence that has not started: the caseload shows its cut-off and pending notes."""
        with self.db.reading() as session:
            now = self._now()
            found = next_absences(session, now, self.policy, {self.worker_id}).get(self.worker_id)
            return absence_view(session, found, self.policy, now) if found else None
