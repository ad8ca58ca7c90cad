"""Case plans (issue 19): starting, writing (autosave-friendly), sending, approving or returning a
family's or a child's plan, its new versions, its history, contest requests, and the plan elements a
note says were discussed.

Every change of a plan row writes its revision first (the whole plan as saved: fields, sections,
participants), then the row with its version raised by one, then an audit row, in one unit of work;
migration 0015's triggers refuse anything else. Who may do what is ``store/rules/plan_checks.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pendulum
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.clock import utc
from store.core.errors import InvalidPlan, InvalidTransition, NoAccess, NotFound, StaleEdit
from store.core.plan_results import (PlanChange, PlanContestView, PlanElement, PlanHistory, PlanParticipantView,
                                     PlanReviewActionView, PlanRevisionView, PlanView)
from store.db.journal import audit
from store.db.notifications import notify
from store.db.models import (Case, Note, NoteParticipant, NotePlanElement, Person, Plan, PlanContest, PlanParticipant,
                             PlanReviewAction, PlanRevision, PlanSectionText, Worker, table_of)
from store.desks.base import DeskBase
from store.rules.note_checks import check_edit
from store.rules.note_rules import correction_due, local_text, review_due
from store.rules.plan_checks import (UNDER_REVIEW, check_editable, check_may_draft, check_may_read_plans,
                                     check_may_review_plan, check_move)
from store.rules.plan_keys import check_section_key, plan_section_keys, section_title

SECTION_MAX_CHARS = 50_000
COMMENT_MAX_CHARS = 5_000
NAME_MAX_CHARS = 120
ROLE_MAX_CHARS = 60
PARTICIPANTS_MOST = 60
_PLAN = table_of(Plan)


class PlanDesk(DeskBase):
    # --- writing -------------------------------------------------------------------------------------

    def start_plan(self, case_id: int, child_id: int | None = None, plan_date: date | None = None) -> PlanView:
        """A new draft: the family plan (``child_id`` None) or a child's plan, dated ``plan_date`` (today in
        the agency by default). A family or child with a plan already continues it (``new_plan_version``)."""
        case_id = arguments.record_id(case_id, "family")
        child_id = None if child_id is None else arguments.record_id(child_id, "child")
        day = None if plan_date is None else arguments.day(plan_date, "plan date", InvalidPlan)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            check_may_read_plans(session, user, case_id, now)
            check_may_draft(session, user, case_id, now)
            if child_id is not None:
                self._child_of(session, case_id, child_id)
            day = self._plan_day(day, now)
            if session.scalar(select(Plan.id).where(Plan.case_id == case_id, _same_child(child_id)).limit(1)):
                raise InvalidPlan(f"{'This child' if child_id else 'This family'} has a plan already; continue "
                                  "its draft, or start a new version of its approved plan.")
            return self._new_plan(session, user, now, case_id, child_id, day, 1, None, {}, [], "start plan")

    def new_plan_version(self, plan_id: int, plan_date: date | None = None) -> PlanView:
        """The next version of an approved plan, as a draft holding its sections and participants; the
        approved plan stays as it was."""
        plan_id = arguments.record_id(plan_id, "plan")
        day = None if plan_date is None else arguments.day(plan_date, "plan date", InvalidPlan)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            plan = self._plan(session, plan_id)
            check_may_read_plans(session, user, plan.case_id, now)
            check_may_draft(session, user, plan.case_id, now)
            plan = self._locked(session, plan)
            if plan.status != "approved":
                raise InvalidTransition("Only an approved plan gets a new version; this one is still being "
                                        "written or reviewed.")
            if session.scalar(select(Plan.id).where(Plan.previous_plan_id == plan.id)) is not None:
                raise InvalidTransition("This plan has a newer version already; change that one.")
            sections, participants = _sections(session, plan.id), _participants(session, plan.id)
            return self._new_plan(session, user, now, plan.case_id, plan.child_id, self._plan_day(day, now),
                                  plan.plan_version + 1, plan.id, sections, participants, "new plan version")

    def save_plan_section(self, plan_id: int, key: str, text: str, version: int) -> PlanView:
        """Write one section of a draft (or returned) plan; ``version`` is the one the caller last saw. The
        same text again writes nothing (an autosave that found nothing new)."""
        plan_id, version = arguments.record_id(plan_id, "plan"), arguments.version(version)
        key = arguments.text(key, "plan section", error=InvalidPlan, most=40, empty=False)
        text = arguments.text(text, f"plan section {key}", error=InvalidPlan, most=SECTION_MAX_CHARS, lines=True)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            plan = self._writable(session, plan_id, user, now, version)
            check_section_key(key, self._keys(session, plan))
            sections = _sections(session, plan.id)
            if sections.get(key, "") == text:
                return self._view(session, plan.id)
            self._save(session, plan, user, now, "save plan section", sections={**sections, key: text},
                       detail={"section": key})
            return self._view(session, plan.id)

    def set_plan_participants(self, plan_id: int, participants: list[dict[str, Any]], version: int) -> PlanView:
        """Who took part in the plan: each ``{"person_id": id}`` (a person of the family) or ``{"name": …}``,
        with a ``"role"`` (child, mother, foster parent…); the list replaces the one before."""
        plan_id, version = arguments.record_id(plan_id, "plan"), arguments.version(version)
        given = _participants_given(participants)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            plan = self._writable(session, plan_id, user, now, version)
            people = {p.id: p for p in session.scalars(select(Person).where(Person.case_id == plan.case_id))}
            clean = []
            for person_id, name, role in given:
                if person_id is not None and person_id not in people:
                    raise InvalidPlan(f"Person number {person_id} is not of this family; name others who took "
                                      "part instead.")
                clean.append((person_id, people[person_id].full_name if person_id is not None else name, role))
            if clean == _participants(session, plan.id):
                return self._view(session, plan.id)
            self._save(session, plan, user, now, "set plan participants", participants=clean)
            return self._view(session, plan.id)

    def submit_plan(self, plan_id: int, version: int | None = None) -> PlanView:
        """Send a draft (or a returned plan, corrected) to a supervisor above its drafter."""
        plan_id, seen = arguments.record_id(plan_id, "plan"), arguments.version(version, optional=True)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            plan = self._plan(session, plan_id)
            check_may_read_plans(session, user, plan.case_id, now)
            check_may_draft(session, user, plan.case_id, now)
            plan = self._locked(session, plan)
            resubmit = plan.status == "returned"
            check_move(plan, "resubmitted" if resubmit else "submitted", "sent for review")
            _check_version(plan, seen)
            if not any(text.strip() for text in _sections(session, plan.id).values()):
                raise InvalidPlan("Nothing is written in this plan yet; write its sections before sending it.")
            if session.get_one(Worker, plan.drafter_id).supervisor_id is None:
                raise NoAccess("This plan's drafter has no supervisor to approve it.")
            action = "resubmit" if resubmit else "submit"
            self._save(session, plan, user, now, f"{action} plan", status="resubmitted" if resubmit else "submitted",
                       submitted_at=now, first_submitted_at=plan.first_submitted_at or now)
            self._act(session, plan.id, action, user, now)
            return self._view(session, plan.id)

    def approve_plan(self, plan_id: int, version: int | None = None) -> PlanView:
        """Approve a plan sent for review: it is final from now on."""
        plan_id, seen = arguments.record_id(plan_id, "plan"), arguments.version(version, optional=True)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            plan = self._reviewable(session, plan_id, user, now, "approve", "approved", seen)
            self._save(session, plan, user, now, "approve plan", status="approved", reviewed_at=now,
                       reviewed_by_id=user.id, approved_at=now, approved_by_id=user.id, correction_due_at=None)
            self._act(session, plan.id, "approve", user, now)
            view = self._view(session, plan.id)
            self._tell_drafter(session, view, user, now)
            return view

    def return_plan(self, plan_id: int, comment: str, due: datetime | date | None = None,
                    version: int | None = None) -> PlanView:
        """Send a plan back to its drafter with what to correct and by when (the notes' correction window
        by default)."""
        plan_id, seen = arguments.record_id(plan_id, "plan"), arguments.version(version, optional=True)
        if not isinstance(comment, str) or not comment.strip():
            raise InvalidPlan("Say what needs correcting before returning the plan.")
        comment = arguments.text(comment.strip(), "return comment", error=InvalidPlan, most=COMMENT_MAX_CHARS,
                                 lines=True)
        given = None if due is None else arguments.day_or_moment(due, "correction due date", InvalidPlan)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            plan = self._reviewable(session, plan_id, user, now, "return", "returned", seen)
            due_at = self._plan_correction_due(given, now)
            self._save(session, plan, user, now, "return plan", status="returned", reviewed_at=now,
                       reviewed_by_id=user.id, correction_due_at=due_at, detail={"comment": comment, "due": due_at})
            self._act(session, plan.id, "return", user, now, comment=comment, due_at=due_at)
            view = self._view(session, plan.id)
            self._tell_drafter(session, view, user, now)
            return view

    def record_contest(self, plan_id: int, requested_by: str, requested_on: date, provision: str,
                       person_id: int | None = None) -> PlanView:
        """A request for a hearing to contest a provision of the plan, by the child, a parent or another
        (``person_id``: a person of the family), made on ``requested_on``. Kept as recorded."""
        plan_id = arguments.record_id(plan_id, "plan")
        requested_by = arguments.text(requested_by, "name of who contests", error=InvalidPlan, most=NAME_MAX_CHARS,
                                      empty=False).strip()
        requested_on = arguments.day(requested_on, "day the hearing was requested", InvalidPlan)
        provision = arguments.text(provision, "provision contested", error=InvalidPlan, most=COMMENT_MAX_CHARS,
                                   lines=True, empty=False).strip()
        person_id = None if person_id is None else arguments.record_id(person_id, "person")
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            plan = self._plan(session, plan_id)
            check_may_read_plans(session, user, plan.case_id, now)
            check_may_draft(session, user, plan.case_id, now)
            if person_id is not None:
                self._person_of(session, plan.case_id, person_id)
            if requested_on > self._today(now):
                raise InvalidPlan("A request to contest the plan is recorded once it was made; "
                                  f"{requested_on:%m/%d/%Y} has not come yet.")
            session.connection().execute(insert(table_of(PlanContest)).values(
                plan_id=plan.id, person_id=person_id, requested_by=requested_by, requested_on=requested_on,
                provision=provision, recorded_at=now, recorded_by_id=user.id))
            audit(session, user, "record plan contest", "plan", plan.id, now,
                  {"requested_by": requested_by, "requested_on": requested_on}, case_id=plan.case_id)
            return self._view(session, plan.id)

    # --- reading -------------------------------------------------------------------------------------

    def plan(self, plan_id: int) -> PlanView:
        plan_id = arguments.record_id(plan_id, "plan")
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            plan = self._plan(session, plan_id)
            access = check_may_read_plans(session, user, plan.case_id, now)
            view = self._view(session, plan.id)
        self._audit_read(access, plan.case_id, "plan", plan_id)
        return view

    def plans(self, case_id: int) -> list[PlanView]:
        """The family's plans, the family plan first, then each child's, every version oldest first."""
        case_id = arguments.record_id(case_id, "family")
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            access = check_may_read_plans(session, user, case_id, now)
            ids = session.scalars(select(Plan.id).where(Plan.case_id == case_id).order_by(
                Plan.child_id.is_not(None), Plan.child_id, Plan.plan_version, Plan.id))
            views = [self._view(session, plan_id) for plan_id in ids]
        self._audit_read(access, case_id, "plans", case_id)
        return views

    def plan_history(self, plan_id: int) -> PlanHistory:
        """Every saved version of the plan with what each changed, its review actions, and the plan's
        earlier (approved) versions."""
        plan_id = arguments.record_id(plan_id, "plan")
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            plan = self._plan(session, plan_id)
            access = check_may_read_plans(session, user, plan.case_id, now)
            logins = dict(session.execute(select(Worker.id, Worker.login)).all())
            revisions: list[PlanRevisionView] = []
            before: dict[str, Any] = {"sections": {}, "participants": [], "plan_date": None}
            for row in session.scalars(select(PlanRevision).where(PlanRevision.plan_id == plan.id)
                                       .order_by(PlanRevision.version)):
                snap = row.snapshot
                revisions.append(PlanRevisionView(
                    version=row.version, saved_at=row.saved_at, saved_by=logins.get(row.saved_by_id, "?"),
                    status=row.status, sections=tuple(snap["sections"].items()),
                    participants=tuple(PlanParticipantView(*p) for p in snap["participants"]),
                    plan_date=date.fromisoformat(snap["plan_date"]), changes=_changes(before, snap)))
                before = snap
            actions = tuple(PlanReviewActionView(a.action, a.at, logins.get(a.by_id, "?"), a.comment, a.due_at)
                            for a in session.scalars(select(PlanReviewAction).where(
                                PlanReviewAction.plan_id == plan.id).order_by(PlanReviewAction.id)))
            earlier, previous = [], plan.previous_plan_id
            while previous is not None:
                earlier.append(previous)
                previous = session.scalar(select(Plan.previous_plan_id).where(Plan.id == previous))
        self._audit_read(access, plan.case_id, "plan", plan_id)
        return PlanHistory(plan.id, plan.plan_version, tuple(revisions), actions, tuple(reversed(earlier)))

    def plan_review_queue(self) -> list[PlanView]:
        """Plans my workers sent me for review, the one due soonest first."""
        with self.db.reading() as session:
            ids = session.scalars(select(Plan.id).join(Worker, Worker.id == Plan.drafter_id).where(
                Worker.supervisor_id == self.worker_id, Plan.status.in_(UNDER_REVIEW)))
            views = [self._view(session, plan_id) for plan_id in ids]
        return sorted(views, key=lambda view: (view.review_due_at or view.created_at, view.id))

    # --- the plan elements a note discussed ------------------------------------------------------------

    def plan_elements_offered(self, note_id: int) -> tuple[PlanElement, ...]:
        """The elements a note may be tagged with: the sections of the current approved family plan and
        of the current approved plan of each child present at the note."""
        note_id = arguments.record_id(note_id, "note")
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            note = self._note(session, note_id)
            check_may_read_plans(session, user, note.stage.case_id, now)
            return self._offered(session, note)

    def plan_elements_for(self, stage_id: int, person_ids: Any) -> tuple[PlanElement, ...]:
        """What ``plan_elements_offered`` would say of a note of the stage with these persons present: for
        an editor whose note is not saved yet, or whose people present just changed."""
        stage_id = arguments.record_id(stage_id, "stage")
        if isinstance(person_ids, (str, bytes, dict)) or not isinstance(person_ids, (list, tuple, set, frozenset)):
            raise InvalidPlan("The persons present are given as a list.")
        present = {arguments.record_id(person_id, "person") for person_id in person_ids}
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            stage = self._stage(session, stage_id)
            check_may_read_plans(session, user, stage.case_id, now)
            return self._offered_to(session, stage.case_id, present)

    def set_note_plan_elements(self, note_id: int, elements: Any) -> tuple[PlanElement, ...]:
        """The plan elements the note discussed, a list of (plan id, section key), replacing those before; each a
        section of the current approved plan of the family or of a child present at the note. Only while
        the note may be changed, by its author or whoever entered it.

        Tagging keeps the note's version and writes no revision: the elements are the note's index into the
        plan, not what it says (an editor's autosave of the same note goes on with the version it holds).
        0015's triggers fix them with the note, and each change is audited with the whole list."""
        note_id = arguments.record_id(note_id, "note")
        if isinstance(elements, (str, bytes, dict)) or not isinstance(elements, (list, tuple)):
            raise InvalidPlan("The plan elements are given as a list of (plan, section) pairs.")
        wanted: list[tuple[int, str]] = []
        for element in elements:
            if not isinstance(element, (list, tuple)) or len(element) != 2:
                raise InvalidPlan("Each plan element is a (plan, section) pair.")
            pair = (arguments.record_id(element[0], "plan"),
                    arguments.text(element[1], "plan section", error=InvalidPlan, most=40, empty=False))
            if pair not in wanted:
                wanted.append(pair)
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            note = self._note(session, note_id, lock=True)
            check_may_read_plans(session, user, note.stage.case_id, now)
            check_edit(session, note, user, now, self.policy)
            offered = {(e.plan_id, e.section_key): e for e in self._offered(session, note)}
            for plan_id, key in wanted:
                if (plan_id, key) not in offered:
                    raise InvalidPlan(f"Section {key!r} of plan number {plan_id} is not an element of the current "
                                      "approved plan of this family or of a child present at this note.")
            connection = session.connection()
            connection.execute(delete(table_of(NotePlanElement)).where(NotePlanElement.note_id == note.id))
            if wanted:
                connection.execute(insert(table_of(NotePlanElement)),
                                   [{"note_id": note.id, "plan_id": p, "section_key": k} for p, k in wanted])
            audit(session, user, "tag plan elements", "note", note.id, now,
                  {"elements": [[p, k] for p, k in wanted]}, case_id=note.stage.case_id)
            return tuple(offered[pair] for pair in wanted)

    def note_plan_elements(self, note_id: int) -> tuple[PlanElement, ...]:
        """The plan elements the note says were discussed."""
        note_id = arguments.record_id(note_id, "note")
        with self.db.reading() as session:
            user, now = self._user(session), self._now()
            note = self._note(session, note_id)
            check_may_read_plans(session, user, note.stage.case_id, now)
            rows = session.execute(select(NotePlanElement.plan_id, Plan.child_id, NotePlanElement.section_key)
                                   .join(Plan, Plan.id == NotePlanElement.plan_id)
                                   .where(NotePlanElement.note_id == note.id)
                                   .order_by(NotePlanElement.plan_id, NotePlanElement.section_key)).all()
            return tuple(_element(session, *row) for row in rows)

    # --- the footing ---------------------------------------------------------------------------------

    def _offered(self, session: Session, note: Note) -> tuple[PlanElement, ...]:
        present = set(session.scalars(select(NoteParticipant.person_id).where(NoteParticipant.note_id == note.id)))
        return self._offered_to(session, note.stage.case_id, present)

    def _offered_to(self, session: Session, case_id: int, present: set[int]) -> tuple[PlanElement, ...]:
        elements: list[PlanElement] = []
        for plan in session.scalars(select(Plan).where(Plan.case_id == case_id, Plan.status == "approved")
                                    .order_by(Plan.child_id.is_not(None), Plan.child_id, Plan.plan_version)):
            if plan.child_id is not None and plan.child_id not in present:
                continue
            newer = select(Plan.id).where(Plan.previous_plan_id == plan.id, Plan.status == "approved")
            if session.scalar(newer) is not None:
                continue
            elements += [_element(session, plan.id, plan.child_id, key) for key in self._keys(session, plan)]
        return tuple(elements)

    def _new_plan(self, session: Session, user: Worker, now: datetime, case_id: int, child_id: int | None,
                  day: date, plan_version: int, previous: int | None, sections: dict[str, str],
                  participants: list[tuple[int | None, str, str]], action: str) -> PlanView:
        connection = session.connection()
        plan_id = connection.execute(insert(_PLAN).returning(_PLAN.c.id), {
            "case_id": case_id, "child_id": child_id, "plan_date": day, "status": "draft", "version": 1,
            "plan_version": plan_version, "previous_plan_id": previous, "drafter_id": user.id, "created_at": now,
        }).scalar_one()
        plan = session.get_one(Plan, plan_id)
        keys = self._keys(session, plan)
        sections = {key: text for key, text in sections.items() if key in keys}
        _write_revision(connection, plan_id, 1, now, user, "draft", _snapshot(day, sections, participants))
        _write_parts(connection, plan_id, sections, {}, participants, None)
        audit(session, user, action, "plan", plan_id, now,
              {"child": child_id, "plan_version": plan_version, "previous": previous}, case_id=case_id)
        return self._view(session, plan_id)

    def _save(self, session: Session, plan: Plan, user: Worker, now: datetime, action: str, *,
              sections: dict[str, str] | None = None, participants: list[tuple[int | None, str, str]] | None = None,
              detail: dict[str, Any] | None = None, **fields: Any) -> None:
        """One change of the plan row: its revision first, the sections and participants, then the row
        with its version raised by one (the triggers of 0015 ask for that order), and the audit row."""
        connection = session.connection()
        old_sections, old_participants = _sections(session, plan.id), _participants(session, plan.id)
        new_sections = old_sections if sections is None else sections
        new_participants = old_participants if participants is None else participants
        version, status = plan.version + 1, fields.get("status", plan.status)
        _write_revision(connection, plan.id, version, now, user, status,
                        _snapshot(plan.plan_date, new_sections, new_participants))
        _write_parts(connection, plan.id, new_sections if sections is not None else {}, old_sections,
                     new_participants if participants is not None else [],
                     old_participants if participants is not None else None)
        connection.execute(update(_PLAN).where(_PLAN.c.id == plan.id).values(version=version, **fields))
        session.expire(plan)
        audit(session, user, action, "plan", plan.id, now, {"version": version, **(detail or {})},
              case_id=plan.case_id)

    def _tell_drafter(self, session: Session, plan: PlanView, user: Worker, now: datetime) -> None:
        """The drafter's inbox hears of each return and of the approval (once: an approved plan is final)."""
        family = session.get_one(Case, plan.case_id).family_name
        whose = "family" if plan.child_name is None else f"{plan.child_name}'s"
        what = f"{whose} plan (version {plan.plan_version}, {family} family)"
        if plan.status == "returned":
            assert plan.correction_due_at is not None
            kind, key = "plan returned", f"returned:plan:{plan.id}:{now:%Y%m%dT%H%M%S.%f}"
            sentence = (f"{user.name} returned your {what} for correction by "
                        f"{local_text(plan.correction_due_at, self.policy)}.")
        else:
            kind, key = "plan approved", f"approved:plan:{plan.id}"
            sentence = f"{user.name} approved your {what}; it is final."
        notify(session, session.get_one(Plan, plan.id).drafter_id, kind, sentence, key, now,
               entity="plan", entity_id=plan.id, case_id=plan.case_id)

    @staticmethod
    def _act(session: Session, plan_id: int, action: str, user: Worker, now: datetime, comment: str | None = None,
             due_at: datetime | None = None) -> None:
        session.connection().execute(insert(table_of(PlanReviewAction)).values(
            plan_id=plan_id, action=action, at=now, by_id=user.id, comment=comment, due_at=due_at))

    def _writable(self, session: Session, plan_id: int, user: Worker, now: datetime, version: int) -> Plan:
        plan = self._plan(session, plan_id)
        check_may_read_plans(session, user, plan.case_id, now)
        check_may_draft(session, user, plan.case_id, now)
        plan = self._locked(session, plan)
        check_editable(plan)
        _check_version(plan, version)
        return plan

    def _reviewable(self, session: Session, plan_id: int, user: Worker, now: datetime, doing: str, to: str,
                    seen: int | None) -> Plan:
        plan = self._plan(session, plan_id)
        check_may_read_plans(session, user, plan.case_id, now)
        check_may_review_plan(session, plan, user)
        plan = self._locked(session, plan)
        check_move(plan, to, f"{doing}d" if doing.endswith("e") else f"{doing}ed")
        _check_version(plan, seen)
        return plan

    @staticmethod
    def _plan(session: Session, plan_id: int) -> Plan:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFound(f"There is no plan number {plan_id}.")
        return plan

    @staticmethod
    def _locked(session: Session, plan: Plan) -> Plan:
        """The plan locked for this change, read again, once the rules let the user make it (locking first
        would hide, on the agency server, a plan the user may read but not change, before the rules said
        why)."""
        locked = session.get(Plan, plan.id, with_for_update=True, populate_existing=True)
        if locked is None:
            raise NoAccess("You may read this plan but not change it.")
        return locked

    @staticmethod
    def _child_of(session: Session, case_id: int, child_id: int) -> Person:
        child = session.get(Person, child_id)
        if child is None or child.case_id != case_id or not child.is_child:
            raise InvalidPlan(f"Person number {child_id} is not a child of this family; a child's plan is for "
                              "one of the family's children.")
        return child

    @staticmethod
    def _person_of(session: Session, case_id: int, person_id: int) -> Person:
        person = session.get(Person, person_id)
        if person is None or person.case_id != case_id:
            raise InvalidPlan(f"Person number {person_id} is not of this family.")
        return person

    @staticmethod
    def _keys(session: Session, plan: Plan) -> tuple[str, ...]:
        return plan_keys_of(session, plan)

    def _today(self, now: datetime) -> date:
        return pendulum.instance(now).in_timezone(self.policy.zone).date()

    def _plan_day(self, day: date | None, now: datetime) -> date:
        today = self._today(now)
        if day is None:
            return today
        if day > today:
            raise InvalidPlan(f"A plan is dated the day it is made, not later: {day:%m/%d/%Y} has not come yet.")
        return day

    def _plan_correction_due(self, due: date | datetime | None, now: datetime) -> datetime:
        if due is None:
            return correction_due(now, self.policy)
        if isinstance(due, datetime):
            due_at = utc(due if due.tzinfo else pendulum.instance(due, tz=self.policy.zone))
        else:  # a date means the end of that day in the agency
            due_at = utc(pendulum.datetime(due.year, due.month, due.day, 23, 59, 59, tz=self.policy.zone))
        if due_at <= now:
            raise InvalidPlan(f"The correction due date {local_text(due_at, self.policy)} has already passed.")
        return due_at

    def _view(self, session: Session, plan_id: int) -> PlanView:
        plan = session.get_one(Plan, plan_id, populate_existing=True)
        logins = {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_(
            {plan.drafter_id, plan.reviewed_by_id or plan.drafter_id, plan.approved_by_id or plan.drafter_id})))}
        child = None if plan.child_id is None else session.get_one(Person, plan.child_id)
        keys = self._keys(session, plan)
        written = _sections(session, plan.id)
        order = list(keys) + sorted(set(written) - set(keys))
        contests = tuple(
            PlanContestView(c.id, c.person_id, c.requested_by, c.requested_on, c.provision, c.recorded_at,
                            session.get_one(Worker, c.recorded_by_id).login)
            for c in session.scalars(select(PlanContest).where(PlanContest.plan_id == plan.id)
                                     .order_by(PlanContest.id)))
        drafter = logins[plan.drafter_id]
        return PlanView(
            id=plan.id, case_id=plan.case_id, child_id=plan.child_id,
            child_name=child.full_name if child else None, plan_date=plan.plan_date, status=plan.status,
            version=plan.version, plan_version=plan.plan_version, previous_plan_id=plan.previous_plan_id,
            drafter=drafter.login, drafter_name=drafter.name, created_at=plan.created_at,
            submitted_at=plan.submitted_at, reviewed_at=plan.reviewed_at,
            reviewed_by=logins[plan.reviewed_by_id].login if plan.reviewed_by_id else None,
            correction_due_at=plan.correction_due_at, approved_at=plan.approved_at,
            approved_by=logins[plan.approved_by_id].login if plan.approved_by_id else None,
            review_due_at=(review_due(plan.submitted_at, plan.status == "resubmitted", self.policy)
                           if plan.status in UNDER_REVIEW and plan.submitted_at else None),
            section_keys=keys, sections=tuple((key, written[key]) for key in order if key in written),
            participants=tuple(PlanParticipantView(*p) for p in _participants(session, plan.id)),
            contests=contests)


