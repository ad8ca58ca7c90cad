"""Search at agency scale: casenotes (Whoosh, sharded by family, access checked by the store) against
SQLite FTS5 answering the same queries on the same notes, in the same run.

    python -m bench.search_vs_fts5 --size small|medium|large [--rebuild]

Reports index build throughput (notes/second) and family-scoped and agency-wide query latency
(median, p95, max over a fixed query set) for both, and the ratios. The figures are printed and
returned; nothing here passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from search import SearchIndex
from store import FrozenClock, Store

from .corpus import AS_OF, ensure

# (our query, the FTS5 MATCH expression, an extra SQL condition on the event time or None)
QUERIES = [
    ("nurse", "nurse", None),
    ("visits", "visits", None),
    ("grandmother", "grandmother", None),
    ('"school nurse"', '"school nurse"', None),
    ("therap*", "therap*", None),
    ("visit AND school", "visit AND school", None),
    ("court OR attorney", "court OR attorney", None),
    ("visit NOT telephone", "visit NOT telephone", None),
    ("type:school", "type:school", None),
    ("status:returned", "status:returned", None),
    ("after:2026-06-01 bedroom", "bedroom", "event >= '2026-06-01'"),
    ("before:2023-01-01 medication", "medication", "event < '2023-01-01'"),
]
LIMIT = 20


@dataclass
class Figures:
    median_ms: float
    p95_ms: float
    max_ms: float
    samples: int

    @classmethod
    def of(cls, seconds: list[float]) -> Figures:
        ordered = sorted(seconds)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return cls(round(statistics.median(ordered) * 1000, 2), round(p95 * 1000, 2), round(ordered[-1] * 1000, 2),
                   len(ordered))


def build_fts5(corpus: Path, target: Path) -> tuple[int, float]:
    """The reference index: one FTS5 table of the same fields, porter-stemmed, merged at the end."""
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"ATTACH DATABASE '{corpus}' AS c")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(narrative, type, purposes, method, location, person, others, "
               "author, family, stage, status, case_tag, event UNINDEXED, tokenize='porter unicode61')")
    db.execute("""
        INSERT INTO fts(rowid, narrative, type, purposes, method, location, person, others, author, family, stage,
                        status, case_tag, event)
        SELECT n.id, n.narrative, n.contact_type, n.purposes, n.method, n.location,
               (SELECT group_concat(p.first_name || ' ' || p.last_name, ' ') FROM c.note_participants np
                  JOIN c.persons p ON p.id = np.person_id WHERE np.note_id = n.id),
               n.others, w.name || ' ' || w.login, k.family_name, lower(s.type || coalesce('-' || s.subtype, '')),
               n.status, 'c' || s.case_id, n.event_at
        FROM c.notes n JOIN c.stages s ON s.id = n.stage_id JOIN c.cases k ON k.id = s.case_id
        JOIN c.workers w ON w.id = n.author_id""")
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.commit()
    count = db.execute("SELECT count(*) FROM fts").fetchone()[0]
    db.close()
    return count, time.perf_counter() - started


class Fts5:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TEMP TABLE allowed(tag TEXT PRIMARY KEY)")

    def allow(self, case_ids: set[int] | None) -> None:
        self.db.execute("DELETE FROM allowed")
        self.db.executemany("INSERT INTO allowed VALUES (?)", [(f"c{c}",) for c in case_ids or ()])

    def search(self, match: str, extra: str | None, family: int | None, restricted: bool, limit: int = LIMIT) -> list:
        where = ["fts MATCH ?"]
        if family is not None:
            match = f"case_tag:c{family} AND ({match})"
        elif restricted:
            where.append("case_tag IN (SELECT tag FROM allowed)")
        if extra:
            where.append(extra)
        sql = (f"SELECT rowid, event, snippet(fts, 0, '«', '»', '…', 16) FROM fts WHERE {' AND '.join(where)} "
               f"ORDER BY event DESC LIMIT {int(limit)}")
        return self.db.execute(sql, (match,)).fetchall()


def families_to_search(store: Store, count: int = 20, seed: int = 7) -> list[tuple[int, str]]:
    """The five biggest families and a random fifteen, each with its Case Manager's login."""
    from sqlalchemy import text

    with store.write_engine.connect() as conn:
        sizes = conn.execute(text("SELECT s.case_id, count(*) FROM notes n JOIN stages s ON s.id = n.stage_id "
                                  "GROUP BY s.case_id ORDER BY 2 DESC")).all()
        chosen = [c for c, _ in sizes[:5]] + random.Random(seed).sample([c for c, _ in sizes[5:]], count - 5)
        managers = dict(conn.execute(text(
            "SELECT s.case_id, min(w.login) FROM role_assignments r JOIN stages s ON s.id = r.stage_id "
            "JOIN workers w ON w.id = r.worker_id WHERE r.role = 'Case Manager' GROUP BY s.case_id")).all())
        supervisors = [row[0] for row in conn.execute(text(
            "SELECT login FROM workers WHERE title = 'Casework Supervisor' ORDER BY id LIMIT 3"))]
    return [(c, managers[c]) for c in chosen], supervisors


