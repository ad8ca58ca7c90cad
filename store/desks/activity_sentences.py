"""A case's maintenance changes as a caseworker reads them: one sentence per audit row ("Case Planner
Vic Planner assigned in FSS-CWS", "Placement of Jay Rivera ended 03/02/2026") and the values before
and after the change.

The audit row keeps ids and logins (they never change meaning); the names and stage labels are read
from the case when the history is shown. An action this module has no sentence for still reads
plainly ("Progress stage: FSS-CWS"), so a new kind of change shows before anyone words it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pendulum
from pendulum import Timezone

from store.core.results import ActivityChange

SYSTEM = "casenotes"  # who made a change the system made (the demo, an import)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Keys of a row's detail (and of its before/after) that name a record of the case by its id.
STAGE_KEYS = ("stage", "parent", "stage_id", "parent_id")
PERSON_KEYS = ("person", "child", "person_id", "child_id", "primary_caretaker", "primary_caretaker_id", "caretaker",
               "primary caretaker")
CASE_KEYS = ("linked case", "linked_case", "linked_case_id")
WORKER_KEYS = ("worker", "advocate", "source_worker", "login")
# A detail's keys that say which records a change touched rather than a value it set.
NOT_VALUES = {"case", "version", "type", "parent", "child", "stage", "person"}
HIDDEN = {"new stage id"}  # a record's number, said by name in the sentence
ENDINGS = {"end role"}  # the detail of these holds what ended
LABELS = {"from": "first day", "to": "last day", "active": "access"}


@dataclass(frozen=True)
class CaseNames:
    """What the audit rows of one case refer to by id or login, read once per page of its history."""

    family: str
    zone: Timezone  # the agency's
    stages: dict[int, str]  # id → label ("FSS-CWS")
    persons: dict[int, str]  # id → full name
    relationships: dict[int, str]
    placements: dict[int, tuple[int, int]]  # id → (child's person id, stage id)
    roles: dict[int, tuple[int, str, str]]  # role assignment id → (stage id, worker's name, role)
    workers: dict[str, str]  # login → name
    worker_ids: dict[int, str]  # id → name


@dataclass(frozen=True)
class Row:
    """An audit row as this module reads it."""

    action: str
    entity: str
    entity_id: int | None
    detail: dict[str, Any]

    @property
    def before(self) -> dict[str, Any]:
        value = self.detail.get("before")
        return value if isinstance(value, dict) else {}

    @property
    def after(self) -> dict[str, Any]:
        value = self.detail.get("after")
        return value if isinstance(value, dict) else {}

    def value(self, *keys: str) -> Any:
        """The first of ``keys`` found in the detail, then in after, then in before."""
        for place in (self.detail, self.after, self.before):
            for key in keys:
                if place.get(key) not in (None, ""):
                    return place[key]
        return None


def logins_in(detail: dict[str, Any]) -> set[str]:
    """The logins a row's detail may name, to read their names in one query."""
    found = set()
    for place in (detail, detail.get("before"), detail.get("after")):
        if isinstance(place, dict):
            found |= {place[k] for k in WORKER_KEYS if isinstance(place.get(k), str)}
    return found


def words(row: Row, names: CaseNames) -> tuple[str, str, tuple[ActivityChange, ...]]:
    """(what it was about, the sentence, the values before and after) of one audit row."""
    about = _about(row, names)
    write = SENTENCES.get(row.action)
    sentence = write(row, names) if write else (f"{_capital(row.action)}: {about}" if about
                                                else _capital(row.action))
    return about, sentence, changes(row, names)


def changes(row: Row, names: CaseNames) -> tuple[ActivityChange, ...]:
    """Every value the change set or altered, in the order it was recorded (after first). A row
    written before changes kept their before and after reads its detail as the values it set (an
    ended role as the values it had)."""
    before, after = row.before, row.after
    if not before and not after and "before" not in row.detail and "after" not in row.detail:
        values = {k: v for k, v in row.detail.items() if k not in NOT_VALUES}
        before, after = (values, {}) if row.action in ENDINGS else ({}, values)
    keys = [key for key in dict.fromkeys([*after, *before]) if key not in HIDDEN]
    shown = []
    for key in keys:
        old = shown_value(key, before.get(key), names)
        new = shown_value(key, after.get(key), names)
        if old != new:
            shown.append(ActivityChange(LABELS.get(key, key.removesuffix("_id").replace("_", " ")), old, new))
    return tuple(shown)


