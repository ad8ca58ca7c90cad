"""The court record of a family (issue 19, item 4): its notes with their addenda in event order, who
took part, wrote and entered each, the review actions, the children's documents listed, each note's
SHA-256 and a manifest hash (``store/core/court_results.py`` says how they are made); and checking a
record's manifest against the database again.

Who may: whoever reads the family's notes (``rules/access.visible_notes``): its role holders and their
supervision chain, and a child's court-appointed advocate for their own child (approved notes only).
Not the ENT PROG NOTE clerk, who reads only the notes they typed. Every export is audited, and shows
in the case's access log.

Which plans: the current approved plan of the family and of each child (with ``child_id``, the child's
only), for whoever reads the family's plans (``store/desks/court_plans.py``); each enters the manifest
with its hash, so ``verify_court_record`` checks the plan copy too.

Which notes: those the reader may read in the family's stages (with ``child_id``, those in which the
child took part), whose event falls in the period (``since``/``until``, whole days in the agency's
zone, both included), approved or final ones only unless ``include_unapproved``. A note's addenda
follow it whatever their own dates, since a correction belongs with what it corrects.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pendulum
from sqlalchemy import select, true
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.clock import utc
from store.core.court_results import (APPROVED, CourtDocument, CourtHeader, CourtManifest, CourtNote, CourtPerson,
                                      CourtRecord, CourtRecordCheck, CourtReviewAction, NoteCheck, sha256_of,
                                      utc_text)
from store.desks.court_plans import check_plan, current_approved_plans
from store.core.errors import InvalidRequest, NoAccess, NotFound, StoreError
from store.db.journal import audit
from store.db.models import (Case, Document, Meta, Note, NoteParticipant, NoteRevision, Person, ReviewAction, Stage,
                             Worker, aware_utc, stage_label)
from store.db.unseen import case_exists
from store.desks.base import DeskBase
from store.rules.access import CaseAccess, Reach, case_access, visible_notes

AGENCY_NAME_KEY = "agency_name"  # meta: the agency's name as its court records say it
CLERK = ("A clerk who enters notes for others reads only the notes they entered, so they do not produce a "
         "family's court record.")
MOST_CHECKED = 100_000  # notes in one manifest checked at once


class CourtRecordDesk(DeskBase):
    def court_record(self, case_id: int, *, child_id: int | None = None, since: Any = None, until: Any = None,
                     include_unapproved: bool = False) -> CourtRecord:
        """The family's court record as this reader may produce it (see the module's docstring).
        ``since``/``until``: dates (or "YYYY-MM-DD"), both included. Audited."""
        case_id = arguments.record_id(case_id, "case")
        child_id = None if child_id is None else arguments.record_id(child_id, "child")
        first, last = _day(since, "first day of the period"), _day(until, "last day of the period")
        if first and last and first > last:
            raise InvalidRequest(f"The period starts on {first:%m/%d/%Y}, after its last day {last:%m/%d/%Y}; "
                                 "give the earlier day first.")
        include_unapproved = arguments.yes_or_no(include_unapproved, "Including unapproved notes", InvalidRequest)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            access = self._court_access(session, user, case_id)
            case = session.get_one(Case, case_id)
            child = self._court_child(session, case_id, child_id, access)
            notes, left_out = self._notes(session, user, access, case_id, child_id, first, last, include_unapproved)
            header = CourtHeader(
                agency=_agency_name(session, user), case_id=case_id, family_name=case.family_name,
                child_id=child_id, child_name=child.full_name if child else None, since=first, until=last,
                produced_by_name=user.name, produced_by_login=user.login, produced_at=utc(now),
                unapproved_included=include_unapproved)
            names = _Names(session)
            record = CourtRecord(header=header, persons=self._persons(session, case_id, child_id, access),
                                 notes=tuple(notes), documents=self._documents(session, case_id, child_id, access),
                                 plans=current_approved_plans(session, case_id, child_id, access, names.worker),
                                 left_out=left_out)
            audit(session, user, "read court record", "court record", case_id, now,
                  {"reach": access.reach.value, "case": case_id, "child": child_id, "from": first, "until": last,
                   "unapproved_included": include_unapproved, "notes": len(record.notes),
                   "plans": [p.plan_id for p in record.plans],
                   "manifest_sha256": record.manifest.manifest_sha256}, case_id=case_id)
        return record

    def may_produce_court_record(self, case_id: int) -> str | None:
        """None if the family's court record is mine to produce (p on the case screen), else the sentence
        ``court_record`` would refuse it with."""
        case_id = arguments.record_id(case_id, "case")
        with self.db.reading() as session:
            try:
                self._court_access(session, self._user(session), case_id)
            except StoreError as refusal:
                return refusal.message
            return None

    def _court_access(self, session: Session, user: Worker, case_id: int) -> CaseAccess:
        if not case_exists(session, case_id):
            raise NotFound(f"There is no case number {case_id}.")
        access = case_access(session, user, case_id, self._now())
        if access.reach is Reach.ENTRY_CLERK:
            raise NoAccess(CLERK)
        return access

    def verify_court_record(self, manifest: CourtManifest) -> CourtRecordCheck:
        """Each note of the manifest hashed afresh from the database at the version it names, each plan
        from its approved rows, and the manifest's own hash recomputed from its fields: what matches and
        what differs."""
        if not isinstance(manifest, CourtManifest):
            raise InvalidRequest(f"A court record is checked by its manifest, and casenotes was given "
                                 f"{arguments.kind_of(manifest)}.")
        if len(manifest.entries) + len(manifest.plans or ()) > MOST_CHECKED:
            raise InvalidRequest(f"A manifest of {len(manifest.entries):,} notes is more than casenotes checks at "
                                 f"once ({MOST_CHECKED:,}).")
        checks = []
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            accesses: dict[int, CaseAccess | None] = {}
            names = _Names(session)
            for entry in manifest.entries:
                checks.append(self._check(session, user, now, accesses, names, entry.note_id, entry.version,
                                          entry.sha256))
            plans = tuple(check_plan(session, entry, lambda case: self._access_of(session, user, now, accesses, case),
                                     names.worker) for entry in manifest.plans or ())
            case_id = manifest.fields.get("case")
            reached = isinstance(case_id, int) and accesses.get(case_id) is not None
            audit(session, user, "verify court record", "court record", case_id if reached else None, now,
                  {"notes": len(checks), "plans": len(plans),
                   "differ": sum(not c.matches for c in checks) + sum(not p.matches for p in plans),
                   "manifest_sha256": manifest.manifest_sha256}, case_id=case_id if reached else None)
        return CourtRecordCheck(manifest.recomputed() == manifest.manifest_sha256, tuple(checks), plans)

    # -- the parts ------------------------------------------------------------------------------------

    def _court_child(self, session: Session, case_id: int, child_id: int | None, access: CaseAccess) -> Person | None:
        if child_id is None:
            return None
        child = session.get(Person, child_id)
        if child is None or not child.is_child:
            raise NotFound(f"There is no child number {child_id}.")
        if child.case_id != case_id:
            raise InvalidRequest(f"{child.full_name} (child {child_id}) is not a child of case {case_id}; "
                                 "give a child of that family.")
        if access.reach is Reach.ADVOCATE and child_id not in access.child_ids:
            raise NoAccess("You are appointed for another child of this family; you may produce only your own "
                           "child's record.")
        return child

    def _notes(self, session: Session, user: Worker, access: CaseAccess, case_id: int, child_id: int | None,
               first: date | None, last: date | None, include_unapproved: bool) -> tuple[list[CourtNote], int]:
        query = (select(Note).join(Stage, Stage.id == Note.stage_id)
                 .where(Stage.case_id == case_id, visible_notes(user, access)))
        readable = list(session.scalars(query))
        wanted = [n for n in readable if include_unapproved or n.status in APPROVED]
        by_id = {n.id: n for n in wanted}
        start, end = self._instants(first, last)
        with_child = set() if child_id is None else set(session.scalars(
            select(NoteParticipant.note_id).where(NoteParticipant.person_id == child_id)))

        def in_period(note: Note) -> bool:
            at = aware_utc(note.event_at)
            assert at is not None
            return (start is None or at >= start) and (end is None or at < end) and \
                (child_id is None or note.id in with_child)

        chosen = {n.id for n in wanted if in_period(n)}
        left_out = sum(1 for n in readable if n.status not in APPROVED and in_period(n)) if not include_unapproved \
            else 0
        addenda: dict[int, list[Note]] = defaultdict(list)
        for note in wanted:
            if note.amends_note_id is not None:
                addenda[note.amends_note_id].append(note)
        grown = True
        while grown:  # a note's addenda (and theirs) come with it, whatever their own dates
            more = {a.id for n in chosen for a in addenda.get(n, ())} - chosen
            chosen |= more
            grown = bool(more)
        roots = sorted((by_id[i] for i in chosen if by_id[i].amends_note_id not in chosen),
                       key=lambda n: (aware_utc(n.event_at), n.id))
        ordered: list[tuple[Note, int]] = []

        def follow(note: Note, depth: int) -> None:
            ordered.append((note, depth))
            for addendum in sorted(addenda.get(note.id, ()), key=lambda a: (aware_utc(a.entered_at), a.id)):
                if addendum.id in chosen:
                    follow(addendum, depth + 1)

        for root in roots:
            follow(root, 0)
        names = _Names(session)
        advocate = access.reach is Reach.ADVOCATE
        reviews: dict[int, list[CourtReviewAction]] = defaultdict(list)
        for action in session.scalars(select(ReviewAction).where(
                ReviewAction.note_id.in_(list(chosen)), ReviewAction.action == "approve" if advocate else true())
                .order_by(ReviewAction.id)):
            reviews[action.note_id].append(CourtReviewAction(action.action, utc(aware_utc(action.at) or action.at),
                                                             names.worker(action.by_id), action.comment))
        revisions = {(r.note_id, r.version): r for r in session.scalars(
            select(NoteRevision).where(NoteRevision.note_id.in_(list(chosen))))}
        shown = []
        for note, depth in ordered:
            revision = revisions.get((note.id, note.version))
            if revision is None:
                raise StoreError(f"Note {note.id} has no saved revision for its version {note.version}, so its "
                                 "court record cannot be made; tell your administrator.")
            shown.append(_court_note(revision, names, depth, tuple(reviews.get(note.id, ()))))
        return shown, left_out

    def _instants(self, first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
        zone = self.policy.zone

        def midnight(day: date) -> datetime:
            return utc(pendulum.datetime(day.year, day.month, day.day, tz=zone))

        return (midnight(first) if first else None, midnight(last + timedelta(days=1)) if last else None)

    def _persons(self, session: Session, case_id: int, child_id: int | None,
                 access: CaseAccess) -> tuple[CourtPerson, ...]:
        query = select(Person).where(Person.case_id == case_id).order_by(Person.id)
        if access.reach is Reach.ADVOCATE:  # an advocate knows only the children they are appointed for
            query = query.where(Person.id.in_(access.child_ids))
        return tuple(CourtPerson(p.id, p.full_name, p.relationship_, p.birth_date, p.is_child)
                     for p in session.scalars(query))

    def _documents(self, session: Session, case_id: int, child_id: int | None,
                   access: CaseAccess) -> tuple[CourtDocument, ...]:
        query = select(Document.id, Document.person_id, Document.kind, Document.file_name, Document.uploaded_at,
                       Document.uploaded_by_id, Document.sha256, Document.withdrawn_at, Document.withdrawal_reason
                       ).where(Document.case_id == case_id)
        if child_id is not None:
            query = query.where(Document.person_id == child_id)
        if access.reach is Reach.ADVOCATE:
            query = query.where(Document.person_id.in_(access.child_ids))
        names = _Names(session)
        return tuple(CourtDocument(d.id, names.person(d.person_id), d.kind, d.file_name,
                                   utc(aware_utc(d.uploaded_at) or d.uploaded_at), names.worker(d.uploaded_by_id),
                                   d.sha256, aware_utc(d.withdrawn_at), d.withdrawal_reason)
                     for d in session.execute(query.order_by(Document.uploaded_at, Document.id)))

    def _check(self, session: Session, user: Worker, now: datetime, accesses: dict[int, CaseAccess | None],
               names: _Names, note_id: int, version: int, expected: str) -> NoteCheck:
        row = session.execute(select(Note.id, Note.version, Stage.case_id).join(Stage, Stage.id == Note.stage_id)
                              .where(Note.id == note_id)).first()
        if row is None:
            return NoteCheck(note_id, version, expected, None, "missing")
        access = self._access_of(session, user, now, accesses, row.case_id)
        if access is None or access.reach is Reach.ENTRY_CLERK or session.scalar(
                select(Note.id).where(Note.id == note_id, visible_notes(user, access))) is None:
            return NoteCheck(note_id, version, expected, None, "not readable")
        revision = session.scalar(select(NoteRevision).where(NoteRevision.note_id == note_id,
                                                             NoteRevision.version == version))
        newer = row.version if row.version != version else None
        if revision is None:
            return NoteCheck(note_id, version, expected, None, "missing", newer)
        found = _court_note(revision, names, 0, ()).sha256
        return NoteCheck(note_id, version, expected, found, "matches" if found == expected else "differs", newer)


    @staticmethod
    def _access_of(session: Session, user: Worker, now: datetime, accesses: dict[int, CaseAccess | None],
                   case_id: int) -> CaseAccess | None:
        """The user's reach into a case, asked once per check (None: none)."""
        if case_id not in accesses:
            try:
                accesses[case_id] = case_access(session, user, case_id, now)
            except StoreError:
                accesses[case_id] = None
        return accesses[case_id]


