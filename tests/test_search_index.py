"""The note index follows the change log, survives crashes and damage, and shows each user only
what the store's reading rules let them see (issue 4)."""

from __future__ import annotations

import fcntl
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from whoosh.query import Term

from search import SearchIndex
from search.index import default_path
from store import NoAccess, Store
from tests.conftest import visit


@pytest.fixture
def index(store, tmp_path):
    return SearchIndex.for_store(store, path=tmp_path / "idx")


def found(index, desk, text, **options) -> list[int]:
    return [hit.note_id for hit in index.search(desk, text, **options).hits]


def copies(index, note_id: int) -> int:
    """Documents with this note id, over every shard."""
    total = 0
    for ix in index.open_shards():
        with ix.searcher() as searcher:
            total += searcher.search(Term("id", str(note_id)), limit=None).scored_length()
    return total


def test_index_lives_beside_a_sqlite_file_or_in_the_user_data_folder():
    assert default_path("sqlite:////data/agency/x.db") == Path("/data/agency/x.db.search")
    elsewhere = default_path("postgresql+psycopg://db.example/casenotes")
    assert elsewhere.parent.name == "casenotes" and elsewhere.name.startswith("search-") and len(elsewhere.name) == 19


def test_index_follows_add_edit_addendum_and_discard(store, agency, clock, index):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Jay jumped on the trampoline."))
    assert index.catch_up() >= 1
    assert found(index, cw, "trampoline", family=agency.case) == [note.id]
    cw.edit_note(note.id, note.version, narrative="Jay rode his bicycle.")
    index.catch_up()
    assert found(index, cw, "trampoline", family=agency.case) == []
    assert found(index, cw, "bicycle", family=agency.case) == [note.id]
    final = cw.add_note(agency.fsi, **visit(agency, clock, narrative="Family meeting held."))  # FSI: final at once
    addendum = cw.add_addendum(final.id, narrative="Addendum: the xylophone was returned.")
    index.catch_up()
    assert found(index, cw, "xylophone", family=agency.case) == [addendum.id]
    cw.discard_draft(note.id)
    index.catch_up()
    assert found(index, cw, "bicycle", family=agency.case) == [] and copies(index, note.id) == 0


def test_hit_carries_what_the_result_list_shows(store, agency, clock, index):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="We read a story about a walrus. " * 12))
    [hit] = index.search(cw, "stage:fss-cws walrus", family=agency.case).hits
    assert (hit.note_id, hit.case_id, hit.family_name, hit.stage_label, hit.contact_type, hit.author_name,
            hit.status) == (note.id, agency.case, "Rivera", "FSS-CWS", "Caseworker/Child Contact", "Cara Worker", "draft")
    assert hit.event_at == clock.now() - timedelta(hours=1) and hit.snippet.count("«walrus»") >= 1
    assert len(hit.snippet) < 300
    [plain] = index.search(cw, "person:jay", family=agency.case).hits
    assert plain.snippet.startswith("We read a story") and plain.snippet.endswith("…") and "«" not in plain.snippet


def test_note_saved_while_nothing_indexed_is_found_after_catch_up(store, agency, clock, index):
    index.catch_up()
    cw = store.as_user("cw")
    # Committed, then the process died before indexing: nothing but the change log knows of it.
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Mia showed her harmonica."))
    restarted = SearchIndex.for_store(store, path=index.path)
    assert restarted.catch_up() == 1
    assert restarted.applied_seq() == store.feed().last_seq()
    assert found(restarted, cw, "harmonica", family=agency.case) == [note.id]


def test_crash_after_some_shards_committed_leaves_no_duplicate(store, agency, clock, index, monkeypatch):
    index.catch_up()
    before = index.applied_seq()
    ours = store.as_user("cw").add_note(agency.fss, **visit(agency, clock, narrative="Kite day."))
    theirs = store.as_user("cwb").add_note(agency.other_fss, event_at=clock.now(), contact_type="School Contact",
                                           narrative="Kite day at school.")
    assert index.shard_of(agency.case) != index.shard_of(agency.other_case)

    def killed(seq, directory=None):
        raise KeyboardInterrupt("killed after the shard writers committed")

    monkeypatch.setattr(index, "write_applied_seq", killed)
    with pytest.raises(KeyboardInterrupt):
        index.catch_up()
    monkeypatch.undo()
    assert index.applied_seq() == before and copies(index, ours.id) == 1  # written, not yet recorded
    restarted = SearchIndex.for_store(store, path=index.path)
    assert restarted.catch_up() == 2
    assert copies(restarted, ours.id) == 1 and copies(restarted, theirs.id) == 1
    assert restarted.check() == []


