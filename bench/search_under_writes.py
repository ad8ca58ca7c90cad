"""How long a search takes while others keep saving, against the same searches with nobody saving.

    python -m bench.search_under_writes [--backend sqlite|postgresql|both] [--writers 8] [--searches 20]

Each backend gets the demo agency (a temporary SQLite file; a temporary PostgreSQL database,
dropped afterwards) and an index built over it. Then, once with no writers and once with
``--writers`` processes saving notes as fast as they can (each a Case Manager in their own stage,
through the store as the app saves), a reader searches: first after ``--warm`` seconds of saving
(the index is behind by what was saved meanwhile), then every quarter second, alternately a Case
Manager's family search and the director's agency-wide search, for the word "school". As in the
app, each writer's process follows the log after its saves (``--no-follow``: they do not, and only
the searches apply it). A search applies the log itself only when a few entries logged before it
began are missing and no one holds the writer lock (issue 14, item 6); it is timed whole.
Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from search import SearchIndex
from store import FrozenClock, Store, StoreError

from .corpus import AS_OF  # the demo's story ends there too
from .search_vs_fts5 import Figures

PG_ADMIN_URL = os.environ.get("CASENOTES_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
URL_VARIABLE = "CASENOTES_BENCH_URL"  # the writers' database, by the environment (a URL may hold a password)
PAUSE = 0.25  # seconds between searches, as between pauses in typing
WORD = "school"


def writer(stage_id: int, login: str, stop: str, index_path: str | None = None) -> None:
    """A writer process: save notes until the file ``stop`` exists; print how many were saved and
    refused. With ``index_path``, a thread follows the log after the saves as the app's does
    (``index_soon`` after each save: a catch-up that returns at once while someone else holds the lock)."""
    import threading

    clock = FrozenClock(AS_OF)
    store = Store.open(os.environ[URL_VARIABLE], clock=clock)
    desk, saved, refused = store.as_user(login), 0, {}
    if index_path:
        follower = SearchIndex.for_store(store, path=index_path)

        def follow() -> None:
            while not os.path.exists(stop):
                try:
                    if not follower.catch_up():
                        time.sleep(0.05)
                except Exception:  # as the app: the index is a convenience, saving goes on
                    time.sleep(0.05)

        threading.Thread(target=follow, daemon=True).start()
    print("ready", flush=True)
    while not os.path.exists(stop):
        try:  # complete, so that an FSI stage (final at once) takes it too
            desk.add_note(stage_id, event_at=clock.now() - timedelta(minutes=30),
                          contact_type="Caseworker/Child Contact", method="Face to face",
                          location="Child's residence (foster/kinship home)", purposes=["Safety", "Well-being"],
                          narrative=f"Spoke with the school counselor about attendance ({login}, note {saved}).")
            saved += 1
        except StoreError as error:  # e.g. the database stayed busy past the store's wait: counted, not fatal
            refused[str(error)] = refused.get(str(error), 0) + 1
    store.close()
    print(json.dumps({"saved": saved, "refused": refused}), flush=True)


def _pick(store: Store, writers: int) -> tuple[list[tuple[int, str]], tuple[str, int]]:
    """``writers`` (stage, Case Manager login) pairs of open stages, each a different worker, and a
    Case Manager's (login, family) to search."""
    with store.write_engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT s.id, w.login, s.case_id FROM role_assignments r JOIN stages s ON s.id = r.stage_id "
            "JOIN workers w ON w.id = r.worker_id WHERE r.role = 'Case Manager' AND r.ends_at IS NULL "
            "AND s.closed_at IS NULL ORDER BY s.id")).all()
    pairs, logins = [], set()
    for stage_id, login, _ in rows:
        if login not in logins:
            pairs.append((stage_id, login))
            logins.add(login)
    if len(pairs) < writers:
        pairs = [pairs[n % len(pairs)] for n in range(writers)]  # fewer workers than writers: some share
    reader = next((login, case_id) for _, login, case_id in rows if login not in {who for _, who in pairs[:writers]}) \
        if len(logins) > writers else (rows[0][1], rows[0][2])
    return pairs[:writers], reader


def _director(store: Store) -> str:
    """The login at the top of the supervision tree (the demo's director)."""
    with store.write_engine.connect() as conn:
        return conn.execute(text("SELECT login FROM workers WHERE supervisor_id IS NULL AND id IN "
                                 "(SELECT supervisor_id FROM workers) ORDER BY id")).scalars().first()


