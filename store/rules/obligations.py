"""The deadline engine: for every open note, who must act on it next and by when.

One place decides who must act on a note and by when; the dates come from ``rules`` (which rule
applies) and ``calendar`` (the window arithmetic), the numbers from ``policy``. The caseload, the
note list, the editor, the review queue, "My deadlines" and the Timeliness report read from here
(``deadline`` is the rule, ``obligation`` and ``open_obligations`` its answers about notes), and
"overdue" is decided here only (``is_overdue``).

An addendum records no event of its own (it keeps the time of the event it corrects, often weeks
old): its entry clock starts when it is written, so it is never a late entry and its draft is due
within the entry window of its own entry; its review window runs from its submission like any note's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, aliased

from store.core import work_calendar
from store.db.models import Absence, Case, Note, Stage, Worker
from store.db.unseen import note_clocks
from store.core.policy import Policy
from store.rules.note_rules import ADDENDUM, correction_due, entry_due, is_final_on_save, is_frozen, review_due
from store.core.results import AbsenceView, Obligation

OPEN = ("draft", "returned", "submitted", "resubmitted")
AUTHOR_ACTS = ("draft", "returned")


def submit_due(event_at: datetime, entered_at: datetime, contact_type: str, policy: Policy) -> datetime:
    """When a draft is due: the entry window from the event, or for an addendum from its own entry."""
    if contact_type == ADDENDUM:
        return entry_due(entered_at, policy, contact_type)
    return entry_due(event_at, policy, contact_type)


def is_late_entry(event_at: datetime, entered_at: datetime, policy: Policy, contact_type: str | None = None) -> bool:
    """Entered after the entry window of the event; an addendum, entered when the need was found,
    never is."""
    return contact_type != ADDENDUM and entered_at > entry_due(event_at, policy, contact_type)


def is_overdue(due_at: datetime, now: datetime, freezes_at: datetime | None = None) -> bool:
    """A deadline has passed once the clock is beyond it (the last instant is still in time). Once the
    note has frozen nobody can meet it any more: it is no longer overdue but "frozen unreviewed" or
    "frozen in draft", a fact for the Timeliness report."""
    return now > due_at and not (freezes_at is not None and is_frozen(freezes_at, now))


@dataclass(frozen=True)
class Deadline:
    """What a note in a given status waits for and by when (see ``deadline``)."""

    action: str  # "submit", "resubmit", "review", "re-review"
    author_acts: bool  # the author must act, else the author's supervisor
    due_at: datetime  # the policy's deadline
    cutoff_at: datetime | None  # the author's absence cut-off, when it comes first
    overdue: bool

    @property
    def next_due_at(self) -> datetime:
        return min(self.due_at, self.cutoff_at) if self.cutoff_at else self.due_at


def deadline(status: str, *, event_at: datetime, entered_at: datetime, contact_type: str,
             submitted_at: datetime | None, reviewed_at: datetime | None, correction_due_at: datetime | None,
             freezes_at: datetime, now: datetime, policy: Policy, cutoff_at: datetime | None = None) -> Deadline:
    """The one rule of who acts next on an open note, by when, and whether that has passed: a draft is
    submitted within the entry window, a returned note corrected by its due date, a submitted one
    reviewed within the review window from its sending (the re-review window for a correction). The
    author's absence cut-off ``cutoff_at`` pulls forward what the author must do about a contact made
    before it. Read from columns, so a list of thousands (the review queue) needs no notes loaded."""
    if status == "draft":
        action, author_acts = "submit", True
        due = submit_due(event_at, entered_at, contact_type, policy)
    elif status == "returned":
        action, author_acts = "resubmit", True
        due = correction_due_at or correction_due(reviewed_at or now, policy)
    elif status in ("submitted", "resubmitted") and submitted_at is not None:  # a sent note has its time
        resubmitted = status == "resubmitted"
        action, author_acts = ("re-review" if resubmitted else "review"), False
        due = review_due(submitted_at, resubmitted, policy)
    else:
        raise ValueError(f"A note that is {status} waits for nobody (or was never sent).")
    # The cut-off pulls forward what happened before it; a contact made after it keeps its own deadline.
    cutoff = cutoff_at if cutoff_at is not None and author_acts and event_at < cutoff_at < due else None
    soonest = min(due, cutoff) if cutoff else due
    return Deadline(action, author_acts, due, cutoff, is_overdue(soonest, now, freezes_at))


def new_note_terms(policy: Policy, stage_type: str, contact_type: str | None = None, *,
                   addendum: bool = False) -> str:
    """The casework clock of a note not yet in the record, in words: the entry window it is recorded
    within (the contact type's own, if it has one; an addendum's from its own entry, see
    ``submit_due``) and when it freezes (an intake entry as it is saved)."""
    if addendum:
        due = f"record within {policy.entry_window(ADDENDUM).describe()} of writing it"
    else:
        due = f"record within {policy.entry_window(contact_type).describe()} of the event"
    if is_final_on_save(stage_type):
        return f"{due} · final as soon as it is saved"
    return f"{due} · freezes {policy.windows['freeze'].describe()} after it is entered"


@dataclass(frozen=True)
class ClockedNote:
    """A note as the deadline engine reads it from columns (``unseen.note_clocks``): its clock and its
    stage, not its narrative."""

    id: int
    stage_id: int
    status: str
    contact_type: str
    event_at: datetime
    entered_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    correction_due_at: datetime | None
    freezes_at: datetime
    stage: Stage


def obligation(note: Note | ClockedNote, family_name: str, author: Worker, supervisor: Worker | None, now: datetime,
               policy: Policy, cutoff_at: datetime | None = None) -> Obligation | None:
    """The note's current obligation; None once it is approved, final or frozen (frozen without
    approval is a fact for the Timeliness report, not something anyone can still do), and None in an
    administrative stage (opened only to authorise a payment: the casework clock does not run there)."""
    if note.status not in OPEN or is_frozen(note.freezes_at, now) or note.stage.administrative:
        return None
    due = deadline(note.status, event_at=note.event_at, entered_at=note.entered_at, contact_type=note.contact_type,
                   submitted_at=note.submitted_at, reviewed_at=note.reviewed_at,
                   correction_due_at=note.correction_due_at, freezes_at=note.freezes_at, now=now, policy=policy,
                   cutoff_at=cutoff_at)
    who = author if due.author_acts else supervisor or author
    return Obligation(
        note_id=note.id, case_id=note.stage.case_id, family_name=family_name, stage_id=note.stage_id,
        stage_label=note.stage.label, contact_type=note.contact_type, event_at=note.event_at,
        author=author.login, author_name=author.name, status=note.status, who=who.login, who_name=who.name,
        action=due.action, due_at=due.due_at, overdue=due.overdue, freezes_at=note.freezes_at,
        after_freeze=due.due_at >= note.freezes_at, cutoff_at=due.cutoff_at)


_CLOCK = ("id", "stage_id", "status", "contact_type", "event_at", "entered_at", "submitted_at", "reviewed_at",
          "correction_due_at", "freezes_at")


def open_obligations(session: Session, policy: Policy, now: datetime, *, authors: set[int] | None = None,
                     reviewers: set[int] | None = None, stage_id: int | None = None,
                     note_ids: list[int] | None = None) -> list[Obligation]:
    """Open obligations on notes written by ``authors`` or waiting for review by ``reviewers``
    (None and None: every note), soonest first; none in an administrative stage (``obligation``).
    A supervisor signed in as their own database user counts their team's drafts as the owner's
    connection does (``unseen.note_clocks``)."""
    note = note_clocks(session)
    author, boss = aliased(Worker), aliased(Worker)
    query = (select(*(note.c[name] for name in _CLOCK), Stage, Case.family_name, author, boss)
             .join(Stage, note.c.stage_id == Stage.id).join(Case, Stage.case_id == Case.id)
             .join(author, note.c.author_id == author.id).outerjoin(boss, author.supervisor_id == boss.id)
             .where(note.c.status.in_(OPEN), note.c.freezes_at > now, Stage.administrative.is_(False)))
    wanted: list[ColumnElement[bool]] = []
    if authors is not None:
        wanted.append(note.c.author_id.in_(authors))
    if reviewers is not None:
        wanted.append(note.c.status.in_(("submitted", "resubmitted")) & author.supervisor_id.in_(reviewers))
    if wanted:
        query = query.where(or_(*wanted))
    if stage_id is not None:
        query = query.where(note.c.stage_id == stage_id)
    if note_ids is not None:
        query = query.where(note.c.id.in_(note_ids))
    rows = session.execute(query).all()
    cutoffs = next_cutoffs(session, policy, now, {row[-2].id for row in rows})
    found = [obligation(ClockedNote(**dict(zip(_CLOCK, row[:len(_CLOCK)], strict=True)), stage=stage), family, a, b,
                        now, policy, cutoffs.get(a.id))
             for row in rows for stage, family, a, b in (row[len(_CLOCK):],)]
    return sorted((o for o in found if o is not None), key=lambda o: (o.next_due_at, o.note_id))


def next_absences(session: Session, now: datetime, policy: Policy, worker_ids: set[int]) -> dict[int, Absence]:
    """Each worker's next planned absence that has not started yet (agency's today)."""
    if not worker_ids:
        return {}
    today = policy.calendar.local_day(now)
    absences = session.scalars(select(Absence).where(Absence.worker_id.in_(worker_ids), Absence.starts_on > today)
                               .order_by(Absence.starts_on, Absence.id))
    found: dict[int, Absence] = {}
    for absence in absences:
        found.setdefault(absence.worker_id, absence)
    return found


def next_cutoffs(session: Session, policy: Policy, now: datetime, worker_ids: set[int]) -> dict[int, datetime]:
    return {worker: cutoff_of(absence.starts_on, policy)
            for worker, absence in next_absences(session, now, policy, worker_ids).items()}


def cutoff_of(starts_on: date, policy: Policy) -> datetime:
    return work_calendar.absence_cutoff(starts_on, policy.absence_working_days_before, policy.absence_cutoff,
                                   policy.calendar)


def absence_view(session: Session, absence: Absence, policy: Policy, now: datetime) -> AbsenceView:
    worker = session.get_one(Worker, absence.worker_id)
    pending = tuple(session.scalars(select(Note.id).where(
        Note.author_id == worker.id, Note.status.in_(AUTHOR_ACTS), Note.freezes_at > now).order_by(Note.id)))
    cutoff = cutoff_of(absence.starts_on, policy)
    return AbsenceView(id=absence.id, worker=worker.login, worker_name=worker.name, starts_on=absence.starts_on,
                       ends_on=absence.ends_on, reason=absence.reason, cutoff_at=cutoff, pending=pending,
                       past_cutoff=bool(pending) and now > cutoff)