def test_second_writer_steps_aside_while_the_lock_is_held_then_catches_up(store, agency, clock, index):
    index.catch_up()
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Saw the piano recital."))
    other = SearchIndex.for_store(store, path=index.path)
    with open(index.path / "writer.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process applying the log
        started = time.perf_counter()
        assert other.catch_up() == 0 and time.perf_counter() - started < 1
        assert found(other, cw, "piano", family=agency.case) == []  # reads what is there, no error
        fcntl.flock(held, fcntl.LOCK_UN)
    assert other.catch_up() == 1
    assert found(index, cw, "piano", family=agency.case) == [note.id]


def test_worker_without_a_role_finds_nothing_of_the_family(store, agency, clock, index):
    cw = store.as_user("cw")
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative="Talked about the canoe trip.")).id)
    theirs = store.as_user("cwb").add_note(agency.other_fss, event_at=clock.now(), contact_type="School Contact",
                                           narrative="The canoe club called.")
    cwb = store.as_user("cwb")
    with pytest.raises(NoAccess):
        index.search(cwb, "canoe", family=agency.case)
    assert found(index, cwb, "canoe") == [theirs.id]


def test_supervisor_finds_their_workers_notes_but_no_ones_drafts(store, agency, clock, index):
    cw = store.as_user("cw")
    sent = cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative="Lantern walk.")).id)
    draft = cw.add_note(agency.fss, **visit(agency, clock, narrative="Lantern repaired."))
    assert set(found(index, store.as_user("supa"), "lantern")) == {sent.id}
    assert set(found(index, store.as_user("supa"), "lantern", family=agency.case)) == {sent.id}
    assert set(found(index, store.as_user("cw2"), "lantern")) == {sent.id}  # a colleague's draft is theirs
    assert set(found(index, cw, "lantern")) == {sent.id, draft.id}


def test_deleted_shard_is_rebuilt_by_the_next_search(store, agency, clock, index):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Built a snowman."))
    index.catch_up()
    shutil.rmtree(index.path / f"shard-{index.shard_of(agency.case):02d}")
    assert found(index, cw, "snowman", family=agency.case) == [note.id]
    assert index.check() == []


def test_garbled_index_file_is_rebuilt_by_the_next_search(store, agency, clock, index):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Planted tulips."))
    index.catch_up()
    assert found(index, cw, "tulips") == [note.id]  # opened and cached before the damage
    for toc in (index.path / f"shard-{index.shard_of(agency.case):02d}").glob("*.toc"):
        toc.write_bytes(b"\x00garbage" * 20)
    assert found(index, cw, "tulips") == [note.id]
    assert found(SearchIndex.for_store(store, path=index.path), cw, "tulips") == [note.id]


def test_check_reports_planted_differences_and_repair_fixes_them(store, agency, clock, index):
    cw = store.as_user("cw")
    kept = cw.add_note(agency.fss, **visit(agency, clock))
    edited = cw.add_note(agency.fss, **visit(agency, clock))
    index.catch_up()
    assert index.check() == []
    shard = index.open_shards()[index.shard_of(agency.case)]
    stale = store.feed().note_documents([edited.id])[0]
    cw.edit_note(edited.id, edited.version, narrative="Second thoughts.")
    index.catch_up()
    from search.schema import note_fields

    writer = shard.writer()
    writer.delete_by_term("id", str(kept.id))
    writer.update_document(**note_fields(stale))
    writer.add_document(**{**note_fields(stale), "id": "99999"})
    writer.commit()
    assert index.check() == [f"note {kept.id} is missing from the index",
                             f"note {edited.id} is indexed at version 1, the record has 2",
                             "note 99999 is in the index but not in the record"]
    assert len(index.check(repair=True)) == 3
    assert index.check() == [] and copies(index, edited.id) == 1


