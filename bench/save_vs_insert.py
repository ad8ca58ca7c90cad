"""A note save through the store (validation, revision, audit, change log, commit) against a bare
INSERT + COMMIT of the same row with SQLAlchemy Core, on SQLite and on PostgreSQL, in the same run.

    python -m bench.save_vs_insert [--saves 200]

The bare rows go into ``bench_bare_notes``, a table of the same shape as ``notes`` (its columns,
defaults, indexes and foreign keys) without its triggers: ``notes`` itself refuses a note that has
no revision at COMMIT (migration 0006). Each backend gets a fresh agency (a temporary SQLite file; a
temporary PostgreSQL database that is dropped afterwards). Saves and bare inserts alternate so that
both tables grow alike. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, MetaData, Table, create_engine, insert, inspect, text
from sqlalchemy.engine import make_url

from store import FrozenClock, Store
from store.db.models import Note

from .search_vs_fts5 import Figures

PG_ADMIN_URL = os.environ.get("CASENOTES_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
START = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
NARRATIVE = ("Caseworker visited the foster home. The child was seen in the living room and showed the "
             "caseworker her school reading log. Foster mother reports good sleep and appetite. ") * 8


BARE = "bench_bare_notes"


def bare_notes_table(engine) -> Table:
    """``notes``' twin for the reference INSERTs: same columns, defaults, indexes and foreign keys,
    no triggers (PostgreSQL: CREATE TABLE … LIKE; SQLite: notes' own CREATE statements, renamed)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"CREATE TABLE {BARE} (LIKE notes INCLUDING ALL)"))
            for key in inspect(conn).get_foreign_keys("notes"):
                conn.execute(text(f"ALTER TABLE {BARE} ADD FOREIGN KEY ({', '.join(key['constrained_columns'])}) "
                                  f"REFERENCES {key['referred_table']} ({', '.join(key['referred_columns'])})"))
        else:
            statements = conn.execute(text("SELECT type, sql FROM sqlite_master WHERE tbl_name = 'notes' "
                                           "AND type IN ('table', 'index') AND sql IS NOT NULL")).all()
            for kind, sql in sorted(statements, key=lambda row: row[0] != "table"):
                if kind == "table":
                    conn.execute(text(sql.replace("CREATE TABLE notes (", f"CREATE TABLE {BARE} (", 1)))
                else:
                    conn.execute(text(sql.replace("CREATE INDEX ix_notes_", f"CREATE INDEX ix_{BARE}_", 1)
                                      .replace(" ON notes (", f" ON {BARE} (", 1)))
    return Table(BARE, MetaData(), *(Column(c.name, c.type, primary_key=c.primary_key) for c in Note.__table__.columns))


def run(url: str, saves: int) -> dict:
    clock = FrozenClock(START)
    store = Store.open(url, clock=clock)
    try:
        bare_notes = bare_notes_table(store.write_engine)
        staffing = store.staffing()
        staffing.add_worker("sup", "Sue Supervisor", "Supervisor")
        staffing.add_worker("cw", "Cara Worker", "Caseworker", supervisor="sup")
        case = staffing.open_case("Bench")
        child = staffing.add_person(case, "Kim", "Bench", "child", is_child=True)
        stage = staffing.open_stage(case, "FSS", subtype="CWS", case_manager="cw", person_ids=[child])
        clock.advance(hours=1)
        desk = store.as_user("cw")
        fields = dict(contact_type="Caseworker/Child Contact", method="Face to face",
                      location="Child's residence (foster/kinship home)", purposes=["Safety", "Well-being"],
                      participants=[child], others=["foster parent"], narrative=NARRATIVE)
        ours, bare = [], []
        for _ in range(saves + 5):  # the first five warm both paths up
            clock.advance(seconds=30)
            event = clock.now() - timedelta(minutes=20)
            started = time.perf_counter()
            saved = desk.add_note(stage, event_at=event, **fields)
            middle = time.perf_counter()
            row = {column: getattr(saved, column) for column in ("event_at", "entered_at", "contact_type", "method",
                                                                 "location", "narrative", "status", "freezes_at")}
            row.update(stage_id=stage, author_id=desk.worker_id, entered_by_id=desk.worker_id,
                       purposes=list(saved.purposes), others=list(saved.others), version=1)
            with store.write_engine.begin() as conn:
                conn.execute(insert(bare_notes).values(**row))
            ended = time.perf_counter()
            ours.append(middle - started)
            bare.append(ended - middle)
        mine, reference = Figures.of(ours[5:]), Figures.of(bare[5:])
        return {"store_save": asdict(mine), "bare_insert": asdict(reference),
                "ratio_median": round(mine.median_ms / reference.median_ms, 2),
                "ratio_p95": round(mine.p95_ms / reference.p95_ms, 2)}
    finally:
        store.close()


def run_both(saves: int = 200, log=print) -> dict:
    report: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        report["sqlite"] = run(f"sqlite:///{folder}/bench.db", saves)
        log(f"sqlite: {json.dumps(report['sqlite'])}")
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        name = f"casenotes_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server here: say so in the report, never fake a figure
        report["postgresql"] = {"skipped": f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"}
        log(report["postgresql"]["skipped"])
        return report
    try:
        report["postgresql"] = run(make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False),
                                   saves)
        log(f"postgresql: {json.dumps(report['postgresql'])}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return report


def table_rows(report: dict) -> list[str]:
    rows = []
    for backend in ("sqlite", "postgresql"):
        figures = report.get(backend, {})
        if "skipped" in figures:
            rows.append(f"| note save, {backend} | {figures['skipped']} | | |")
        elif figures:
            ours, theirs = figures["store_save"], figures["bare_insert"]
            rows.append(f"| note save, {backend}: median / p95 / max ({ours['samples']} saves) | "
                        f"{ours['median_ms']} / {ours['p95_ms']} / {ours['max_ms']} ms | bare INSERT+COMMIT "
                        f"{theirs['median_ms']} / {theirs['p95_ms']} / {theirs['max_ms']} ms | "
                        f"{figures['ratio_median']}× / {figures['ratio_p95']}× |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args(argv)
    report = run_both(args.saves, log=lambda line: print(line, file=sys.stderr))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
