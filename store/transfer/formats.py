"""The CSV files of ``casenotes import`` and ``casenotes export``: one file per kind of record, its
columns, and how each cell is written (the README's tables are made from these).

Every record carries the agency's own id (its external key); a record points to another by that
other record's key. Dates are ISO (2026-03-02); times are ISO with their zone (2026-03-02T10:00:00-05:00);
a list holds keys separated by ``;``; a flag is ``yes`` or ``no``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pendulum

from store.core import arguments
from store.core.errors import InvalidRequest, StoreError

KEY_MAX = 64  # external_keys.key


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    kind: str        # key, ref, refs, text, date, time, flag
    example: str
    most: int = 120  # for text: the longest the record holds
    what: str = ""   # for a ref: the file whose key it names
    says: str = ""   # what the cell holds, where more than its kind

    @property
    def format(self) -> str:
        if self.says:
            return self.says
        return {"key": "this record's id: text, at most 64 characters, unique in the file",
                "ref": f"the id of a record in {self.what}",
                "refs": f"ids of records in {self.what}, separated by ;",
                "ended": f"ids of records in {self.what}, each with a time, separated by ;",
                "text": f"text, at most {self.most} characters",
                "date": "date, YYYY-MM-DD",
                "time": "time with its zone, YYYY-MM-DDTHH:MM:SS±HH:MM",
                "flag": "yes or no"}[self.kind]


@dataclass(frozen=True)
class FileFormat:
    name: str        # staff.csv
    kind: str        # the external key's kind: worker
    what: str        # "worker", in sentences
    columns: tuple[Column, ...]

    @property
    def key(self) -> str:
        return self.columns[0].name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, required: bool, kind: str, example: str, most: int = 120, what: str = "", says: str = "") -> Column:
    return Column(name, required, kind, example, most, what, says)


UNITS = FileFormat("units.csv", "unit", "unit", (
    _c("unit_id", True, "key", "U1"),
    _c("name", True, "text", "Unit 1 – Foster Care"),
))
STAFF = FileFormat("staff.csv", "worker", "worker", (
    _c("worker_id", True, "key", "W104"),
    _c("login", True, "text", "cworker", 64),
    _c("name", True, "text", "Cara Worker"),
    _c("title", True, "text", "Caseworker"),
    _c("employer", True, "text", "LDSS", 8, says="LDSS (local district), VA (voluntary agency) or CASA (advocate)"),
    _c("agency", False, "text", "Harbor Family Services"),
    _c("unit_id", False, "ref", "U1", what="units.csv"),
    _c("supervisor_id", False, "ref", "W100", what="staff.csv"),
    _c("functions", False, "text", "ENT PROG NOTE;INTAKE", 400,
       says="business functions separated by ;: ENT PROG NOTE, INTAKE, MAINTAIN STAFF, ADVOCATE ACCESS"),
    _c("active", False, "flag", "yes", says="yes or no (empty: yes); no with deactivated_at for one who left"),
    _c("deactivated_at", False, "time", "2026-06-30T17:00:00-04:00"),
))
FAMILIES = FileFormat("families.csv", "case", "family", (
    _c("family_id", True, "key", "F2031"),
    _c("family_name", True, "text", "Rivera"),
    _c("opened_at", True, "time", "2026-03-02T10:00:00-05:00"),
))
PERSONS = FileFormat("persons.csv", "person", "person", (
    _c("person_id", True, "key", "P88"),
    _c("family_id", True, "ref", "F2031", what="families.csv"),
    _c("first_name", True, "text", "Jay", 80),
    _c("last_name", True, "text", "Rivera", 80),
    _c("birth_date", False, "date", "2016-05-14"),
    _c("relationship", True, "text", "child", 60, says="one of the policy's relationships (child, mother, father…)"),
    _c("child", True, "flag", "yes"),
    _c("sex", False, "text", "Male", 12, says="one of the policy's sexes (Female, Male, Unknown)"),
))
STAGES = FileFormat("stages.csv", "stage", "stage", (
    _c("stage_id", True, "key", "S501"),
    _c("family_id", True, "ref", "F2031", what="families.csv"),
    _c("type", True, "text", "FSS", 4, says="INT, INV, FSI, FSS, CCR or FAD"),
    _c("subtype", False, "text", "CWS", 8, says="for an FSS only: CWS, OTI, COI, ICPC or ADVPO"),
    _c("parent_stage_id", False, "ref", "S500", what="stages.csv",
       says="the stage it was progressed from (INT → INV → FSS, FSI → FSS, FSS → CCR), in stages.csv"),
    _c("opened_at", True, "time", "2026-03-02T10:00:00-05:00",
       says="time with its zone; roles.csv holds its Case Manager from this moment"),
    _c("persons", True, "refs", "P88;P89;P90", what="persons.csv",
       says="ids in persons.csv separated by ;: everyone who has been in the stage"),
    _c("ended_persons", False, "ended", "P90 2026-06-01T09:00:00-04:00", what="persons.csv",
       says="persons taken out of the stage: each id (in persons) and the time, separated by ;"),
    _c("closing_started_by", False, "ref", "W105", what="staff.csv"),
    _c("closing_started_at", False, "time", "2026-09-01T09:00:00-04:00"),
    _c("closing_reason", False, "text", "Services no longer necessary", 200,
       says="one of the policy's stage closure reasons"),
    _c("closed_at", False, "time", "2026-09-03T16:00:00-04:00"),
    _c("close_reason", False, "text", "Services no longer necessary", 200,
       says="one of the policy's stage closure reasons; with closed_at"),
    _c("administrative", False, "flag", "no"),
    _c("source_worker_id", False, "ref", "W104", what="staff.csv"),
    _c("narrative", False, "text", "Payment for a crib authorised.", 20_000),
    _c("application_date", False, "date", "2026-03-02"),
    _c("preventive_only", False, "flag", "no"),
    _c("linked_family_id", False, "ref", "F1990", what="families.csv"),
    _c("primary_caretaker_id", False, "ref", "P90", what="persons.csv"),
    _c("app_reg_at", False, "time", "2026-03-04T11:00:00-05:00"),
    _c("parent_services", False, "flag", "no",
       says="for an FSS or CCR: yes if the agency provides services beyond visitation to address a parent's needs"),
))
ROLES = FileFormat("roles.csv", "role", "role", (
    _c("role_id", True, "key", "R9001"),
    _c("stage_id", True, "ref", "S501", what="stages.csv"),
    _c("worker_id", True, "ref", "W104", what="staff.csv"),
    _c("role", True, "text", "Case Manager", 32,
       says="Case Manager, Case Planner, Case Worker or CPS Worker/Monitor"),
    _c("starts_at", True, "time", "2026-03-02T10:00:00-05:00"),
    _c("ends_at", False, "time", "2026-09-03T16:00:00-04:00"),
    _c("children", False, "refs", "P88", what="persons.csv",
       says="for a Case Worker: children of the stage it is associated with, ids in persons.csv separated by ;"),
))
PLACEMENTS = FileFormat("placements.csv", "placement", "placement", (
    _c("placement_id", True, "key", "L77"),
    _c("child_id", True, "ref", "P88", what="persons.csv"),
    _c("stage_id", True, "ref", "S501", what="stages.csv"),
    _c("starts_on", True, "date", "2026-04-01"),
    _c("ends_on", False, "date", "2026-08-31"),
    _c("setting", True, "text", "Foster home"),
    _c("basis", False, "text", "court order", 40,
       says="the legal basis: voluntary placement agreement, court order, voluntarily placed or committed to the "
            "agency at home (empty: not known)"),
))

# In the order they are read and applied: what a file points to comes before it.
FILES = (UNITS, STAFF, FAMILIES, PERSONS, STAGES, ROLES, PLACEMENTS)


@dataclass(frozen=True)
class Problem:
    """A refused row (or file): where, and a sentence."""

    file: str
    line: int  # 0: the file as a whole
    sentence: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.sentence}" if self.line else f"{self.file}: {self.sentence}"


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


class CannotRead(StoreError):
    """The folder or one of its files could not be read at all."""


def read_file(path: Path, spec: FileFormat, problems: list[Problem]) -> list[Row]:
    """The rows of one file; a missing file has none. Wrong headers, text that is not UTF-8 and
    rows of the wrong width are ``problems``; a file that cannot be opened raises ``CannotRead``."""
    if not path.exists():
        return []
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CannotRead(f"{spec.name} could not be read ({error.strerror or error}).") from None
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        problems.append(Problem(spec.name, line, "this line is not UTF-8 text; save the file as UTF-8 CSV."))
        return []
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.append(Problem(spec.name, 1, f"the header line is not CSV ({error})."))
        return []
    if header is None:
        return []
    if not _headers_fit(header, spec, problems):
        return []
    rows = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problems.append(Problem(spec.name, line, f"this row has {len(cells)} cells and the header has "
                                        f"{len(header)}."))
                continue
            rows.append(Row(line, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}))
    except csv.Error as error:
        problems.append(Problem(spec.name, reader.line_num, f"this line is not CSV ({error})."))
    return rows


def _headers_fit(header: list[str], spec: FileFormat, problems: list[Problem]) -> bool:
    names = [h.strip() for h in header]
    known = {c.name for c in spec.columns}
    unknown = [n for n in names if n not in known]
    missing = [c.name for c in spec.columns if c.required and c.name not in names]
    twice = sorted({n for n in names if names.count(n) > 1})
    sentences = []
    if unknown:
        sentences.append(f"the header names columns {spec.name} does not have ({', '.join(map(repr, unknown))})")
    if missing:
        sentences.append(f"the header lacks the required columns {', '.join(missing)}")
    if twice:
        sentences.append(f"the header names {', '.join(twice)} twice")
    if sentences:
        problems.append(Problem(spec.name, 1, "; ".join(sentences) + f". Its columns are: "
                                f"{', '.join(c.name for c in spec.columns)} (see the README)."))
        return False
    header[:] = names
    return True


def files_in(folder: Path) -> Iterator[tuple[FileFormat, Path]]:
    for spec in FILES:
        yield spec, folder / spec.name


# Reading cells. Each raises InvalidRequest with the sentence's end ("… is not a date (YYYY-MM-DD)").

def text(value: str, column: Column) -> str:
    arguments.text(value, column.name, error=InvalidRequest, most=column.most,
                   lines=column.name == "narrative")
    return value


def key(value: str, column: Column) -> str:
    if len(value) > KEY_MAX:
        raise InvalidRequest(f"the {column.name} {value[:20]!r}… is longer than {KEY_MAX} characters.")
    arguments.refuse_hidden_characters(value, column.name, InvalidRequest, then="Remove it.")
    return value


def keys(value: str, column: Column) -> list[str]:
    return [key(part.strip(), column) for part in value.split(";") if part.strip()]


def ended(value: str, column: Column) -> list[tuple[str, datetime]]:
    """``P90 2026-06-01T09:00:00-04:00;P91 …``: who was taken out of a stage, and when."""
    found = []
    for part in (p.strip() for p in value.split(";") if p.strip()):
        name, _, when = part.rpartition(" ")
        if not name.strip():
            raise InvalidRequest(f"the {column.name} {part!r} is not an id and a time (e.g. "
                                 "P90 2026-06-01T09:00:00-04:00).")
        found.append((key(name.strip(), column), moment(when, column)))
    return found


def write_ended(values: list[tuple[str, datetime | None]], zone: str) -> str:
    return ";".join(f"{name} {write_moment(at, zone)}" for name, at in sorted(values, key=lambda v: natural(v[0])))


def day(value: str, column: Column) -> date:
    try:
        read = date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"the {column.name} {value!r} is not a date written YYYY-MM-DD.") from None
    return arguments.day(read, column.name, InvalidRequest)


def moment(value: str, column: Column) -> datetime:
    try:
        read = datetime.fromisoformat(value)
    except ValueError:
        read = None
    if read is None or "T" not in value:
        raise InvalidRequest(f"the {column.name} {value!r} is not a time written YYYY-MM-DDTHH:MM:SS with its "
                             "zone (e.g. 2026-03-02T10:00:00-05:00).")
    if read.tzinfo is None or read.utcoffset() is None:
        raise InvalidRequest(f"the {column.name} {value!r} has no zone; write it with its offset, e.g. "
                             f"{value}-05:00, or Z for UTC.")
    return arguments.moment(read, column.name, InvalidRequest)


def flag(value: str, column: Column) -> bool:
    lowered = value.lower()
    if lowered in ("yes", "y", "true", "1"):
        return True
    if lowered in ("no", "n", "false", "0"):
        return False
    raise InvalidRequest(f"the {column.name} {value!r} is neither yes nor no.")


# Writing cells, the one way export writes them and import compares them.

def write_moment(value: datetime | None, zone: str) -> str:
    if value is None:
        return ""
    local = pendulum.instance(value).in_timezone(zone)
    return datetime.fromtimestamp(local.timestamp(), local.tzinfo).isoformat()


def write_day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def write_flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def write_keys(values: list[str]) -> str:
    return ";".join(sorted(values, key=natural))


def natural(value: str) -> tuple[tuple[int, int | str], ...]:
    """Sort "P2" before "P10"."""
    import re

    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", value) if part)
