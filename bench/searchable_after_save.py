"""How long after a save a note can be found: the store's save returns, then another index object
(as another window or process would) searches until the note is there.

    python -m bench.searchable_after_save --size small [--saves 30]

Works on a copy of the cached corpus and of its cached index (built first if it is not there, as
``bench.search_vs_fts5`` leaves it), so the cache stays as generated and the large corpus is not
indexed twice. Prints median, p95 and max of save time and of save-to-found time; nothing passes or
fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from search import SearchIndex
from search.index import default_path
from store import FrozenClock, Store

from .corpus import AS_OF, ensure
from .search_vs_fts5 import Figures


def _copy_with_index(corpus: Path, copy: Path, log) -> None:
    """The corpus and its index, copied side by side (the index at its default place for the copy)."""
    cached = corpus.with_suffix(".search")
    if not cached.exists():
        store = Store.open(f"sqlite:///{corpus}", clock=FrozenClock(AS_OF))
        try:
            log("building the cached index of the corpus…")
            SearchIndex.for_store(store, path=cached).rebuild()
        finally:
            store.close()
    shutil.copy(corpus, copy)
    generation = Path(os.path.realpath(cached))
    target = default_path(f"sqlite:///{copy}")
    shutil.copytree(generation, target.with_name(target.name + generation.name[len(cached.name):]))
    os.symlink(target.name + generation.name[len(cached.name):], target)


def run(size: str, saves: int, log=print) -> dict:
    corpus = ensure(size, log=log)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.db"
        _copy_with_index(corpus, copy, log)
        clock = FrozenClock(AS_OF)
        store = Store.open(f"sqlite:///{copy}", clock=clock)
        with store.write_engine.connect() as conn:
            stage_id, login = conn.execute(text(
                "SELECT r.stage_id, w.login FROM role_assignments r JOIN workers w ON w.id = r.worker_id "
                "WHERE r.role = 'Case Manager' ORDER BY r.stage_id LIMIT 1")).one()
            case_id = conn.execute(text("SELECT case_id FROM stages WHERE id = :s"), {"s": stage_id}).scalar_one()
        desk = store.as_user(login)
        searcher = SearchIndex.for_store(store)  # the other window
        searcher.search(desk, "warmup", family=case_id)
        save_times, found_times = [], []
        for n in range(saves):
            word = f"quokka{n}x"
            clock.advance(minutes=1)
            started = time.perf_counter()
            desk.add_note(stage_id, event_at=clock.now() - timedelta(minutes=30), contact_type="School Contact",
                          narrative=f"The teacher mentioned a {word} drawing.")
            saved = time.perf_counter()
            while not searcher.search(desk, word, family=case_id).hits:
                if time.perf_counter() - saved > 10:
                    raise RuntimeError(f"note {n} was not searchable 10 s after its save")
            found_times.append(time.perf_counter() - saved)
            save_times.append(saved - started)
        store.close()
    return {"size": size, "saves": saves, "save": asdict(Figures.of(save_times)),
            "save_to_found": asdict(Figures.of(found_times))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small")
    parser.add_argument("--saves", type=int, default=30)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.size, args.saves, log=lambda line: print(line, file=sys.stderr)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
