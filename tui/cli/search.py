"""``casenotes index rebuild|check`` and ``casenotes search``: the index from the command line,
for scripts and for checking. On PostgreSQL the database searches its own notes: ``index rebuild``
recomputes their search vectors there (nothing is built on this computer) and ``index check``
compares them with the record."""

from __future__ import annotations

import json
import sys
import time

from tui.cli.sign_in import sign_in


def run_index(args) -> int:
    from search import ServerSearch, open_search
    from store import Store

    store = Store.open(args.db)
    index = open_search(store)
    if args.action == "rebuild" and isinstance(index, ServerSearch):
        started = time.perf_counter()
        count = index.rebuild()
        print(f"casenotes: this PostgreSQL database searches its own notes, kept by its triggers as each is "
              f"saved; there is no index to build on this computer. Recomputed the search words of {count:,} "
              f"notes in the database in {time.perf_counter() - started:.1f} s.", file=sys.stderr)
        return 0
    if args.action == "rebuild":
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-6)
            width = 30
            filled = int(width * done / total) if total else width
            print(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} notes  {rate:,.0f} notes/s",
                  end="", file=sys.stderr, flush=True)

        count = index.rebuild(progress=progress)
        seconds = time.perf_counter() - started
        print(f"\ncasenotes: indexed {count:,} notes in {seconds:.1f} s ({count / max(seconds, 1e-6):,.0f} notes/s).",
              file=sys.stderr)
        return 0
    differences = index.check(repair=args.repair)
    for line in differences:
        print(line)
    if not differences:
        print("casenotes: the index and the database agree.")
        return 0
    if args.repair and not index.check():
        print(f"casenotes: repaired {len(differences)} difference(s); they agree now.")
        return 0
    return 1


def run_search(args) -> int:
    from search import open_search
    from store import StoreError

    signed_in = sign_in(args)
    if not signed_in:
        return 2
    store, login = signed_in
    engine = open_search(store)
    try:
        results = engine.search(store.as_user(login), args.query, family=args.family, limit=args.limit,
                                order=args.order)
    except StoreError as error:
        print(f"casenotes: {error}", file=sys.stderr)
        return 2
    try:
        _print(results, args, store)
    finally:
        if results.behind:  # left whole by the search, to answer at once: applied now, for the next search
            sys.stdout.flush()
            engine.catch_up(once=True)
    return 0


def _print(results, args, store) -> None:
    from tui import formatting

    if args.json:
        print(json.dumps({"reading": results.shown, "problem": results.problem, "corrected": results.corrected,
                          "estimated": results.estimated,
                          "hits": [{"note": h.note_id, "case": h.case_id, "family": h.family_name,
                                    "stage": h.stage_label, "event": h.event_at.isoformat(),
                                    "type": h.contact_type, "author": h.author_name, "status": h.status,
                                    "snippet": h.snippet, "score": round(h.score, 3)} for h in results.hits]},
                         indent=2))
        return
    if results.problem:
        print(f"note: {results.problem}", file=sys.stderr)
    if results.corrected:
        print(f"Showing results for {results.corrected}")
    print(f"{len(results.hits)} of about {results.estimated} · {results.shown}")
    for hit in results.hits:
        when = formatting.moment(hit.event_at, store.policy.time_zone)
        print(f"{when}  {hit.contact_type} · {hit.author_name} · {hit.family_name} {hit.stage_label} "
              f"(note {hit.note_id})\n    {hit.snippet}")
