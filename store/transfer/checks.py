"""Reading an import folder and checking it before anything is written: every cell read as its
column says, every id unique, every id pointed to known (in the files or imported before), the
supervision chain without a circle, the stage tree, birth dates that have come, known business
functions, each stage's Case Manager from its opening. Each row is then new, unchanged or changed
against the record (by its external key); a change the record does not take is refused.

The rules a maintenance change follows in the store (roles, stage opening…) are checked when the
rows are tried against the store's own functions (``apply``), in the same report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pendulum

from store.core.errors import StoreError
from store.core.policy import Policy
from store.desks import placements
from store.rules import record_shape
from store.transfer import formats
from store.transfer.export import Records
from store.transfer.formats import (FAMILIES, FILES, PERSONS, PLACEMENTS, ROLES, STAFF, STAGES, UNITS, Column,
                                    FileFormat, Problem, Row)

NEW, UNCHANGED, CHANGED = "new", "unchanged", "changed"
# What an import may change in a record it brought in before; "once": only from empty to a value
# (a stage's closing, a role's or a placement's end, written once as in the store).
CHANGEABLE = {
    UNITS.name: {"name"},
    STAFF.name: {"name", "title", "agency", "unit_id", "supervisor_id", "functions", "active", "deactivated_at"},
    FAMILIES.name: {"family_name"},
    PERSONS.name: {"first_name", "last_name", "birth_date", "sex"},
    STAGES.name: {"parent_services"},
}
ONCE = {
    STAGES.name: {"ended_persons",
                  "closing_started_by", "closing_started_at", "closing_reason", "closed_at", "close_reason",
                  "app_reg_at", "primary_caretaker_id"},
    ROLES.name: {"ends_at"},
    PLACEMENTS.name: {"ends_on", "basis"},
}
KIND_OF_FILE = {"units.csv": "unit", "staff.csv": "worker", "families.csv": "case", "persons.csv": "person",
                "stages.csv": "stage", "roles.csv": "role", "placements.csv": "placement"}


@dataclass
class Entry:
    """One row read: its values, and what it is to the record."""

    spec: FileFormat
    line: int
    key: str
    present: set[str]              # the columns the file has
    values: dict[str, Any]          # read, for every column (absent: None, [] or the default)
    cells: dict[str, str]           # as export writes them, for the columns present
    status: str = NEW
    record_id: int | None = None
    changed: list[str] = field(default_factory=list)
    bad: bool = False

    def refs(self) -> list[tuple[str, str]]:
        """The records this row needs: (kind, key)."""
        out = []
        for column in self.spec.columns:
            value = self.values.get(column.name)
            if column.kind == "ref" and value:
                out.append((KIND_OF_FILE[column.what], value))
            elif column.kind == "refs":
                out.extend((KIND_OF_FILE[column.what], v) for v in value or [])
            elif column.kind == "ended":
                out.extend((KIND_OF_FILE[column.what], v) for v, _ in value or [])
        return out


@dataclass
class Plan:
    records: Records
    entries: dict[str, list[Entry]]
    index: dict[str, dict[str, Entry]]        # kind → key → row
    problems: list[Problem]
    now: datetime
    today: date

    def counts(self) -> dict[str, dict[str, int]]:
        counts = {spec.name: {NEW: 0, UNCHANGED: 0, CHANGED: 0, "refused": 0} for spec in FILES}
        for name, entries in self.entries.items():
            for entry in entries:
                counts[name]["refused" if entry.bad else entry.status] += 1
        return counts

    def refuse(self, entry: Entry, sentence: str) -> None:
        entry.bad = True
        self.problems.append(Problem(entry.spec.name, entry.line, sentence))

    def known(self, kind: str, key: str) -> bool:
        return key in self.index[kind] or key in self.records.keys.stored[kind]

    def value(self, kind: str, key: str, column: str) -> Any:
        """A column of a record named in the files, or else of the record imported before (as a cell)."""
        if key in self.index[kind]:
            return self.index[kind][key].values.get(column)
        spec = next(s for s in FILES if s.kind == kind)
        return self.records.rows[spec.name].get(key, {}).get(column)


def read_folder(folder: Path, records: Records, policy: Policy, now: datetime) -> Plan:
    """Every file read and checked; raises ``formats.CannotRead`` for a folder or file that cannot be read."""
    if not folder.is_dir():
        raise formats.CannotRead(f"{folder} is not a folder casenotes can read.")
    if not any((folder / spec.name).exists() for spec in FILES):
        raise formats.CannotRead(f"{folder} holds none of the import files "
                                 f"({', '.join(s.name for s in FILES)}).")
    problems: list[Problem] = []
    today = pendulum.instance(now).in_timezone(policy.time_zone).date()
    plan = Plan(records, {}, defaultdict(dict), problems, now, today)
    for spec, path in formats.files_in(folder):
        rows = formats.read_file(path, spec, problems)
        plan.entries[spec.name] = [entry for row in rows if (entry := _entry(plan, spec, row, policy))]
    _compare(plan)
    for check in (_check_staff, _check_persons, _check_stages, _check_roles, _check_times):
        check(plan, policy)
    return plan


def _entry(plan: Plan, spec: FileFormat, row: Row, policy: Policy) -> Entry | None:
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    sentences = []
    for column in spec.columns:
        raw = row.cells.get(column.name)
        if raw is None:
            values[column.name] = _default(column)
            continue
        if raw == "":
            if column.required:
                sentences.append(f"the {column.name} is empty; every {spec.what} has one.")
            default = _default(column)
            values[column.name] = default
            cells[column.name] = formats.write_flag(default) if column.kind == "flag" else ""
            continue
        try:
            values[column.name], cells[column.name] = _read(raw, column, policy)
        except StoreError as error:
            values[column.name] = _default(column)
            sentences.append(_sentence(error.message))
    key = values[spec.key] or ""
    entry = Entry(spec, row.line, key, set(row.cells), values, cells)
    for sentence in sentences:
        plan.refuse(entry, sentence)
    if key:
        earlier = plan.index[spec.kind].get(key)
        if earlier is not None:
            plan.refuse(entry, f"the {spec.what} id {key} is used twice in {spec.name} (first on line {earlier.line}).")
            return entry
        plan.index[spec.kind][key] = entry
    return entry


def _default(column: Column) -> Any:
    if column.kind in ("refs", "ended") or column.name == "functions":
        return []
    if column.name == "active":
        return True
    if column.name in ("administrative", "parent_services"):
        return False
    return None


def _read(raw: str, column: Column, policy: Policy) -> tuple[Any, str]:
    if column.name == "functions":
        codes = sorted({code.strip() for code in formats.text(raw, column).split(";") if code.strip()})
        return codes, ";".join(codes)
    if column.kind in ("key", "ref"):
        value = formats.key(raw, column)
        return value, value
    if column.kind == "refs":
        values = formats.keys(raw, column)
        return values, formats.write_keys(values)
    if column.kind == "ended":
        ended = formats.ended(raw, column)
        return ended, formats.write_ended(list(ended), policy.time_zone)
    if column.kind == "date":
        day = formats.day(raw, column)
        return day, formats.write_day(day)
    if column.kind == "time":
        moment = formats.moment(raw, column)
        return moment, formats.write_moment(moment, policy.time_zone)
    if column.kind == "flag":
        flag = formats.flag(raw, column)
        return flag, formats.write_flag(flag)
    value = formats.text(raw, column)
    picklist = {"sex": policy.sexes, "relationship": policy.relationships}.get(column.name, ())
    value = next((word for word in picklist if word.lower() == value.lower()), value)  # as the store keeps it
    return value, value


def _sentence(message: str) -> str:
    return message[0].lower() + message[1:] if message[:4] in ("The ", "A ", "An ") else message


def _compare(plan: Plan) -> None:
    """New, unchanged or changed against the record imported before under the same key."""
    for spec in FILES:
        stored = plan.records.keys.stored[spec.kind]
        for entry in plan.entries[spec.name]:
            if entry.key not in stored:
                continue
            entry.record_id = stored[entry.key]
            before = plan.records.rows[spec.name][entry.key]
            entry.changed = [c for c in entry.cells if entry.cells[c] != before[c]]
            if spec is STAFF and entry.cells.get("active") == before["active"] == "no":
                # deactivated without a time in the file: the record keeps the moment it was done
                entry.changed = [c for c in entry.changed if c != "deactivated_at" or entry.cells[c]]
            entry.status = CHANGED if entry.changed else UNCHANGED
            for column in entry.changed:
                once = column in ONCE.get(spec.name, set()) and before[column] == ""
                if column not in CHANGEABLE.get(spec.name, set()) and not once:
                    was, now = before[column] or "nothing", entry.cells[column] or "nothing"
                    plan.refuse(entry, f"the {column} of {spec.what} {entry.key} cannot be changed by an import "
                                       f"(casenotes has {was}, the file says {now}).")
                elif column in ("active", "deactivated_at") and before["active"] == "no" and entry.values["active"]:
                    plan.refuse(entry, f"worker {entry.key} was deactivated; an import does not bring a worker back.")


def _refs_known(plan: Plan, entry: Entry) -> bool:
    fine = True
    for column in entry.spec.columns:
        value = entry.values.get(column.name)
        names = [value] if column.kind == "ref" and value else (value or []) if column.kind == "refs" else \
            [name for name, _ in value or []] if column.kind == "ended" else []
        for name in names:
            kind = KIND_OF_FILE[column.what]
            if not plan.known(kind, name):
                fine = False
                plan.refuse(entry, _unknown(entry, column, name))
    return fine


def _unknown(entry: Entry, column: Column, name: str) -> str:
    if column.name == "supervisor_id":
        return f"the supervisor {name} is not in staff.csv nor imported before."
    if column.name == "family_id" and entry.spec is PERSONS:
        return f"person {entry.key} is in no family: {name} is not in families.csv nor imported before."
    return f"the {column.name} {name} is not in {column.what} nor imported before."


def _check_staff(plan: Plan, policy: Policy) -> None:
    logins: dict[str, Entry] = {}
    existing_logins = {row["login"]: key for key, row in plan.records.rows[STAFF.name].items()}
    units = {row["name"]: key for key, row in plan.records.rows[UNITS.name].items()}
    for entry in plan.entries[UNITS.name]:
        other = units.get(entry.values["name"] or "")
        if other is not None and other != entry.key and other not in plan.index["unit"]:
            plan.refuse(entry, f"there is already a unit called {entry.values['name']!r} ({other}).")
    supervisors: dict[str, str | None] = {key: row["supervisor_id"] or None
                                          for key, row in plan.records.rows[STAFF.name].items()}
    for entry in plan.entries[STAFF.name]:
        v = entry.values
        _refs_known(plan, entry)
        supervisors[entry.key] = v["supervisor_id"]
        login = v["login"]
        if login:
            if login in logins:
                plan.refuse(entry, f"the login {login!r} is used twice in staff.csv (first on line "
                                   f"{logins[login].line}).")
            elif existing_logins.get(login, entry.key) != entry.key:
                plan.refuse(entry, f"there is already a worker with the login {login!r} "
                                   f"({existing_logins[login]}).")
            logins[login] = entry
        if v["employer"] is not None:
            _refuse_if(plan, entry, record_shape.check_employer, v["employer"])
        for code in v["functions"]:
            _refuse_if(plan, entry, record_shape.check_known_function, code, policy.business_functions)
        if v["active"] and v["deactivated_at"] is not None:
            plan.refuse(entry, "a worker with a deactivated_at is not active; write active as no, or leave "
                               "deactivated_at empty.")
    reported: set[str] = set()
    for entry in plan.entries[STAFF.name]:
        circle = record_shape.supervision_circle(supervisors, entry.key)
        if circle and entry.key in circle and entry.key not in reported:
            reported.update(circle)
            _refuse_if(plan, entry, record_shape.check_no_supervision_circle, supervisors, entry.key)


def _refuse_if(plan: Plan, entry: Entry, check: Callable[..., object], *args: Any) -> bool:
    try:
        check(*args)
    except StoreError as error:
        plan.refuse(entry, _sentence(error.message))
        return True
    return False


def _check_persons(plan: Plan, policy: Policy) -> None:
    for spec in (FAMILIES, PERSONS, PLACEMENTS):
        for entry in plan.entries[spec.name]:
            _refs_known(plan, entry)
    for entry in plan.entries[PERSONS.name]:
        _refuse_if(plan, entry, record_shape.check_birth_date, entry.values["birth_date"], plan.today)
    for entry in plan.entries[PLACEMENTS.name]:
        v = entry.values
        if v["ends_on"] and v["starts_on"] and v["ends_on"] < v["starts_on"]:
            plan.refuse(entry, f"the placement ends ({v['ends_on']}) before it starts ({v['starts_on']}).")
        if v["basis"]:
            _refuse_if(plan, entry, placements.basis_of, v["basis"])


def _check_stages(plan: Plan, policy: Policy) -> None:
    openings: dict[str, list[datetime]] = defaultdict(list)
    for e in plan.entries[ROLES.name]:
        if e.values["role"] == "Case Manager":
            openings[e.values["stage_id"]].append(e.values["starts_at"])
    for entry in plan.entries[STAGES.name]:
        v = entry.values
        if not _refs_known(plan, entry) or v["type"] is None:
            continue
        if _refuse_if(plan, entry, record_shape.check_stage_kind, v["type"], v["subtype"]):
            continue
        if v["parent_services"] and v["type"] not in placements.PLACING_STAGES:
            plan.refuse(entry, "services to a parent are recorded in an FSS or CCR stage, "
                               f"not in this {v['type']} stage.")
        parent = v["parent_stage_id"]
        parent_type = None if parent is None else plan.value("stage", parent, "type")
        _refuse_if(plan, entry, record_shape.check_stage_follows, v["type"], parent_type)
        family = v["family_id"]
        if parent is not None and plan.value("stage", parent, "family_id") != family:
            plan.refuse(entry, f"stage {entry.key} follows stage {parent} of another family; a stage progresses from "
                               "a stage of the same family.")
        outside = [name for name, _ in v["ended_persons"] if name not in v["persons"]]
        if outside:
            plan.refuse(entry, f"{', '.join(outside)} ended in stage {entry.key} but "
                               f"{'is' if len(outside) == 1 else 'are'} not among its persons.")
        strangers = [p for p in v["persons"] if plan.value("person", p, "family_id") != family]
        if strangers:
            plan.refuse(entry, f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not in family "
                               f"{family}; every person of a stage belongs to the stage's family.")
        for column in ("closing_reason", "close_reason"):
            if v[column] is not None and v[column] not in policy.stage_closure_reasons:
                plan.refuse(entry, f"{v[column]!r} is not one of the agency's reasons for closing a stage.")
        if (v["closed_at"] is None) != (v["close_reason"] is None):
            plan.refuse(entry, "a closed stage has both its closed_at and its close_reason.")
        if entry.status == NEW and v["opened_at"] is not None and v["opened_at"] not in openings.get(entry.key, []):
            plan.refuse(entry, f"stage {entry.key} has no Case Manager from its opening: roles.csv needs a Case "
                               f"Manager of this stage with starts_at {entry.cells['opened_at']}.")
        if v["closed_at"] is not None and v["opened_at"] is not None and v["closed_at"] < v["opened_at"]:
            plan.refuse(entry, "the stage closes before it opens.")


def _check_roles(plan: Plan, policy: Policy) -> None:
    for entry in plan.entries[ROLES.name]:
        v = entry.values
        if not _refs_known(plan, entry):
            continue
        if v["ends_at"] is not None and v["starts_at"] is not None and v["ends_at"] < v["starts_at"]:
            plan.refuse(entry, "the role ends before it starts.")


def _check_times(plan: Plan, policy: Policy) -> None:
    """Nothing in the files happens after the import."""
    for spec in FILES:
        for entry in plan.entries[spec.name]:
            for column in spec.columns:
                value = entry.values.get(column.name)
                late = (isinstance(value, datetime) and value > plan.now) or (
                    column.kind == "date" and column.name != "birth_date" and isinstance(value, date)
                    and value > plan.today)
                if late:
                    plan.refuse(entry, f"the {column.name} {entry.cells[column.name]} is still to come; an import "
                                       "records what has happened.")


def refuse_from_store(plan: Plan, entry: Entry, error: StoreError) -> None:
    plan.refuse(entry, _sentence(error.message))


