"""``casenotes import`` of a whole agency (read, checked, every row tried against the store's rules,
audited, one transaction) against a bare SQLAlchemy Core bulk insert of the same rows into the same
tables (executemany, ids given, one transaction), on SQLite and on PostgreSQL, in the same run.

    python -m bench.import_vs_insert [--families 20000] [--workers 600]

The agency is generated (fixed seed) as the import files: units, staff, families with two to five
persons, INT → INV → FSS or FSI → FSS stages with their Case Manager, a Case Planner and a Case Worker
in each FSS, closed intakes and investigations, placements. The bare rows are those the import
writes for them (units, workers, cases, persons, stages, their persons, roles, a Case Worker's
children, placements, external keys), built in memory before the clock starts; it writes no
audit or change log. Each side gets a fresh database. Figures are rows of the files per second.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store import FrozenClock, Store
from store.db.models import (Case, ExternalKey, Person, Placement, RoleAssignment, RoleChild, Stage, StagePerson,
                             Unit, Worker, table_of)
from store.transfer import import_folder
from store.transfer.export import Records, write_files
from store.transfer.formats import FILES, write_day, write_keys, write_moment

from .save_vs_insert import PG_ADMIN_URL

AS_OF = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
ZONE = "America/New_York"
FIRST = ("Jay", "Mia", "Ana", "Luis", "Kim", "Sam", "Noor", "Eli", "Ada", "Ravi", "Lena", "Omar")
LAST = ("Rivera", "Nguyen", "Okafor", "Smith", "Kowalski", "Haddad", "Lopez", "Chen", "Brown", "Silva")


def agency(families: int, workers: int, seed: int = 1) -> dict[str, dict[str, dict[str, str]]]:
    """The generated agency as import rows: file → key → column → cell."""
    rng = random.Random(seed)
    rows: dict[str, dict[str, dict[str, str]]] = {spec.name: {} for spec in FILES}
    units = max(1, workers // 20)
    staff = rows["staff.csv"]

    def worker(key: str, title: str, unit: str, boss: str, employer: str = "LDSS") -> None:
        staff[key] = {"worker_id": key, "login": key.lower(), "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                      "title": title, "employer": employer, "agency": "Harbor" if employer == "VA" else "",
                      "unit_id": unit, "supervisor_id": boss, "functions": "", "active": "yes", "deactivated_at": ""}

    worker("W1", "Director", "", "")
    ldss, planners = [], []
    for u in range(1, units + 1):
        rows["units.csv"][f"U{u}"] = {"unit_id": f"U{u}", "name": f"Unit {u}"}
        worker(f"W{len(staff) + 1}", "Casework Supervisor", f"U{u}", "W1")
    bosses = list(staff)[1:]
    while len(staff) < workers:
        key, unit = f"W{len(staff) + 1}", rng.randrange(units)
        voluntary = rng.random() < 0.15
        worker(key, "Case Planner" if voluntary else "Caseworker", f"U{unit + 1}", bosses[unit],
               "VA" if voluntary else "LDSS")
        (planners if voluntary else ldss).append(key)
    planners = planners or ldss

    def when(at: datetime) -> str:
        return write_moment(at, ZONE)

    for f in range(1, families + 1):
        family, surname = f"F{f}", rng.choice(LAST)
        opened = AS_OF - timedelta(days=rng.randint(120, 900), hours=rng.randint(0, 8))
        rows["families.csv"][family] = {"family_id": family, "family_name": surname, "opened_at": when(opened)}
        people, children = [], []
        for p in range(rng.randint(2, 5)):
            key, child = f"P{len(rows['persons.csv']) + 1}", p > 0 and rng.random() < 0.7
            born = date(2008 + rng.randint(0, 16), rng.randint(1, 12), rng.randint(1, 28)) if child else \
                date(1975 + rng.randint(0, 20), rng.randint(1, 12), rng.randint(1, 28))
            rows["persons.csv"][key] = {"person_id": key, "family_id": family, "first_name": rng.choice(FIRST),
                                        "last_name": surname, "birth_date": write_day(born),
                                        "relationship": "child" if child else "mother" if p == 0 else "father",
                                        "child": "yes" if child else "no", "sex": rng.choice(("Female", "Male"))}
            people.append(key)
            if child:
                children.append(key)
        if not children:
            rows["persons.csv"][people[-1]].update(relationship="child", child="yes", birth_date="2015-06-01")
            children.append(people[-1])
        chain = ("INT", "INV", "FSS") if rng.random() < 0.5 else ("FSI", "FSS")
        parent, at = "", opened + timedelta(hours=1)
        for type_ in chain:
            stage = f"S{len(rows['stages.csv']) + 1}"
            manager = rng.choice(ldss)
            last = type_ == "FSS"
            closes = None if last else at + timedelta(days=rng.randint(5, 40))
            rows["stages.csv"][stage] = {
                "stage_id": stage, "family_id": family, "type": type_, "subtype": "CWS" if last else "",
                "parent_stage_id": parent, "opened_at": when(at), "persons": write_keys(people), "ended_persons": "",
                "closing_started_by": "", "closing_started_at": "", "closing_reason": "",
                "closed_at": when(closes) if closes else "",
                "close_reason": "" if closes is None else "Investigation complete" if type_ == "INV" else
                "Progressed to another stage", "administrative": "no", "source_worker_id": "", "narrative": "",
                "application_date": "", "preventive_only": "", "linked_family_id": "", "primary_caretaker_id": "",
                "app_reg_at": "", "parent_services": ""}
            _role(rows, stage, manager, "Case Manager", when(at))
            if last:
                _role(rows, stage, rng.choice(planners), "Case Planner", when(at + timedelta(days=1)))
                _role(rows, stage, rng.choice(ldss), "Case Worker", when(at + timedelta(days=2)), children[:1])
                if rng.random() < 0.3:
                    key = f"L{len(rows['placements.csv']) + 1}"
                    starts = (at + timedelta(days=3)).date()
                    rows["placements.csv"][key] = {"placement_id": key, "child_id": children[0], "stage_id": stage,
                                                   "starts_on": write_day(starts), "ends_on": "",
                                                   "setting": "Foster home", "basis": ""}
            parent, at = stage, (closes or at) + timedelta(minutes=5)
    return rows


def _role(rows: dict, stage: str, worker: str, role: str, starts: str, children: list[str] | None = None) -> None:
    key = f"R{len(rows['roles.csv']) + 1}"
    rows["roles.csv"][key] = {"role_id": key, "stage_id": stage, "worker_id": worker, "role": role,
                              "starts_at": starts, "ends_at": "", "children": write_keys(children or [])}


def bare_rows(rows: dict[str, dict[str, dict[str, str]]]) -> list[tuple[type, list[dict]]]:
    """The same records as table rows with their ids, in the order of the foreign keys."""
    ids = {spec.kind: {key: n for n, key in enumerate(rows[spec.name], 1)} for spec in FILES}

    def at(cell: str) -> datetime | None:
        return datetime.fromisoformat(cell) if cell else None

    def ref(kind: str, cell: str) -> int | None:
        return ids[kind][cell] if cell else None

    out: list[tuple[type, list[dict]]] = [
        (Unit, [{"id": ids["unit"][k], "name": r["name"]} for k, r in rows["units.csv"].items()]),
        (Worker, [{"id": ids["worker"][k], "login": r["login"], "name": r["name"], "title": r["title"],
                   "employer": r["employer"], "agency": r["agency"], "unit_id": ref("unit", r["unit_id"]),
                   "supervisor_id": None, "active": True, "deactivated_at": None}
                  for k, r in rows["staff.csv"].items()]),
        (Case, [{"id": ids["case"][k], "family_name": r["family_name"], "opened_at": at(r["opened_at"])}
                for k, r in rows["families.csv"].items()]),
        (Person, [{"id": ids["person"][k], "case_id": ids["case"][r["family_id"]], "first_name": r["first_name"],
                   "last_name": r["last_name"], "birth_date": date.fromisoformat(r["birth_date"]),
                   "relationship": r["relationship"], "is_child": r["child"] == "yes", "sex": r["sex"]}
                  for k, r in rows["persons.csv"].items()]),
        (Stage, [{"id": ids["stage"][k], "case_id": ids["case"][r["family_id"]], "type": r["type"],
                  "subtype": r["subtype"] or None, "parent_id": ref("stage", r["parent_stage_id"]),
                  "opened_at": at(r["opened_at"]), "closed_at": at(r["closed_at"]),
                  "close_reason": r["close_reason"] or None, "administrative": False}
                 for k, r in rows["stages.csv"].items()]),
        (StagePerson, [{"stage_id": ids["stage"][k], "person_id": ids["person"][p], "ended_at": None}
                       for k, r in rows["stages.csv"].items() for p in r["persons"].split(";")]),
        (RoleAssignment, [{"id": ids["role"][k], "stage_id": ids["stage"][r["stage_id"]],
                           "worker_id": ids["worker"][r["worker_id"]], "role": r["role"],
                           "starts_at": at(r["starts_at"]), "ends_at": None} for k, r in rows["roles.csv"].items()]),
        (RoleChild, [{"assignment_id": ids["role"][k], "person_id": ids["person"][c]}
                     for k, r in rows["roles.csv"].items() for c in r["children"].split(";") if c]),
        (Placement, [{"id": ids["placement"][k], "person_id": ids["person"][r["child_id"]],
                      "stage_id": ids["stage"][r["stage_id"]], "starts_on": date.fromisoformat(r["starts_on"]),
                      "ends_on": None, "setting": r["setting"]} for k, r in rows["placements.csv"].items()]),
        (ExternalKey, [{"kind": spec.kind, "key": key, "record_id": n} for spec in FILES
                       for key, n in ids[spec.kind].items()]),
    ]
    supervisors = [{"id": ids["worker"][k], "boss": ids["worker"][r["supervisor_id"]]}
                   for k, r in rows["staff.csv"].items() if r["supervisor_id"]]
    out.append((Worker, supervisors))  # set after every worker is in (an UPDATE, as the import does too)
    return out


def run(url_for, families: int, workers: int, folder: Path, log=print) -> dict:
    """``url_for(side)``: the fresh database of each side ("import", "bare")."""
    rows = agency(families, workers)
    count = sum(len(r) for r in rows.values())
    write_files(Records(None, rows), folder)  # type: ignore[arg-type]
    clock = FrozenClock(AS_OF)
    ours_url, bare_url = url_for("import"), url_for("bare")
    store = Store.open(ours_url, clock=clock)
    try:
        started = time.perf_counter()
        report = import_folder(store, folder, apply=True)
        ours = time.perf_counter() - started
        assert report.applied and not report.problems, [str(p) for p in report.problems[:5]]
    finally:
        store.close()
    bare_store = Store.open(bare_url, clock=clock)
    try:
        tables = bare_rows(rows)
        started = time.perf_counter()
        with bare_store.write_engine.begin() as conn:
            for model, batch in tables[:-1]:
                if batch:
                    conn.execute(table_of(model).insert(), batch)
            conn.execute(text("UPDATE workers SET supervisor_id = :boss WHERE id = :id"), tables[-1][1])
        bare = time.perf_counter() - started
    finally:
        bare_store.close()
    figures = {"families": families, "workers": workers, "rows": count,
               "import_s": round(ours, 2), "import_rows_per_s": round(count / ours),
               "bare_s": round(bare, 2), "bare_rows_per_s": round(count / bare),
               "ratio": round(ours / bare, 1)}
    log(json.dumps(figures))
    return figures


def run_both(families: int, workers: int, log=print) -> dict:
    report: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        report["sqlite"] = run(lambda side: f"sqlite:///{folder}/{side}.db", families, workers,
                               Path(folder) / "files", log)
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        name = f"casenotes_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            for side in ("import", "bare"):
                conn.execute(text(f'CREATE DATABASE "{name}_{side}"'))
    except Exception as exc:  # no server here: say so in the report, never fake a figure
        report["postgresql"] = {"skipped": f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"}
        log(report["postgresql"]["skipped"])
        return report
    try:
        def url_for(side: str) -> str:
            return make_url(PG_ADMIN_URL).set(database=f"{name}_{side}").render_as_string(hide_password=False)

        with tempfile.TemporaryDirectory() as folder:
            report["postgresql"] = run(url_for, families, workers, Path(folder) / "files", log)
    finally:
        with admin.connect() as conn:
            for side in ("import", "bare"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_{side}" WITH (FORCE)'))
        admin.dispose()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=600)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    log = lambda line: print(line, file=sys.stderr)  # noqa: E731
    if args.sqlite_only:
        with tempfile.TemporaryDirectory() as folder:
            report = {"sqlite": run(lambda side: f"sqlite:///{folder}/{side}.db", args.families, args.workers,
                                    Path(folder) / "files", log)}
    else:
        report = run_both(args.families, args.workers, log)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
