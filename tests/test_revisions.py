"""Every version of every note has exactly one revision: the store writes one per save, and the
database refuses a new version of a note whose revision was not written first, and a new note whose
first revision was not written by COMMIT (SQLite and PostgreSQL).
"""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from store import InvalidTransition
from store.db import journal
from store.db.models import NoteRevision
from tests.conftest import counts, visit


def _raw(store, *statements):
    """Run raw SQL statements in one transaction, bypassing the store."""
    with store.write_engine.begin() as conn:
        for sql, params in statements:
            conn.execute(text(sql), params)


def _refused(store, tag, *statements):
    with pytest.raises(DBAPIError) as caught:
        _raw(store, *statements)
    message = str(caught.value.orig)
    assert f"casenotes[{tag}]" in message, message
    return message


def _versions(store, note_id):
    """(the note's version, the versions its revisions hold, in order)."""
    with store.write_engine.connect() as conn:
        version = conn.execute(text("SELECT version FROM notes WHERE id = :i"), {"i": note_id}).scalar_one()
        saved = list(conn.execute(text("SELECT version FROM note_revisions WHERE note_id = :i ORDER BY version"),
                                  {"i": note_id}).scalars())
    return version, saved


def _revision(note_id, version, snapshot="{}"):
    """A raw INSERT of a revision row. The snapshot matters only where the revision is of the note's
    version (0017: it must say what the note says); ``_written`` gives one that does."""
    return ("INSERT INTO note_revisions (note_id, version, saved_at, saved_by_id, status, snapshot) "
            "VALUES (:i, :v, '2026-03-02 17:00:00', (SELECT min(id) FROM workers), 'draft', :s)",
            {"i": note_id, "v": version, "s": snapshot})


def _written(store, note_id, **changed):
    """The note's first revision's snapshot with ``changed`` (JSON text): what an owner's honest raw
    edit of the note writes as the revision of its next version."""
    with store.write_engine.connect() as conn:
        snapshot = conn.execute(select(NoteRevision.snapshot).where(NoteRevision.note_id == note_id,
                                                                    NoteRevision.version == 1)).scalar_one()
    return json.dumps({**snapshot, **changed})


def _edit(note_id, version_expr="version + 1"):
    return (f"UPDATE notes SET narrative = 'Changed by hand.', version = {version_expr} WHERE id = :i", {"i": note_id})


@pytest.fixture
def draft(store, agency, clock):
    return store.as_user("cw").add_note(agency.fss, **visit(agency, clock, participants=[agency.jay]))


# --- through the API -----------------------------------------------------------------------------

@pytest.mark.parametrize("other", [
    {"narrative": "Jay and his mother were both there."},
    {"method": "Telephone", "location": None},
    {"purposes": ["Safety"]},
    {"event_at": "later"},
], ids=["narrative", "method", "purposes", "event_at"])
def test_editing_participants_with_another_field_saves_one_version_with_one_revision(store, agency, clock, draft,
                                                                                     other):
    if other.get("event_at") == "later":
        other = {"event_at": clock.now() - timedelta(minutes=30)}
    edited = store.as_user("cw").edit_note(draft.id, draft.version, participants=[agency.jay, agency.ana], **other)
    assert edited.version == draft.version + 1
    assert _versions(store, draft.id) == (2, [1, 2])
    history = store.as_user("cw").note_history(draft.id)
    assert [r.version for r in history.revisions] == [1, 2]
    assert history.revisions[-1].snapshot["participants"] == sorted([agency.jay, agency.ana])


def test_every_step_of_a_review_cycle_has_its_revision(store, agency, clock, draft):
    cw, sup = store.as_user("cw"), store.as_user("supa")
    cw.edit_note(draft.id, 1, participants=[agency.ana], narrative="Only his mother answered.")
    cw.submit(draft.id)
    sup.return_note(draft.id, "Say where Jay was.")
    cw.edit_note(draft.id, 4, participants=[agency.ana, agency.jay], narrative="Jay was at school.")
    cw.submit(draft.id)
    sup.approve(draft.id)
    assert _versions(store, draft.id) == (7, [1, 2, 3, 4, 5, 6, 7])
    statuses = [r.status for r in store.as_user("cw").note_history(draft.id).revisions]
    assert statuses == ["draft", "draft", "submitted", "returned", "returned", "resubmitted", "approved"]


# --- by raw SQL: the database refuses a version without its revision ----------------------------

