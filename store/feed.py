"""What ``search/`` reads to keep its index in step: the change log in sequence order and the
notes as documents to index. System-level reads (the index holds every note); who may see a
result is decided at query time by ``Desk.visible_note_ids``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from store.db.models import Case, Change, Note, NoteParticipant, Stage, Worker, stage_label

if TYPE_CHECKING:
    from store.db.database import Database


@dataclass(frozen=True)
class ChangeView:
    seq: int
    entity: str  # note, case, person, stage
    entity_id: int
    op: str  # insert, update, delete


@dataclass(frozen=True)
class NoteDocument:
    """A note as the index sees it."""

    id: int
    case_id: int
    family_name: str
    stage_id: int
    stage_label: str
    status: str
    event_at: datetime
    contact_type: str
    purposes: tuple[str, ...]
    method: str | None
    location: str | None
    participants: tuple[str, ...]  # names of the persons present
    others: tuple[str, ...]
    author_login: str
    author_name: str
    narrative: str
    amends_note_id: int | None
    version: int  # the note's saved version, so that a check can tell a stale document


@dataclass(frozen=True)
class NoteLine:
    """A note as a search result shows it (one query for all shown, no participants)."""

    id: int
    case_id: int
    family_name: str
    stage_label: str
    status: str
    event_at: datetime
    contact_type: str
    author_name: str
    narrative: str


class Feed:
    def __init__(self, db: Database):
        self.db = db

    def last_seq(self) -> int:
        with self.db.reading() as session:
            seq: int | None = session.scalar(select(func.coalesce(func.max(Change.seq), 0)))
            return seq or 0

    def changes_since(self, seq: int, limit: int = 5000) -> list[ChangeView]:
        with self.db.reading() as session:
            rows = session.execute(select(Change.seq, Change.entity, Change.entity_id, Change.op)
                                   .where(Change.seq > seq).order_by(Change.seq).limit(limit))
            return [ChangeView(*row) for row in rows]

    def note_ids(self, after_id: int = 0, limit: int = 5000) -> list[int]:
        """Every note id, in order, a page at a time (for a rebuild or a check)."""
        with self.db.reading() as session:
            return list(session.scalars(select(Note.id).where(Note.id > after_id).order_by(Note.id).limit(limit)))

    def note_cases(self, after_id: int = 0, limit: int = 50000) -> list[tuple[int, int]]:
        """(note id, case id) of every note, in note order, a page at a time (a rebuild's shards)."""
        with self.db.reading() as session:
            rows = session.execute(select(Note.id, Stage.case_id).join(Stage).where(Note.id > after_id)
                                   .order_by(Note.id).limit(limit))
            return [(note_id, case_id) for note_id, case_id in rows]

    def note_ids_touching(self, change: ChangeView) -> list[int]:
        """Notes whose documents a change of a case, person or stage alters (names, labels)."""
        with self.db.reading() as session:
            if change.entity == "case":
                query = select(Note.id).join(Stage).where(Stage.case_id == change.entity_id)
            elif change.entity == "stage":
                query = select(Note.id).where(Note.stage_id == change.entity_id)
            elif change.entity == "person":
                query = select(NoteParticipant.note_id).where(NoteParticipant.person_id == change.entity_id)
            else:
                return [change.entity_id]
            return list(session.scalars(query))

    def note_lines(self, note_ids: Iterable[int]) -> list[NoteLine]:
        """The notes that exist among ``note_ids``, as a search result shows them."""
        ids = list(note_ids)
        if not ids:
            return []
        with self.db.reading() as session:
            rows = session.execute(
                select(Note.id, Stage.case_id, Case.family_name, Stage.type, Stage.subtype, Note.status, Note.event_at,
                       Note.contact_type, Worker.name, Note.narrative)
                .join(Stage, Stage.id == Note.stage_id).join(Case, Case.id == Stage.case_id)
                .join(Worker, Worker.id == Note.author_id).where(Note.id.in_(ids)))
            return [NoteLine(id=note_id, case_id=case_id, family_name=family, stage_label=stage_label(kind, subtype),
                             status=status, event_at=event_at, contact_type=contact, author_name=author,
                             narrative=narrative)
                    for note_id, case_id, family, kind, subtype, status, event_at, contact, author, narrative in rows]

    def note_documents(self, note_ids: Iterable[int]) -> list[NoteDocument]:
        """The notes that exist among ``note_ids`` (a missing id was a discarded draft)."""
        ids = list(note_ids)
        if not ids:
            return []
        with self.db.reading() as session:
            notes = session.scalars(
                select(Note).where(Note.id.in_(ids)).order_by(Note.id)
                .options(selectinload(Note.author), selectinload(Note.participants),
                         selectinload(Note.stage).selectinload(Stage.case)))
            return [NoteDocument(
                id=n.id, case_id=n.stage.case_id, family_name=n.stage.case.family_name, stage_id=n.stage_id,
                stage_label=n.stage.label, status=n.status, event_at=n.event_at, contact_type=n.contact_type,
                purposes=tuple(n.purposes or ()), method=n.method, location=n.location,
                participants=tuple(p.full_name for p in n.participants), others=tuple(n.others or ()),
                author_login=n.author.login, author_name=n.author.name, narrative=n.narrative,
                amends_note_id=n.amends_note_id, version=n.version) for n in notes]
