"""Writing notes: add, edit, discard a draft, add an addendum."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from store.core import arguments
from store.rules.access import check_may_add_note
from store.desks.base import DeskBase, addenda_of
from store.core.errors import InvalidNote, NotFound, StaleEdit
from store.db.journal import audit, change, note_snapshot, record_note
from store.db.models import Note, NoteParticipant, Person, StageFields, Worker, WorkerFields, table_of
from store.rules.note_checks import check_addendum, check_discard, check_edit, refusals
from store.rules.note_rules import (ADDENDUM, check_complete, check_required, clean_fields, contact_types_to_choose,
                                    form_problems, freeze_instant, is_final_on_save, missing_fields)
from store.core.results import NoteForm, NoteView, PersonView
from store.desks.to_results import note_view, person_view, stage_persons

# What the database sets on INSERT (migration 0009) comes back, so that the note shown is the one stored.
_NEW_NOTE = insert(table_of(Note)).returning(*(table_of(Note).c[name] for name in (
    "id", "entered_at", "freezes_at", "status", "author_id", "entered_by_id")))
_NEW_PARTICIPANT = insert(table_of(NoteParticipant))


class NoteDesk(DeskBase):
    def add_note(self, stage_id: int, *, author: str | None = None, **fields: Any) -> NoteView:
        """A new draft in the stage (an FSI entry is final at once). ``author`` is for ENT PROG NOTE."""
        stage_id = arguments.record_id(stage_id, "stage")
        if author is not None:
            author = arguments.text(author, "author's login", error=NotFound, most=arguments.LOGIN_MAX_CHARS)
        with self.db.writing() as session:
            now, user = self._now(), self._actor(session)
            stage = self._stage_facts(session, stage_id)
            writer = user if author in (None, user.login) else self._worker(session, author)
            check_may_add_note(session, user, writer, stage, now,
                         closed_stage_takes_notes=self.policy.closed_stage_takes_notes)
            persons = stage_persons(session, stage.id)
            clean = clean_fields(fields, self.policy, stage_opened_at=stage.opened_at, stage_person_ids=persons,
                                 now=now)
            check_required(clean, new=True)
            note = self._new_note(session, stage, writer, user, now, clean, persons)
            record_note(session, note, user, "add", now, op="insert",
                        detail={"author": writer.login} if writer is not user else None)
            return note_view(note, now, self.policy)

    def edit_note(self, note_id: int, version: int, **changes: Any) -> NoteView:
        """Change fields of a draft or returned note; ``version`` is the one the caller last saw."""
        note_id, version = arguments.record_id(note_id, "note"), arguments.version(version)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            note = self._note(session, note_id, lock=True)
            check_edit(session, note, user, now, self.policy)
            if note.version != version:
                raise StaleEdit()
            clean = clean_fields(changes, self.policy, stage_opened_at=note.stage.opened_at,
                                 stage_person_ids=_offered(note), now=now,
                                 addendum=note.amends_note_id is not None)
            changed = self._apply(session, note, clean)
            if changed:
                record_note(session, note, user, "edit", now, detail={"fields": sorted(changed)})
            return note_view(note, now, self.policy, addenda_of(session, note, user, now))

    def discard_draft(self, note_id: int) -> None:
        """Throw away a draft that was never submitted; its revisions and audit record remain."""
        note_id = arguments.record_id(note_id, "note")
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            note = self._note(session, note_id, lock=True)
            check_discard(session, note, user, now, self.policy)
            audit(session, user, "discard", "note", note.id, now, {"snapshot": note_snapshot(note)})
            change(session, "note", note.id, "delete", now)
            session.delete(note)

    def add_addendum(self, note_id: int, **fields: Any) -> NoteView:
        """A new note correcting a frozen or approved one; fields not given are taken from it."""
        note_id = arguments.record_id(note_id, "note")
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            original = self._note(session, note_id)
            self._readable(session, original.stage.case_id, user, now)
            check_addendum(session, original, user, now, self.policy)
            persons = stage_persons(session, original.stage_id)
            given = clean_fields(fields, self.policy, stage_opened_at=original.stage.opened_at,
                                 stage_person_ids=persons, now=now, addendum=True)
            check_required(given, new=True, addendum=True)
            inherited = {"event_at": original.event_at, "purposes": list(original.purposes or []),
                         "method": original.method, "location": original.location,
                         "participants": [p.id for p in original.participants], "others": list(original.others or [])}
            clean = {**inherited, **given, "contact_type": ADDENDUM}
            # Inherited participants were checked when the original was written: kept even if one
            # is no longer a person of the stage.
            persons = {**{p.id: person_view(p) for p in original.participants}, **persons}
            note = self._new_note(session, original.stage, user, user, now, clean, persons, amends=original)
            record_note(session, note, user, "add addendum", now, op="insert", detail={"amends": original.id})
            return note_view(note, now, self.policy)

    def check_note_form(self, fields: dict[str, Any], *, new: bool, addendum: bool = False) -> NoteForm:
        """The fields a form would save, checked by the rules that need no database (the policy and the
        clock only, so an editor may ask as it is typed): what stops them being saved, by field, in
        the sentences the save would give, and which needed fields are still empty. ``new``: for
        ``add_note`` (with ``addendum``: ``add_addendum``); else for ``edit_note`` (``addendum``: of an
        addendum). Saving checks the rest: the stage's people, the day it opened, who may write."""
        if not isinstance(fields, dict):
            raise InvalidNote("The fields of a note are given by name.")
        new, addendum = bool(new), bool(addendum)
        return NoteForm(form_problems(fields, self.policy, now=self._now(), new=new, addendum=addendum),
                        tuple(missing_fields(fields, new=new, addendum=addendum)))

    def note_contact_types(self) -> tuple[str, ...]:
        """The contact types a note may be given, in the policy's order ('Addendum' is not one: an
        addendum is added from the note it corrects). Reads no database."""
        return contact_types_to_choose(self.policy)

    def note_actions(self, note_id: int) -> dict[str, str | None]:
        """What I may do with this note now: for each action None, or the sentence saying why not."""
        note_id = arguments.record_id(note_id, "note")
        with self.db.reading() as session:
            note = self._note(session, note_id)
            return refusals(session, note, self._user(session), self._now(), self.policy)

    def _new_note(self, session: Session, stage: StageFields, author: WorkerFields, user: WorkerFields,
                  now: datetime, clean: dict[str, Any], persons: dict[int, PersonView],
                  amends: Note | None = None) -> Any:
        """Write a new note and its participants with Core INSERTs (nothing reads it back in this
        unit of work, so the ORM's flush is not needed); returns a stand-in with what ``record_note``
        and ``note_view`` read of a note, its participants as ``PersonView``s (typed Any: a
        SimpleNamespace passed where a Note is read)."""
        final_on_save = is_final_on_save(stage.type)
        row = {"stage_id": stage.id, "author_id": author.id, "entered_by_id": user.id, "entered_at": now,
               "amends_note_id": amends.id if amends else None, "status": "final" if final_on_save else "draft",
               "version": 1, "freezes_at": now if final_on_save else freeze_instant(now, self.policy),
               "purposes": [], "method": None, "location": None, "others": [], "first_submitted_at": None,
               "submitted_at": None, "reviewed_at": None, "correction_due_at": None,
               **{name: value for name, value in clean.items() if name != "participants"}}
        note = SimpleNamespace(**row, stage=stage, author=author, entered_by=user,
                               participants=[persons[pid] for pid in clean.get("participants", [])])
        if final_on_save:
            check_complete(note)
        connection = session.connection()
        stored = connection.execute(_NEW_NOTE, row).one()
        note.id, note.entered_at, note.freezes_at, note.status = stored[:4]
        # A worker's own session on the agency server is the author and enterer the database sets
        # (the store's rules chose the same; a demo's --user on a worker's connection may not have).
        if stored.author_id != author.id:
            note.author_id, note.author = stored.author_id, session.get_one(Worker, stored.author_id)
        if stored.entered_by_id != user.id:
            note.entered_by_id, note.entered_by = stored.entered_by_id, session.get_one(Worker, stored.entered_by_id)
        if note.participants:
            connection.execute(_NEW_PARTICIPANT, [{"note_id": note.id, "person_id": p.id} for p in note.participants])
        return note

    @staticmethod
    def _apply(session: Session, note: Note, clean: dict[str, Any]) -> set[str]:
        """Set the changed fields on the note, writing nothing: loading the participants must not
        autoflush the fields set before them as an UPDATE of its own (a version with no revision)."""
        with session.no_autoflush:
            return NoteDesk._set_fields(session, note, clean)

    @staticmethod
    def _set_fields(session: Session, note: Note, clean: dict[str, Any]) -> set[str]:
        changed: set[str] = set()
        for name, value in clean.items():
            if name == "participants":
                if [p.id for p in note.participants] != value:
                    persons = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(value)))}
                    note.participants = [persons[pid] for pid in value]
                    changed.add(name)
            elif getattr(note, name) != value:
                setattr(note, name, value)
                changed.add(name)
        return changed


def _offered(note: Note) -> set[int]:
    """Who an edit may name as present: the persons in the stage now, and those the note already
    names (a person ended in the stage since stays in the notes that name them)."""
    return {p.id for p in note.stage.persons} | {p.id for p in note.participants}
