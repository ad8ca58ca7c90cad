"""Turning database rows into the frozen views of ``store.core.results``."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from store.core.clock import utc
from store.core.errors import NoAccess
from store.db.models import Case, Note, NoteRevision, Person, RoleAssignment, Stage, StagePerson, Worker
from store.core.policy import Policy
from store.rules.access import CaseAccess, may_enter_for_others, visible_notes
from store.rules.obligations import is_late_entry
from store.rules.note_rules import is_frozen
from store.core.results import CaseView, NoteView, PersonView, RevisionView, RoleView, StageView, WorkerView


def worker_view(worker: Worker) -> WorkerView:
    return WorkerView(
        id=worker.id, login=worker.login, name=worker.name, title=worker.title, employer=worker.employer,
        agency=worker.agency, unit=worker.unit.name if worker.unit else None,
        supervisor=worker.supervisor.login if worker.supervisor else None,
        supervisor_name=worker.supervisor.name if worker.supervisor else None,
        functions=tuple(sorted(f.code for f in worker.functions)),
        may_enter_for_others=may_enter_for_others(f.code for f in worker.functions),
    )


def person_view(person: Person | PersonView) -> PersonView:
    if isinstance(person, PersonView):  # a new note's participants, read as views (stage_persons)
        return person
    return PersonView(id=person.id, name=person.full_name, relationship=person.relationship_,
                      birth_date=person.birth_date, is_child=person.is_child)


# Asked at every note save: built once.
_STAGE_PERSONS = (select(Person.id, Person.first_name, Person.last_name, Person.relationship_, Person.birth_date,
                         Person.is_child)
                  .join(StagePerson, StagePerson.person_id == Person.id)
                  .where(StagePerson.stage_id == bindparam("stage_id"), StagePerson.ended_at.is_(None))
                  .order_by(Person.id))


def stage_persons(session: Session, stage_id: int) -> dict[int, PersonView]:
    """The persons in a stage now (not those ended in it) by id, read as plain columns (no
    autoflush: a stage's persons are never pending in a session that asks this)."""
    rows = session.connection().execute(_STAGE_PERSONS, {"stage_id": stage_id})
    return {pid: PersonView(id=pid, name=Person.name_of(first, last), relationship=relationship, birth_date=born,
                            is_child=child) for pid, first, last, relationship, born, child in rows}


def role_view(role: RoleAssignment) -> RoleView:
    return RoleView(worker_login=role.worker.login, worker_name=role.worker.name, role=role.role,
                    starts_at=role.starts_at, ends_at=role.ends_at,
                    children=tuple(p.full_name for p in role.children))


def stage_view(stage: Stage, now: datetime, children_only: frozenset[int] | None = None) -> StageView:
    """``children_only``: an advocate's view, which shows only the appointed children of the stage
    (``NoAccess`` for a stage without any of them)."""
    persons = stage.persons
    if children_only is not None:  # the child's history: a child ended in the stage keeps its notes there
        persons = [p for p in stage.persons_ever if p.id in children_only]
        if not persons:
            raise NoAccess("Your appointment covers other records of this family, not this stage.")
    active = [r for r in stage.roles if r.starts_at <= now and (r.ends_at is None or r.ends_at > now)]
    closer = stage.closing_started_by_id
    return StageView(
        id=stage.id, case_id=stage.case_id, family_name=stage.case.family_name, type=stage.type, subtype=stage.subtype,
        label=stage.label,
        parent_id=stage.parent_id, opened_at=stage.opened_at, closed_at=stage.closed_at,
        close_reason=stage.close_reason, closing_reason=stage.closing_reason,
        closing_started_by=next((r.worker.login for r in stage.roles if r.worker_id == closer), None),
        persons=tuple(person_view(p) for p in persons),
        roles=tuple(role_view(r) for r in sorted(active, key=lambda r: (ROLE_ORDER.get(r.role, 9), r.id))),
        administrative=bool(stage.administrative), primary_caretaker_id=stage.primary_caretaker_id,
        app_reg_at=stage.app_reg_at,
    )


ROLE_ORDER = {"Case Manager": 0, "Case Planner": 1, "Case Worker": 2, "CPS Worker/Monitor": 3}


def case_view(case: Case, now: datetime, reach: str, children_only: frozenset[int] | None = None) -> CaseView:
    """``children_only``: an advocate's view: the appointed children and the stages they are in."""
    stages = [s for s in case.stages if children_only is None or any(p.id in children_only for p in s.persons_ever)]
    persons = [p for p in case.persons if children_only is None or p.id in children_only]
    by_parent: dict[int | None, list[Stage]] = {}
    shown = {s.id for s in stages}
    for stage in stages:
        by_parent.setdefault(stage.parent_id if stage.parent_id in shown else None, []).append(stage)
    ordered: list[Stage] = []

    def walk(parent_id: int | None) -> None:
        for stage in by_parent.get(parent_id, []):
            ordered.append(stage)
            walk(stage.id)

    walk(None)
    return CaseView(id=case.id, family_name=case.family_name, opened_at=case.opened_at,
                    persons=tuple(person_view(p) for p in persons),
                    stages=tuple(stage_view(s, now, children_only) for s in ordered), reach=reach)


def note_view(note: Note, now: datetime, policy: Policy, addenda: tuple[int, ...] = ()) -> NoteView:
    return NoteView(
        id=note.id, stage_id=note.stage_id, case_id=note.stage.case_id, event_at=note.event_at,
        entered_at=note.entered_at, author=note.author.login, author_name=note.author.name,
        entered_by=note.entered_by.login, entered_by_name=note.entered_by.name,
        contact_type=note.contact_type, purposes=tuple(note.purposes or ()), method=note.method,
        location=note.location, participants=tuple(person_view(p) for p in note.participants),
        others=tuple(note.others or ()), narrative=note.narrative, status=note.status, version=note.version,
        amends_note_id=note.amends_note_id, addenda=addenda, freezes_at=note.freezes_at,
        frozen=is_frozen(note.freezes_at, now),
        late_entry=is_late_entry(note.event_at, note.entered_at, policy, note.contact_type),
        submitted_at=note.submitted_at, correction_due_at=note.correction_due_at,
    )


def listed_note_views(session: Session, notes: list[Note], reader: Worker, access: CaseAccess, now: datetime,
                      policy: Policy) -> list[NoteView]:
    """Notes of a list as the reader sees them, each with the addenda the reader may read (one query for
    all of them): a stage's notes, a child's."""
    addenda: dict[int | None, list[int]] = {}
    if notes:
        rows = session.execute(select(Note.amends_note_id, Note.id)
                               .where(Note.amends_note_id.in_([n.id for n in notes]), visible_notes(reader, access))
                               .order_by(Note.id))
        for original, addendum in rows:
            addenda.setdefault(original, []).append(addendum)
    return [note_view(n, now, policy, tuple(addenda.get(n.id, ()))) for n in notes]


def revision_view(revision: NoteRevision, saved_by: str, person_names: dict[int, str]) -> RevisionView:
    """A saved version with its recorded snapshot read back into typed values (``person_names``: the
    names of the people present in it, by id)."""
    saved = revision.snapshot
    values = {
        "status": saved.get("status") or revision.status,
        "event_at": _moment(saved.get("event_at")),
        "contact_type": saved.get("contact_type"),
        "method": saved.get("method"),
        "location": saved.get("location"),
        "purposes": tuple(saved.get("purposes") or ()),
        "participants": tuple(person_names.get(pid, f"person {pid}") for pid in saved.get("participants") or ()),
        "others": tuple(saved.get("others") or ()),
        "correction_due_at": _moment(saved.get("correction_due_at")),
        "narrative": saved.get("narrative") or "",
    }
    return RevisionView(revision.version, revision.saved_at, saved_by, revision.status, saved, values)


def _moment(text: str | None) -> datetime | None:
    """A time as the journal records it (ISO text, with its offset), as an aware datetime in UTC."""
    if not text:
        return None
    at = datetime.fromisoformat(text)
    return utc(at if at.tzinfo else at.replace(tzinfo=timezone.utc))  # the journal writes UTC