def test_raw_update_without_a_revision_is_refused(store, draft):
    _refused(store, "InvalidTransition", _edit(draft.id))
    assert _versions(store, draft.id) == (1, [1])


def test_raw_update_with_its_revision_written_first_is_allowed(store, draft):
    _raw(store, _revision(draft.id, 2, _written(store, draft.id, narrative="Changed by hand.")), _edit(draft.id))
    assert _versions(store, draft.id) == (2, [1, 2])


@pytest.mark.parametrize("forged", [{"narrative": "Not what the note says."}, {"status": "approved"},
                                    {"contact_type": "Collateral"}, {"purposes": ["Court"]},
                                    {"event_at": "2026-02-01T10:00:00-05:00"}, {"author_id": 0}],
                         ids=["narrative", "status", "contact type", "purposes", "event time", "author"])
def test_raw_revision_that_differs_from_the_note_it_revises_is_refused(store, draft, forged):
    """A reviewer's forged snapshot (another narrative, then the approving UPDATE) would put words the
    note never held into the court record, which prints the final revision: 0017 refuses it."""
    as_edited = _written(store, draft.id, **{"narrative": "Changed by hand.", **forged})
    _refused(store, "InvalidTransition", _revision(draft.id, 2, as_edited), _edit(draft.id))
    assert _versions(store, draft.id) == (1, [1])


def test_raw_new_note_whose_first_revision_differs_from_it_is_refused(store, draft):
    forged = _written(store, draft.id, narrative="Something else.")
    with pytest.raises(DBAPIError, match="a note's revision says what the note says"):
        _raw(store, _new_note(draft), _new_revision(snapshot=forged))
    assert _versions(store, draft.id) == (1, [1])


def test_two_raw_updates_with_one_revision_are_refused(store, draft):
    # What the autoflush did: two UPDATEs in one save, one revision.
    _refused(store, "InvalidTransition", _revision(draft.id, 2), _edit(draft.id), _edit(draft.id))
    assert _versions(store, draft.id) == (1, [1])


def test_raw_revision_for_a_version_the_note_never_reaches_is_refused(store, draft):
    _refused(store, "InvalidTransition", _revision(draft.id, 3))
    _refused(store, "InvalidTransition", _revision(draft.id + 1000, 1))  # no such note
    assert _versions(store, draft.id) == (1, [1])


def test_raw_second_revision_of_a_version_is_refused(store, draft):
    with pytest.raises(DBAPIError):  # the unique (note_id, version) constraint
        _raw(store, _revision(draft.id, 1))
    assert _versions(store, draft.id) == (1, [1])


@pytest.mark.postgres
def test_raw_revision_of_a_next_version_never_made_is_refused_at_commit_on_postgresql(store, draft):
    if store.write_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no deferred triggers: the orphan revision blocks the next save instead")
    _refused(store, "InvalidTransition", _revision(draft.id, 2))
    assert _versions(store, draft.id) == (1, [1])


def test_through_a_unit_of_work_a_missing_revision_is_a_typed_refusal(store, draft):
    with pytest.raises(InvalidTransition, match=r"^The database refused this: Every change of a note"), \
            store.writing() as session:
        session.execute(text(_edit(draft.id)[0]), {"i": draft.id})
    assert _versions(store, draft.id) == (1, [1])


def test_older_refusals_still_come_first(store, draft, clock):
    """A frozen note's raw edit is refused as frozen, not as unrevised: the older triggers speak first."""
    clock.set(draft.freezes_at)
    _refused(store, "NoteFrozen", _edit(draft.id))
    _refused(store, "NoteFrozen", _revision(draft.id, 2), _edit(draft.id))
    clock.set(draft.freezes_at - timedelta(days=1))
    _refused(store, "StaleEdit", _edit(draft.id, "version"))
    _refused(store, "StaleEdit", _revision(draft.id, 2), _edit(draft.id, "version + 2"))


# --- a new note: refused at COMMIT without the revision of the version it was inserted with (0006) -

NEW_NOTE = ("INSERT INTO notes (stage_id, event_at, entered_at, author_id, entered_by_id, contact_type, purposes, "
            "method, location, others, narrative, status, version, freezes_at) "
            "SELECT stage_id, event_at, entered_at, author_id, entered_by_id, contact_type, purposes, method, "
            "location, others, 'Typed in by hand.', 'draft', :v, freezes_at FROM notes WHERE id = :i")