def plan_keys_of(session: Session, plan: Plan) -> tuple[str, ...]:
    """The sections this plan has: by the child's age on the plan date (``plan_keys.py``)."""
    birth = None if plan.child_id is None else session.get_one(Person, plan.child_id).birth_date
    return plan_section_keys(birth, plan.plan_date, family=plan.child_id is None)


def _element(session: Session, plan_id: int, child_id: int | None, key: str) -> PlanElement:
    child = None if child_id is None else session.get_one(Person, child_id).full_name
    return PlanElement(plan_id, child_id, key, section_title(key, family=child_id is None), child)


def _same_child(child_id: int | None) -> Any:
    return Plan.child_id.is_(None) if child_id is None else Plan.child_id == child_id


def _check_version(plan: Plan, seen: int | None) -> None:
    if seen is not None and seen != plan.version:
        raise StaleEdit("Someone saved this plan after you opened it. Your change was not saved; reopen the plan "
                        "to see the latest version.")


def _sections(session: Session, plan_id: int) -> dict[str, str]:
    return dict(session.execute(select(PlanSectionText.key, PlanSectionText.text)
                                .where(PlanSectionText.plan_id == plan_id)).all())


def _participants(session: Session, plan_id: int) -> list[tuple[int | None, str, str]]:
    rows = session.execute(select(PlanParticipant.person_id, PlanParticipant.name, PlanParticipant.role)
                           .where(PlanParticipant.plan_id == plan_id).order_by(PlanParticipant.id)).all()
    return [(person_id, name or "", role) for person_id, name, role in rows]


