"""The agency server under load (issue 17, item 6): ``--workers`` simulated workers at once, each signed
in as their own PostgreSQL login role, doing a day's mix for ``--seconds`` against the local server.

    python -m bench.load_server [--size agency50|medium|large] [--workers 50] [--seconds 60]
                                [--processes N] [--search auto|postgresql|whoosh|none] [--compare]
                                [--pgbouncer [PER_USER] [--no-prepare]] [--keep] [--out bench/results]

A fresh database per run (bench/agency_server.py: the corpus copied in, ``init_server``, a login
role per simulated worker; all dropped at the end unless ``--keep``). The workers are the director,
the first supervisors and the caseworkers of their units; each runs a ``Day`` (bench/load_day.py)
with its own ``Store`` and connection pool. By default each worker is its own process, as each
person has their own computer: threads in one Python process would queue on the GIL and time that
queue, not the server. ``--processes N`` packs them into N processes instead.

Reported: actions per second, p50 / p95 / p99 / max per action, errors by type (deliberate
``StaleEdit`` apart), the connections each role held (sampled from ``pg_stat_activity`` each second),
the CPU seconds the clients, the server and everything else on the machine used in the window, and
the load average (the machine is shared). ``--compare`` also times the search query set on the same
corpus through SQLite FTS5, Whoosh (search/ today) and the engine inside PostgreSQL when there is one.
``--pgbouncer`` puts a PgBouncer in transaction mode between the workers and the server (bench/pooler.py);
``--no-prepare`` turns off psycopg's server-side prepared statements in the workers, which PgBouncer
before 1.21 cannot carry in transaction mode. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, text

from . import agency_server, pooler, search_engines
from .corpus import SIZES, ensure

KINDS = {"director": "director", "Casework Supervisor": "supervisor"}


def pick_workers(corpus: Path, count: int) -> list[tuple[str, str]]:
    """(login, kind): the director, then each supervisor followed by their caseworkers, up to ``count``."""
    import sqlite3

    db = sqlite3.connect(corpus)
    try:
        director = db.execute("SELECT login FROM workers WHERE supervisor_id IS NULL ORDER BY id").fetchone()[0]
        chosen = [(director, "director")]
        for boss_id, boss in db.execute("SELECT id, login FROM workers WHERE title = 'Casework Supervisor' "
                                        "ORDER BY id").fetchall():
            team = [login for (login,) in db.execute("SELECT login FROM workers WHERE supervisor_id = ? ORDER BY id",
                                                     (boss_id,))]
            chosen += [(boss, "supervisor")] + [(login, "caseworker") for login in team]
            if len(chosen) >= count:
                break
    finally:
        db.close()
    return chosen[:count]


def host(days: list[dict], search: str, search_path: str | None, think: float, until_ready, go, done,
         results) -> None:
    """A worker process: one thread per day (one day by default). Reports its tallies and CPU."""
    from store import Store

    from .load_day import Day, Tally

    stores, built = [], []
    try:
        for spec in days:
            store = Store.open(spec["url"])
            if os.environ.get("CASENOTES_LOAD_NO_PREPARE"):
                _no_prepared_statements(store)
            stores.append(store)
            built.append(Day(store, spec["kind"], search_engines.for_day(search, store, search_path), spec["seed"],
                             think, spec.get("handoff"), spec.get("collider", False)))
        for day in built:
            day.warm()
    except Exception as error:  # a worker that cannot sign in stops the run, saying why
        until_ready.put(f"{type(error).__name__}: {str(error).splitlines()[0]}")
        return
    until_ready.put(len(built))
    go.wait()
    started, cpu = time.perf_counter(), _own_cpu()
    until = started + float(os.environ["CASENOTES_LOAD_SECONDS"])
    tallies: list[Tally] = [Tally() for _ in built]

    def live(n: int) -> None:
        tallies[n] = built[n].run(until)

    threads = [threading.Thread(target=live, args=(n,)) for n in range(len(built))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put({"tallies": [t.as_dict() for t in tallies], "cpu_s": _own_cpu() - cpu,
                 "seconds": time.perf_counter() - started})
    done.wait()
    for store in stores:
        store.close()


def _no_prepared_statements(store) -> None:
    """psycopg prepares a statement on the server after its fifth use; a transaction-mode pooler may
    run the next use on another server connection, where it does not exist."""
    from sqlalchemy import event

    event.listen(store.write_engine, "connect", lambda dbapi, record: setattr(dbapi, "prepare_threshold", None))
    store.write_engine.dispose()


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _postgres_cpu() -> float:
    """CPU seconds of every postgres process now running (the server's backends and helpers)."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)
            if "(postgres" not in fields[0]:
                continue
            rest = fields[1].split()
            total += int(rest[11]) + int(rest[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def _machine_cpu() -> float:
    """CPU seconds the whole machine spent busy (all cores)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Connections(threading.Thread):
    """Samples the run's connections per role from pg_stat_activity, once a second."""

    def __init__(self, server: agency_server.AgencyServer):
        super().__init__(daemon=True)
        self.server, self.stop = server, threading.Event()
        self.most_per_role: dict[str, int] = {}
        self.most_total = 0
        self.active_most = 0

    def run(self) -> None:
        engine = create_engine(agency_server.ADMIN_URL)
        roles = {role: login for login, role in self.server.roles.items()}
        with engine.connect() as conn:
            while not self.stop.wait(1.0):
                rows = conn.execute(text(
                    "SELECT usename, count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity "
                    "WHERE datname = :d GROUP BY usename"), {"d": self.server.name}).all()
                self.most_total = max(self.most_total, sum(n for r, n, _ in rows if r in roles))
                self.active_most = max(self.active_most, sum(a for r, _, a in rows if r in roles))
                for role, n, _ in rows:
                    if role in roles:
                        self.most_per_role[roles[role]] = max(self.most_per_role.get(roles[role], 0), n)
                conn.rollback()
        engine.dispose()


def run_load(server: agency_server.AgencyServer, workers: list[tuple[str, str]], seconds: float, processes: int,
             search: str, search_path: str | None, think: float, log, via: str | None = None,
             pool_per_user: int | None = None) -> dict:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["store", "search", "sqlalchemy", "bench.load_day"])
    os.environ["CASENOTES_LOAD_SECONDS"] = str(seconds)
    handoff = context.Queue()
    specs = [{"login": login, "kind": kind, "url": server.url_as(login, via), "seed": n}
             for n, (login, kind) in enumerate(workers)]
    pair = next((n for n, (_, kind) in enumerate(workers) if kind == "caseworker"), None)
    if pair is not None:  # the first caseworker and their supervisor (just before them in the list)
        specs[pair].update(collider=True, handoff=handoff)
        specs[pair - 1].update(handoff=handoff)
    per_process = math.ceil(len(specs) / processes)
    groups = [specs[i:i + per_process] for i in range(0, len(specs), per_process)]
    ready, go, done, results = context.Queue(), context.Event(), context.Event(), context.Queue()
    children = [context.Process(target=host, args=(group, search, search_path, think, ready, go, done, results))
                for group in groups]
    began = time.perf_counter()
    for child in children:
        child.start()
    for _ in children:
        signed_in = ready.get(timeout=600)
        if isinstance(signed_in, str):
            for child in children:
                child.terminate()
            raise SystemExit(f"a worker could not sign in: {signed_in}")
    log(f"  {len(specs)} workers signed in on {len(children)} processes in {time.perf_counter() - began:.0f} s")
    sampler = Connections(server)
    sampler.start()
    load_before = os.getloadavg()
    server_cpu, machine_cpu, wall = _postgres_cpu(), _machine_cpu(), time.perf_counter()
    go.set()
    time.sleep(seconds)
    reports = [results.get(timeout=seconds + 600) for _ in children]
    server_cpu, machine_cpu = _postgres_cpu() - server_cpu, _machine_cpu() - machine_cpu
    wall = time.perf_counter() - wall
    load_after = os.getloadavg()
    done.set()
    sampler.stop.set()
    for child in children:
        child.join(timeout=60)
    sampler.join(timeout=5)
    client_cpu = sum(r["cpu_s"] for r in reports)
    figures = summarise([t for r in reports for t in r["tallies"]], seconds)
    figures.update({
        "workers": len(specs), "processes": len(children), "seconds": seconds, "think_mean_s": think,
        "search": search, "via": via or "the server itself", "pool_per_user": pool_per_user,
        "prepared_statements": not os.environ.get("CASENOTES_LOAD_NO_PREPARE"),
        "cpu": {"wall_s": round(wall, 1), "cores": os.cpu_count(), "clients_s": round(client_cpu, 1),
                "server_s": round(server_cpu, 1), "others_s": round(max(0.0, machine_cpu - client_cpu - server_cpu), 1),
                "machine_busy_s": round(machine_cpu, 1)},
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after]},
        "connections": {"most_at_once": sampler.most_total, "most_active_at_once": sampler.active_most,
                        "most_per_worker": max(sampler.most_per_role.values(), default=0),
                        "workers_seen": len(sampler.most_per_role)}})
    return figures


