"""TUI start: launch to the caseload painted with a worker's rows, against a bare Textual app with a
Header, a DataTable and a Footer filling the same number of rows, both headless through run_test,
alternating in the same process. Figures, never pass/fail.

    python -m bench.tui_start --size small [--runs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from store import FrozenClock, Store
from tui.app import CasenotesApp

from .corpus import AS_OF, ensure
from .search_vs_fts5 import Figures

SIZE = (120, 40)


class BareApp(App):
    """The reference: the same three widgets, rows given in memory."""

    def __init__(self, rows: list[tuple[str, ...]]):
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Family", "Stage", "My role", "Last contact", "Drafts", "Returned", "Next deadline")
        table.add_rows(self.rows)


async def _until(pilot, ready) -> None:
    while not ready():
        await pilot.pause(0.001)
    await pilot.pause()  # one more refresh: painted


async def start_casenotes(store: Store, login: str, home: Path, expected: int) -> float:
    started = time.perf_counter()
    app = CasenotesApp(store, login, home=home, indexing=False)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.screen.query("#mine-table")
                     and app.screen.query_one("#mine-table", DataTable).row_count == expected)
        return time.perf_counter() - started


async def start_bare(rows: list[tuple[str, ...]]) -> float:
    started = time.perf_counter()
    app = BareApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.query_one(DataTable).row_count == len(rows))
        return time.perf_counter() - started


def run(size: str, runs: int = 10, log=print) -> dict:
    corpus = ensure(size, log=log)
    store = Store.open(f"sqlite:///{corpus}", clock=FrozenClock(AS_OF))
    try:
        worker = next(w.login for w in store.staff() if w.title == "Caseworker")
        caseload = store.as_user(worker).caseload()
        rows = [(r.family_name, r.stage_label, r.role, "11/20/26", "1", "", "") for r in caseload]
        ours, bare = [], []
        with tempfile.TemporaryDirectory() as home:
            for n in range(runs + 1):  # the first round warms both up
                mine = asyncio.run(start_casenotes(store, worker, Path(home), len(caseload)))
                theirs = asyncio.run(start_bare(rows))
                if n:
                    ours.append(mine)
                    bare.append(theirs)
    finally:
        store.close()
    mine, reference = Figures.of(ours), Figures.of(bare)
    return {"rows": len(rows), "casenotes": asdict(mine), "bare_textual": asdict(reference),
            "ratio_median": round(mine.median_ms / reference.median_ms, 2),
            "ratio_p95": round(mine.p95_ms / reference.p95_ms, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.size, args.runs, log=lambda line: print(line, file=sys.stderr)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
