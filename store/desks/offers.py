"""What a screen may offer the signed-in worker before they press a key: whether a new note may be
begun in a stage, whether the supervisors' screens are theirs, what a partial list of notes leaves out.
Each answer reuses the rule the action itself applies, so an offer is never refused afterwards."""

from __future__ import annotations

from store.core import arguments
from store.rules.access import (ENTER_PROGRESS_NOTE, case_access, has_function, check_may_add_note,
                               check_may_read_activity, notes_hidden_from, supervises_anyone, writes_notes)
from store.desks.base import DeskBase
from store.core.errors import StoreError


class OfferDesk(DeskBase):
    def may_add_note(self, stage_id: int) -> str | None:
        """None if I may begin a new note in this stage, else the sentence saying why not (the rule
        ``add_note`` applies; for staff who enter notes for others, the parts that hold whoever the
        author will be)."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            stage = self._stage(session, stage_id)
            author = None if has_function(session, user, ENTER_PROGRESS_NOTE) else user
            try:
                check_may_add_note(session, user, author, stage, now,
                             closed_stage_takes_notes=self.policy.closed_stage_takes_notes)
            except StoreError as refusal:
                return refusal.message
            return None

    def may_read_activity(self, case_id: int) -> str | None:
        """None if the family's activity history is mine to read (t on the case screen), else the
        sentence ``case_activity`` would refuse it with."""
        case_id = arguments.record_id(case_id, "case")
        with self.db.reading() as session:
            try:
                check_may_read_activity(case_access(session, self._user(session), case_id, self._now()))
            except StoreError as refusal:
                return refusal.message
            return None

    def writes_notes(self) -> bool:
        """Whether new notes are ever mine to begin: not for a child's outside advocate, who reads only."""
        with self.db.reading() as session:
            return writes_notes(session, self._user(session), self._now())

    def supervises(self) -> bool:
        """Whether anyone reports to me: the review queue and the Timeliness report are for those who do."""
        with self.db.reading() as session:
            return supervises_anyone(session, self.worker_id)

    def notes_not_shown(self, stage_id: int) -> str | None:
        """For a reader who sees only some of the stage's notes (the clerk who enters notes, a child's
        advocate), the sentence saying how many others it holds; None when nothing is left out."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            stage = self._stage(session, stage_id)
            return notes_hidden_from(session, user, case_access(session, user, stage.case_id, now), stage_id)
