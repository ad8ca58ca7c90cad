"""What the store counts or names but a worker's own session may not read (PostgreSQL, row-level security).

Through the owner's connection the store reads every row and applies its rules itself; signed in as a
worker's own database user, row-level security hides what the rules keep from them. A few answers still
need something of those rows, as the owner's connection gives them: a supervisor's team figures count
their workers' drafts (the note clock), the clerk and the advocate are told how many notes are not shown,
and a family one may not read is "not yours to read", not "no such case". For these the store asks the
owner's narrow functions of ``row_security.FUNCTIONS``; otherwise (the owner's connection, SQLite) it
reads the rows themselves. One question, one function here, whichever way it is answered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ColumnElement, FromClause, Integer, exists, func, literal_column, select, text
from sqlalchemy.orm import Session

from store.db.models import Case, Note, UTCDateTime

_UNDER_ROW_SECURITY = "casenotes.under_row_security"

# casenotes_team_draft_clocks()'s columns (each named note_…), named as the notes table's.
CLOCK_COLUMNS = ("id", "stage_id", "author_id", "entered_by_id", "status", "contact_type", "event_at", "entered_at",
                 "submitted_at", "reviewed_at", "correction_due_at", "freezes_at")


def under_row_security(session: Session) -> bool:
    """Whether this session reads under row-level security: a worker's own database user on PostgreSQL.
    Asked once per database connection (its user never changes)."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return False
    known = conn.info.get(_UNDER_ROW_SECURITY)
    if known is None:
        known = conn.info[_UNDER_ROW_SECURITY] = bool(
            conn.execute(text("SELECT row_security_active('notes')")).scalar())
    return bool(known)


def note_clocks(session: Session) -> FromClause:
    """The notes as the deadline engine reads them (at least ``CLOCK_COLUMNS``): the notes table, or
    under row-level security the notes the session reads and the clock of its worker's team's drafts
    it may not read (from the owner's ``casenotes_team_draft_clocks()``)."""
    table = Note.__table__
    if not under_row_security(session):
        return table
    read = select(*(table.c[name] for name in CLOCK_COLUMNS))
    unread: list[ColumnElement[Any]] = [literal_column(f"d.note_{name}").label(name) for name in CLOCK_COLUMNS]
    return read.union_all(
        select(*unread).select_from(text("casenotes_team_draft_clocks() AS d"))
        # This statement runs as the worker: only the drafts row-level security hides from them.
        .where(~exists().where(Note.id == literal_column("d.note_id")))
    ).subquery("note_clocks")  # typed as the notes' columns (the first select's)


def sent_notes_in(session: Session, stage_id: int) -> int:
    """How many notes of the stage are no draft, whether the session may read them or not."""
    if under_row_security(session):
        return int(session.scalar(select(func.casenotes_sent_notes_in(stage_id))) or 0)
    return int(session.scalar(select(func.count()).where(Note.stage_id == stage_id, Note.status != "draft")) or 0)


def case_exists(session: Session, case_id: int) -> bool:
    """Whether the case exists, whether the session may read it or not (only that it exists)."""
    if session.get(Case, case_id) is not None:
        return True
    return under_row_security(session) and bool(session.scalar(select(func.casenotes_case_exists(case_id))))


def unread_draft_visits(session: Session, method: str, residence: str, child_ids: set[int],
                        until: datetime) -> list[tuple[int, datetime, bool]]:
    """Under row-level security, the visits to these children recorded in drafts the session may not
    read, in the families it reads whole: (child, when, in the residence). Otherwise none: the notes
    read are all of them."""
    if not child_ids or not under_row_security(session):
        return []
    at = literal_column("d.visit_at", UTCDateTime())
    child = literal_column("d.visit_child_id", Integer())
    rows = session.execute(
        select(child, at, literal_column("d.visit_in_residence", Boolean()))
        .select_from(text("casenotes_draft_visits(:method, :residence) AS d").bindparams(
            method=method, residence=residence))
        .where(child.in_(sorted(child_ids)), at <= until,
               ~exists().where(Note.id == literal_column("d.visit_note_id"))))  # as the worker: not read
    return [(child_id, when, bool(home)) for child_id, when, home in rows]
