"""Two people saving the same note, and a database held by another writer."""

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from store import DatabaseBusy, StaleEdit, Store
from tests.conftest import counts, visit

THREADS = 4


def _revisions(store, note_id):
    with store.write_engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM note_revisions WHERE note_id = :i"),
                            {"i": note_id}).scalar_one()


def test_second_desk_saving_the_same_version_gets_stale_edit(store, agency, clock):
    clerk, cw = store.as_user("clerk"), store.as_user("cw")
    note = clerk.add_note(agency.fss, author="cw", **visit(agency, clock))
    seen_by_clerk, seen_by_cw = clerk.note(note.id), cw.note(note.id)
    assert seen_by_clerk.version == seen_by_cw.version == note.version
    revisions = _revisions(store, note.id)

    saved = cw.edit_note(note.id, seen_by_cw.version, narrative="The author's correction.")
    assert saved.version == note.version + 1
    before = counts(store)
    with pytest.raises(StaleEdit, match="Someone saved this note"):
        clerk.edit_note(note.id, seen_by_clerk.version, narrative="The clerk's retyping.")
    assert counts(store) == before

    now = cw.note(note.id)
    assert (now.narrative, now.version) == ("The author's correction.", note.version + 1)
    assert _revisions(store, note.id) == revisions + 1


def test_threads_racing_on_one_version_let_exactly_one_save(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    desks = [store.as_user("cw") for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def save(i):
        barrier.wait()
        try:
            outcomes[i] = desks[i].edit_note(note.id, note.version, narrative=f"Saved by thread {i}.")
        except Exception as exc:  # any error: the test sorts the outcomes
            outcomes[i] = exc

    threads = [threading.Thread(target=save, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)

    winners = [(i, o) for i, o in enumerate(outcomes) if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, StaleEdit) for o in losers), losers  # DatabaseBusy would be a failure too
    winner, view = winners[0]
    assert view.version == note.version + 1
    final = cw.note(note.id)
    assert (final.version, final.narrative) == (note.version + 1, f"Saved by thread {winner}.")
    assert _revisions(store, note.id) == 2


def test_locked_sqlite_database_is_busy_and_nothing_is_written(store, agency, clock):
    if "sqlite" not in store.url:
        pytest.skip("SQLite's database-level write lock only")
    second = Store.open(store.url, clock=clock, busy_seconds=0.2)
    try:
        cw = second.as_user("cw")
        before = counts(store)
        holder = sqlite3.connect(make_url(store.url).database, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock (and writes nothing)
            with pytest.raises(DatabaseBusy, match="Nothing was lost and nothing was saved"):
                cw.add_note(agency.fss, **visit(agency, clock))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert counts(store) == before
        note = cw.add_note(agency.fss, **visit(agency, clock))
        assert counts(store)["notes"] == before["notes"] + 1
        assert store.as_user("cw").note(note.id).narrative == note.narrative
    finally:
        second.close()