def _participants_given(participants: Any) -> list[tuple[int | None, str, str]]:
    if isinstance(participants, (str, bytes, dict)) or not isinstance(participants, (list, tuple)):
        raise InvalidPlan("A plan's participants are given as a list.")
    if len(participants) > PARTICIPANTS_MOST:
        raise InvalidPlan(f"A plan names at most {PARTICIPANTS_MOST} participants.")
    given: list[tuple[int | None, str, str]] = []
    for entry in participants:
        if not isinstance(entry, dict) or set(entry) - {"person_id", "name", "role"}:
            raise InvalidPlan("Each participant is given by person_id or name, with a role.")
        role = arguments.text(entry.get("role"), "participant's role", error=InvalidPlan, most=ROLE_MAX_CHARS,
                              empty=False).strip()
        if entry.get("person_id") is not None:
            given.append((arguments.record_id(entry["person_id"], "person"), "", role))
        else:
            name = arguments.text(entry.get("name"), "participant's name", error=InvalidPlan, most=NAME_MAX_CHARS,
                                  empty=False).strip()
            given.append((None, name, role))
    return given


def _snapshot(day: date, sections: dict[str, str], participants: list[tuple[int | None, str, str]]) -> dict[str, Any]:
    return {"plan_date": day.isoformat(), "sections": dict(sections),
            "participants": [list(p) for p in participants]}


