"""Long lists read a page at a time: the review queue's first page is exactly the head of the whole
queue, and a stage's notes open from their ids with the notes of the rows on screen read by id,
under the same visibility rules and audited once, not once per page (on both backends)."""

from datetime import timedelta

from sqlalchemy import select

from store.db.models import AuditEntry
from tests.conftest import visit


def _sent(store, agency, clock, author, count, spacing):
    desk = store.as_user(author)
    sent = []
    for _ in range(count):
        clock.advance(**spacing)
        sent.append(desk.submit(desk.add_note(agency.fss, **visit(agency, clock)).id))
    return sent


def test_the_first_page_of_the_review_queue_is_the_head_of_the_whole_queue(store, agency, clock):
    # Old notes that will freeze unreviewed, first reviews and corrections sent hours apart and
    # minutes apart (same due day: the earlier sent comes first), from two workers.
    old = _sent(store, agency, clock, "cw", 3, {"hours": 5})
    clock.advance(days=15)
    first = _sent(store, agency, clock, "cw2", 6, {"minutes": 7}) + _sent(store, agency, clock, "cw", 5, {"hours": 30})
    boss = store.as_user("supa")
    for note in first[::3]:  # returned, corrected and sent again: three days instead of five
        boss.return_note(note.id, "Name the school.")
        author = store.as_user(note.author)
        clock.advance(minutes=3)
        author.submit(author.edit_note(note.id, note.version + 1, narrative="Seen at home; school is PS 12.").id)
    clock.set(max(clock.now(), old[-1].freezes_at) + timedelta(hours=1))  # the old ones have frozen
    whole = boss.review_queue()
    assert len(whole) == 14 and [i.note.frozen for i in whole].count(True) == 3
    assert whole[-3:] == sorted(whole[-3:], key=lambda i: i.review_due_at) and all(i.note.frozen for i in whole[-3:])
    keys = [(i.note.frozen, i.review_due_at, i.note.submitted_at, i.note.id) for i in whole]
    assert keys == sorted(keys) and any(i.resubmitted for i in whole)
    for limit in range(1, 16):
        assert boss.review_queue(limit=limit) == whole[:limit]


def test_a_stage_opens_from_note_ids_and_reads_pages_by_id(store, agency, clock):
    cw = store.as_user("cw")
    notes = [cw.add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(minutes=90 - i)))
             for i in range(8)]
    store.as_user("cw2").add_note(agency.fss, **visit(agency, clock))  # a teammate's draft: private to them
    ids = cw.stage_note_ids(agency.fss)
    assert ids == [n.id for n in reversed(notes)]  # newest event first, without the teammate's draft
    assert ids == [n.id for n in cw.stage_notes(agency.fss)]
    page = cw.stage_notes(agency.fss, ids=ids[2:5])
    assert [n.id for n in page] == ids[2:5] and page[0].narrative == notes[5].narrative
    deadlines = cw.stage_deadlines(agency.fss, ids=ids[2:5])
    assert set(deadlines) == set(ids[2:5]) and all(d.action == "submit" for d in deadlines.values())
    hidden = store.as_user("cw2").stage_note_ids(agency.fss)
    assert not set(hidden) & set(ids)  # cw's drafts are cw's
    assert cw.stage_notes(agency.fss, ids=hidden) == []  # and pages keep to the same rule


def test_a_long_stage_read_from_outside_the_assignment_is_audited_once_not_per_page(store, agency, clock):
    cw = store.as_user("cw")
    for _ in range(5):
        cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    director = store.as_user("director")  # reads through the supervision chain

    def stage_reads():
        with store.write_engine.connect() as conn:
            return conn.execute(select(AuditEntry.id).where(AuditEntry.action == "read stage",
                                                            AuditEntry.entity_id == agency.fss)).all()

    ids = director.stage_note_ids(agency.fss)
    assert len(ids) == 5 and len(stage_reads()) == 1
    for start in range(0, 5, 2):
        director.stage_notes(agency.fss, ids=ids[start:start + 2])
    assert len(stage_reads()) == 1
    clock.advance(hours=2)
    director.stage_notes(agency.fss, ids=ids[:2])  # a page read again after an hour is a new read
    assert len(stage_reads()) == 2