def phase(url: str, index: SearchIndex, store: Store, writers: list[tuple[int, str]], reader: tuple[str, int],
          searches: int, warm: float, folder: str, log, follow: bool = True) -> dict:
    stop = Path(folder) / f"stop-{uuid.uuid4().hex[:8]}"
    environment = {**os.environ, URL_VARIABLE: url}
    following = [str(index.path)] if follow else []
    children = [subprocess.Popen([sys.executable, "-m", "bench.search_under_writes", "--write", str(stage), login,
                                  str(stop), *following], stdout=subprocess.PIPE, text=True, env=environment)
                for stage, login in writers]
    try:
        for child in children:
            child.stdout.readline()  # "ready"
        started_seq, started = store.feed().last_seq(), time.perf_counter()
        time.sleep(warm if children else 0)
        family_desk, director = store.as_user(reader[0]), store.as_user(_director(store))
        times: dict[str, list[float]] = {"family": [], "agency": []}
        first, applied, left = None, [], []
        catching_up = _timed_catch_up()
        for n in range(searches):
            kind = "family" if n % 2 == 0 else "agency"
            before = index.applied_seq()
            began = time.perf_counter()
            if kind == "family":
                results = index.search(family_desk, WORD, family=reader[1])
            else:
                results = index.search(director, WORD)
            took = time.perf_counter() - began
            applied.append(index.applied_seq() - before)  # by the search or, meanwhile, the writers' followers
            left.append(results.behind)  # said in the answer as not searched yet
            first = took if first is None else first
            times[kind].append(took)
            catching_up["searches"].append(catching_up.pop("last", 0.0))
            time.sleep(PAUSE)
        elapsed = time.perf_counter() - started
        logged = store.feed().last_seq() - started_seq
    finally:
        stop.touch()
        counts = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
    index.catch_up(wait=True)  # what the last search left, so the next phase starts level
    saved = sum(c["saved"] for c in counts)
    log(f"  {len(children)} writers: {saved} notes saved ({saved / elapsed:,.0f}/s), first search "
        f"{first * 1000:,.0f} ms, log entries applied per search up to {max(applied)}")
    refusals: dict[str, int] = {}
    for c in counts:
        for sentence, n in c["refused"].items():
            refusals[sentence] = refusals.get(sentence, 0) + n
    return {"writers": len(children), "writers_follow": follow and bool(children), "saved": saved, "refused": refusals,
            "saves_per_s": round(saved / elapsed, 1), "log_entries": logged, "first_search_s": round(first, 4),
            "applied_per_search": {"median": sorted(applied)[len(applied) // 2], "max": max(applied)},
            "searches_that_left_saves": sum(1 for n in left if n), "most_left": max(left),
            "family": asdict(Figures.of(times["family"])), "agency": asdict(Figures.of(times["agency"])),
            "catch_up": asdict(Figures.of(catching_up["searches"]))}


def _timed_catch_up() -> dict:
    """Time the catch-up inside each search (the part issue 14 bounds): the engine imports it at
    each search, so the module's function is wrapped for this process."""
    import search.follow as follow

    timing: dict = {"searches": []}
    real = getattr(follow.catch_up_for_search, "__wrapped__", follow.catch_up_for_search)

    def timed(*args, **kwargs):
        began = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            timing["last"] = time.perf_counter() - began

    timed.__wrapped__ = real
    follow.catch_up_for_search = timed
    return timing


def run(backend: str, writers: int, searches: int, warm: float, log=print, follow: bool = True) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url, drop = _database(backend, folder)
        try:
            clock = FrozenClock(AS_OF)
            store = Store.open(url, clock=clock)
            from demo.agency import generate

            log(f"{backend}: generating the demo agency…")
            generate(store, clock, seed=1)
            clock.set(AS_OF)
            index = SearchIndex.for_store(store, path=Path(folder) / "index")
            notes = index.rebuild(workers=1)
            picked, reader = _pick(store, writers)
            log(f"{backend}: {notes} notes indexed; reader {reader[0]} (family {reader[1]}) and the director")
            quiet = phase(url, index, store, [], reader, searches, warm, folder, log)
            loaded = phase(url, index, store, picked, reader, searches, warm, folder, log, follow)
            store.close()
        finally:
            drop()
    return {"backend": backend, "notes": notes, "searches": searches, "warm_s": warm, "writers_follow": follow,
            "no_writers": quiet,
            "under_writes": loaded}


def _database(backend: str, folder: str):
    if backend == "sqlite":
        return f"sqlite:///{Path(folder) / 'bench.db'}", lambda: None
    name = f"casenotes_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False), drop


def table(reports: list[dict]) -> str:
    lines = ["| backend | writers | saves/s | first search | family median / p95 / max | agency median / p95 / max "
             "| of which catching up | searches that left saves for later (most left) |",
             "|---|---|---|---|---|---|---|---|"]
    for report in reports:
        for key in ("no_writers", "under_writes"):
            p = report[key]
            ms = {k: f"{p[k]['median_ms']:,.0f} / {p[k]['p95_ms']:,.0f} / {p[k]['max_ms']:,.0f} ms"
                  for k in ("family", "agency", "catch_up")}
            writers = f"{p['writers']}{' following' if p.get('writers_follow') else ''}"
            lines.append(f"| {report['backend']} | {writers} | {p['saves_per_s']:,.0f} | "
                         f"{p['first_search_s'] * 1000:,.0f} ms | {ms['family']} | {ms['agency']} | {ms['catch_up']} | "
                         f"{p['searches_that_left_saves']} of {report['searches']} ({p['most_left']:,}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--write"]:
        writer(int(sys.argv[2]), sys.argv[3], sys.argv[4], *sys.argv[5:6])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--searches", type=int, default=20)
    parser.add_argument("--warm", type=float, default=3.0, help="seconds of saving before the first search")
    parser.add_argument("--no-follow", dest="follow", action="store_false",
                        help="writers do not catch the index up after their saves (the app does)")
    args = parser.parse_args(argv)
    log = lambda line: print(line, file=sys.stderr)  # noqa: E731
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    reports = [run(b, args.writers, args.searches, args.warm, log, args.follow) for b in backends]
    print(json.dumps(reports, indent=2))
    print(table(reports), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
