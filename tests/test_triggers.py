"""The database's second line of defence: the triggers refuse raw SQL that would alter the record.

Every statement here bypasses the service API and goes straight through ``store.write_engine``; the
triggers read the store's frozen clock as ``casenotes_now()``, so time is moved with ``clock``.
"""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store import InvalidNote, InvalidTransition, NoteFrozen, StaleEdit
from tests.raw_notes import snapshot_of
from tests.conftest import visit

APPEND_ONLY = {  # table: (key column, a harmless-looking change)
    "note_revisions": ("id", "status = 'approved'"),
    "review_actions": ("id", "comment = 'tidied up'"),
    "audit_log": ("id", "action = 'nothing'"),
    "change_log": ("seq", "op = 'update'"),
}


def _raw(store, sql, **params):
    with store.write_engine.begin() as conn:
        return conn.execute(text(sql), params).rowcount


def _refused(store, tag, sql, **params):
    """Run raw SQL, expect a trigger refusal carrying ``casenotes[tag]``; returns the message."""
    with pytest.raises(DBAPIError) as caught:
        _raw(store, sql, **params)
    message = str(caught.value.orig)
    assert f"casenotes[{tag}]" in message, message
    return message


def _note(store, note_id):
    with store.write_engine.connect() as conn:
        return conn.execute(text("SELECT narrative, version, status, author_id, entered_by_id, stage_id "
                                 "FROM notes WHERE id = :i"), {"i": note_id}).mappings().one_or_none()


def _scalar(store, sql, **params):
    with store.write_engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def _rows(store, table, key):
    with store.write_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))]


def _participants(store, note_id):
    with store.write_engine.connect() as conn:
        return sorted(conn.execute(text("SELECT person_id FROM note_participants WHERE note_id = :i"),
                                   {"i": note_id}).scalars())


EDIT = "UPDATE notes SET narrative = 'Rewritten behind the store''s back.', version = version + 1 WHERE id = :i"
# A change's revision goes in before the note row (migration 0005; tests/test_revisions.py).


def _revision(dialect):
    """The next version's revision of note :i, saying what EDIT makes the note say (0017)."""
    return ("INSERT INTO note_revisions (note_id, version, saved_at, saved_by_id, status, snapshot) "
            "SELECT id, version + 1, entered_at, author_id, status, "
            + snapshot_of(dialect, narrative="'Rewritten behind the store''s back.'") + " FROM notes n WHERE id = :i")


def _raw_edit(store, note_id):
    """A raw edit the way the store writes one: the next version's revision, then the note row."""
    with store.write_engine.begin() as conn:
        conn.execute(text(_revision(store.write_engine.dialect.name)), {"i": note_id})
        return conn.execute(text(EDIT), {"i": note_id}).rowcount


@pytest.fixture
def draft(store, agency, clock):
    return store.as_user("cw").add_note(agency.fss, **visit(agency, clock))


