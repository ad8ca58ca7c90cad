"""Keeping the index in step with the record through the store's change log.

Whoever holds ``writer.lock`` applies the log from ``applied_seq`` on; everyone else reads. The
index is written from the notes as they are now (not from the log entries), so applying a stretch
of the log twice is harmless: ``update_document`` on the unique id replaces, never duplicates.
That is what makes a crash at any moment safe: ``applied_seq`` moves only after every shard
written for a batch has committed, and the next catch-up redoes whatever came after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store import StoreError

from . import schema
from .build import every_note_id, rebuild_locked
from .shards import DOC_CHUNK, WRITER_TIMEOUT, IndexUnusable, Progress, ShardedIndex

if TYPE_CHECKING:
    from store.feed import NoteDocument

BATCH = 2000  # change-log entries per batch; applied_seq moves after each
SEARCH_APPLIES = 20  # change-log entries a search applies itself (one batch); more are the follower's


def catch_up(index: ShardedIndex, *, wait: bool = False, progress: Progress | None = None,
             once: bool = False) -> int:
    """Apply the log to its end, following what is saved meanwhile (after a save, in the
    background) unless ``once`` (a command about to exit); returns how many notes were written or
    removed (0 if another process writes)."""
    written = 0
    try:
        # The usual case: nothing new. (A log behind the index is a replaced database: rebuilt below.)
        if index.feed.last_seq() == index.applied_seq():
            return written
    except IndexUnusable:
        pass  # missing or unreadable: taking the lock below rebuilds it
    while True:
        with index.writer_lock(wait) as mine:
            if not mine:
                return written
            written += _apply_log(index, progress)
        if once:
            return written
        # A process that saved while we held the lock found it taken and left its change to us:
        # its commit came before our release, so looking once more after the release finds it.
        try:
            if index.feed.last_seq() <= index.applied_seq():
                return written
        except IndexUnusable:
            return written


def catch_up_for_search(index: ShardedIndex, until: int) -> int:
    """Before a search: apply the log as far as ``until`` (where it stood when the search began),
    but only a few entries (``SEARCH_APPLIES``: a person's own save and a few others', so that
    their next search finds it) and only when no one else holds the writer lock. A longer backlog
    is left whole to the follower (the catch-up after each save, or the one the search screen
    starts): under 8 writers a search that applied even a 20-note batch spent most of its time on
    it (660 ms median of 642 ms searches), and one that chased the log waited a minute. Returns how
    many log entries up to ``until`` the index does not hold, for the answer to say; 0 for a few
    that another process is applying at this moment."""
    try:
        # Equal: the usual case, nothing new. (Past ``until``: another process applied more since,
        # or the database was replaced and the index is of another record; _apply_log tells which.)
        behind = until - index.applied_seq()
    except IndexUnusable:
        behind = None  # missing or unreadable: taking the lock below rebuilds it
    if behind == 0:
        return 0
    if behind is not None and behind > SEARCH_APPLIES:
        return behind
    with index.writer_lock(False) as mine:
        if not mine:
            return 0
        _apply_log(index, None, until)
        try:
            return max(0, until - index.applied_seq())
        except IndexUnusable:
            return 0


def _apply_log(index: ShardedIndex, progress: Progress | None, until: int | None = None) -> int:
    """Apply the log from ``applied_seq`` up to where it stood on entry (``until``, if earlier)."""
    feed = index.feed
    try:
        index.open_shards()
        start = index.applied_seq()
    except IndexUnusable:
        return rebuild_locked(index, progress)
    last = feed.last_seq()
    if start > last:  # the database was replaced (restored, recreated): this index is of another record
        return rebuild_locked(index, progress)
    end = last if until is None else min(until, last)
    seq, written = start, 0
    while seq < end and (changes := [c for c in feed.changes_since(seq, limit=BATCH) if c.seq <= end]):
        touched: set[int] = set()
        for change in changes:
            # A note's change names the note: no need to ask the record which notes it touches.
            touched.update([change.entity_id] if change.entity == "note" else feed.note_ids_touching(change))
        try:
            written += write_notes(index, touched)
        except StoreError:
            raise
        except Exception:
            index.forget_opened()
            try:
                index.open_shards()
            except IndexUnusable:  # broken under us (e.g. a garbled file): the record is the source
                return written + rebuild_locked(index, progress)
            raise
        seq = changes[-1].seq
        index.write_applied_seq(seq)
        if progress:
            progress(seq - start, end - start)
    return written


def write_notes(index: ShardedIndex, note_ids: set[int], *, everywhere: bool = False) -> int:
    """Make the index hold these notes as the record has them now (the caller holds the lock).
    ``everywhere`` first removes every copy in any shard (a repair: duplicates, strays)."""
    if not note_ids:
        return 0
    ordered = sorted(note_ids)
    docs: list[NoteDocument] = []
    for start in range(0, len(ordered), DOC_CHUNK):
        docs.extend(index.feed.note_documents(ordered[start:start + DOC_CHUNK]))
    gone = note_ids - {d.id for d in docs}
    removals = shards_holding(index, note_ids if everywhere else gone) if (gone or everywhere) else {}
    additions: dict[int, list[NoteDocument]] = {}
    for doc in docs:
        additions.setdefault(index.shard_of(doc.case_id), []).append(doc)
    shards = index.open_shards()
    for n in sorted(set(additions) | set(removals)):
        writer = shards[n].writer(timeout=WRITER_TIMEOUT)
        try:
            for note_id in sorted(removals.get(n, ())):
                writer.delete_by_term("id", str(note_id))
            for doc in additions.get(n, ()):
                writer.update_document(**schema.note_fields(doc))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    return len(note_ids)


def shards_holding(index: ShardedIndex, note_ids: set[int]) -> dict[int, set[int]]:
    """Which shards hold documents of these notes (a deleted note's family is no longer known)."""
    held: dict[int, set[int]] = {}
    for n, ix in enumerate(index.open_shards()):
        with ix.searcher() as searcher:
            found = {i for i in note_ids if searcher.document_number(id=str(i)) is not None}
        if found:
            held[n] = found
    return held


def check(index: ShardedIndex, *, repair: bool = False) -> list[str]:
    """Compare every note's id and version in the index with the record; sentences, in note order."""
    with index.writer_lock(wait=True):
        # Holding the lock, and caught up first, so that no lag or concurrent write reads as a difference.
        _apply_log(index, None)
        indexed: dict[int, list[int]] = {}
        for ix in index.open_shards():
            with ix.searcher() as searcher:
                for stored in searcher.all_stored_fields():
                    indexed.setdefault(int(stored["id"]), []).append(stored["version"])
        ids = every_note_id(index.feed)
        recorded = {d.id: d.version for start in range(0, len(ids), DOC_CHUNK)
                    for d in index.feed.note_documents(ids[start:start + DOC_CHUNK])}
        problems: dict[int, str] = {}
        for note_id in sorted(set(indexed) | set(recorded)):
            versions, version = indexed.get(note_id, []), recorded.get(note_id)
            if not versions:
                problems[note_id] = f"note {note_id} is missing from the index"
            elif version is None:
                problems[note_id] = f"note {note_id} is in the index but not in the record"
            elif len(versions) > 1:
                problems[note_id] = f"note {note_id} is in the index {len(versions)} times"
            elif versions[0] != version:
                problems[note_id] = f"note {note_id} is indexed at version {versions[0]}, the record has {version}"
        if repair and problems:
            write_notes(index, set(problems), everywhere=True)
        return list(problems.values())
