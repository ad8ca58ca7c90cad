"""The search engines the load test can use and compares, one function each.

For the load (each simulated worker searching as they work): ``whoosh`` is search/ as today, one
index built over the agency server's database by its owner and shared by the workers' processes on
this machine (an agency could not deploy it so: the issue's point); ``postgresql`` is the search
inside the database (issue 17, item 4: search/pg_engine.py), each worker searching through their
own store as their own role. ``auto`` takes the PostgreSQL engine when there is one.

For the side-by-side (``compare``): the query set of bench/search_vs_fts5.py on the same corpus, as
the same readers (20 families as their Case Managers, 3 supervisors, the director), through SQLite
FTS5 and Whoosh on the corpus's SQLite file and through the PostgreSQL engine as each reader's own
login role on the agency server. Engines are interleaved per query; the first pass warms, the second
is timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from .search_vs_fts5 import LIMIT, QUERIES, Figures, Fts5, build_fts5, families_to_search

# The engines the load test can search with, by name; None where this code base has none yet.
Search = Callable[..., int]
WHOOSH_LOAD_MOST = 200_000  # notes; a Whoosh build takes ~35 minutes at 1,000,000 on this machine


def postgresql_engine() -> type | None:
    """search/'s engine inside PostgreSQL (issue 17, item 4): ``ServerSearch(store).search(desk, ...)``."""
    try:
        from search.pg_engine import ServerSearch
    except ImportError:  # a search/ from before it
        return None
    return ServerSearch


def choose(name: str) -> str:
    if name == "auto":
        return "postgresql" if postgresql_engine() is not None else "whoosh"
    if name == "postgresql" and postgresql_engine() is None:
        raise SystemExit("search/ has no PostgreSQL engine yet: use --search whoosh or none")
    return name


def prepare(name: str, owner_url: str, folder: str, figures: dict, log) -> str | None:
    """Whatever the engine needs before the workers sign in; returns the Whoosh index path if any."""
    if name != "whoosh":
        return None
    from search import SearchIndex
    from store import Store

    store = Store.open(owner_url)
    try:
        path = Path(folder) / "index"
        log("building the shared Whoosh index over the agency server…")
        started = time.perf_counter()
        notes = SearchIndex.for_store(store, path=path).rebuild(workers=1)
        figures["whoosh_build"] = {"notes": notes, "seconds": round(time.perf_counter() - started, 1)}
        log(f"  {figures['whoosh_build']}")
    finally:
        store.close()
    return str(path)


def for_day(name: str, store, path: str | None) -> Search | None:
    """The search one simulated worker's process runs: (desk, text, family or None) → hits."""
    if name == "none":
        return None
    if name == "whoosh":
        from search import SearchIndex

        index = SearchIndex.for_store(store, path=path)
        return lambda desk, typed, family: len(index.search(desk, typed, family=family, limit=LIMIT).hits)
    engine = postgresql_engine()
    assert engine is not None
    server = engine(store)
    return lambda desk, typed, family: len(server.search(desk, typed, family=family, limit=LIMIT).hits)


def comparison_logins(corpus: Path) -> list[str]:
    """The readers of the side-by-side, who need login roles on the agency server."""
    from store import Store

    store = Store.open(f"sqlite:///{corpus}")
    try:
        families, supervisors = families_to_search(store)
    finally:
        store.close()
    return sorted({login for _, login in families} | set(supervisors) | {"director"})


def compare(corpus: Path, server, log, whoosh: bool | None = None) -> dict:
    """The query set through FTS5 and Whoosh (the SQLite corpus) and PostgreSQL (the server, as each reader)."""
    from search import SearchIndex
    from store import Store

    from .corpus import SIZES

    local = Store.open(f"sqlite:///{corpus}")
    report: dict = {"engines": ["fts5"], "not_run": {}}
    fts_path = corpus.with_suffix(".fts5.db")
    if not fts_path.exists():
        log("building the FTS5 reference…")
        count, seconds = build_fts5(corpus, fts_path)
        report["fts5_build"] = {"notes": count, "seconds": round(seconds, 1), "notes_per_s": round(count / seconds)}
    fts = Fts5(fts_path)
    index = SearchIndex.for_store(local, path=corpus.with_suffix(".search"))
    size = SIZES.get(_size_name(corpus))
    if whoosh is None:
        whoosh = index.path.exists() or (size is not None and size.notes <= WHOOSH_LOAD_MOST)
    if whoosh:
        if not index.path.exists():
            log("building the Whoosh index of the corpus…")
            started = time.perf_counter()
            count = index.rebuild()
            report["whoosh_build"] = {"notes": count, "seconds": round(time.perf_counter() - started, 1),
                                      "notes_per_s": round(count / (time.perf_counter() - started))}
        report["engines"].append("whoosh")
    else:
        report["not_run"]["whoosh"] = "no Whoosh index of this corpus, and building one takes ~35 minutes at 1M notes"
    engine = postgresql_engine()
    remote: dict[str, Store] = {}
    if engine is not None:
        report["engines"].append("postgresql")
    else:
        report["not_run"]["postgresql"] = "search/ has no PostgreSQL engine yet"
    families, supervisors = families_to_search(local)
    scopes = {"family": [(login, case) for case, login in families],
              "agency (supervisor)": [(login, None) for login in supervisors],
              "agency (director)": [("director", None)]}

    desks: dict[tuple[str, str], object] = {}
    searchers: dict[str, object] = {}  # the PostgreSQL engine on each reader's own store

    def desk(name: str, login: str):  # signed in before the timing starts
        if (name, login) not in desks:
            if name == "whoosh":
                desks[name, login] = local.as_user(login)
            else:
                remote[login] = Store.open(server.url_as(login))
                desks[name, login] = remote[login].signed_in()
                searchers[login] = engine(remote[login])
        return desks[name, login]

    def answer(name: str, login: str, family: int | None, query: tuple[str, str, str | None]) -> int:
        """One engine's answer to one query as one reader: the number of hits (the 20 newest at most)."""
        ours, match, extra = query
        if name == "fts5":
            restricted = family is None and login != "director"
            return len(fts.search(match, extra, family, restricted=restricted))
        if name == "whoosh":
            return len(index.search(desk(name, login), ours, family=family, limit=LIMIT).hits)
        found = searchers[login].search(desk(name, login), ours, family=family, limit=LIMIT)  # type: ignore[attr-defined]
        return len(found.hits)

    for scope, readers in scopes.items():
        times: dict[str, list[float]] = {e: [] for e in report["engines"]}
        hits: dict[str, int] = {e: 0 for e in report["engines"]}
        for warm in (True, False):
            for login, family in readers:
                fts.allow(local.as_user(login).readable_case_ids() if family is None and login != "director"
                          else None)
                for name in report["engines"][1:]:
                    desk(name, login)
                for query in QUERIES:
                    for name in report["engines"]:
                        began = time.perf_counter()
                        found = answer(name, login, family, query)
                        if not warm:
                            times[name].append(time.perf_counter() - began)
                            hits[name] += found
        report[scope] = {name: {**asdict(Figures.of(values)), "hits": hits[name]} for name, values in times.items()}
        log(f"search {scope}: " + ", ".join(f"{n} {v['median_ms']} / {v['p95_ms']} ms"
                                            for n, v in report[scope].items()))
    for store in remote.values():
        store.close()
    local.close()
    return report


def _size_name(corpus: Path) -> str:
    return corpus.name.split("-")[1]
