"""``SearchIndex``: the note index as the rest of the program uses it. Opening it beside a store,
following the change log, searching, rebuilding, healing and checking it against the record; each
is the work of a module below, on the files of ``shards.py``:

    index      this façade
    engine     answering a search (query.py parses it, spelling.py corrects it)
    follow     applying the change log; checking against the record
    build      rebuilding from the record, on every core
    shards     the files: generations, shards, the writer lock, applied_seq
    schema     the Whoosh schema and a note's document in it
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .shards import IndexBusy, IndexUnusable, Progress, ShardedIndex, default_path

if TYPE_CHECKING:
    from store import Store
    from store.desks.desk import Desk

    from .results import SearchResults

__all__ = ["SearchIndex", "IndexBusy", "IndexUnusable", "Progress", "default_path"]


class SearchIndex(ShardedIndex):
    @classmethod
    def for_store(cls, store: Store, path: str | Path | None = None, shards: int = 16) -> SearchIndex:
        return cls(store, path or default_path(store.url), shards)

    def catch_up(self, *, wait: bool = False, progress: Progress | None = None, once: bool = False) -> int:
        """Apply the change log since ``applied_seq``; 0 at once if another process is writing.
        ``once``: only as far as it reaches now, not what is saved meanwhile."""
        from .follow import catch_up

        return catch_up(self, wait=wait, progress=progress, once=once)

    def search(self, desk: Desk, text: str, *, family: int | None = None, limit: int = 50,
               order: str = "newest") -> SearchResults:
        from .engine import search

        return search(self, desk, text, family=family, limit=limit, order=order)

    def rebuild(self, progress: Progress | None = None, workers: int | None = None) -> int:
        """Index every note afresh (on ``workers`` processes, one per core by default) and swap the
        new index in; returns the number of notes."""
        from .build import rebuild_locked

        with self.writer_lock(wait=True):
            return rebuild_locked(self, progress, workers)

    def heal(self, wait: bool = True) -> None:
        """Rebuild if the index cannot be opened (after waiting for whoever is writing it, unless
        not ``wait``: then ``IndexBusy`` while someone else holds the lock, e.g. rebuilding)."""
        from .build import heal

        heal(self, wait)

    def check(self, repair: bool = False) -> list[str]:
        """Differences between the index and the record, as sentences; ``repair`` rewrites them."""
        from .follow import check

        return check(self, repair=repair)

    def every_note_id(self) -> list[int]:
        """Every note of the record, by id."""
        from .build import every_note_id

        return every_note_id(self.feed)
