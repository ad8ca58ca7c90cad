"""A stage with 5,000 notes and a review queue of 2,000 against the same screens with 50, driven
headless in the same run: the stage's first notes painted, then End pressed and the oldest note
painted; the queue's first rows painted, then End and its last row painted. Figures, never pass/fail.

    python -m bench.screens_at_scale [--runs 5]

Builds its own agency through the store's API once (about a minute, most of it writing 7,100
notes), keeps it in bench/cache/ and runs on a copy of it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from store import FrozenClock, Store
from tui.app import CasenotesApp
from tui.widgets.note_list import NoteList
from tui.widgets.queue_list import QueueList

from .corpus import CACHE
from .search_vs_fts5 import Figures

SIZE = (120, 40)
SMALL, STAGE, QUEUE = 50, 5000, 2000
CLOCK_AT = datetime(2026, 1, 5, 15, tzinfo=timezone.utc)
VERSION = "1"  # raise when build() changes, so cached agencies are made again
NARRATIVE = "Seen at home; the foster mother reports a calm week and school attendance every day. " * 6


def _name(stage: int, queue: int) -> str:
    return f"screens-{stage}-{queue}-v{VERSION}"


def cached(stage: int, queue: int, log) -> dict:
    """The agency of ``build``, made once and kept in bench/cache/ (writing 7,000 notes through the
    store takes most of a minute); returns the (case, stage) of each stage size."""
    target = CACHE / f"{_name(stage, queue)}.db"
    sidecar = target.with_suffix(".json")
    if target.exists() and sidecar.exists():
        return {int(n): tuple(pair) for n, pair in json.loads(sidecar.read_text()).items()}
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        log(f"writing {SMALL + stage:,} notes through the store (once; kept in {CACHE.name}/)…")
        store, ids = build(folder, stage, queue)
        store.close()
        last = sqlite3.connect(f"{folder}/scale.db")  # everything into the main file before it moves
        last.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        last.close()
        os.replace(f"{folder}/scale.db", target)
    sidecar.write_text(json.dumps(ids))  # last: its presence says the database is whole
    return ids


def build(folder: str, stage: int, queue: int) -> tuple[Store, dict]:
    clock = FrozenClock(CLOCK_AT)
    store = Store.open(f"sqlite:///{folder}/scale.db", clock=clock)
    s = store.staffing()
    s.add_worker("director", "Dana", "Director")
    ids: dict = {}
    for n in (SMALL, stage):  # one caseworker per stage size, and one supervisor per queue size
        s.add_worker(f"sup{n}", f"Sup {n}", "Supervisor", supervisor="director")
        s.add_worker(f"cw{n}", f"Worker {n}", "Caseworker", supervisor=f"sup{n}")
        case = s.open_case(f"Family{n}")
        kid = s.add_person(case, "Kim", f"Family{n}", "child", is_child=True)
        ids[n] = (case, s.open_stage(case, "FSS", subtype="CWS", case_manager=f"cw{n}", person_ids=[kid]))
    clock.advance(hours=1)
    for n, (_case, stage) in ids.items():
        desk = store.as_user(f"cw{n}")
        queued = SMALL if n == SMALL else queue
        for i in range(n):
            clock.advance(seconds=20)
            note = desk.add_note(stage, event_at=clock.now() - timedelta(minutes=5), narrative=NARRATIVE,
                                 contact_type="Caseworker/Child Contact", method="Face to face",
                                 location="Child's residence (foster/kinship home)", purposes=["Safety"])
            if i >= n - queued:  # the newest ones wait for the supervisor (and are not yet frozen)
                desk.submit(note.id)
    return store, ids


async def _painted(app: CasenotesApp, ready) -> None:
    """Until ``ready()``, then until the screen's next refresh. Polled without ``pilot.pause``, which
    first waits for every message pending on the screen."""
    while not ready():
        await asyncio.sleep(0.001)
    refreshed = asyncio.Event()
    app.call_after_refresh(refreshed.set)
    await refreshed.wait()


async def open_stage(store: Store, n: int, case_stage: tuple[int, int], home: Path) -> tuple[float, float]:
    """Seconds from opening the case to its first notes painted, and to the oldest of the ``n``
    painted after End (the list reads the notes of the rows on screen as they come)."""
    app = CasenotesApp(store, f"cw{n}", home=home, indexing=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        started = time.perf_counter()
        app.open_case(*case_stage)
        notes = lambda: app.screen.query_one(NoteList)  # noqa: E731
        await _painted(app, lambda: app.screen.query(NoteList) and notes().cursor_note is not None)
        painted = time.perf_counter() - started
        assert notes().row_count == n, f"the stage lists {notes().row_count} notes, not {n}"
        await pilot.press("end")
        await _painted(app, lambda: notes().cursor == n - 1 and notes().cursor_note is not None)
        oldest = time.perf_counter() - started
        await app.workers.wait_for_complete()
        return painted, oldest


async def open_queue(store: Store, n: int, expected: int, home: Path) -> tuple[float, float]:
    """Seconds from asking for the queue to its first rows painted, and to its last row painted
    after End once the whole queue is in."""
    app = CasenotesApp(store, f"sup{n}", home=home, indexing=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        started = time.perf_counter()
        app.action_review_queue()
        queue = lambda: app.screen.query_one(QueueList)  # noqa: E731
        await _painted(app, lambda: app.screen.query(QueueList) and queue().row_count)
        painted = time.perf_counter() - started
        while not app.screen.whole:
            await asyncio.sleep(0.001)
        assert queue().row_count == expected, f"the queue lists {queue().row_count} notes, not {expected}"
        await pilot.press("end")
        await _painted(app, lambda: queue().cursor == expected - 1)
        return painted, time.perf_counter() - started


def run(runs: int = 5, log=print, scale: float = 1.0) -> dict:
    """``scale`` < 1 shrinks the large stage and queue (the CI smoke run); the report says so."""
    stage, queue = round(STAGE * scale), round(QUEUE * scale)
    with tempfile.TemporaryDirectory() as folder:
        ids = cached(stage, queue, log)
        shutil.copy(CACHE / f"{_name(stage, queue)}.db", f"{folder}/scale.db")  # each run on a fresh copy
        store = Store.open(f"sqlite:///{folder}/scale.db", clock=FrozenClock(CLOCK_AT))
        times: dict = {key: [] for key in ("stage_first", "stage_oldest", "queue_first", "queue_last")}
        try:
            for n in range(runs + 1):  # the first round warms up
                for size in ((SMALL, stage) if n % 2 else (stage, SMALL)):  # neither always goes first
                    first, oldest = asyncio.run(open_stage(store, size, ids[size], Path(folder)))
                    shown, last = asyncio.run(open_queue(store, size, SMALL if size == SMALL else queue, Path(folder)))
                    if n:
                        times["stage_first"].append((size, first))
                        times["stage_oldest"].append((size, oldest))
                        times["queue_first"].append((size, shown))
                        times["queue_last"].append((size, last))
        finally:
            store.close()
    report = {}
    for key, label in (("stage_first", f"stage {stage:,} vs {SMALL}: first notes painted"),
                       ("stage_oldest", f"stage {stage:,} vs {SMALL}: End, oldest note painted"),
                       ("queue_first", f"review queue {queue:,} vs {SMALL}: first rows painted"),
                       ("queue_last", f"review queue {queue:,} vs {SMALL}: End, last row painted")):
        big = Figures.of([t for size, t in times[key] if size == stage])
        small = Figures.of([t for size, t in times[key] if size == SMALL])
        report[key] = {"label": label, "large": asdict(big), "small": asdict(small),
                       "ratio_median": round(big.median_ms / small.median_ms, 2),
                       "ratio_p95": round(big.p95_ms / small.p95_ms, 2)}
        log(f"{label}: {json.dumps(report[key])}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.runs, log=lambda line: print(line, file=sys.stderr)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
