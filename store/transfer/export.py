"""The agency's records as the import files hold them: ``casenotes export`` writes them, and
``casenotes import`` compares each row it reads with the record's row here (new, unchanged, changed).

A record brought in by an import keeps its external key; any other record gets one made from its
casenotes number (W12 for worker 12), so that the files point to each other all the same.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.db.models import (Case, ExternalKey, Person, Placement, RoleAssignment, RoleChild, Stage, StagePerson,
                             Unit, Worker, WorkerFunction)
from store.transfer.formats import (FAMILIES, FILES, PERSONS, PLACEMENTS, ROLES, STAFF, STAGES, UNITS, FileFormat,
                                    natural, write_day, write_ended, write_flag, write_keys,
                                    write_moment)

PREFIX = {"unit": "U", "worker": "W", "case": "F", "person": "P", "stage": "S", "role": "R", "placement": "L"}


@dataclass
class Keys:
    """The external key of every record: stored by an import, or made from its number."""

    stored: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))  # kind → key → id
    of: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))  # kind → id → key

    @classmethod
    def load(cls, session: Session) -> Keys:
        keys = cls()
        for kind, key, record_id in session.execute(select(ExternalKey.kind, ExternalKey.key, ExternalKey.record_id)):
            keys.stored[kind][key] = record_id
            keys.of[kind][record_id] = key
        return keys

    def key(self, kind: str, record_id: int | None) -> str:
        if record_id is None:
            return ""
        known = self.of[kind].get(record_id)
        if known is None:
            known = f"{PREFIX[kind]}{record_id}"
            while known in self.stored[kind]:  # an agency key that happens to look like ours
                known = f"{known}-casenotes"
            self.of[kind][record_id] = known
        return known


@dataclass
class Records:
    """Every record as rows of the import files: file name → key → column → cell."""

    keys: Keys
    rows: dict[str, dict[str, dict[str, str]]]


def agency_rows(session: Session, zone: str) -> Records:
    keys = Keys.load(session)
    k = keys.key

    def when(value: object) -> str:
        return write_moment(value, zone)  # type: ignore[arg-type]

    rows: dict[str, dict[str, dict[str, str]]] = {spec.name: {} for spec in FILES}
    for unit in session.scalars(select(Unit).order_by(Unit.id)):
        rows[UNITS.name][k("unit", unit.id)] = {"unit_id": k("unit", unit.id), "name": unit.name}
    functions: dict[int, list[str]] = defaultdict(list)
    for worker_id, code in session.execute(select(WorkerFunction.worker_id, WorkerFunction.code)):
        functions[worker_id].append(code)
    for w in session.scalars(select(Worker).order_by(Worker.id)):
        rows[STAFF.name][k("worker", w.id)] = {
            "worker_id": k("worker", w.id), "login": w.login, "name": w.name, "title": w.title,
            "employer": w.employer, "agency": w.agency, "unit_id": k("unit", w.unit_id),
            "supervisor_id": k("worker", w.supervisor_id), "functions": ";".join(sorted(functions[w.id])),
            "active": write_flag(w.active), "deactivated_at": when(w.deactivated_at)}
    for c in session.scalars(select(Case).order_by(Case.id)):
        rows[FAMILIES.name][k("case", c.id)] = {"family_id": k("case", c.id), "family_name": c.family_name,
                                                "opened_at": when(c.opened_at)}
    for p in session.scalars(select(Person).order_by(Person.id)):
        rows[PERSONS.name][k("person", p.id)] = {
            "person_id": k("person", p.id), "family_id": k("case", p.case_id), "first_name": p.first_name,
            "last_name": p.last_name, "birth_date": write_day(p.birth_date), "relationship": p.relationship_,
            "child": write_flag(p.is_child), "sex": p.sex or ""}
    persons: dict[int, list[str]] = defaultdict(list)
    ended: dict[int, list[tuple[str, datetime | None]]] = defaultdict(list)
    for stage_id, person_id, ended_at in session.execute(
            select(StagePerson.stage_id, StagePerson.person_id, StagePerson.ended_at)):
        persons[stage_id].append(k("person", person_id))
        if ended_at is not None:
            ended[stage_id].append((k("person", person_id), ended_at))
    for s in session.scalars(select(Stage).order_by(Stage.id)):
        rows[STAGES.name][k("stage", s.id)] = {
            "stage_id": k("stage", s.id), "family_id": k("case", s.case_id), "type": s.type, "subtype": s.subtype or "",
            "parent_stage_id": k("stage", s.parent_id), "opened_at": when(s.opened_at),
            "persons": write_keys(persons[s.id]), "ended_persons": write_ended(ended[s.id], zone),
            "closing_started_by": k("worker", s.closing_started_by_id),
            "closing_started_at": when(s.closing_started_at), "closing_reason": s.closing_reason or "",
            "closed_at": when(s.closed_at), "close_reason": s.close_reason or "",
            "administrative": write_flag(s.administrative), "source_worker_id": k("worker", s.source_worker_id),
            "narrative": s.narrative or "", "application_date": write_day(s.application_date),
            "preventive_only": write_flag(s.preventive_only), "linked_family_id": k("case", s.linked_case_id),
            "primary_caretaker_id": k("person", s.primary_caretaker_id), "app_reg_at": when(s.app_reg_at),
            "parent_services": write_flag(s.parent_services)}
    children: dict[int, list[str]] = defaultdict(list)
    for assignment_id, person_id in session.execute(select(RoleChild.assignment_id, RoleChild.person_id)):
        children[assignment_id].append(k("person", person_id))
    for r in session.scalars(select(RoleAssignment).order_by(RoleAssignment.id)):
        rows[ROLES.name][k("role", r.id)] = {
            "role_id": k("role", r.id), "stage_id": k("stage", r.stage_id), "worker_id": k("worker", r.worker_id),
            "role": r.role, "starts_at": when(r.starts_at), "ends_at": when(r.ends_at),
            "children": write_keys(children[r.id])}
    for pl in session.scalars(select(Placement).order_by(Placement.id)):
        rows[PLACEMENTS.name][k("placement", pl.id)] = {
            "placement_id": k("placement", pl.id), "child_id": k("person", pl.person_id),
            "stage_id": k("stage", pl.stage_id), "starts_on": write_day(pl.starts_on),
            "ends_on": write_day(pl.ends_on), "setting": pl.setting, "basis": pl.basis or ""}
    return Records(keys, rows)


def write_files(records: Records, folder: Path) -> dict[str, int]:
    """The files in ``folder`` (made if needed), rows in the order of their keys; rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for spec in FILES:
        written[spec.name] = write_file(folder / spec.name, spec, records.rows[spec.name])
    return written


def write_file(path: Path, spec: FileFormat, rows: dict[str, dict[str, str]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.name for c in spec.columns])
        for key in sorted(rows, key=natural):
            writer.writerow([rows[key][c.name] for c in spec.columns])
    return len(rows)