class _Names:
    """Workers', persons' and stages' names, read once per unit of work."""

    def __init__(self, session: Session):
        self.session = session
        self.workers: dict[int, tuple[str, str]] = {}
        self.persons: dict[int, str] = {}
        self.stages: dict[int, str] = {}

    def _worker(self, worker_id: int) -> tuple[str, str]:
        if worker_id not in self.workers:
            row = self.session.execute(select(Worker.name, Worker.login).where(Worker.id == worker_id)).first()
            self.workers[worker_id] = (row.name, row.login) if row else (f"worker {worker_id}", "")
        return self.workers[worker_id]

    def worker(self, worker_id: int) -> str:
        return self._worker(worker_id)[0]

    def login(self, worker_id: int) -> str:
        return self._worker(worker_id)[1]

    def person(self, person_id: int) -> str:
        if person_id not in self.persons:
            row = self.session.execute(select(Person.first_name, Person.last_name).where(Person.id == person_id)
                                       ).first()
            self.persons[person_id] = Person.name_of(row.first_name, row.last_name) if row else f"person {person_id}"
        return self.persons[person_id]

    def stage(self, stage_id: int) -> str:
        if stage_id not in self.stages:
            row = self.session.execute(select(Stage.type, Stage.subtype).where(Stage.id == stage_id)).first()
            self.stages[stage_id] = stage_label(row.type, row.subtype) if row else f"stage {stage_id}"
        return self.stages[stage_id]