def run(size: str, rebuild: bool = False, log=print) -> dict:
    corpus = ensure(size, log=log)
    store = Store.open(f"sqlite:///{corpus}", clock=FrozenClock(AS_OF))
    index = SearchIndex.for_store(store, path=corpus.with_suffix(".search"))
    fts_path = corpus.with_suffix(".fts5.db")
    report: dict = {"size": size, "corpus": corpus.name}
    if rebuild or not fts_path.exists() or not index.path.exists():
        log("building the FTS5 reference…")
        count, seconds = build_fts5(corpus, fts_path)
        report["fts5_build"] = {"notes": count, "seconds": round(seconds, 1), "notes_per_s": round(count / seconds)}
        log(f"  {report['fts5_build']}")
        log("building the casenotes index…")
        started = time.perf_counter()
        count = index.rebuild()
        seconds = time.perf_counter() - started
        report["casenotes_build"] = {"notes": count, "seconds": round(seconds, 1),
                                     "notes_per_s": round(count / seconds)}
        report["build_ratio"] = round(report["casenotes_build"]["notes_per_s"] / report["fts5_build"]["notes_per_s"], 3)
        log(f"  {report['casenotes_build']}  ({report['build_ratio']}× FTS5's rate)")
    fts = Fts5(fts_path)
    families, supervisors = families_to_search(store)
    scopes = {"family": [(store.as_user(login), case) for case, login in families],
              "agency (supervisor)": [(store.as_user(login), None) for login in supervisors],
              "agency (director)": [(store.as_user("director"), None)]}
    for scope, who in scopes.items():
        ours, theirs, hits = [], [], [0, 0]
        for warm in (True, False):
            for desk, family in who:
                allowed = desk.readable_case_ids() if family is None and desk.login != "director" else None
                fts.allow(allowed)
                for query, match, extra in QUERIES:
                    started = time.perf_counter()
                    found = index.search(desk, query, family=family, limit=LIMIT)
                    middle = time.perf_counter()
                    rows = fts.search(match, extra, family, restricted=allowed is not None)
                    ended = time.perf_counter()
                    if not warm:
                        ours.append(middle - started)
                        theirs.append(ended - middle)
                        hits[0] += len(found.hits)
                        hits[1] += len(rows)
        mine, reference = Figures.of(ours), Figures.of(theirs)
        report[scope] = {"casenotes": asdict(mine), "fts5": asdict(reference),
                         "ratio_median": round(mine.median_ms / reference.median_ms, 2),
                         "ratio_p95": round(mine.p95_ms / reference.p95_ms, 2),
                         "hits_casenotes": hits[0], "hits_fts5": hits[1]}
        log(f"{scope}: {json.dumps(report[scope])}")
    store.close()
    return report


def table(report: dict) -> str:
    """The report as a Markdown table."""
    lines = [f"Search, corpus `{report['corpus']}` ({report['size']}); times in ms over the fixed query set.", "",
             "| figure | casenotes | SQLite FTS5 | ratio |", "| --- | --- | --- | --- |"]
    if "fts5_build" in report:
        ours, theirs = report["casenotes_build"], report["fts5_build"]
        lines.append(f"| index build, notes/s | {ours['notes_per_s']:,} ({ours['seconds']} s) | "
                     f"{theirs['notes_per_s']:,} ({theirs['seconds']} s) | {report['build_ratio']}× the rate |")
    for scope in ("family", "agency (supervisor)", "agency (director)"):
        if scope in report:
            row, ours, theirs = report[scope], report[scope]["casenotes"], report[scope]["fts5"]
            lines.append(f"| {scope}: median / p95 / max ({ours['samples']} queries) | {ours['median_ms']} / "
                         f"{ours['p95_ms']} / {ours['max_ms']} | {theirs['median_ms']} / {theirs['p95_ms']} / "
                         f"{theirs['max_ms']} | {row['ratio_median']}× / {row['ratio_p95']}× |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small")
    parser.add_argument("--rebuild", action="store_true", help="build both indexes again, timing the builds")
    parser.add_argument("--out", type=Path, help="also write search-<size>-<date>.json and .md in this folder")
    args = parser.parse_args(argv)
    report = run(args.size, args.rebuild, log=lambda line: print(line, file=sys.stderr))
    print(json.dumps(report, indent=2))
    print(table(report), file=sys.stderr)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        stem = args.out / f"search-{args.size}-{time.strftime('%Y-%m-%d')}"
        stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
        stem.with_suffix(".md").write_text(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
