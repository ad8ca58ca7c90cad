"""The search inside PostgreSQL (search/pg_engine.py) on a bench corpus, beside SQLite FTS5.

    python -m bench.server_search [--size small] [--differences]

Loads the corpus into a fresh PostgreSQL database (bench/agency_server.py; its COPY lifts the
triggers, so ``ServerSearch.rebuild`` fills ``note_search`` after it, timed as notes/s), then runs
bench/search_vs_fts5.py's query set as the same readers (20 families as their Case Managers, 3
supervisors, the director) through ``ServerSearch`` connected as the owner (the access rules are in
its SQL; no row-level security) and through FTS5, interleaved per query, the second of two passes
timed. Prints median / p95 / max in ms and how many result lists equal FTS5's (FTS5 knows no access
rules: others' drafts it returns are hidden from the reader here). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from sqlalchemy import text

from search import ServerSearch
from store import FrozenClock, Store

from . import agency_server
from .corpus import AS_OF, ensure
from .search_vs_fts5 import LIMIT, QUERIES, Fts5, build_fts5, families_to_search


def figures(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:.1f} / {p95 * 1000:.1f} / {ordered[-1] * 1000:.1f}"


def run(size: str, differences: bool, log=print) -> None:
    corpus = ensure(size, log=log)
    local = Store.open(f"sqlite:///{corpus}", clock=FrozenClock(AS_OF))
    families, supervisors = families_to_search(local)
    fts_path = corpus.with_suffix(".fts5.db")
    if not fts_path.exists():
        build_fts5(corpus, fts_path)
    fts = Fts5(fts_path)
    server = agency_server.make(corpus, [], log=log)
    try:
        store = Store.open(server.url, clock=FrozenClock(AS_OF))
        engine = ServerSearch(store)
        started = time.perf_counter()
        notes = engine.rebuild()
        seconds = time.perf_counter() - started
        log(f"note_search filled: {notes:,} notes in {seconds:.1f} s ({notes / seconds:,.0f} notes/s)")
        with store.write_engine.connect() as conn:
            conn.execute(text("ANALYZE note_search"))
            conn.commit()
        scopes = {"family": [(login, case) for case, login in families],
                  "supervisor": [(login, None) for login in supervisors], "director": [("director", None)]}
        same = total = 0
        for scope, readers in scopes.items():
            ours: list[float] = []
            theirs: list[float] = []
            for timed in (False, True):
                for login, family in readers:
                    desk, reference = store.as_user(login), local.as_user(login)
                    allowed = reference.readable_case_ids() if family is None and login != "director" else None
                    fts.allow(allowed)
                    for query, match, extra in QUERIES:
                        began = time.perf_counter()
                        found = [hit.note_id for hit in engine.search(desk, query, family=family, limit=LIMIT).hits]
                        middle = time.perf_counter()
                        rows = [row[0] for row in fts.search(match, extra, family, restricted=allowed is not None)]
                        ended = time.perf_counter()
                        if timed:
                            ours.append(middle - began)
                            theirs.append(ended - middle)
                            same += found == rows
                            total += 1
                            if differences and found != rows:
                                log(f"  {scope} {login} {query!r}: only here {sorted(set(found) - set(rows))}, "
                                    f"only in FTS5 {sorted(set(rows) - set(found))}")
            log(f"{scope}: PostgreSQL {figures(ours)} | FTS5 {figures(theirs)}  (median / p95 / max ms, "
                f"{len(ours)} queries)")
        log(f"result lists equal to FTS5's: {same}/{total}")
        store.close()
    finally:
        local.close()
        server.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small")
    parser.add_argument("--differences", action="store_true", help="list the result lists that differ from FTS5's")
    args = parser.parse_args(argv)
    run(args.size, args.differences, log=lambda line: print(line, file=sys.stderr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