def note_content(note_id: int, version: int, snapshot: dict[str, Any], names: _Names) -> dict[str, Any]:
    """What a note's hash is made of (``store/core/court_results.py``), from a saved revision."""
    return {
        "note": note_id, "version": version, "status": snapshot.get("status"),
        "stage": names.stage(int(snapshot["stage_id"])),
        "event_at": utc_text(snapshot.get("event_at")), "entered_at": utc_text(snapshot.get("entered_at")),
        "author": names.worker(int(snapshot["author_id"])), "entered_by": names.worker(int(snapshot["entered_by_id"])),
        "contact_type": snapshot.get("contact_type"), "method": snapshot.get("method"),
        "location": snapshot.get("location"), "purposes": list(snapshot.get("purposes") or []),
        "participants": [names.person(int(p)) for p in sorted(snapshot.get("participants") or [])],
        "others": list(snapshot.get("others") or []), "narrative": snapshot.get("narrative") or "",
        "amends_note": snapshot.get("amends_note_id"),
    }


def _court_note(revision: NoteRevision, names: _Names, depth: int, review: tuple[CourtReviewAction, ...]) -> CourtNote:
    snapshot = revision.snapshot
    content = note_content(revision.note_id, revision.version, snapshot, names)
    author, enterer = int(snapshot["author_id"]), int(snapshot["entered_by_id"])
    return CourtNote(
        id=revision.note_id, version=revision.version, status=str(content["status"]),
        stage_id=int(snapshot["stage_id"]), stage=content["stage"],
        event_at=_instant(snapshot["event_at"]), entered_at=_instant(snapshot["entered_at"]),
        author_name=content["author"], author_login=names.login(author), entered_by_name=content["entered_by"],
        entered_by_login=names.login(enterer), contact_type=str(content["contact_type"] or ""),
        method=content["method"], location=content["location"], purposes=tuple(content["purposes"]),
        participants=tuple(content["participants"]), others=tuple(content["others"]),
        narrative=content["narrative"], amends_note_id=content["amends_note"], addendum_depth=depth, review=review,
        sha256=sha256_of(content))


def _instant(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return utc(at if at.tzinfo else at.replace(tzinfo=pendulum.UTC))


def _day(value: Any, what: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidRequest(f"The {what} {arguments.shown(value)} is not a date casenotes can read; write it "
                                 "as YYYY-MM-DD, e.g. 2026-11-01.") from None
    return arguments.day(value, what, InvalidRequest)


def _agency_name(session: Session, user: Worker) -> str:
    """The agency's name: the database's ``agency_name`` setting, else the producing worker's agency."""
    held = session.get(Meta, AGENCY_NAME_KEY)
    if held is not None and held.value.strip():
        return held.value.strip()
    return user.agency.strip() or "The agency"
