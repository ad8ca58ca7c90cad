"""Reading the record: caseloads, a case with its stage tree, a stage's notes, a note's history."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case as when, func, select, true
from sqlalchemy.orm import Session, selectinload

from store.core import arguments
from store.rules.access import (ENTER_PROGRESS_NOTE, SETTLED, CaseAccess, Reach, check_visible, open_appointment,
                                visible_notes, active_role_filter, case_access, has_function, readable_case_ids,
                                readable_note, team_ids)
from store.desks.base import READ_AUDIT_EVERY, DeskBase, addenda_of
from store.core.errors import InvalidRequest, NotFound, StoreError
from store.db.journal import audit
from store.db.unseen import case_exists, note_clocks
from store.db.models import (AdvocateAppointment, AuditEntry, Case, Note, NoteRevision, Person, ReviewAction,
                     RoleAssignment, Stage, StagePerson, Worker, aware_utc)
from store.rules.obligations import open_obligations
from store.core.results import (CaseloadRow, CaseMatch, CaseView, NoteHistory, NoteView, Obligation, ReviewActionView,
                                StageView, WorkerView)
from store.desks.to_results import case_view, listed_note_views, note_view, revision_view, stage_view, worker_view


NAME_SEARCH_MAX_CHARS = 200
# The caseload's deadlines are the stage worker's own: the kind of each action they must take.
DEADLINE_KINDS = {"submit": "entry", "resubmit": "correction"}


@dataclass(frozen=True)
class SearchScope:
    """What a search run inside the database may show me, for it to put in its own statement (the
    same rules as ``visible_note_ids``): the families searched, and ``readable(note_id)``, the
    condition that the note of that id (a column of the search's statement) is one I may read."""

    case_ids: frozenset[int]
    readable: Callable[[ColumnElement[int]], ColumnElement[bool]]


class RecordDesk(DeskBase):
    def caseload(self) -> list[CaseloadRow]:
        """The stages I have a role in, most urgent first; for a court-appointed advocate, the
        stages of the children they are appointed for."""
        with self.db.reading() as session:
            now = self._now()
            return self._caseload(session, {self.worker_id}, now) + self._appointments(session, now)

    def _appointments(self, session: Session, now: datetime) -> list[CaseloadRow]:
        rows = session.execute(
            select(Stage, Case.family_name, Person.first_name)
            .join(StagePerson, StagePerson.stage_id == Stage.id).join(Person, Person.id == StagePerson.person_id)
            .join(AdvocateAppointment, AdvocateAppointment.person_id == Person.id).join(Case, Case.id == Stage.case_id)
            .where(AdvocateAppointment.worker_id == self.worker_id, open_appointment(now))
            .order_by(Case.family_name, Stage.id))
        return [CaseloadRow(stage_id=stage.id, case_id=stage.case_id, family_name=family, stage_label=stage.label,
                            worker="", role=f"Advocate for {child}", opened_at=stage.opened_at,
                            closed_at=stage.closed_at, last_contact_at=None, drafts=0, returned=0,
                            correction_due_at=None, entry_due_at=None, next_deadline_at=None,
                            next_deadline_kind=None, overdue=False)
                for stage, family, child in rows]

    def unit_caseload(self) -> list[CaseloadRow]:
        """For a supervisor: the stages of everyone below me, one row per worker and stage."""
        with self.db.reading() as session:
            below = team_ids(session, self.worker_id) - {self.worker_id}
            return self._caseload(session, below, self._now()) if below else []

    def case(self, case_id: int) -> CaseView:
        case_id = arguments.record_id(case_id, "case")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            if not case_exists(session, case_id):
                raise NotFound(f"There is no case number {case_id}.")
            access = case_access(session, user, case_id, now)
            found = session.scalars(
                select(Case).where(Case.id == case_id).options(
                    selectinload(Case.persons),
                    selectinload(Case.stages).selectinload(Stage.persons),
                    selectinload(Case.stages).selectinload(Stage.persons_ever),
                    selectinload(Case.stages).selectinload(Stage.roles).selectinload(RoleAssignment.worker),
                    selectinload(Case.stages).selectinload(Stage.roles).selectinload(RoleAssignment.children))).one()
            view = case_view(found, now, access.reach.value, children_only=access.child_ids or None)
        self._audit_read(access, case_id, "case", case_id)
        return view

    def stage(self, stage_id: int) -> StageView:
        """One stage with its persons and current roles."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            stage = self._stage(session, stage_id)
            access = case_access(session, user, stage.case_id, now)
            view = stage_view(stage, now, children_only=access.child_ids or None)
        self._audit_read(access, view.case_id, "stage", stage_id)
        return view

    def stage_note_ids(self, stage_id: int) -> list[int]:
        """The ids of the stage's notes I may see, newest event first: a list of thousands opens from
        these, and ``stage_notes(stage_id, ids=…)`` reads the notes of the rows on screen."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            stage = self._stage(session, stage_id)
            access = case_access(session, user, stage.case_id, now)
            ids = list(session.scalars(select(Note.id).where(Note.stage_id == stage_id, visible_notes(user, access))
                                       .order_by(Note.event_at.desc(), Note.id.desc())))
        self._audit_read(access, stage.case_id, "stage", stage_id)
        return ids

    def stage_notes(self, stage_id: int, limit: int | None = None, ids: list[int] | None = None) -> list[NoteView]:
        """The stage's notes I may see, newest event first (the first ``limit`` of them, if given;
        only those of ``ids``, if given, which are pages of a list opened with ``stage_note_ids``).
        Others' drafts stay private to them."""
        stage_id = arguments.record_id(stage_id, "stage")
        limit = None if limit is None else arguments.count(limit, "number of notes to show")
        ids = None if ids is None else arguments.record_ids(ids, "note")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            stage = self._stage(session, stage_id)
            access = case_access(session, user, stage.case_id, now)
            query = (select(Note).where(Note.stage_id == stage_id, visible_notes(user, access))
                     .order_by(Note.event_at.desc(), Note.id.desc())
                     .options(selectinload(Note.author), selectinload(Note.entered_by),
                              selectinload(Note.participants), selectinload(Note.stage)))
            if ids is not None:
                query = query.where(Note.id.in_(ids))
            notes = list(session.scalars(query.limit(limit) if limit else query))
            views = listed_note_views(session, notes, user, access, now, self.policy)
        # The pages of a list already opened are the same read: audited once an hour, not per page.
        self._audit_read(access, stage.case_id, "stage", stage_id, every=READ_AUDIT_EVERY if ids is not None else None)
        return views

    def note(self, note_id: int) -> NoteView:
        note_id = arguments.record_id(note_id, "note")
        return self.note_history(note_id).note

    def note_history(self, note_id: int) -> NoteHistory:
        """The note with every saved version and every review action."""
        note_id = arguments.record_id(note_id, "note")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            note = self._note(session, note_id)
            access = check_visible(session, note, user, now)
            # An advocate reads what can no longer change under review: the settled versions and the
            # approval, not the drafts a supervisor returned nor their comments (row_security_guards).
            advocate = access.reach is Reach.ADVOCATE
            revisions = list(session.scalars(select(NoteRevision).where(
                NoteRevision.note_id == note_id, NoteRevision.status.in_(SETTLED) if advocate else true())
                .order_by(NoteRevision.version)))
            logins, names = {}, {}
            for worker_id, login, name in session.execute(select(Worker.id, Worker.login, Worker.name)):
                logins[worker_id], names[worker_id] = login, name
            present = {pid for r in revisions for pid in r.snapshot.get("participants") or ()}
            people = {p.id: p.full_name for p in session.scalars(select(Person).where(Person.id.in_(present)))}
            history = NoteHistory(
                note=note_view(note, now, self.policy, addenda_of(session, note, user, now, access)),
                revisions=tuple(revision_view(r, logins[r.saved_by_id], people) for r in revisions),
                review=tuple(ReviewActionView(a.action, a.at, logins[a.by_id], names[a.by_id], a.comment, a.due_at)
                             for a in session.scalars(select(ReviewAction).where(
                                 ReviewAction.note_id == note_id,
                                 ReviewAction.action == "approve" if advocate else true()).order_by(ReviewAction.id))))
        self._audit_read(access, note.stage.case_id, "note", note_id)
        return history

    def me(self) -> WorkerView:
        with self.db.reading() as session:
            return worker_view(self._user(session))

    def find_cases(self, text: str, limit: int = 20) -> list[CaseMatch]:
        """Families I may read whose name, or one of whose persons' names, contains ``text`` — or
        comes close to it, so that a misspelt name still finds the family: the whole name, the
        first name or the surname ("Tarik", "Marcheti")."""
        text = arguments.text(text, "name to find", error=InvalidRequest, most=NAME_SEARCH_MAX_CHARS)
        limit = arguments.count(limit, "number of families to show", least=1)
        wanted = " ".join(text.lower().split())
        if not wanted:
            return []
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            ids = readable_case_ids(session, user, now)
            if has_function(session, user, ENTER_PROGRESS_NOTE):
                ids = set(session.scalars(select(Case.id)))
            # (case, family, the name shown, the spellings it is known by)
            names: list[tuple[int, str, str, tuple[str, ...]]] = []
            for case_id, family in session.execute(select(Case.id, Case.family_name).where(Case.id.in_(ids))):
                names.append((case_id, family, family, (family.lower(),)))
            for case_id, family, first, last in session.execute(
                    select(Case.id, Case.family_name, Person.first_name, Person.last_name)
                    .join(Person, Person.case_id == Case.id).where(Case.id.in_(ids))):
                full = f"{first} {last}"
                names.append((case_id, family, full, (full.lower(), first.lower(), last.lower())))
        found: dict[int, CaseMatch] = {}
        for case_id, family, name, _ in names:
            if wanted in name.lower() and case_id not in found:
                found[case_id] = CaseMatch(case_id, family, name)
        # Compared with each spelling once, however many persons share it (first names repeat).
        close = difflib.get_close_matches(wanted, list({form for *_, forms in names for form in forms}),
                                          n=limit * 5, cutoff=0.75)
        rank = {form: n for n, form in enumerate(close)}  # closest first
        nearest: dict[int, tuple[int, str, str]] = {}
        for case_id, family, name, forms in names:
            best = min((rank[form] for form in forms if form in rank), default=None)
            if case_id not in found and best is not None and best < nearest.get(case_id, (len(rank),))[0]:
                nearest[case_id] = (best, family, name)
        found.update({case_id: CaseMatch(case_id, family, name) for case_id, (_, family, name) in nearest.items()})

        def standing(match: CaseMatch) -> tuple[int, int, str, int]:
            """The family of that name first, then names that begin so, contain it, and the nearest
            spellings: 'osei' opens the Osei family before the Carringtons' foster parent Vincent Osei."""
            family, shown = match.family_name.lower(), match.matched.lower()
            group = (0 if family == wanted else 1 if family.startswith(wanted) else 2 if wanted in family
                     else 3 if wanted in shown else 4)
            return group, nearest.get(match.case_id, (0,))[0], match.family_name, match.case_id

        return sorted(found.values(), key=standing)[:limit]

    def may_search_case(self, case_id: int) -> None:
        """``NotFound`` or ``NoAccess`` unless I may search this family's notes; a search from
        outside the assignment is audited like any other read."""
        self._searching_case(case_id)

    def _searching_case(self, case_id: int) -> tuple[Worker, CaseAccess]:
        case_id = arguments.record_id(case_id, "case")
        with self.db.reading() as session:
            if not case_exists(session, case_id):
                raise NotFound(f"There is no case number {case_id}.")
            now, user = self._now(), self._user(session)
            access = case_access(session, user, case_id, now)
        # Results follow typing: one audit row per family and hour, not one per pause in typing.
        self._audit_read(access, case_id, "search", case_id, every=READ_AUDIT_EVERY)
        return user, access

    def audit_search_results(self, case_ids: set[int]) -> None:
        """An agency-wide search showed notes of these families: each reached from outside the
        assignment is audited as a search of that family is (``may_search_case``), once per family
        and hour, so that widening a search never reads a family unrecorded."""
        wanted = arguments.record_ids(case_ids, "case")
        if not wanted:
            return
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            # Asked first, in one read, as results follow typing: a search as it is typed must not
            # queue for the writer, nor work out again how it reaches families already recorded.
            recent = set(session.scalars(select(AuditEntry.entity_id).where(
                AuditEntry.worker_id == self.worker_id, AuditEntry.action == "read search",
                AuditEntry.entity_id.in_(sorted(wanted)), AuditEntry.at > now - READ_AUDIT_EVERY)))
            rest = set(wanted) - recent
            if not rest:
                return
            assigned = set(session.scalars(
                select(Stage.case_id).join(RoleAssignment)
                .where(Stage.case_id.in_(sorted(rest)), RoleAssignment.worker_id == user.id, active_role_filter(now))))
            unrecorded: dict[int, str] = {}
            for case_id in sorted(rest - assigned):
                try:
                    unrecorded[case_id] = case_access(session, user, case_id, now).reach.value
                except StoreError:  # not readable after all: nothing was shown of it
                    continue
        if not unrecorded:
            return
        with self.db.writing() as session:
            user = self._user(session)
            for case_id, reach in sorted(unrecorded.items()):
                audit(session, user, "read search", "search", case_id, now, {"reach": reach, "case": case_id},
                      case_id=case_id)

    def search_scope(self, family: int | None = None) -> SearchScope:
        """The notes a search may show me: of one family (``NotFound``, ``NoAccess``; audited as
        ``may_search_case`` is), or across the agency, the families I read through a role or
        supervision (``readable_case_ids``), where others' drafts stay hidden."""
        if family is not None:
            user, access = self._searching_case(family)
            return SearchScope(frozenset({int(family)}), lambda note_id: readable_note(note_id, user, access))
        with self.db.reading() as session:
            user = self._user(session)
            cases = frozenset(readable_case_ids(session, user, self._now()))
        # A role or supervision: what each of these families gives.
        return SearchScope(cases, lambda note_id: readable_note(note_id, user, CaseAccess(Reach.ASSIGNED)))

    def readable_case_ids(self) -> set[int]:
        """The families whose notes I may search across the agency (role or supervision)."""
        with self.db.reading() as session:
            return readable_case_ids(session, self._user(session), self._now())

    def visible_note_ids(self, note_ids: list[int]) -> set[int]:
        """Of these notes, the ones I may read (for search results): the same rules as stage_notes."""
        note_ids = arguments.record_ids(note_ids, "note")
        if not note_ids:
            return set()
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            pairs = session.execute(select(Note.id, Stage.case_id).join(Stage).where(Note.id.in_(note_ids))).all()
            visible: set[int] = set()
            for case_id in {case for _, case in pairs}:
                try:
                    access = case_access(session, user, case_id, now)
                except StoreError:
                    continue
                ids = [note for note, case in pairs if case == case_id]
                visible |= set(session.scalars(select(Note.id).where(Note.id.in_(ids), visible_notes(user, access))))
            return visible

    def _caseload(self, session: Session, worker_ids: set[int], now: datetime) -> list[CaseloadRow]:
        note = note_clocks(session)  # a supervisor's own database user counts their workers' drafts too
        query = (
            select(RoleAssignment, Stage, Case.family_name, Worker.name, Worker.login,
                   func.max(when((note.c.status != "draft", note.c.event_at), else_=None)),
                   func.sum(when(((note.c.status == "draft") & (note.c.author_id == RoleAssignment.worker_id), 1),
                                 else_=0)),
                   func.sum(when(((note.c.status == "returned") & (note.c.author_id == RoleAssignment.worker_id), 1),
                                 else_=0)),
                   )
            .join(Stage, RoleAssignment.stage_id == Stage.id).join(Case, Stage.case_id == Case.id)
            .join(Worker, RoleAssignment.worker_id == Worker.id)
            .outerjoin(note, note.c.stage_id == Stage.id)
            .where(RoleAssignment.worker_id.in_(worker_ids), active_role_filter(now))
            .group_by(RoleAssignment.id, Stage.id, Case.family_name, Worker.name, Worker.login)
        )
        dues: dict[tuple[int, str, str], datetime] = {}  # (stage, author login, kind) → soonest
        first: dict[tuple[int, str], Obligation] = {}  # (stage, author login) → what comes due first
        for item in open_obligations(session, self.policy, now, authors=worker_ids):
            if item.action not in DEADLINE_KINDS:
                continue  # waiting on the supervisor, not on the stage's worker
            key = (item.stage_id, item.author, DEADLINE_KINDS[item.action])
            dues[key] = min(dues.get(key, item.next_due_at), item.next_due_at)
            known = first.get(key[:2])
            if known is None or _sooner(item, known):
                first[key[:2]] = item
        rows = []
        for role, stage, family, name, login, last, drafts, returned in session.execute(query):
            soonest = first.get((stage.id, login))
            rows.append(CaseloadRow(
                stage_id=stage.id, case_id=stage.case_id, family_name=family, stage_label=stage.label, worker=name,
                role=role.role, opened_at=stage.opened_at, closed_at=stage.closed_at, last_contact_at=_utc(last),
                drafts=int(drafts or 0), returned=int(returned or 0),
                correction_due_at=dues.get((stage.id, login, "correction")),
                entry_due_at=dues.get((stage.id, login, "entry")),
                next_deadline_at=soonest.next_due_at if soonest else None,
                next_deadline_kind=DEADLINE_KINDS[soonest.action] if soonest else None,
                overdue=bool(soonest and soonest.overdue)))
        far = datetime.max.replace(tzinfo=now.tzinfo)
        return sorted(rows, key=lambda r: (r.closed_at is not None, r.next_deadline_at or far, -r.drafts,
                                           r.last_contact_at or datetime.min.replace(tzinfo=now.tzinfo),
                                           r.family_name))


def _sooner(item: Obligation, than: Obligation) -> bool:
    """Due first; on the same instant (an absence cut-off) a correction is named before an entry."""
    return ((item.next_due_at, DEADLINE_KINDS[item.action] != "correction")
            < (than.next_due_at, DEADLINE_KINDS[than.action] != "correction"))


def _utc(value: datetime | str | None) -> datetime | None:
    """Aggregates may bypass the column type (SQLite hands back text): make it an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return aware_utc(value)