NEWEST = "(SELECT max(id) FROM notes)"


def _new_note(draft, version=1):
    return NEW_NOTE, {"i": draft.id, "v": version}


def _new_revision(version=1, snapshot="{}"):
    sql, params = _revision(0, version, snapshot)
    return sql.replace("VALUES (:i,", f"VALUES ({NEWEST},"), {"v": params["v"], "s": params["s"]}


def _refused_at_commit(store, *statements):
    """Each statement is let through; the COMMIT refuses (PostgreSQL: the deferred trigger's sentence;
    SQLite: the deferred foreign key of notes_awaiting_revision, which can say no more than that)."""
    before = counts(store)
    with store.write_engine.connect() as conn:
        conn.begin()
        for sql, params in statements:
            conn.execute(text(sql), params)
        with pytest.raises(DBAPIError) as caught:
            conn.commit()
        conn.rollback()  # SQLite keeps a transaction whose COMMIT failed open
    message = str(caught.value.orig)
    if store.write_engine.dialect.name == "postgresql":
        assert "casenotes[InvalidTransition]: a new note is saved with its first revision" in message, message
    else:
        assert "FOREIGN KEY constraint failed" in message, message
    assert counts(store) == before


def test_raw_insert_of_a_note_without_a_revision_is_refused_at_commit(store, draft):
    _refused_at_commit(store, _new_note(draft))


def test_raw_insert_of_a_note_with_its_revision_is_allowed(store, draft):
    before = counts(store)
    _raw(store, _new_note(draft), _new_revision(snapshot=_written(store, draft.id, narrative="Typed in by hand.")))
    after = counts(store)
    assert (after["notes"], after["note_revisions"]) == (before["notes"] + 1, before["note_revisions"] + 1)
    with store.write_engine.connect() as conn:
        newest = conn.execute(text(f"SELECT {NEWEST}")).scalar_one()
    assert _versions(store, newest) == (1, [1])


def test_raw_insert_of_a_note_with_a_revision_of_another_version_is_refused(store, draft):
    # A new note is at version 1 (0009: SQLite refuses another, PostgreSQL sets it), whose revision it needs.
    with pytest.raises(DBAPIError):
        _raw(store, _new_note(draft, version=2), _new_revision(2))
    with pytest.raises(DBAPIError):  # a revision of the next version only, never followed by it
        _raw(store, _new_note(draft), _new_revision(2))
    assert _versions(store, draft.id) == (1, [1])


def test_raw_note_inserted_and_deleted_in_one_transaction_is_let_go(store, draft):
    before = counts(store)
    _raw(store, _new_note(draft), (f"DELETE FROM notes WHERE id = {NEWEST}", {}))
    assert counts(store) == before


def test_nothing_is_left_waiting_for_a_revision_on_sqlite(store, agency, clock, draft):
    if store.write_engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL checks with a deferred trigger, and keeps no table for it")
    cw = store.as_user("cw")
    cw.edit_note(draft.id, 1, narrative="Seen again.")
    cw.discard_draft(cw.add_note(agency.fss, **visit(agency, clock)).id)
    _raw(store, _new_note(draft), _new_revision(snapshot=_written(store, draft.id, narrative="Typed in by hand.")))
    with store.write_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes_awaiting_revision")).scalar_one() == 0


def test_a_save_writes_its_revision_in_the_same_transaction(store, agency, clock, draft, monkeypatch):
    """Through the API: a new note and an addendum save as usual; a save path that forgot the first
    revision would be refused at COMMIT with nothing written."""
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="A second visit."))
    assert _versions(store, note.id) == (1, [1])
    original = journal._insert

    def without_first_revisions(session, model, **row):
        if not (model is journal.NoteRevision and row["version"] == 1):
            original(session, model, **row)

    monkeypatch.setattr(journal, "_insert", without_first_revisions)
    before = counts(store)
    with pytest.raises((InvalidTransition, DBAPIError)) as caught:
        cw.add_note(agency.fss, **visit(agency, clock, narrative="Its revision forgotten."))
    if store.write_engine.dialect.name == "postgresql":
        assert isinstance(caught.value, InvalidTransition)
        assert caught.value.message.startswith("The database refused this: A new note is saved with its first")
    assert counts(store) == before
    monkeypatch.undo()  # and the store's next save goes through (the refused transaction was ended)
    assert _versions(store, cw.add_note(agency.fss, **visit(agency, clock)).id) == (1, [1])