@pytest.fixture
def approved(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.submit(note.id)
    return store.as_user("supa").approve(note.id)


# --- notes: UPDATE -------------------------------------------------------------------------------

def test_raw_update_of_frozen_note_is_refused(store, draft, clock):
    clock.set(draft.freezes_at - timedelta(seconds=1))
    assert _raw_edit(store, draft.id) == 1  # the last second before the freeze is still open
    clock.set(draft.freezes_at)
    _refused(store, "NoteFrozen", EDIT, i=draft.id)
    clock.advance(days=30)
    _refused(store, "NoteFrozen", EDIT, i=draft.id)
    assert _note(store, draft.id)["version"] == draft.version + 1


def test_raw_update_of_approved_note_is_refused_before_it_freezes(store, approved, clock):
    assert approved.status == "approved" and clock.now() < approved.freezes_at
    _refused(store, "NoteFrozen", EDIT, i=approved.id)
    _refused(store, "NoteFrozen", "UPDATE notes SET status = 'draft', version = version + 1 WHERE id = :i",
             i=approved.id)
    row = _note(store, approved.id)
    assert (row["narrative"], row["version"], row["status"]) == (approved.narrative, approved.version, "approved")


def test_raw_update_of_final_fsi_note_is_refused(store, agency, clock):
    note = store.as_user("cw").add_note(agency.fsi, **visit(agency, clock))
    assert note.status == "final"
    _refused(store, "NoteFrozen", EDIT, i=note.id)
    assert _note(store, note.id)["narrative"] == note.narrative


@pytest.mark.parametrize("assignment", [
    "author_id = (SELECT id FROM workers WHERE login = 'cw2')",
    "entered_by_id = (SELECT id FROM workers WHERE login = 'cw2')",
    "entered_at = event_at",
    "stage_id = (SELECT max(id) FROM stages)",
    "freezes_at = entered_at",  # moving the freeze would let a frozen note be changed later
], ids=["author_id", "entered_by_id", "entered_at", "stage_id", "freezes_at"])
def test_raw_change_of_fixed_field_is_refused_even_on_a_draft(store, draft, assignment):
    before = _note(store, draft.id)
    assert before["status"] == "draft"
    _refused(store, "InvalidNote", f"UPDATE notes SET {assignment}, version = version + 1 WHERE id = :i",
             i=draft.id)
    assert _note(store, draft.id) == before


def test_raw_clearing_of_first_submission_is_refused(store, draft):
    cw = store.as_user("cw")
    cw.submit(draft.id)
    recalled = cw.recall(draft.id)
    assert recalled.status == "draft"
    # Clearing it would make the once-submitted note look discardable.
    _refused(store, "InvalidNote",
             "UPDATE notes SET first_submitted_at = NULL, version = version + 1 WHERE id = :i", i=draft.id)
    assert _scalar(store, "SELECT count(*) FROM notes WHERE id = :i AND first_submitted_at IS NOT NULL",
                   i=draft.id) == 1


@pytest.mark.parametrize("new_version", ["version", "version + 2", "version - 1"])
def test_raw_update_not_raising_version_by_one_is_refused(store, draft, new_version):
    _refused(store, "StaleEdit", f"UPDATE notes SET narrative = 'x', version = {new_version} WHERE id = :i",
             i=draft.id)
    row = _note(store, draft.id)
    assert (row["narrative"], row["version"]) == (draft.narrative, draft.version)


def test_raw_update_of_editable_draft_with_next_version_is_allowed(store, draft):
    assert _raw_edit(store, draft.id) == 1
    row = _note(store, draft.id)
    assert (row["narrative"], row["version"]) == ("Rewritten behind the store's back.", draft.version + 1)


# --- notes: DELETE -------------------------------------------------------------------------------

def test_raw_delete_of_submitted_note_is_refused(store, draft):
    store.as_user("cw").submit(draft.id)
    _refused(store, "InvalidTransition", "DELETE FROM notes WHERE id = :i", i=draft.id)
    assert _note(store, draft.id)["status"] == "submitted"


def test_raw_delete_of_recalled_note_is_refused(store, draft):
    cw = store.as_user("cw")
    cw.submit(draft.id)
    cw.recall(draft.id)
    assert _note(store, draft.id)["status"] == "draft"
    _refused(store, "InvalidTransition", "DELETE FROM notes WHERE id = :i", i=draft.id)
    assert _note(store, draft.id) is not None


def test_raw_delete_of_frozen_draft_is_refused(store, draft, clock):
    clock.set(draft.freezes_at)
    _refused(store, "InvalidTransition", "DELETE FROM notes WHERE id = :i", i=draft.id)
    assert _note(store, draft.id) is not None


def test_raw_delete_of_never_submitted_draft_is_allowed(store, draft):
    assert _participants(store, draft.id)  # cascades through the participants trigger too
    assert _raw(store, "DELETE FROM notes WHERE id = :i", i=draft.id) == 1
    assert _note(store, draft.id) is None
    assert _participants(store, draft.id) == []
    assert _scalar(store, "SELECT count(*) FROM note_revisions WHERE note_id = :i", i=draft.id) == 1


# --- append-only tables --------------------------------------------------------------------------

@pytest.mark.parametrize("table", list(APPEND_ONLY))
def test_raw_update_of_append_only_row_is_refused(store, approved, table):
    key, assignment = APPEND_ONLY[table]
    before = _rows(store, table, key)
    assert before
    _refused(store, "InvalidTransition", f"UPDATE {table} SET {assignment} WHERE {key} = (SELECT max({key}) FROM {table})")
    _refused(store, "InvalidTransition", f"UPDATE {table} SET {assignment}")
    assert _rows(store, table, key) == before


@pytest.mark.parametrize("table", list(APPEND_ONLY))
def test_raw_delete_of_append_only_row_is_refused(store, approved, table):
    key, _ = APPEND_ONLY[table]
    before = _rows(store, table, key)
    assert before
    _refused(store, "InvalidTransition", f"DELETE FROM {table} WHERE {key} = (SELECT min({key}) FROM {table})")
    _refused(store, "InvalidTransition", f"DELETE FROM {table}")
    assert _rows(store, table, key) == before


# --- participants --------------------------------------------------------------------------------

def test_raw_participant_insert_on_approved_note_is_refused(store, agency, approved):
    _refused(store, "NoteFrozen", "INSERT INTO note_participants (note_id, person_id) VALUES (:n, :p)",
             n=approved.id, p=agency.mia)
    assert _participants(store, approved.id) == sorted([agency.jay, agency.ana])


def test_raw_participant_delete_on_approved_note_is_refused(store, agency, approved):
    _refused(store, "NoteFrozen", "DELETE FROM note_participants WHERE note_id = :n", n=approved.id)
    assert _participants(store, approved.id) == sorted([agency.jay, agency.ana])


def test_raw_participant_change_on_frozen_draft_is_refused(store, agency, draft, clock):
    clock.set(draft.freezes_at + timedelta(seconds=1))
    _refused(store, "NoteFrozen", "INSERT INTO note_participants (note_id, person_id) VALUES (:n, :p)",
             n=draft.id, p=agency.mia)
    _refused(store, "NoteFrozen", "DELETE FROM note_participants WHERE note_id = :n", n=draft.id)
    assert _participants(store, draft.id) == sorted([agency.jay, agency.ana])


def test_raw_participant_change_at_the_freeze_instant_is_refused(store, agency, draft, clock):
    clock.set(draft.freezes_at)
    _refused(store, "NoteFrozen", "UPDATE notes SET narrative = 'x', version = version + 1 WHERE id = :i",
             i=draft.id)  # the note itself is frozen at this instant...
    # ...so who was present may not change either.
    _refused(store, "NoteFrozen", "INSERT INTO note_participants (note_id, person_id) VALUES (:n, :p)",
             n=draft.id, p=agency.mia)


def test_raw_participant_insert_and_delete_on_draft_are_allowed(store, agency, draft):
    assert _raw(store, "INSERT INTO note_participants (note_id, person_id) VALUES (:n, :p)",
                n=draft.id, p=agency.mia) == 1
    assert _participants(store, draft.id) == sorted([agency.jay, agency.mia, agency.ana])
    assert _raw(store, "DELETE FROM note_participants WHERE note_id = :n AND person_id = :p",
                n=draft.id, p=agency.ana) == 1
    assert _participants(store, draft.id) == sorted([agency.jay, agency.mia])


def test_raw_participant_update_is_refused(store, agency, draft):
    _refused(store, "NoteFrozen", "UPDATE note_participants SET person_id = :p WHERE note_id = :n AND person_id = :q",
             n=draft.id, p=agency.mia, q=agency.ana)
    assert _participants(store, draft.id) == sorted([agency.jay, agency.ana])


# --- refusals surface as typed errors through the store's unit of work ---------------------------

def test_trigger_refusal_through_a_unit_of_work_is_a_note_frozen_error(store, draft, clock):
    clock.advance(days=21)
    with pytest.raises(NoteFrozen, match=r"^The database refused this: This note is past its freeze date"), \
            store.writing() as session:
        session.execute(text(EDIT), {"i": draft.id})
    assert _note(store, draft.id)["version"] == draft.version


@pytest.mark.parametrize("sql, error", [
    ("UPDATE notes SET narrative = 'x' WHERE id = :i", StaleEdit),
    ("UPDATE notes SET author_id = (SELECT id FROM workers WHERE login = 'cw2'), version = version + 1 "
     "WHERE id = :i", InvalidNote),
    ("DELETE FROM review_actions WHERE note_id = :i", InvalidTransition),
], ids=["StaleEdit", "InvalidNote", "InvalidTransition"])
def test_trigger_refusal_through_a_unit_of_work_has_its_typed_error(store, draft, sql, error):
    store.as_user("cw").submit(draft.id)  # so there is a review action; the note is under review
    store.as_user("cw").recall(draft.id)
    with pytest.raises(error, match=r"^The database refused this: "), store.writing() as session:
        session.execute(text(sql), {"i": draft.id})
    assert _note(store, draft.id)["version"] == draft.version + 2