def shown_value(key: str, value: Any, names: CaseNames) -> str | None:
    """A recorded value as a reader sees it: records by name, days as 03/02/2026, lists joined."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        if key in STAGE_KEYS:
            return names.stages.get(value, f"stage {value}")
        if key in PERSON_KEYS:
            return names.persons.get(value, f"person {value}")
        if key in CASE_KEYS:
            return f"case {value}"
        return str(value)
    if isinstance(value, (list, tuple)):
        items = [shown_value(key, item, names) for item in value]
        return ", ".join(item for item in items if item) or None
    if isinstance(value, str):
        if key in WORKER_KEYS and value in names.workers:
            return names.workers[value]
        return _when(value, names.zone)
    if isinstance(value, (date, datetime)):
        return _when(value.isoformat(), names.zone)
    return str(value)


def _when(text: str, zone: Timezone) -> str:
    """An ISO day as 03/02/2026 and an ISO time as 03/02/2026 10:00 AM in the agency's zone; other
    text as it is."""
    try:
        if _DAY.match(text):
            return date.fromisoformat(text).strftime("%m/%d/%Y")
        if _MOMENT.match(text):
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = pendulum.instance(moment).in_timezone(zone)
            return moment.strftime("%m/%d/%Y %I:%M %p").replace(" 0", " ")
    except ValueError:
        pass
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- what a row is about ---------------------------------------------------------------------------

def _stage(row: Row, names: CaseNames) -> str:
    if row.entity == "stage" and row.entity_id in names.stages:
        return names.stages[row.entity_id]
    if row.entity == "placement" and row.entity_id in names.placements:
        return names.stages.get(names.placements[row.entity_id][1], "")
    if row.entity == "role" and row.entity_id in names.roles:
        return names.stages.get(names.roles[row.entity_id][0], "")
    return shown_value("stage", row.value("stage", "stage_id"), names) or ""


def _person(row: Row, names: CaseNames) -> str:
    if row.entity == "person" and row.entity_id in names.persons:
        return names.persons[row.entity_id]
    if row.entity == "placement" and row.entity_id in names.placements:
        return names.persons.get(names.placements[row.entity_id][0], "")
    return shown_value("person", row.value(*PERSON_KEYS), names) or ""


def _worker(row: Row, names: CaseNames, key: str = "worker") -> str:
    if row.entity == "role" and row.entity_id in names.roles and key == "worker":
        return names.roles[row.entity_id][1]
    if row.entity == "worker" and row.entity_id in names.worker_ids and key == "worker":
        return names.worker_ids[row.entity_id]
    return shown_value(key, row.value(key), names) or ""


def _role(row: Row, names: CaseNames) -> str:
    if row.entity == "role" and row.entity_id in names.roles:
        return names.roles[row.entity_id][2]
    return str(row.value("role") or "")


def _about(row: Row, names: CaseNames) -> str:
    if row.entity == "case":
        return f"{names.family} family"
    if row.entity in ("person", "placement"):
        return _person(row, names)
    if row.entity == "worker":
        return _worker(row, names)
    if row.action in ("assign role", "end role", "reassign role"):
        return _worker(row, names) or _stage(row, names)
    if row.action in ("add person to stage", "end person in stage"):
        return _person(row, names) or _stage(row, names)
    return _stage(row, names) or _person(row, names)


# -- the sentences ---------------------------------------------------------------------------------

def _in(stage: str) -> str:
    return f" in {stage}" if stage else ""


def _open_stage(row: Row, names: CaseNames) -> str:
    parent = shown_value("parent", row.value("parent"), names)
    return f"{_stage(row, names)} opened" + (f" from {parent}" if parent else "")


def _assign_role(row: Row, names: CaseNames) -> str:
    return f"{_role(row, names)} {_worker(row, names)} assigned{_in(_stage(row, names))}"


def _end_role(row: Row, names: CaseNames) -> str:
    return f"{_role(row, names)} {_worker(row, names)}'s role{_in(_stage(row, names))} ended"


def _add_person(row: Row, names: CaseNames) -> str:
    person = _person(row, names)
    relationship = names.relationships.get(row.entity_id or 0) if row.entity == "person" else None
    return f"{person} added to the family" + (f" ({relationship})" if relationship else "")


def _add_person_to_stage(row: Row, names: CaseNames) -> str:
    stage = _stage(row, names)
    return f"{_person(row, names)} added to {stage}" if stage else f"{_person(row, names)} added to a stage"


def _reassign_role(row: Row, names: CaseNames) -> str:
    old = row.before.get("worker")
    return (f"{_role(row, names)} role{_in(_stage(row, names))} handed" + (f" from {old}" if old else "")
            + f" to {_worker(row, names)}")


def _end_person(row: Row, names: CaseNames) -> str:
    """A person ended in a stage is taken out of it and kept for its history."""
    stage = _stage(row, names)
    return f"{_person(row, names)} taken out of {stage}" if stage else f"{_person(row, names)} taken out of a stage"


def _place_child(row: Row, names: CaseNames) -> str:
    setting = row.value("setting")
    starts = shown_value("from", row.value("from", "starts_on"), names)
    stage = _stage(row, names)
    return (f"{_person(row, names)} placed" + (f" in {setting}" if setting else "")
            + (f" from {starts}" if starts else "") + (f", {basis}" if (basis := row.value("basis")) else "")
            + (f" ({stage})" if stage else ""))


def _placement_basis(row: Row, names: CaseNames) -> str:
    return f"Legal basis of {_person(row, names)}'s placement recorded: {row.value('basis')}"


def _parent_services(row: Row, names: CaseNames) -> str:
    provided = row.value("parent_services")
    return (f"Services beyond visitation to a parent {'recorded' if provided else 'ended'}"
            + (f" ({stage})" if (stage := _stage(row, names)) else ""))


def _end_placement(row: Row, names: CaseNames) -> str:
    ends = shown_value("to", row.value("to", "ends_on"), names)
    return f"Placement of {_person(row, names)} ended" + (f" {ends}" if ends else "")


def _start_closing(row: Row, names: CaseNames) -> str:
    reason = row.value("reason", "closing_reason")
    return f"Closing of {_stage(row, names)} started" + (f": {reason}" if reason else "")


def _close_stage(row: Row, names: CaseNames) -> str:
    reason = row.value("reason", "close_reason")
    return f"{_stage(row, names)} closed" + (f": {reason}" if reason else "")


def _progress_stage(row: Row, names: CaseNames) -> str:
    """Recorded on the stage that progressed (its before and after name both stages), or on the new
    stage with its parent."""
    parent = shown_value("parent", row.value("parent"), names)
    if parent:
        return f"{parent} progressed to {_stage(row, names)}"
    new = shown_value("stage", row.after.get("new stage id") or row.after.get("stage"), names)
    return f"{_stage(row, names)} progressed" + (f" to {new}" if new else "")


def _app_reg(row: Row, names: CaseNames) -> str:
    caretaker = shown_value("caretaker", row.value("caretaker", "primary_caretaker", "primary caretaker"), names)
    told = "" if not caretaker else ", child only" if caretaker == "child only" else f", primary caretaker {caretaker}"
    return f"App/Reg recorded{_in(_stage(row, names))}{told}"


def _record_intake(row: Row, names: CaseNames) -> str:
    return f"Intake facts of {_stage(row, names)} recorded"


def _change_case(row: Row, names: CaseNames) -> str:
    return "Family's name changed"


def _open_case(row: Row, names: CaseNames) -> str:
    return f"Case opened for the {names.family} family"


def _change_person(row: Row, names: CaseNames) -> str:
    return f"{_person(row, names)}'s details changed"


def _advocate(row: Row, names: CaseNames) -> str:
    advocate, child = _worker(row, names, "advocate"), _person(row, names)
    if row.value("active") is False:
        return f"Advocate {advocate}'s access to {child}'s notes ended"
    return f"Advocate {advocate} given access to {child}'s notes"


def _access_request(row: Row, names: CaseNames) -> str:
    advocate, child = _worker(row, names, "advocate"), _person(row, names)
    done = {"file access request": "asked for access to", "approve access request": "was given access to",
            "decline access request": "was refused access to"}[row.action]
    return f"Advocate {advocate} {done} {child}'s record" + (" (letter of introduction)" if "file" in row.action
                                                             else "")


SENTENCES: dict[str, Callable[[Row, CaseNames], str]] = {
    "open case": _open_case,
    "add person": _add_person,
    "change person": _change_person,
    "end person in stage": _end_person,
    "add person to stage": _add_person_to_stage,
    "open stage": _open_stage,
    "progress stage": _progress_stage,
    "app/reg": _app_reg,
    "record intake": _record_intake,
    "change case": _change_case,
    "assign role": _assign_role,
    "end role": _end_role,
    "reassign role": _reassign_role,
    "place child": _place_child,
    "end placement": _end_placement,
    "record placement basis": _placement_basis,
    "set parent services": _parent_services,
    "start closing": _start_closing,
    "close": _close_stage,
    "close stage": _close_stage,
    "advocate access": _advocate,
    "file access request": _access_request,
    "approve access request": _access_request,
    "decline access request": _access_request,
}
