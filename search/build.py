"""Rebuilding the index from the record: a new generation's shards filled on every core, then
swapped in.

Whoosh analysis is pure Python, so one process uses one core. The shards are independent indexes,
so a rebuild gives each worker process its own shards to fill: each opens the database itself,
reads its notes a chunk at a time and commits its shards. An in-memory database (tests) cannot be
opened from another process, and one core gains nothing from a second: both build in-process. So
does a small index: a worker process takes seconds to start (it imports casenotes and Whoosh), more
than it saves on fewer than ``NOTES_PER_PROCESS`` notes (421 demo notes: 5 s in-process, 9 s on two
processes on a busy 2-core machine).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING
from collections.abc import Callable

from whoosh import index as whoosh_index

from . import schema
from .shards import DOC_CHUNK, IndexBusy, IndexUnusable, Progress, ShardedIndex

if TYPE_CHECKING:
    from store.feed import Feed

POLL = 0.5  # seconds between progress reports from worker processes
URL_VARIABLE = "CASENOTES_BUILD_URL"
ID_PAGE = 5000  # note ids read from the record at a time
NOTES_PER_PROCESS = 2000  # a build process for each this many notes, up to one per core


def rebuild_locked(index: ShardedIndex, progress: Progress | None = None, workers: int | None = None) -> int:
    """Index every note afresh (on ``workers`` processes, by default ``workers_for`` the notes) and swap the new
    generation in, for a caller holding the writer lock; returns the number of notes."""
    build = index.new_build()
    feed = index.feed
    # Taken before reading notes: whatever changes meanwhile is applied again by catch-up.
    seq = feed.last_seq()
    ids_by_shard: list[list[int]] = [[] for _ in range(index.shards)]
    # A family's notes side by side in its shard: a family-scoped search skips to them.
    for note_id, case_id in sorted(every_note_case(feed), key=lambda pair: (pair[1], pair[0])):
        ids_by_shard[index.shard_of(case_id)].append(note_id)
    count = build_shards(feed, index.store.url, build, ids_by_shard,
                         workers=workers_for(sum(map(len, ids_by_shard))) if workers is None else workers,
                         progress=progress)
    index.write_applied_seq(seq, build)
    index.swap_in(build)
    return count


def heal(index: ShardedIndex, wait: bool = True) -> None:
    """Rebuild if the index cannot be opened (after waiting for whoever is writing it, unless not
    ``wait``: then ``IndexBusy`` while someone else holds the lock, e.g. rebuilding)."""
    with index.writer_lock(wait=wait) as mine:
        if not mine:
            raise IndexBusy("The search index is being rebuilt by another window or process; "
                            "try again in a few minutes.")
        index.forget_opened()
        try:
            index.open_shards()
        except IndexUnusable:
            rebuild_locked(index)


def every_note_id(feed: Feed) -> list[int]:
    ids: list[int] = []
    while page := feed.note_ids(after_id=ids[-1] if ids else 0, limit=ID_PAGE):
        ids.extend(page)
    return ids


def every_note_case(feed: Feed) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    while page := feed.note_cases(after_id=pairs[-1][0] if pairs else 0, limit=ID_PAGE * 10):
        pairs.extend(page)
    return pairs


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def workers_for(notes: int) -> int:
    """Build processes for ``notes`` notes: one per core, but only one for each ``NOTES_PER_PROCESS``
    notes (1: in this process)."""
    return max(1, min(default_workers(), notes // NOTES_PER_PROCESS))


def build_shards(feed: Feed, url: str, build: Path, ids_by_shard: list[list[int]], *, workers: int,
                 progress: Progress | None = None) -> int:
    """Fill ``build/shard-NN`` from the notes listed for each shard; returns the number of notes."""
    total = sum(map(len, ids_by_shard))
    if workers <= 1 or len(ids_by_shard) < 2 or _in_memory(url):
        done = [0]

        def count(n: int) -> None:
            done[0] += n
            if progress:
                progress(done[0], total)

        _fill(feed, build, list(enumerate(ids_by_shard)), count)
        return total
    # Shards dealt out largest first, so the workers finish together. Each worker is a fresh
    # ``python -m search.build`` (not multiprocessing, which re-imports the caller's main module).
    order = sorted(range(len(ids_by_shard)), key=lambda n: -len(ids_by_shard[n]))
    groups = [[(n, ids_by_shard[n]) for n in order[w::workers]] for w in range(workers)]
    # The URL goes by the environment, not the command line that `ps` shows (it may hold a password).
    environment = {**os.environ, URL_VARIABLE: url}
    with contextlib.ExitStack() as files:  # the workers' stderr, closed once they are done
        errors = [files.enter_context(tempfile.TemporaryFile("w+")) for _ in groups]
        # -P: not the current directory first on the path, where a folder named "search" could shadow ours.
        children = [subprocess.Popen([sys.executable, "-P", "-m", "search.build", str(build)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=error, text=True, env=environment)
                    for error in errors]
        try:
            for child, group in zip(children, groups, strict=True):
                try:
                    _piped(child.stdin).write(json.dumps(group))
                    _piped(child.stdin).close()
                except BrokenPipeError:  # it died on start; its error output says why, below
                    pass
            written = [0] * len(children)
            streams = {_piped(child.stdout).fileno(): (i, child) for i, child in enumerate(children)}
            while streams:
                ready, _, _ = select.select(list(streams), [], [], POLL)
                for fd in ready:
                    i, child = streams[fd]
                    line = _piped(child.stdout).readline()
                    if not line:
                        del streams[fd]
                        continue
                    written[i] = int(line)
                if progress:
                    progress(sum(written), total)
            for child, error in zip(children, errors, strict=True):
                if child.wait():
                    error.seek(0)
                    last = (error.read().strip().splitlines() or ["no message"])[-1]
                    raise RuntimeError(f"building the search index failed in a worker process: {last}")
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
    return total


def _piped(stream: IO[str] | None) -> IO[str]:
    assert stream is not None  # the workers are started with stdin and stdout as pipes
    return stream


def _in_memory(url: str) -> bool:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def _worker(build: str) -> None:
    """A worker process: fill the shards listed on stdin, printing the notes written so far."""
    from store import Store

    shards = [(number, ids) for number, ids in json.load(sys.stdin)]
    done = [0]

    def count(n: int) -> None:
        done[0] += n
        print(done[0], flush=True)

    store = Store.open(os.environ[URL_VARIABLE])
    try:
        _fill(store.feed(), Path(build), shards, count)
    finally:
        store.close()


def _fill(feed: Feed, build: Path, shards: list[tuple[int, list[int]]], count: Callable[[int], None]) -> None:
    for number, ids in shards:
        writer = whoosh_index.open_dir(str(build / f"shard-{number:02d}")).writer(limitmb=128)
        try:
            for start in range(0, len(ids), DOC_CHUNK):
                chunk = ids[start:start + DOC_CHUNK]
                documents = {doc.id: doc for doc in feed.note_documents(chunk)}
                for note_id in chunk:  # in the order given: a family's notes side by side
                    if note_id in documents:
                        writer.add_document(**schema.note_fields(documents[note_id]))
                count(len(chunk))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise


if __name__ == "__main__":
    _worker(sys.argv[1])
