"""A search applies the change log only as far as it reached when the search began, so that it
answers while others keep saving (issue 14, item 6: with 8 writers a first search took a minute,
catching up with saves made after it started)."""

from __future__ import annotations

import threading
from datetime import timedelta
import time

import pytest

import search.follow
from search import SearchIndex
from tests.conftest import visit


@pytest.fixture
def index(store, tmp_path):
    return SearchIndex.for_store(store, path=tmp_path / "idx")


def found(index, desk, text, **options) -> list[int]:
    return [hit.note_id for hit in index.search(desk, text, **options).hits]


def test_a_search_applies_what_was_logged_when_it_began_and_no_more(store, agency, clock, index, monkeypatch):
    cw = store.as_user("cw")
    index.catch_up()
    before = cw.add_note(agency.fss, **visit(agency, clock, narrative="An otter at the zoo.")).id
    start = store.feed().last_seq()
    written_during: list[int] = []
    real_write = search.follow.write_notes

    def someone_saves_meanwhile(index_, note_ids, **options):
        # Each batch the search writes, another worker saves a note (at most 5 times, so that
        # chasing them ends: before the fix it went on for as long as the saving did).
        if len(written_during) < 5:
            written_during.append(cw.add_note(agency.fss, **visit(agency, clock, narrative="Another otter.")).id)
        return real_write(index_, note_ids, **options)

    monkeypatch.setattr(search.follow, "write_notes", someone_saves_meanwhile)
    assert found(index, cw, "otter", family=agency.case) == [before]
    assert len(written_during) == 1 and index.applied_seq() == start  # one batch, up to where it began
    monkeypatch.undo()
    assert sorted(found(index, cw, "otter", family=agency.case)) == sorted([before, *written_during])  # the rest follows
    assert index.applied_seq() == store.feed().last_seq()


def test_a_catch_up_after_a_save_still_follows_the_log_to_its_end(store, agency, clock, index, monkeypatch):
    """The background catch-up after a save (no ``until``) picks up what was saved meanwhile."""
    cw = store.as_user("cw")
    index.catch_up()
    cw.add_note(agency.fss, **visit(agency, clock, narrative="A heron by the pond."))
    saved: list[int] = []
    real_write = search.follow.write_notes

    def someone_saves_meanwhile(index_, note_ids, **options):
        if not saved:
            saved.append(cw.add_note(agency.fss, **visit(agency, clock, narrative="A second heron.")).id)
        return real_write(index_, note_ids, **options)

    monkeypatch.setattr(search.follow, "write_notes", someone_saves_meanwhile)
    assert index.catch_up() == 2 and index.applied_seq() == store.feed().last_seq()


def test_a_search_answers_while_a_writer_keeps_saving(store, agency, clock, index):
    """A writer saves on and on; the search returns while it is still saving, having applied what
    was logged when it began."""
    cw = store.as_user("cw")
    cw.add_note(agency.fss, **visit(agency, clock, narrative="A badger in the garden."))
    index.catch_up()
    stop, saved = threading.Event(), []

    def writer():
        while not stop.is_set() and len(saved) < 300:  # capped, so that a chasing search still ends
            saved.append(cw.add_note(agency.fss, **visit(agency, clock, narrative="A badger again.")).id)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        while len(saved) < 5:
            time.sleep(0.01)
        index.search(cw, "badger", family=agency.case)
        still_saving = thread.is_alive()
        applied, saved_when_answered = index.applied_seq(), len(saved)
    finally:
        stop.set()
        thread.join()
    assert still_saving and saved_when_answered < 300
    assert applied < store.feed().last_seq()  # what came after the search began was left for later
    index.catch_up()
    assert len(found(index, cw, "badger", family=agency.case, limit=1000)) == len(saved) + 1