def test_search_orders_newest_first_unless_asked_for_relevance(store, agency, clock, index):
    cw = store.as_user("cw")
    ago = {minutes: cw.add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(minutes=minutes),
                                                     narrative="Homework " * (minutes // 30))).id
           for minutes in (90, 30, 60)}
    results = index.search(cw, "homework", family=agency.case)
    assert [h.note_id for h in results.hits] == [ago[30], ago[60], ago[90]] and results.estimated == 3
    assert [h.event_at for h in results.hits] == sorted((h.event_at for h in results.hits), reverse=True)
    assert results.hits[0].event_at.utcoffset() == timedelta(0) and "«Homework»" in results.hits[0].snippet
    by_score = index.search(cw, "homework", family=agency.case, order="relevance")
    assert by_score.hits[0].score >= by_score.hits[-1].score > 0


def test_catch_up_search_and_rebuild_agree_for_300_notes(store, agency, clock, index):
    """(How fast is measured in bench/, not here.)"""
    cw = store.as_user("cw")
    index.catch_up()
    for n in range(300):
        cw.add_note(agency.fss if n % 2 else agency.fsi, **visit(agency, clock, narrative=f"Visit {n}: garden, school, dog."))
    assert index.catch_up() == 300
    results = index.search(cw, "garden", limit=50)
    assert index.rebuild() == 300
    assert len(results.hits) == 50 and results.estimated == 300 and index.check() == []
    assert len(index.search(cw, "garden", limit=50).hits) == 50


def _audit_rows(store, action: str) -> int:
    from sqlalchemy import text

    with store.write_engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_log WHERE action = :a"), {"a": action}).scalar_one()


def test_family_search_from_outside_the_assignment_is_audited(store, agency, clock, index):
    store.as_user("cw").add_note(agency.fss, **visit(agency, clock, narrative="Marbles on the floor."))
    found(index, store.as_user("cw"), "marbles", family=agency.case)  # assigned: an ordinary read
    assert _audit_rows(store, "read search") == 0
    found(index, store.as_user("supa"), "marbles", family=agency.case)  # through supervision
    assert _audit_rows(store, "read search") == 1
    found(index, store.as_user("supa"), "marble", family=agency.case)  # typing went on: no new row
    assert _audit_rows(store, "read search") == 1
    clock.advance(hours=1, minutes=1)
    found(index, store.as_user("supa"), "marbles", family=agency.case)
    assert _audit_rows(store, "read search") == 2



def test_a_search_already_audited_this_hour_does_not_wait_for_the_writer(store, agency, clock, index):
    """The "recorded within the hour?" check is a read: typing on while another window saves (and
    holds SQLite's one write lock) still searches."""
    if "sqlite" not in store.url:
        pytest.skip("SQLite's database-level write lock only")
    import sqlite3

    from sqlalchemy import make_url

    cw = store.as_user("cw")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative="Marbles on the floor.")).id)
    supa = Store.open(store.url, clock=clock, busy_seconds=0.2).as_user("supa")
    assert found(index, supa, "marbles", family=agency.case) == [note.id]  # audited: one row written
    holder = sqlite3.connect(make_url(store.url).database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        assert found(index, supa, "marble", family=agency.case) == [note.id]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        supa.db.close()
    assert _audit_rows(store, "read search") == 1

def test_rebuild_on_two_processes_indexes_every_note_once(store, agency, clock, index):
    cw = store.as_user("cw")
    mine = [cw.add_note(agency.fss, **visit(agency, clock, narrative=f"Walrus drawing number {i}.")).id for i in range(12)]
    theirs = store.as_user("cwb").add_note(agency.other_fss, event_at=clock.now(), contact_type="School Contact",
                                           narrative="A walrus at the aquarium.").id
    assert index.rebuild(workers=2) == len(index.every_note_id())
    assert sorted(found(index, cw, "walrus", family=agency.case, limit=50)) == sorted(mine)
    assert found(index, store.as_user("cwb"), "walrus") == [theirs]
    assert index.check() == [] and {copies(index, n) for n in mine + [theirs]} == {1}


def test_a_small_index_is_rebuilt_in_this_process_and_a_large_one_on_every_core(store, agency, clock, index,
                                                                              monkeypatch):
    """A build process takes seconds to start: for a few notes it costs more than it saves."""
    from search import build

    def no_process(*args, **kwargs):
        raise AssertionError("a build process was started for a small index")

    monkeypatch.setattr(build.subprocess, "Popen", no_process)
    monkeypatch.setattr(build, "default_workers", lambda: 4)
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Origami cranes."))
    assert index.rebuild() == 1 and found(index, cw, "origami", family=agency.case) == [note.id]
    assert [build.workers_for(n) for n in (0, 1999, 2000, 4000, 10**6)] == [1, 1, 1, 2, 4]


def test_a_failing_build_process_says_why_and_leaves_the_index_in_place(store, agency, clock, index, monkeypatch):
    from search import build

    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Kite flying."))
    index.catch_up()
    monkeypatch.setattr(build, "URL_VARIABLE", "CASENOTES_NO_SUCH_VARIABLE")  # the workers find no database
    with pytest.raises(RuntimeError, match="in a worker process"):
        index.rebuild(workers=2)
    assert found(index, cw, "kite", family=agency.case) == [note.id]


@pytest.mark.parametrize("sparse", [1, 10**9], ids=["intersect", "filter"])
def test_both_ways_of_keeping_to_a_family_find_the_same_notes(store, agency, clock, tmp_path, monkeypatch, sparse):
    """One shard holding both families, searched by the director who may read both: only the
    family asked for comes back, whether the scope intersects or filters."""
    from search import engine

    index = SearchIndex.for_store(store, path=tmp_path / "one-shard", shards=1)
    cw, director = store.as_user("cw"), store.as_user("director")
    ours = [cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative=f"Puzzle night {i}.")).id).id
            for i in range(3)]
    cwb = store.as_user("cwb")
    theirs = cwb.submit(cwb.add_note(agency.other_fss, **visit(agency, clock, narrative="Puzzle club.",
                                                                participants=[])).id).id
    monkeypatch.setattr(engine, "SPARSE", sparse)
    for order in ("newest", "relevance"):
        assert sorted(found(index, director, "puzzle", family=agency.case, order=order)) == sorted(ours)
        assert found(index, director, "puzzle", family=agency.other_case, order=order) == [theirs]
    assert sorted(found(index, director, "puzzle")) == sorted(ours + [theirs])