def _write_revision(connection: Connection, plan_id: int, version: int, now: datetime, user: Worker, status: str,
                    snapshot: dict[str, Any]) -> None:
    connection.execute(insert(table_of(PlanRevision)).values(
        plan_id=plan_id, version=version, saved_at=now, saved_by_id=user.id, status=status, snapshot=snapshot))


def _write_parts(connection: Connection, plan_id: int, sections: dict[str, str], old_sections: dict[str, str],
                 participants: list[tuple[int | None, str, str]],
                 old_participants: list[tuple[int | None, str, str]] | None) -> None:
    """The sections that changed (a section is never deleted, only emptied) and, when given, the
    participants (the old ones removed, the new ones added)."""
    table = table_of(PlanSectionText)
    for key, text in sections.items():
        if key not in old_sections:
            connection.execute(insert(table).values(plan_id=plan_id, key=key, text=text))
        elif old_sections[key] != text:
            connection.execute(update(table).where(table.c.plan_id == plan_id, table.c.key == key).values(text=text))
    if old_participants is not None:
        connection.execute(delete(table_of(PlanParticipant)).where(PlanParticipant.plan_id == plan_id))
    if participants:
        connection.execute(insert(table_of(PlanParticipant)), [
            {"plan_id": plan_id, "person_id": p, "name": n or None, "role": r} for p, n, r in participants])


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[PlanChange, ...]:
    changes = [PlanChange(key, before["sections"].get(key, ""), text)
               for key, text in after["sections"].items() if before["sections"].get(key, "") != text]
    if before["participants"] != after["participants"]:
        changes.append(PlanChange("participants", _named(before["participants"]), _named(after["participants"])))
    if before["plan_date"] is not None and before["plan_date"] != after["plan_date"]:
        changes.append(PlanChange("plan_date", before["plan_date"], after["plan_date"]))
    return tuple(changes)


def _named(participants: list[list[Any]]) -> str:
    return "; ".join(f"{name} ({role})" for _person, name, role in participants)
