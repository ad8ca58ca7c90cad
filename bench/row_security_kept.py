"""What row-level security costs on a kept agency server database (``bench.load_server --keep``): the
desk's reads and a draft's save, each as the worker's own login role, one at a time on a quiet connection.

    python -m bench.row_security_kept DATABASE [--repeat 5]

A caseworker (the first of the first supervisor's unit with a stage to write in) and that supervisor:
their caseload, a stage of theirs opened (its note ids, the first page of notes, its deadlines, the
notes not shown), a note's defaults, a draft added and saved, the review queue. Median and max ms of
``--repeat`` runs after one warm-up. Figures, never pass/fail; the draft is discarded afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import create_engine, make_url, text

from store import FrozenClock, Store

from .agency_server import ADMIN_URL
from .corpus import AS_OF

FIRST_PAGE = 50
CONTACT = "Caseworker/Child Contact"


def timed(read: Callable[[], object], repeat: int) -> tuple[float, float]:
    read()
    took = []
    for _ in range(repeat):
        started = time.perf_counter()
        read()
        took.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(took), 1), round(max(took), 1)


def open_stage(desk, stage_id: int) -> None:
    ids = desk.stage_note_ids(stage_id)
    first = ids[:FIRST_PAGE]
    desk.stage_notes(stage_id, ids=first)
    desk.stage_deadlines(stage_id, ids=first)
    desk.notes_not_shown(stage_id)


def run(database: str, repeat: int) -> None:
    url = make_url(ADMIN_URL).set(database=database)
    owner = create_engine(url)
    with owner.connect() as conn:
        boss, boss_role = conn.execute(text(
            "SELECT login, db_role FROM workers WHERE title = 'Casework Supervisor' AND db_role IS NOT NULL "
            "ORDER BY id")).first()
        worker, worker_role = conn.execute(text(
            "SELECT w.login, w.db_role FROM workers w JOIN workers b ON b.id = w.supervisor_id "
            "WHERE b.login = :b AND w.db_role IS NOT NULL ORDER BY w.id"), {"b": boss}).first()
        notes = conn.execute(text("SELECT count(*) FROM notes")).scalar_one()
    owner.dispose()
    print(f"{database}: {notes:,} notes; caseworker {worker}, supervisor {boss}; median / max ms of {repeat}")
    print("| worker | action | ms |")
    print("| --- | --- | --- |")
    for login, role in ((worker, worker_role), (boss, boss_role)):
        time_worker(url, login, role, repeat)


def time_worker(url, login: str, role: str, repeat: int) -> None:
    store = Store.open(url.set(username=role).render_as_string(hide_password=False), clock=FrozenClock(AS_OF))
    desk = store.signed_in()
    rows = desk.caseload() or desk.unit_caseload()
    stage_id = rows[0].stage_id
    actions: dict[str, Callable[[], object]] = {
        "caseload": lambda: (desk.caseload(), desk.unit_caseload(), desk.next_absence()),
        "open stage": lambda: (desk.case(rows[0].case_id), open_stage(desk, stage_id)),
    }
    writable = next((r.stage_id for r in rows[:40] if desk.may_add_note(r.stage_id) is None), None)
    draft = None
    if writable is not None:
        start = desk.note_defaults(writable).for_contact(CONTACT)
        draft = desk.add_note(writable, event_at=store.clock.now() - timedelta(hours=3), contact_type=CONTACT,
                              method=start.method, location=start.location, purposes=list(start.purposes),
                              participants=list(start.participants), narrative="Saw the family at home.")
        saves = [draft.version]

        def save() -> None:
            saves.append(desk.edit_note(draft.id, saves[-1], narrative=f"Saw the family at home ({len(saves)}).")
                         .version)

        actions["note defaults"] = lambda: desk.note_defaults(writable)
        actions["save draft"] = save
    if desk.supervises():
        actions["review queue"] = lambda: desk.review_queue(limit=FIRST_PAGE)
    for name, action in actions.items():
        median, most = timed(action, repeat)
        print(f"| {login} | {name} | {median} / {most} |")
    if draft is not None:
        desk.discard_draft(draft.id)
    store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    run(args.database, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