def test_a_search_does_not_wait_out_someone_elses_rebuild(store, agency, clock, index):
    cw = store.as_user("cw")
    cw.add_note(agency.fss, **visit(agency, clock, narrative="Planted tulips."))
    index.catch_up()
    for toc in (index.path / f"shard-{index.shard_of(agency.case):02d}").glob("*.toc"):
        toc.write_bytes(b"\x00garbage" * 20)
    other = SearchIndex.for_store(store, path=index.path)
    with open(index.path / "writer.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is rebuilding
        started = time.perf_counter()
        answer = other.search(cw, "tulips", family=agency.case)
        assert time.perf_counter() - started < 2
        assert answer.hits == () and "being rebuilt" in answer.problem
        fcntl.flock(held, fcntl.LOCK_UN)
    assert len(other.search(cw, "tulips", family=agency.case).hits) == 1


def test_readers_follow_commits_and_rebuilds_of_other_processes(store, agency, clock, index):
    cw = store.as_user("cw")
    first = cw.add_note(agency.fss, **visit(agency, clock, narrative="Violin lesson."))
    assert found(index, cw, "violin", family=agency.case) == [first.id]
    other = SearchIndex.for_store(store, path=index.path)  # another process
    second = cw.add_note(agency.fss, **visit(agency, clock, narrative="Violin concert."))
    other.catch_up()
    assert sorted(found(index, cw, "violin", family=agency.case)) == sorted([first.id, second.id])
    old = index.shard_reader(index.shard_of(agency.case))[0]
    other.rebuild(workers=1)
    assert sorted(found(index, cw, "violin", family=agency.case)) == sorted([first.id, second.id])
    assert old.is_closed  # the replaced generation's files are let go


def test_a_clerk_finds_the_note_they_entered_under_many_newer_ones(store, agency, clock, index):
    clerk, cw = store.as_user("clerk"), store.as_user("cw")
    entered = clerk.add_note(agency.fss, author="cw", **visit(agency, clock, narrative="Zeppelin drawing, dictated."))
    clock.advance(minutes=5)
    for n in range(50):  # newer matches the clerk may not read: more than a few widenings look at
        cw.add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(minutes=50 - n),
                                        narrative=f"Zeppelin model {n}."))
    assert found(index, clerk, "zeppelin", family=agency.case, limit=1) == [entered.id]
    assert len(found(index, cw, "zeppelin", family=agency.case, limit=100)) == 51
