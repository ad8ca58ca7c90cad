"""``ChildNotesDesk``: the notes of one child's record, from every stage of the family (issue 18).

The notes in which the child took part that the reader may read (``rules.access.visible_notes``: for a
child's advocate only approved notes and an intake's final entries), newest event first. A list of
hundreds opens from their ids (``child_note_ids``) and reads the notes of the rows on screen
(``child_notes(child_id, ids=…)``), as a stage's list does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from store.core import arguments
from store.core.errors import NotFound
from store.core.results import NoteView
from store.db.models import Note, NoteParticipant, Person, Stage, StagePerson, Worker
from store.desks.base import READ_AUDIT_EVERY, DeskBase
from store.desks.documents import check_may_read_child
from store.desks.to_results import listed_note_views
from store.rules.access import CaseAccess, Reach, case_access, visible_notes

Rows = TypeVar("Rows", bound=Select[Any])


class ChildNotesDesk(DeskBase):
    def child_note_ids(self, child_id: int) -> list[int]:
        """The ids of the notes I may read in which the child took part, newest event first: the
        child's list opens from these, and ``child_notes(child_id, ids=…)`` reads the rows on screen."""
        child_id = arguments.record_id(child_id, "child")
        with self.db.reading() as session:
            user, child, access = self._reading_child(session, child_id)
            ids = list(session.scalars(_about(child, user, access, select(Note.id))))
            stages = self._stages_of(session, child_id)
        self._audit_stages(access, child.case_id, stages, every=None)
        return ids

    def child_notes(self, child_id: int, limit: int | None = None, ids: list[int] | None = None) -> list[NoteView]:
        """The notes I may read in which the child took part, newest event first (the first ``limit`` of
        them, if given; only those of ``ids``, if given, which are pages of a list opened with
        ``child_note_ids``). ``NotFound`` for no such child, ``NoAccess`` for a family I may not read
        and for an advocate appointed for another child of it."""
        child_id = arguments.record_id(child_id, "child")
        limit = None if limit is None else arguments.count(limit, "number of notes to show")
        ids = None if ids is None else arguments.record_ids(ids, "note")
        with self.db.reading() as session:
            now = self._now()
            user, child, access = self._reading_child(session, child_id)
            query = _about(child, user, access, select(Note)).options(
                selectinload(Note.author), selectinload(Note.entered_by), selectinload(Note.participants),
                selectinload(Note.stage))
            if ids is not None:
                query = query.where(Note.id.in_(ids))
            notes = list(session.scalars(query.limit(limit) if limit else query))
            views = listed_note_views(session, notes, user, access, now, self.policy)
            stages = {n.stage_id for n in notes} if ids is not None else self._stages_of(session, child_id)
        # The pages of a list already opened are the same read: audited once an hour, not per page.
        self._audit_stages(access, child.case_id, stages, every=READ_AUDIT_EVERY if ids is not None else None)
        return views

    def _reading_child(self, session: Session, child_id: int) -> tuple[Worker, Person, CaseAccess]:
        user = self._user(session)
        child = session.get(Person, child_id)
        if child is None or not child.is_child:
            raise NotFound(f"There is no child number {child_id}.")
        access = case_access(session, user, child.case_id, self._now())
        if access.reach is Reach.ADVOCATE:  # the clerk reads the notes they entered, as in a stage's list
            check_may_read_child(access, child_id)
        return user, child, access

    @staticmethod
    def _stages_of(session: Session, child_id: int) -> set[int]:
        """The stages the child is or was in: the list reads each one's notes about the child."""
        return set(session.scalars(select(StagePerson.stage_id).where(StagePerson.person_id == child_id)))

    def _audit_stages(self, access: CaseAccess, case_id: int, stage_ids: set[int], every: timedelta | None) -> None:
        """A read from outside the assignment, recorded per stage read, as a stage's list is (the case's
        access log says "the notes of FSS-CWS (the child's)")."""
        for stage_id in sorted(stage_ids):
            self._audit_read(access, case_id, "stage", stage_id, every=every)



def _about(child: Person, user: Worker, access: CaseAccess, query: Rows) -> Rows:
    """``query`` of the family's notes narrowed to those in which the child took part that the reader
    sees, newest event first."""
    took_part = select(NoteParticipant.note_id).where(NoteParticipant.person_id == child.id)
    return (query.join(Stage, Stage.id == Note.stage_id)
            .where(Stage.case_id == child.case_id, Note.id.in_(took_part), visible_notes(user, access))
            .order_by(Note.event_at.desc(), Note.id.desc()))
