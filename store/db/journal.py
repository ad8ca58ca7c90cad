"""The record of every change: note revisions, the audit log and the change log, written in the
same transaction as the change itself."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Insert, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from store.db.models import AuditEntry, Base, Change, Note, NoteRevision, WorkerFields, table_of

# PostgreSQL hands out sequence numbers at INSERT but makes them visible at COMMIT, so a follower
# could see seq 11 before seq 10. One transaction-scoped lock around the change-log insert makes
# commit order and sequence order the same.
CHANGE_LOG_LOCK = 0x6361_7365  # "case"


def note_snapshot(note: Note) -> dict[str, Any]:
    return {
        "stage_id": note.stage_id,
        "event_at": _plain(note.event_at),
        "entered_at": _plain(note.entered_at),
        "author_id": note.author_id,
        "entered_by_id": note.entered_by_id,
        "contact_type": note.contact_type,
        "purposes": list(note.purposes or []),
        "method": note.method,
        "location": note.location,
        "participants": [p.id for p in note.participants],
        "others": list(note.others or []),
        "narrative": note.narrative,
        "status": note.status,
        "amends_note_id": note.amends_note_id,
        "correction_due_at": _plain(note.correction_due_at),
    }


def record_note(session: Session, note: Note, by: WorkerFields, action: str, now: datetime,
                detail: dict[str, Any] | None = None, op: str = "update") -> None:
    """A saved version of the note, its audit row and its change-log entry.

    A change's revision is written before the note row (the database refuses a version without its
    revision, migration 0005): nothing may flush the note before it, and the note row is always
    rewritten, also when only its participants changed, so that its version follows every change."""
    if op == "update":
        with session.no_autoflush:
            version = note.version + 1
            _insert(session, NoteRevision, note_id=note.id, version=version, saved_at=now, saved_by_id=by.id,
                    status=note.status, snapshot=note_snapshot(note))
        flag_modified(note, "narrative")
        session.flush()
    else:  # a new note's first revision follows its INSERT, in the same transaction (COMMIT checks, 0006)
        _insert(session, NoteRevision, note_id=note.id, version=note.version, saved_at=now, saved_by_id=by.id,
                status=note.status, snapshot=note_snapshot(note))
    audit(session, by, action, "note", note.id, now, {"version": note.version, **(detail or {})})
    change(session, "note", note.id, op, now)


def audit(session: Session, by: WorkerFields | None, action: str, entity: str, entity_id: int | None,
          now: datetime, detail: dict[str, Any] | None = None, *, case_id: int | None = None) -> None:
    """One audit row. ``case_id``: the case a maintenance change belongs to, which puts the row in
    that case's activity history."""
    _insert(session, AuditEntry, at=now, worker_id=by.id if by else None, action=action, entity=entity,
            entity_id=entity_id, case_id=case_id, detail={k: _plain(v) for k, v in (detail or {}).items()})


def activity(session: Session, by: WorkerFields | None, action: str, entity: str, entity_id: int,
             now: datetime, *, case_id: int | None, before: dict[str, Any] | None = None,
             after: dict[str, Any] | None = None, **detail: Any) -> None:
    """A maintenance change for the audit record and the case's activity history: who (``by``; None
    is the system, e.g. the demo or an import), when, what (``action`` on ``entity``), and the values
    before and after it."""
    values = {k: v for k, v in detail.items()}
    if before is not None:
        values["before"] = {k: _plain(v) for k, v in before.items()}
    if after is not None:
        values["after"] = {k: _plain(v) for k, v in after.items()}
    audit(session, by, action, entity, entity_id, now, values, case_id=case_id)


def change(session: Session, entity: str, entity_id: int, op: str, now: datetime) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_LOG_LOCK})
    _insert(session, Change, at=now, entity=entity, entity_id=entity_id, op=op)


def _insert(session: Session, model: type[Base], **row: Any) -> None:
    """One row written at once by a Core INSERT: these records are never read back in the
    transaction that writes them, so the ORM's unit of work (a third of a note save) is not needed."""
    session.connection().execute(_insert_into(model), row)


@cache
def _insert_into(model: type[Base]) -> Insert:
    return table_of(model).insert()


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