def test_a_search_leaves_a_long_backlog_to_the_follower_and_says_so(store, agency, clock, index, monkeypatch):
    """A long backlog (a burst of saves, a load) is not applied inside a search at all: the search
    answers from what is indexed, says how many saves it does not hold yet, and the follower (the
    catch-up after a save, or the one the search screen starts) applies them."""
    cw = store.as_user("cw")
    index.catch_up()
    notes = [cw.add_note(agency.fss, **visit(agency, clock, narrative=f"Puffin number {n}.")).id for n in range(25)]
    monkeypatch.setattr(search.follow, "SEARCH_APPLIES", 10)
    written: list[set[int]] = []
    real_write = search.follow.write_notes
    monkeypatch.setattr(search.follow, "write_notes", lambda i, ids, **o: written.append(ids) or real_write(i, ids, **o))
    results = index.search(cw, "puffin", family=agency.case)
    assert results.hits == () and written == [] and results.behind == 25
    assert results.problem == ("The last 25 saves are still being added to the search index and are not in these "
                               "results yet; search again in a moment.")
    index.catch_up()  # the follower
    caught_up = index.search(cw, "puffin", family=agency.case)
    assert {h.note_id for h in caught_up.hits} == set(notes) and caught_up.problem is None and caught_up.behind == 0


def test_a_search_applies_a_few_saves_itself_so_that_ones_own_save_is_found(store, agency, clock, index, monkeypatch):
    """Up to ``SEARCH_APPLIES`` log entries (one's own save and a few others') the search applies
    itself: a note just saved is found by the next search even when no follower ran."""
    cw = store.as_user("cw")
    index.catch_up()
    monkeypatch.setattr(search.follow, "SEARCH_APPLIES", 10)
    notes = [cw.add_note(agency.fss, **visit(agency, clock, narrative=f"Gannet number {n}.")).id for n in range(10)]
    results = index.search(cw, "gannet", family=agency.case)
    assert {h.note_id for h in results.hits} == set(notes) and results.problem is None and results.behind == 0
    assert index.applied_seq() == store.feed().last_seq()


def test_a_search_applies_nothing_while_another_holds_the_writer_lock(store, agency, clock, index):
    """Someone else (another window, the follower) is applying the log: the search answers from
    the index as it stands at once instead of waiting for the lock."""
    cw = store.as_user("cw")
    before = cw.add_note(agency.fss, **visit(agency, clock, narrative="A stoat in the hedge.")).id
    index.catch_up()
    cw.add_note(agency.fss, **visit(agency, clock, narrative="Another stoat."))
    other = SearchIndex.for_store(store, path=index.path)
    with other.writer_lock(wait=False) as mine:
        assert mine
        began = time.monotonic()
        results = index.search(cw, "stoat", family=agency.case)
        took = time.monotonic() - began
    assert [h.note_id for h in results.hits] == [before] and index.applied_seq() < store.feed().last_seq()
    assert took < 5  # it did not wait for the lock (held until after the search)


def _one_family(store, narrative: str, notes: int) -> int:
    s = store.staffing()
    s.add_worker("cw", "Cara Worker", "Caseworker")
    case = s.open_case("Rivera")
    kid = s.add_person(case, "Jay", "Rivera", "child", is_child=True)
    stage = s.open_stage(case, "FSS", subtype="CWS", case_manager="cw", person_ids=[kid])
    store.clock.advance(hours=2)
    cw = store.as_user("cw")
    for _ in range(notes):
        cw.add_note(stage, event_at=store.clock.now() - timedelta(hours=1), contact_type="School Contact",
                    narrative=narrative)
    return case


def test_a_search_on_a_replaced_database_rebuilds_the_index(tmp_path, clock):
    """The database was restored or recreated: its log is behind the index, which is of another
    record. The search rebuilds it rather than show the old record's words on the new one's notes."""
    from store import Store

    url = f"sqlite:///{tmp_path / 'x.db'}"
    first = Store.open(url, clock=clock)
    _one_family(first, "A walrus on the beach.", notes=5)
    index = SearchIndex.for_store(first, path=tmp_path / "idx")
    assert len(found(index, first.as_user("cw"), "walrus")) == 5
    first.close()
    for stale in tmp_path.glob("x.db*"):
        stale.unlink()
    second = Store.open(url, clock=clock)
    try:
        _one_family(second, "A narwhal in the bay.", notes=1)
        again = SearchIndex.for_store(second, path=tmp_path / "idx")
        assert again.applied_seq() > second.feed().last_seq()
        cw = second.as_user("cw")
        assert found(again, cw, "walrus") == [] and len(found(again, cw, "narwhal")) == 1
    finally:
        second.close()
