"""A case's activity history: every maintenance change made in the family's case (a stage opened, a
role assigned or ended, a person added, a child placed, a stage closed…), who made it, when, and the
values before and after, newest first.

The history is read from the audit record. A change belongs to the case by the ``case_id`` its row
carries (``journal.activity``), found by its index. For a case opened before rows kept the case
(its "open case" row has none), the rows without it are found by what they are about: the case
itself, its persons, stages, role assignments and placements. Reads of the record are not activity,
nor are the notes' own saves (the notes list beside it is their history).

The same readers as the case record, except two: staff who enter notes for others reach a case only
to type its notes, and a child's advocate reads that child's notes; neither reads the family's
activity. A read from outside the assignment (a supervisor's) is audited as other reads are.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.errors import NotFound
from store.core.results import ActivityEntry, CaseActivity
from store.db.models import AuditEntry, Case, Person, Placement, RoleAssignment, Stage, Worker
from store.db.unseen import case_exists
from store.desks.activity_sentences import SYSTEM, CaseNames, Row, logins_in, words
from store.desks.base import READ_AUDIT_EVERY, DeskBase
from store.rules.access import case_access, check_may_read_activity

ACTIVITY_PAGE = 100  # entries a page: a screenful or three
ACTIVITY_PAGE_MOST = 500


def case_activity_filter(case_id: int, *, unkeyed: bool) -> ColumnElement[bool]:
    """The audit rows that belong to the case's activity history. ``unkeyed``: also the rows without
    the case (written before rows kept it), found by what they are about: the audit record has no index
    for that, so it is asked only for a case whose opening row does not carry the case."""
    stages = select(Stage.id).where(Stage.case_id == case_id)
    persons = select(Person.id).where(Person.case_id == case_id)
    placements = select(Placement.id).join(Stage, Stage.id == Placement.stage_id).where(Stage.case_id == case_id)
    roles = select(RoleAssignment.id).join(Stage, Stage.id == RoleAssignment.stage_id).where(
        Stage.case_id == case_id)
    about_the_case = or_(
        and_(AuditEntry.entity == "case", AuditEntry.entity_id == case_id),
        and_(AuditEntry.entity == "stage", AuditEntry.entity_id.in_(stages)),
        and_(AuditEntry.entity == "person", AuditEntry.entity_id.in_(persons)),
        and_(AuditEntry.entity == "placement", AuditEntry.entity_id.in_(placements)),
        and_(AuditEntry.entity == "role", AuditEntry.entity_id.in_(roles)))
    belongs = or_(AuditEntry.case_id == case_id, and_(AuditEntry.case_id.is_(None), about_the_case)) if unkeyed \
        else AuditEntry.case_id == case_id
    return and_(belongs, AuditEntry.entity != "note", ~AuditEntry.action.startswith("read "))


class ActivityDesk(DeskBase):
    def case_activity(self, case_id: int, limit: int = ACTIVITY_PAGE, before_id: int | None = None) -> CaseActivity:
        """The case's maintenance changes, newest first: ``limit`` of them, and with ``before_id``
        (the last entry of the page before) the ones older than that entry. ``more`` says whether
        older ones follow."""
        case_id = arguments.record_id(case_id, "case")
        limit = arguments.count(limit, "number of entries to show", least=1, most=ACTIVITY_PAGE_MOST)
        before_id = None if before_id is None else arguments.record_id(before_id, "entry of the activity history")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            if not case_exists(session, case_id):  # signed in as oneself, an unread family still exists
                raise NotFound(f"There is no case number {case_id}.")
            access = case_access(session, user, case_id, now)
            check_may_read_activity(access)
            case = session.get_one(Case, case_id)
            belongs = case_activity_filter(case_id, unkeyed=not _opened_keyed(session, case_id))
            query = select(AuditEntry, Worker.login, Worker.name).outerjoin(
                Worker, Worker.id == AuditEntry.worker_id).where(belongs)
            if before_id is not None:
                query = query.where(self._older_than(session, belongs, before_id))
            rows = list(session.execute(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit + 1)))
            more, rows = len(rows) > limit, rows[:limit]
            names = self._names(session, case, [entry for entry, _, _ in rows])
            entries = []
            for entry, login, name in rows:
                about, sentence, changes = words(Row(entry.action, entry.entity, entry.entity_id,
                                                     entry.detail or {}), names)
                entries.append(ActivityEntry(id=entry.id, at=entry.at, who=name or SYSTEM, who_login=login,
                                             action=entry.action, about=about, sentence=sentence, changes=changes))
            activity = CaseActivity(case_id, case.family_name, tuple(entries), more)
        self._audit_read(access, case_id, "case activity", case_id, every=READ_AUDIT_EVERY)
        return activity

    @staticmethod
    def _older_than(session: Session, belongs: ColumnElement[bool], entry_id: int) -> ColumnElement[bool]:
        at = session.scalar(select(AuditEntry.at).where(AuditEntry.id == entry_id, belongs))
        if at is None:
            raise NotFound(f"There is no entry number {entry_id} in this case's activity history.")
        return or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < entry_id))

    def _names(self, session: Session, case: Case, entries: list[AuditEntry]) -> CaseNames:
        """The names and labels the entries refer to by id or login."""
        stage_rows = session.execute(select(Stage.id, Stage.type, Stage.subtype).where(Stage.case_id == case.id))
        stages = {id_: f"{type_}-{subtype}" if subtype else type_ for id_, type_, subtype in stage_rows}
        person_rows = list(session.execute(select(Person.id, Person.first_name, Person.last_name, Person.relationship_)
                                           .where(Person.case_id == case.id)))
        placements = {id_: (person, stage) for id_, person, stage in session.execute(
            select(Placement.id, Placement.person_id, Placement.stage_id).where(Placement.stage_id.in_(list(stages))))}
        roles = {id_: (stage, name, role) for id_, stage, name, role in session.execute(
            select(RoleAssignment.id, RoleAssignment.stage_id, Worker.name, RoleAssignment.role)
            .join(Worker, Worker.id == RoleAssignment.worker_id).where(RoleAssignment.stage_id.in_(list(stages))))}
        logins = set().union(*(logins_in(entry.detail or {}) for entry in entries))
        workers = {login: name for login, name in session.execute(
            select(Worker.login, Worker.name).where(Worker.login.in_(logins)))}
        worker_ids = {entry.entity_id for entry in entries if entry.entity == "worker"}
        worker_names = {id_: name for id_, name in session.execute(
            select(Worker.id, Worker.name).where(Worker.id.in_(worker_ids)))}
        return CaseNames(family=case.family_name, zone=self.policy.zone, stages=stages,
                         persons={id_: Person.name_of(first, last) for id_, first, last, _ in person_rows},
                         relationships={id_: relationship for id_, _, _, relationship in person_rows},
                         placements=placements, roles=roles, workers=workers, worker_ids=worker_names)


def _opened_keyed(session: Session, case_id: int) -> bool:
    """Whether the case's opening was recorded with the case (by the index on the case's rows): then
    every change since was too, and no row without it needs looking for."""
    return session.scalar(select(AuditEntry.id).where(AuditEntry.case_id == case_id,
                                                      AuditEntry.action == "open case").limit(1)) is not None
