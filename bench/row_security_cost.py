"""What row-level security costs the desk's reads (issue 17): the same reads through the store connected as
the owner (the rules in Python only) and as the worker's own login role (the rules again in every statement),
one worker at a time on a quiet connection.

    python -m bench.row_security_cost [--size agency50] [--repeat 15]

Reads timed for the director, a supervisor and a caseworker: the caseload (the unit's for the supervisors),
a stage's notes, the review queue, Timeliness, a family found by name. Median and max ms of ``--repeat``
runs after one warm-up. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import text

from store import FrozenClock, Store

from . import agency_server
from .corpus import AS_OF, ensure


def timed(read: Callable[[], object], repeat: int) -> tuple[float, float]:
    read()
    took = []
    for _ in range(repeat):
        started = time.perf_counter()
        read()
        took.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(took), 2), round(max(took), 2)


def reads(desk, stage_id: int, family: str) -> dict[str, Callable[[], object]]:
    found: dict[str, Callable[[], object]] = {
        "caseload": desk.caseload,
        "stage notes": lambda: desk.stage_notes(stage_id),
        "find family": lambda: desk.find_cases(family),
    }
    if desk.supervises():
        found.update({"unit caseload": desk.unit_caseload, "review queue": desk.review_queue,
                      "timeliness": desk.timeliness})
    return found


def run(size: str, repeat: int) -> None:
    corpus = ensure(size)
    owner_store = Store.open(f"sqlite:///{corpus}", clock=FrozenClock(AS_OF))
    with owner_store.write_engine.connect() as conn:
        director = conn.execute(text("SELECT login FROM workers WHERE supervisor_id IS NULL ORDER BY id")).scalar_one()
        boss = conn.execute(text("SELECT login FROM workers WHERE title = 'Casework Supervisor' ORDER BY id")).scalar()
        worker = conn.execute(text("SELECT w.login FROM workers w JOIN workers b ON b.id = w.supervisor_id "
                                   "WHERE b.login = :b ORDER BY w.id"), {"b": boss}).scalar()
    owner_store.close()
    logins = [director, boss, worker]
    server = agency_server.make(corpus, logins)
    try:
        owner = Store.open(server.url, clock=FrozenClock(AS_OF))
        with owner.write_engine.connect() as conn:
            stage_id, family = conn.execute(text(
                "SELECT s.id, c.family_name FROM role_assignments r JOIN stages s ON s.id = r.stage_id "
                "JOIN cases c ON c.id = s.case_id JOIN workers w ON w.id = r.worker_id WHERE w.login = :l "
                "AND r.ends_at IS NULL ORDER BY (SELECT count(*) FROM notes n WHERE n.stage_id = s.id) DESC"),
                {"l": worker}).first()
            notes = conn.execute(text("SELECT count(*) FROM notes")).scalar_one()
        print(f"corpus {size}: {notes:,} notes; stage {stage_id} ({family}); median / max ms of {repeat}")
        print("| worker | read | owner | own role | role / owner |")
        print("| --- | --- | --- | --- | --- |")
        for login in logins:
            as_role = Store.open(server.url_as(login), clock=FrozenClock(AS_OF))
            by_owner = reads(owner.as_user(login), stage_id, family)
            by_role = reads(as_role.signed_in(), stage_id, family)
            for name in by_owner:
                plain, secured = timed(by_owner[name], repeat), timed(by_role[name], repeat)
                print(f"| {login} | {name} | {plain[0]} / {plain[1]} | {secured[0]} / {secured[1]} | "
                      f"{secured[0] / plain[0]:.2f} |")
            as_role.close()
        owner.close()
    finally:
        server.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="agency50")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    run(args.size, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
