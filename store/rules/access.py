"""Who may read a case, add a note to a stage, change a note, review it, or close a stage.

Reading follows DOMAIN.md: a role in any stage of the case, or a place in the supervision chain
above someone with one. A worker with ``ENT PROG NOTE`` may find any case and enter notes for a
named author, and reads back only what they entered. A CASA advocate reads the approved (or final) notes
in which the appointed child took part, while the appointment is open (``open_appointment``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from store.core.errors import InvalidNote, InvalidStage, NoAccess, NotAuthor
from store.db.unseen import sent_notes_in
from store.db.models import (AdvocateAccount, AdvocateAppointment, Note, NoteParticipant, Person, RoleAssignment, Stage,
                             StageFields, StagePerson, Worker, WorkerFields, WorkerFunction)

ENTER_PROGRESS_NOTE = "ENT PROG NOTE"
# The CONNECTIONS rule (DOMAIN.md): the trigger of migration 0007 says the same to raw SQL.
NO_ADVPO_NOTES = ("An ADVPO (preventive-only) stage is kept outside the state record, so its progress notes are "
                  "not stored in casenotes.")


class Reach(enum.Enum):
    ASSIGNED = "assigned"          # a role in a stage of the case
    SUPERVISION = "supervision"    # above an assigned worker; reads are audited
    ENTRY_CLERK = "entry clerk"    # ENT PROG NOTE without a role: sees notes they entered
    ADVOCATE = "advocate"          # court-appointed for a child: sees that child's notes


@dataclass(frozen=True)
class CaseAccess:
    reach: Reach
    child_ids: frozenset[int] = frozenset()


def active_role_filter(now: datetime | BindParameter[Any]) -> ColumnElement[bool]:
    return (RoleAssignment.starts_at <= now) & or_(RoleAssignment.ends_at.is_(None), RoleAssignment.ends_at > now)


def team_ids(session: Session, worker_id: int) -> set[int]:
    """The worker and everyone they supervise, directly or through others."""
    below = select(Worker.id).where(Worker.id == worker_id).cte("team", recursive=True)
    below = below.union(select(Worker.id).where(Worker.supervisor_id == below.c.id))
    return set(session.scalars(select(below.c.id)))


def chain_above(session: Session, worker: Worker) -> list[Worker]:
    """The worker's supervisor, that person's supervisor, and so on up."""
    chain, seen, current = [], {worker.id}, worker.supervisor
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = current.supervisor
    return chain


def has_function(session: Session, worker: WorkerFields, code: str) -> bool:
    return session.get(WorkerFunction, (worker.id, code)) is not None


def may_enter_for_others(functions: Iterable[str]) -> bool:
    """Staff with the ENT PROG NOTE function (a clerk typing dictation) enter notes for the workers
    of a stage, who are their authors (``may_add_note`` checks each such note)."""
    return ENTER_PROGRESS_NOTE in set(functions)


def stage_roles(session: Session, stage_id: int, now: datetime,
                worker_ids: set[int] | None = None) -> list[RoleAssignment]:
    query = select(RoleAssignment).where(RoleAssignment.stage_id == stage_id, active_role_filter(now))
    if worker_ids is not None:
        query = query.where(RoleAssignment.worker_id.in_(worker_ids))
    return list(session.scalars(query))


# Asked at every note save: built once (building the statement cost more than running it).
_HAS_STAGE_ROLE = select(RoleAssignment.id).where(
    RoleAssignment.stage_id == bindparam("stage_id"), active_role_filter(bindparam("now")),
    RoleAssignment.worker_id.in_(bindparam("worker_ids", expanding=True))).limit(1)


def has_stage_role(session: Session, stage_id: int, now: datetime, worker_ids: set[int]) -> bool:
    """Whether any of these workers has a role in the stage now (asked without loading the roles,
    and without the ORM's autoflush: role changes are never pending in a session that asks this)."""
    found = session.connection().execute(_HAS_STAGE_ROLE, {"stage_id": stage_id, "now": now,
                                                           "worker_ids": list(worker_ids)}).first()
    return found is not None


def in_open_stage(person_id: Any) -> ColumnElement[bool]:
    """Whether the person is in a stage that is open (and was not taken out of it)."""
    # Its own aliases, never correlated with the stages of the statement it is asked in.
    member, stage = aliased(StagePerson), aliased(Stage)
    return exists().where(member.person_id == person_id, member.ended_at.is_(None),
                          stage.id == member.stage_id, stage.closed_at.is_(None)).correlate_except(member, stage)


def open_appointment(now: datetime | BindParameter[Any]) -> ColumnElement[bool]:
    """An advocate's appointment whose access is open now (issue 18): switched on (approved, not ended),
    its last day not passed, the advocate's account (if they have one) approved, and the child in an open
    stage that was open when the request was decided (a stage opened later, after the one the access was
    given for closed, was decided by nobody). ``casenotes_advocate_children()`` says the same to PostgreSQL
    (store/db/row_security_guards.py)."""
    member, stage, account = aliased(StagePerson), aliased(Stage), aliased(AdvocateAccount)
    decided = func.coalesce(AdvocateAppointment.decided_at, AdvocateAppointment.appointed_at)
    in_a_stage_decided_for = exists().where(
        member.person_id == AdvocateAppointment.person_id, member.ended_at.is_(None), stage.id == member.stage_id,
        stage.closed_at.is_(None), stage.opened_at <= decided).correlate_except(member, stage)
    account_not_approved = exists().where(account.worker_id == AdvocateAppointment.worker_id,
                                          account.status != "approved").correlate_except(account)
    return (AdvocateAppointment.active
            & or_(AdvocateAppointment.ends_at.is_(None), AdvocateAppointment.ends_at > now)
            & ~account_not_approved & in_a_stage_decided_for)


# What an advocate reads of a note: only what can no longer change under review (DOMAIN.md).
SETTLED = ("approved", "final")


def case_access(session: Session, user: Worker, case_id: int, now: datetime) -> CaseAccess:
    """How far the user reaches into a case, or ``NoAccess``."""
    assigned = select(RoleAssignment.worker_id).join(Stage).where(Stage.case_id == case_id, active_role_filter(now))
    workers = set(session.scalars(assigned))
    if user.id in workers:
        return CaseAccess(Reach.ASSIGNED)
    if workers & team_ids(session, user.id):
        return CaseAccess(Reach.SUPERVISION)
    children = frozenset(session.scalars(
        select(AdvocateAppointment.person_id).join(Person)
        .where(AdvocateAppointment.worker_id == user.id, open_appointment(now), Person.case_id == case_id)))
    if children:
        return CaseAccess(Reach.ADVOCATE, children)
    if has_function(session, user, ENTER_PROGRESS_NOTE):
        return CaseAccess(Reach.ENTRY_CLERK)
    raise NoAccess("You have no role in this family's case and nobody you supervise has one, "
                   "so you cannot see its notes.")


def readable_case_ids(session: Session, user: Worker, now: datetime) -> set[int]:
    """Cases the user reads through a role or supervision (not the clerk's search-and-enter reach)."""
    query = (select(Stage.case_id).join(RoleAssignment)
             .where(active_role_filter(now), RoleAssignment.worker_id.in_(team_ids(session, user.id))))
    return set(session.scalars(query.distinct()))


def visible_notes(user: Worker, access: CaseAccess) -> ColumnElement[bool]:
    """Which notes of an accessible case this reader sees."""
    own = or_(Note.author_id == user.id, Note.entered_by_id == user.id)
    not_private = or_(Note.status != "draft", own)
    if access.reach is Reach.ENTRY_CLERK:
        return Note.entered_by_id == user.id
    if access.reach is Reach.ADVOCATE:
        with_child = select(NoteParticipant.note_id).where(NoteParticipant.person_id.in_(access.child_ids))
        return Note.status.in_(SETTLED) & Note.id.in_(with_child)
    return not_private


def readable_note(note_id: ColumnElement[int], user: Worker, access: CaseAccess) -> ColumnElement[bool]:
    """Whether the note whose id is ``note_id`` (a column of the caller's own statement, e.g. a
    search's) is one the reader sees in a case they reach so: ``visible_notes``, as one condition."""
    return exists().where(Note.id == note_id, visible_notes(user, access))


def check_visible(session: Session, note: Note, user: Worker, now: datetime) -> CaseAccess:
    """``NoAccess`` unless the user may read this very note (not just its case)."""
    access = case_access(session, user, note.stage.case_id, now)
    if not session.scalar(select(func.count()).where(Note.id == note.id, visible_notes(user, access))):
        raise NoAccess("This note is not one you may read.")
    return access


def check_may_change(note: Note, user: Worker) -> None:
    if user.id not in (note.author_id, note.entered_by_id):
        raise NotAuthor(f"Only the author ({note.author.name}) or the person who entered this note "
                        f"({note.entered_by.name}) may change it.")


def check_may_review(session: Session, note: Note, user: Worker) -> None:
    if user not in chain_above(session, note.author):
        raise NoAccess(f"Only {note.author.name}'s supervisors review this note.")
    if user.id == note.entered_by_id:
        raise NoAccess("You entered this note, so someone else in the author's supervision reviews it.")


def check_author(note: Note, user: Worker, doing: str) -> None:
    """Recalling and discarding belong to the author alone (DOMAIN: 'the author may pull…')."""
    if user.id != note.author_id:
        raise NotAuthor(f"Only the author ({note.author.name}) may {doing} this note.")


def check_may_add_note(session: Session, user: WorkerFields, author: WorkerFields | None, stage: StageFields,
                       now: datetime, *, closed_stage_takes_notes: bool, addendum: bool = False) -> None:
    """The stage rules for a new note (or addendum) written by ``author`` and typed by ``user``.
    ``author`` None: asked before the note is begun, by someone who enters notes for others (the
    author is chosen in the note): only the rules that hold whoever the author will be."""
    if stage.type == "INT":
        raise NoAccess("CPS Intake (INT) stages are read-only for local staff; record the contact in "
                       "the investigation.")
    if stage.subtype == "ADVPO":
        raise InvalidNote(NO_ADVPO_NOTES)
    if stage.closed_at is not None and (stage.type == "FSI" or not (addendum or closed_stage_takes_notes)):
        raise InvalidStage(f"This {stage.label} stage is closed ({stage.close_reason}) and takes no new notes"
                           + ("." if stage.type == "FSI" else "; corrections go in as addenda."))
    if (author is None or author.id != user.id) and not has_function(session, user, ENTER_PROGRESS_NOTE):
        raise NoAccess("Only staff with the ENT PROG NOTE function may enter a note for someone else.")
    if stage.type == "INV":
        for person in {user.id: user, **({author.id: author} if author else {})}.values():
            if not has_stage_role(session, stage.id, now, {person.id}):
                raise NoAccess(f"Only workers assigned to this investigation may write in it, and "
                               f"{'you are' if person is user else person.name + ' is'} not.")
        return
    if author is None:
        return
    # The author's own role is the common case; the supervision chain (a recursive query) only if not.
    if not (has_stage_role(session, stage.id, now, {author.id})
            or has_stage_role(session, stage.id, now, team_ids(session, author.id))):
        if author.id == user.id and advocates_in_case(session, user, stage.case_id):
            raise NoAccess("A child's advocate reads the child's notes and writes none; tell the child's "
                           "caseworker what should be recorded.")
        who = "You have no role in this stage and supervise" if author.id == user.id else \
            f"{author.name} has no role in this stage and supervises"
        raise NoAccess(f"{who} nobody who has one.")


def advocates_in_case(session: Session, user: WorkerFields, case_id: int) -> bool:
    """Whether the user is an outside advocate appointed for a child of this family."""
    return session.scalar(select(AdvocateAppointment.id).join(Person).where(
        AdvocateAppointment.worker_id == user.id, AdvocateAppointment.active, Person.case_id == case_id)
        .limit(1)) is not None


def check_may_read_activity(access: CaseAccess) -> None:
    """The family's activity history (who changed its stages, persons, placements and roles) is for
    those who read the case whole: not the clerk who enters notes, nor a child's advocate."""
    if access.reach is Reach.ENTRY_CLERK:
        raise NoAccess("Staff who enter notes for others see the notes they entered, not the family's "
                       "activity history; its Case Manager or their supervisor can tell you what changed.")
    if access.reach is Reach.ADVOCATE:
        raise NoAccess("A child's advocate reads the notes about that child, not the family's activity "
                       "history; ask the child's caseworker what changed.")


def writes_notes(session: Session, user: Worker, now: datetime) -> bool:
    """False for an outside advocate (DOMAIN: they write no progress notes): a worker with an active
    appointment, no current role in any stage and no ENT PROG NOTE. Everyone else may write somewhere."""
    appointed = session.scalar(select(AdvocateAppointment.id).where(
        AdvocateAppointment.worker_id == user.id, AdvocateAppointment.active).limit(1)) is not None
    # An advocate's account (issue 18) says so even before any appointment is approved.
    appointed = appointed or session.get(AdvocateAccount, user.id) is not None
    if not appointed:
        return True
    holds_role = session.scalar(select(RoleAssignment.id).where(
        RoleAssignment.worker_id == user.id, active_role_filter(now)).limit(1)) is not None
    return holds_role or has_function(session, user, ENTER_PROGRESS_NOTE)


def supervises_anyone(session: Session, worker_id: int) -> bool:
    """Whether anyone reports to this worker (the review queue and Timeliness are theirs)."""
    return session.scalar(select(Worker.id).where(Worker.supervisor_id == worker_id).limit(1)) is not None


def notes_hidden_from(session: Session, user: Worker, access: CaseAccess, stage_id: int) -> str | None:
    """For a reader who sees only some of a stage's notes by their reach (the clerk who enters notes,
    a child's advocate): how many others the stage holds, said so that an empty list is not taken for
    an empty stage. Others' drafts are private and not counted."""
    if access.reach not in (Reach.ENTRY_CLERK, Reach.ADVOCATE):
        return None
    # The sent notes less those shown: signed in as their own database user the reader may not read the
    # others to count them, so the count of all comes from the owner's function (``unseen``).
    shown = session.scalar(select(func.count()).where(
        Note.stage_id == stage_id, Note.status != "draft", visible_notes(user, access))) or 0
    hidden = sent_notes_in(session, stage_id) - shown
    if not hidden:
        return None
    notes, are = f"{hidden:,} note{'' if hidden == 1 else 's'}", "is" if hidden == 1 else "are"
    if access.reach is Reach.ENTRY_CLERK:
        return f"{notes} in this stage {are} not yours to read; the notes you entered are listed."
    return (f"{notes} in this stage {are} not shown: an advocate reads the approved notes in which the child "
            "they are appointed for took part.")