def summarise(tallies: list[dict], seconds: float) -> dict:
    times: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    samples: dict[str, str] = {}
    stale = 0
    for tally in tallies:
        for action, values in tally["times"].items():
            times.setdefault(action, []).extend(values)
        for name, n in tally["errors"].items():
            errors[name] = errors.get(name, 0) + n
        samples.update(tally["samples"])
        stale += tally["deliberate_stale"]
    actions = {action: _percentiles(values, seconds) for action, values in sorted(times.items())}
    total = sum(len(v) for v in times.values())
    return {"actions": actions, "actions_total": total, "actions_per_s": round(total / seconds, 1),
            "errors": errors, "error_samples": samples, "deliberate_stale_edits": stale}


def _percentiles(values: list[float], seconds: float) -> dict:
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, math.ceil(p * len(ordered)) - 1)] * 1000, 1)

    return {"count": len(ordered), "per_s": round(len(ordered) / seconds, 2), "p50_ms": at(0.50),
            "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": round(ordered[-1] * 1000, 1)}


def run(size: str, workers: int, seconds: float, processes: int | None, search: str, think: float, compare: bool,
        keep: bool, log=print, pgbouncer: int = 0) -> dict:
    corpus = ensure(size, log=log)
    chosen = pick_workers(corpus, workers)
    report: dict = {"date": time.strftime("%Y-%m-%d"), "at": time.strftime("%H:%M UTC", time.gmtime()),
                    "size": size, "notes": SIZES[size].notes, "corpus": corpus.name,
                    "machine": f"{os.cpu_count()} cores, {_memory_gb()} GB", "uptime_before": _uptime()}
    extra = search_engines.comparison_logins(corpus) if compare else []
    started = time.perf_counter()
    server = agency_server.make(corpus, [login for login, _ in chosen] + [x for x in extra if x not in dict(chosen)],
                                log=log)
    report["setup"] = {**server.load, "seconds": round(time.perf_counter() - started, 1)}
    log(f"agency server {server.name}: {json.dumps(report['setup'])}")
    try:
        with tempfile.TemporaryDirectory() as folder:
            search = search_engines.choose(search)
            path = search_engines.prepare(search, server.url, folder, report["setup"], log)
            with ExitStack() as stack:
                via = stack.enter_context(pooler.pgbouncer(server.url, list(server.roles.values()),
                                                           per_user=pgbouncer)) if pgbouncer else None
                report["load"] = run_load(server, chosen, seconds, processes or len(chosen), search, path, think,
                                          log, via, pgbouncer or None)
            log(f"load: {report['load']['actions_per_s']} actions/s, errors {report['load']['errors']}")
            if compare:
                report["search"] = search_engines.compare(corpus, server, log)
        report["uptime_after"] = _uptime()
    finally:
        if keep:
            log(f"kept {server.name} and its roles")
        else:
            server.drop()
    return report


