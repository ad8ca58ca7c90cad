"""Writing an import: every row that is new or changed, in one session, in the order the record
needs (units, staff, families, persons, stages along their tree, then roles as they started and
ended, placements, closings, and last the deactivations, since a deactivated worker takes no role).

Stages are opened and roles given by the store's own functions (``stage_opening.open_stage``,
``roles.assign``), each called with the import's ``Work`` at the moment the row says it happened,
so a refusal is the store's sentence. Each row is tried in a savepoint: a refused row is reported
with its file and line, the rows that need it are not tried, and the others go on being checked.
Units, workers, families, persons, stages, roles, placements and a stage's course all go through the
store's own functions (``staff``, ``intake``, ``stage_opening``, ``roles``, ``placements``,
``stage_persons``, ``stage_course``), so the import is held to the rules the desk is held to.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, TypeVar, cast

import pendulum
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from store.core.errors import InvalidStage, StoreError
from store.db.journal import activity, audit, change
from store.db.models import (Case, ExternalKey, Placement, Person, RoleAssignment, Stage, StagePerson, Worker,
                             table_of)
from store.core.intake_forms import NewPerson
from store.db.database import as_refusal
from store.desks import intake, placements, roles, staff, stage_course, stage_opening, stage_persons
from store.desks.base import Work
from store.transfer.checks import CHANGED, KIND_OF_FILE, NEW, Entry, Plan, refuse_from_store
from store.transfer.formats import FAMILIES, PERSONS, PLACEMENTS, ROLES, STAFF, STAGES, UNITS

T = TypeVar("T")
Progress = Callable[[int, int], None]
Step = tuple[Entry, Callable[[], None], tuple[tuple[str, str], ...]]


class Applying:
    def __init__(self, plan: Plan, work: Work, progress: Progress | None = None, *, careful: bool = True):
        """``careful``: each row in a savepoint, so that a refused row is reported and the others go on
        being tried; otherwise the first refusal is raised (the fast way, for files that pass)."""
        self.plan, self.work, self.session, self.careful = plan, work, work.session, careful
        self.objects: dict[tuple[type, int], Any] = {}  # held, so the session's identity map keeps them
        self.progress = progress or (lambda done, total: None)
        self.ids: dict[str, dict[str, int]] = {kind: dict(keys) for kind, keys in plan.records.keys.stored.items()}
        for kind in KIND_OF_FILE.values():
            self.ids.setdefault(kind, {})
        self.failed: set[tuple[str, str]] = set()
        self.skipped: set[tuple[str, int]] = set()
        self.new_keys: list[dict[str, Any]] = []
        self.changes = 0

    # the order -------------------------------------------------------------------------------

    def run(self) -> None:
        steps = list(self._steps())
        self._fail_what_needs_the_refused(steps)
        for done, (entry, do, needs) in enumerate(steps, 1):
            me = (entry.spec.kind, entry.key)
            if entry.bad or any(n in self.failed for n in needs):
                self.failed.add(me)
                if not entry.bad:
                    self.skipped.add((entry.spec.name, entry.line))
            elif not self.careful:
                do()
                self.changes += 1
            else:
                try:
                    with self.session.begin_nested():
                        do()
                        self.session.flush()
                    self.changes += 1
                except StoreError as error:
                    refuse_from_store(self.plan, entry, error)
                    self.failed.add(me)
                except DBAPIError as error:  # a trigger's refusal: the savepoint is undone, the rest goes on
                    refuse_from_store(self.plan, entry, as_refusal(error))
                    self.failed.add(me)
            self.progress(done, len(steps))
        if self.new_keys:
            self.session.execute(table_of(ExternalKey).insert(), self.new_keys)

    def _fail_what_needs_the_refused(self, steps: list[Step]) -> None:
        """The rows refused by the checks, and every row that needs one of them, however far down
        (a supervision circle has no order in which its members could be tried)."""
        self.failed = {(e.spec.kind, e.key) for name in self.plan.entries for e in self.plan.entries[name] if e.bad}
        grew = True
        while grew:
            grew = False
            for entry, _, needs in steps:
                me = (entry.spec.kind, entry.key)
                if me not in self.failed and any(n in self.failed for n in needs):
                    self.failed.add(me)
                    grew = True

    def _steps(self) -> Iterator[Step]:
        for entry in self._todo(UNITS.name):
            yield entry, partial(self._unit, entry), ()
        for entry in _supervisors_first(self._todo(STAFF.name)):
            yield entry, partial(self._worker, entry), tuple(_needs(entry))
        for entry in self._todo(FAMILIES.name):
            yield entry, partial(self._family, entry), ()
        for entry in self._todo(PERSONS.name):
            yield entry, partial(self._person, entry), tuple(_needs(entry))
        opening = self._opening_managers()
        for entry in _parents_first([e for e in self._todo(STAGES.name) if e.status == NEW]):
            manager = opening.get(entry.key)
            needs = tuple(_needs(entry)) + ((("worker", manager.values["worker_id"]),) if manager else ())
            yield entry, partial(self._open_stage, entry, manager), needs
        events: list[tuple[datetime, int, int, Step]] = []
        opening_roles = {id(entry) for entry in opening.values()}
        for order, entry in enumerate(self._todo(ROLES.name)):
            v = entry.values
            if entry.status == NEW and id(entry) not in opening_roles:
                step: Step = (entry, partial(self._assign, entry), tuple(_needs(entry)))
                events.append((v["starts_at"], 1, order, step))
            if v["ends_at"] is not None and (entry.status == NEW or "ends_at" in entry.changed):
                needs = (*_needs(entry), (ROLES.kind, entry.key))
                events.append((v["ends_at"], 0, order, (entry, partial(self._end_role, entry), needs)))
        for *_, step in sorted(events, key=lambda event: event[:3]):
            yield step
        for entry in sorted(self._todo(PLACEMENTS.name), key=lambda e: e.values["starts_on"] or date.min):
            yield entry, partial(self._placement, entry), tuple(_needs(entry))
        for entry in self._todo(STAGES.name):
            if "parent_services" in entry.changed:
                yield entry, partial(self._parent_services, entry), ((STAGES.kind, entry.key),)
        for entry in self._todo(STAGES.name):
            if entry.values["ended_persons"]:
                yield entry, partial(self._end_persons, entry), ((STAGES.kind, entry.key),)
        for entry in self._todo(STAGES.name):
            if any(entry.values[c] is not None for c in ("closing_started_at", "closed_at", "app_reg_at")):
                yield entry, partial(self._stage_course, entry), ((STAGES.kind, entry.key),)
        for entry in self._todo(STAFF.name):
            if not entry.values["active"]:
                yield entry, partial(self._deactivate, entry), ((STAFF.kind, entry.key),)

    def _todo(self, name: str) -> list[Entry]:
        return [e for e in self.plan.entries[name] if e.status in (NEW, CHANGED) or e.bad]

    def _opening_managers(self) -> dict[str, Entry]:
        """Each new stage's Case Manager from its opening: the first such row of roles.csv."""
        openings: dict[str, Entry] = {}
        new_stages = {e.key: e for e in self.plan.entries[STAGES.name] if e.status == NEW}
        for entry in self.plan.entries[ROLES.name]:
            v, stage = entry.values, new_stages.get(entry.values["stage_id"])
            if (entry.status == NEW and not entry.bad and stage is not None and v["role"] == "Case Manager"
                    and v["starts_at"] == stage.values["opened_at"] and stage.key not in openings):
                openings[stage.key] = entry
        return openings

    # the rows ------------------------------------------------------------------------------

    def _at(self, moment: datetime | None) -> Work:
        return dataclasses.replace(self.work, now=moment) if moment is not None else self.work

    def _get(self, model: type[T], record_id: int | None) -> T:
        """A record by its number, held for the rest of the import (one SELECT each, not one per row)."""
        assert record_id is not None
        held = self.objects.get((model, record_id))
        if held is None:
            held = self.objects[(model, record_id)] = self.session.get_one(model, record_id)
        return cast(T, held)

    def _id(self, kind: str, key: str | None) -> int | None:
        return None if key is None else self.ids[kind][key]

    def _keep(self, kind: str, key: str, record_id: int) -> None:
        self.ids[kind][key] = record_id
        self.new_keys.append({"kind": kind, "key": key, "record_id": record_id})

    def _unit(self, e: Entry) -> None:
        name = staff.clean_text(e.values["name"], "unit's name")
        if e.status == NEW:
            self._keep("unit", e.key, staff.add_unit(self.work, name))
        else:
            staff.rename_unit(self.work, self.ids["unit"][e.key], name)

    def _login_of(self, key: str | None) -> str | None:
        return None if key is None else self._get(Worker, self.ids["worker"][key]).login

    def _worker(self, e: Entry) -> None:
        v, policy = e.values, self.work.policy
        if e.status == NEW:
            profile = staff.clean_profile(policy, v["name"], v["title"], employer=v["employer"],
                                          agency=v["agency"] or "", unit=self._id("unit", v["unit_id"]),
                                          supervisor=self._login_of(v["supervisor_id"]), functions=list(v["functions"]))
            self._keep("worker", e.key, staff.add_worker(self.work, staff.clean_new_login(v["login"]), profile))
            return
        changes: dict[str, Any] = {}
        for column in e.changed:
            if column in ("name", "title", "agency"):
                changes[column] = v[column] or ""
            elif column == "unit_id":
                changes["unit"] = self._id("unit", v["unit_id"])
            elif column == "supervisor_id":
                changes["supervisor"] = self._login_of(v["supervisor_id"])
            elif column == "functions":
                changes["functions"] = list(v["functions"])
        if changes:
            login = self._get(Worker, self.ids["worker"][e.key]).login
            staff.change_worker(self.work, login, staff.clean_changes(policy, changes))

    def _deactivate(self, e: Entry) -> None:
        worker = self._get(Worker, self.ids["worker"][e.key])
        if worker.active:
            staff.deactivate_worker(self._at(e.values["deactivated_at"]), worker.login)

    def _family(self, e: Entry) -> None:
        v, now = e.values, self.work.now
        if e.status == NEW:
            opened = intake.open_family(self._at(v["opened_at"]), v["family_name"], [], None)
            self._keep("case", e.key, opened.case_id)
            return
        case = self._get(Case, e.record_id)
        before, case.family_name = case.family_name, v["family_name"]
        activity(self.session, None, "change case", "case", case.id, now, case_id=case.id,
                 before={"family": before}, after={"family": case.family_name})
        change(self.session, "case", case.id, "update", now)

    def _person(self, e: Entry) -> None:
        v = e.values
        if e.status == NEW:
            person = intake.add_person(self.work, self.ids["case"][v["family_id"]], NewPerson(
                v["first_name"], v["last_name"], v["relationship"], v["sex"], v["birth_date"], bool(v["child"])))
            self._keep("person", e.key, person.id)
            return
        intake.change_person(self.work, self._id("person", e.key) or 0,
                             **{c: v[c] for c in e.changed if c in ("first_name", "last_name", "birth_date", "sex")})

    def _open_stage(self, e: Entry, manager: Entry | None) -> None:
        v = e.values
        if manager is None:
            raise InvalidStage("the stage has no Case Manager from its opening.")
        worker = self._get(Worker, self.ids["worker"][manager.values["worker_id"]])
        stage = stage_opening.open_stage(
            self._at(v["opened_at"]), self.ids["case"][v["family_id"]], v["type"], case_manager=worker,
            person_ids=[self.ids["person"][p] for p in v["persons"]], subtype=v["subtype"],
            parent_id=self._id("stage", v["parent_stage_id"]))
        stage.administrative = bool(v["administrative"])
        stage.source_worker_id = self._id("worker", v["source_worker_id"])
        stage.narrative, stage.application_date = v["narrative"], v["application_date"]
        stage.preventive_only, stage.linked_case_id = v["preventive_only"], self._id("case", v["linked_family_id"])
        stage.primary_caretaker_id = self._id("person", v["primary_caretaker_id"])
        stage.parent_services = bool(v["parent_services"])
        self._keep("stage", e.key, stage.id)
        self.objects[(Stage, stage.id)] = stage
        assignment = self.session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.stage_id == stage.id, RoleAssignment.role == "Case Manager"))
        assert assignment is not None
        self._keep("role", manager.key, assignment)

    def _assign(self, e: Entry) -> None:
        v = e.values
        stage = self._get(Stage, self.ids["stage"][v["stage_id"]])
        worker = self._get(Worker, self.ids["worker"][v["worker_id"]])
        assignment = roles.assign(self._at(v["starts_at"]), stage, worker, v["role"],
                                  [self.ids["person"][c] for c in v["children"]])
        self._keep("role", e.key, assignment)

    def _end_role(self, e: Entry) -> None:
        if e.key not in self.ids["role"]:
            raise InvalidStage("the role was not given, so it cannot end.")
        assignment = self._get(RoleAssignment, self.ids["role"][e.key])
        ends_at = e.values["ends_at"]
        if assignment.ends_at == ends_at:  # a Case Manager's, ended as the next one started
            return
        if assignment.ends_at is not None:
            raise InvalidStage(f"this {assignment.role}'s role already ended when the next {assignment.role} "
                               f"started ({assignment.ends_at.isoformat()}); a stage has one {assignment.role} "
                               "at a time.")
        roles.end(self._at(ends_at), self._get(Stage, assignment.stage_id), assignment)

    def _placement(self, e: Entry) -> None:
        v = e.values
        if e.status == NEW:
            stage = self._get(Stage, self.ids["stage"][v["stage_id"]])
            placed = placements.place(self._at(self._day(v["starts_on"])), stage, self.ids["person"][v["child_id"]],
                                      v["starts_on"], placements.setting_of(v["setting"]), v["basis"])
            self._keep("placement", e.key, placed)
            if v["ends_on"] is None:
                return
        placement = self._get(Placement, self.ids["placement"][e.key])
        if "basis" in e.changed:
            placements.record_basis(self.work, placement, v["basis"])
        if e.status == NEW or "ends_on" in e.changed:
            placements.end(self._at(self._day(v["ends_on"])), placement, v["ends_on"])

    def _end_persons(self, e: Entry) -> None:
        """Persons taken out of the stage, each when the row says (the store's ``end_person``)."""
        stage = self._get(Stage, self.ids["stage"][e.key])
        for name, at in sorted(e.values["ended_persons"], key=lambda ended: ended[1]):
            person = self._get(Person, self.ids["person"][name])
            row = self.session.get(StagePerson, (stage.id, person.id))
            if row is None or row.ended_at is None:
                stage_persons.end_person(self._at(at), stage, person)

    def _stage_course(self, e: Entry) -> None:
        """A stage's App/Reg, start of closing and closing (each written once), by the store's functions
        at the moment the row says."""
        v = e.values
        stage = self._get(Stage, self.ids["stage"][e.key])
        if v["app_reg_at"] is not None and stage.app_reg_at is None:
            stage_course.app_reg(self._at(v["app_reg_at"]), stage, self._id("person", v["primary_caretaker_id"]))
        if v["closing_started_at"] is not None and stage.closing_started_at is None:
            stage_course.start_closing(self._at(v["closing_started_at"]), stage, v["closing_reason"] or "")
            stage.closing_started_by_id = self._id("worker", v["closing_started_by"])
        if v["closed_at"] is not None and stage.closed_at is None:
            stage_course.close(self._at(v["closed_at"]), stage, v["close_reason"] or "")

    def _parent_services(self, e: Entry) -> None:
        placements.set_parent_services(self.work, self._get(Stage, self.ids["stage"][e.key]),
                                       bool(e.values["parent_services"]))

    def _day(self, day: Any) -> datetime:
        """The start of a day in the agency's zone (when a placement began or ended, for its activity)."""
        return pendulum.datetime(day.year, day.month, day.day, tz=self.work.policy.time_zone)

    def audit_import(self, counts: dict[str, dict[str, int]]) -> None:
        audit(self.session, None, "import", "import", None, self.work.now,
              {"files": counts, "changes": self.changes})


def _needs(entry: Entry) -> Iterator[tuple[str, str]]:
    yield from entry.refs()


def _supervisors_first(entries: list[Entry]) -> list[Entry]:
    by_key = {e.key: e for e in entries}
    done: set[str] = set()
    ordered: list[Entry] = []

    def visit(entry: Entry, path: set[str]) -> None:
        if entry.key in done or entry.key in path:
            return
        boss = by_key.get(entry.values["supervisor_id"] or "")
        if boss is not None:
            visit(boss, path | {entry.key})
        done.add(entry.key)
        ordered.append(entry)

    for entry in entries:
        visit(entry, set())
    return ordered


def _parents_first(entries: list[Entry]) -> list[Entry]:
    by_key = {e.key: e for e in entries}
    done: set[str] = set()
    ordered: list[Entry] = []
    for entry in sorted(entries, key=lambda e: e.values["opened_at"].timestamp() if e.values["opened_at"] else 0):
        chain = []
        current: Entry | None = entry
        while current is not None and current.key not in done and current not in chain:
            chain.append(current)
            current = by_key.get(current.values["parent_stage_id"] or "")
        for item in reversed(chain):
            done.add(item.key)
            ordered.append(item)
    return ordered
