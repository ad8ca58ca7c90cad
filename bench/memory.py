"""Peak memory of the app process on a corpus database: a child process opens the app headless as
a supervisor (caseload, unit caseload), opens the largest family's case and the review queue, and
reports its peak resident set size. Figures, never pass/fail.

    python -m bench.memory --size small
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .corpus import AS_OF, ensure


def in_child(corpus: str) -> None:
    from sqlalchemy import text

    from store import FrozenClock, Store
    from tui.app import CasenotesApp

    store = Store.open(f"sqlite:///{corpus}", clock=FrozenClock(AS_OF))
    supervisor = next(w.login for w in store.staff() if "Supervisor" in w.title)
    with store.write_engine.connect() as conn:
        case, stage = conn.execute(text("SELECT s.case_id, s.id FROM stages s JOIN notes n ON n.stage_id = s.id "
                                        "GROUP BY s.id ORDER BY count(*) DESC LIMIT 1")).one()

    async def go() -> None:
        with tempfile.TemporaryDirectory() as home:
            app = CasenotesApp(store, supervisor, home=Path(home), indexing=False)
            async with app.run_test(size=(120, 40)) as pilot:
                for step in (lambda: None, lambda: app.open_case(case, stage), app.action_review_queue):
                    step()
                    await pilot.pause()
                    await app.workers.wait_for_complete()
                    await pilot.pause()

    asyncio.run(go())
    # VmHWM, not getrusage's ru_maxrss: a child started from a big parent inherits the parent's mark.
    hwm = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
    print(json.dumps({"peak_rss_mb": round(int(hwm.split()[1]) / 1024, 1)}))


def run(size: str, log=print) -> dict:
    corpus = ensure(size, log=log)
    done = subprocess.run([sys.executable, "-m", "bench.memory", "--child", str(corpus)], capture_output=True,
                          text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["corpus"] = corpus.name
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        in_child(args.child)
        return 0
    print(json.dumps(run(args.size, log=lambda line: print(line, file=sys.stderr)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