def _uptime() -> str:
    with open("/proc/loadavg") as f:
        return "load average " + ", ".join(f.read().split()[:3])


def _memory_gb() -> int:
    with open("/proc/meminfo") as f:
        return round(int(f.readline().split()[1]) / 2**20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="agency50", choices=SIZES)
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--processes", type=int, help="pack the workers into this many processes (default: one each)")
    parser.add_argument("--search", default="auto", choices=("auto", "postgresql", "whoosh", "none"))
    parser.add_argument("--think", type=float, default=0.2, help="mean seconds a person pauses between actions")
    parser.add_argument("--compare", action="store_true", help="also time search on FTS5, Whoosh and PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the database and its roles")
    parser.add_argument("--pgbouncer", type=int, nargs="?", const=pooler.PER_USER, default=0, metavar="PER_USER",
                        help="workers connect through PgBouncer (transaction mode), PER_USER server connections each")
    parser.add_argument("--no-prepare", action="store_true", help="no server-side prepared statements in the workers")
    parser.add_argument("--out", type=Path, help="write load-<size>-<date>.json and .md in this folder")
    args = parser.parse_args(argv)
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.no_prepare:
        os.environ["CASENOTES_LOAD_NO_PREPARE"] = "1"  # read by the worker processes
    report = run(args.size, args.workers, args.seconds, args.processes, args.search, args.think, args.compare,
                 args.keep, log, args.pgbouncer)
    report["command"] = "python -m bench.load_server " + " ".join(argv if argv is not None else sys.argv[1:])
    from .load_report import table

    print(table(report))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        stem = args.out / f"load-{args.size}-{report['date']}{'-pgbouncer' if args.pgbouncer else ''}"
        stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
        stem.with_suffix(".md").write_text(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
