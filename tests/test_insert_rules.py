"""What the database sets on INSERT, TRUNCATE refused, a trigger clock no worker can move (issue 17, 0009).

The attacks of the issue, by raw SQL: a note inserted with another author, an old entry time, status
approved and a freeze in 2099; a table of the record emptied by TRUNCATE; a frozen note unfrozen by
``set_config('casenotes.now', ...)``. On PostgreSQL the database sets what the caller must not (as a
worker's own login role and as the owner); on SQLite it refuses and nothing is written.
"""

from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from store import FrozenClock, Store
from store.db.engines import SQLITE_NOW_FORMAT
from tests.raw_notes import snapshot_of
from tests.conftest import T0, counts

# T0 is Mon 2 March 2026 10:00 in New York: the note freezes at the start of 23 March (EDT since 8 March).
FREEZES = datetime(2026, 3, 23, 4, 0, tzinfo=timezone.utc)
ATTACK = ("INSERT INTO notes (stage_id, event_at, entered_at, author_id, entered_by_id, contact_type, purposes, "
          "others, narrative, status, version, freezes_at, first_submitted_at, submitted_at, reviewed_at) VALUES "
          "(:stage, :event, :entered, :author, :author, 'Collateral', '[]', '[]', 'Written behind the store''s back.', "
          ":status, :version, :freezes, :entered, :entered, :entered)")


def _revision(conn):
    """The new note's first revision, saying what the note row says (0017)."""
    return text("INSERT INTO note_revisions (note_id, version, saved_at, saved_by_id, status, snapshot) "
                f"SELECT id, version, :at, :by, status, {snapshot_of(conn.dialect.name)} FROM notes n "
                "WHERE id = (SELECT max(id) FROM notes)")
STORED = ("SELECT author_id, entered_by_id, entered_at, status, version, freezes_at, first_submitted_at, "
          "submitted_at, reviewed_at FROM notes WHERE id = (SELECT max(id) FROM notes)")
PROTECTED = ("notes", "note_participants", "note_revisions", "review_actions", "audit_log", "change_log", "workers",
             "worker_functions", "units", "cases", "persons", "stages", "stage_persons", "role_assignments",
             "role_children", "placements", "advocate_appointments", "external_keys", "absences", "meta",
             "test_clock_allowed")


def _ids(store, *logins):
    with store.write_engine.connect() as conn:
        found = dict(conn.execute(text("SELECT login, id FROM workers")).all())
    return [found[login] for login in logins]


def _attack(stage, author, *, status="approved"):
    old = datetime(2000, 1, 1, tzinfo=timezone.utc)
    return {"stage": stage, "event": old, "entered": old, "author": author, "status": status, "version": 5,
            "freezes": datetime(2099, 1, 1, tzinfo=timezone.utc)}


def _sqlite_time(value):
    """A time as SQLite keeps it (raw SQL binds a datetime in another form)."""
    return value.strftime(SQLITE_NOW_FORMAT) if isinstance(value, datetime) else value


def _postgresql(store):
    if store.write_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")


def _as_role(url):
    return create_engine(url)


# --- a note inserted by raw SQL -------------------------------------------------------------------

def test_a_workers_raw_note_is_theirs_entered_now_a_draft_freezing_by_the_rules(store, agency, role_url):
    supa, cw = _ids(store, "supa", "cw")
    engine = _as_role(role_url("cw"))
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('casenotes.now', :t, true)"), {"t": T0.isoformat()})  # a test database
        conn.execute(text(ATTACK), _attack(agency.fss, supa))
        conn.execute(_revision(conn), {"at": datetime(2000, 1, 1, tzinfo=timezone.utc), "by": cw})
        stored = conn.execute(text(STORED)).one()
        revision = conn.execute(text("SELECT saved_at, saved_by_id, version FROM note_revisions "
                                     "ORDER BY id DESC LIMIT 1")).one()
    engine.dispose()
    assert tuple(stored) == (cw, cw, T0, "draft", 1, FREEZES, None, None, None)
    assert tuple(revision) == (T0, cw, 1)  # saved at the clock's time (saved by cw: another is refused, 0010)


def test_a_clerk_with_ent_prog_note_enters_for_the_author_they_name(store, agency, role_url):
    cw, clerk = _ids(store, "cw", "clerk")
    engine = _as_role(role_url("clerk"))
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('casenotes.now', :t, true)"), {"t": T0.isoformat()})
        conn.execute(text(ATTACK), _attack(agency.fss, cw))
        conn.execute(_revision(conn), {"at": T0, "by": clerk})
        stored = conn.execute(text(STORED)).one()
    engine.dispose()
    assert (stored.author_id, stored.entered_by_id, stored.status) == (cw, clerk, "draft")


def test_an_fsi_entry_by_raw_sql_is_final_and_frozen_as_it_is_saved(store, agency, role_url):
    cw, = _ids(store, "cw")
    engine = _as_role(role_url("cw"))
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('casenotes.now', :t, true)"), {"t": T0.isoformat()})
        conn.execute(text(ATTACK), _attack(agency.fsi, cw, status="draft"))
        conn.execute(_revision(conn), {"at": T0, "by": cw})
        stored = conn.execute(text(STORED)).one()
    engine.dispose()
    assert (stored.status, stored.entered_at, stored.freezes_at) == ("final", T0, T0)


def test_the_owners_raw_note_keeps_its_author_but_not_its_times_or_status(store, agency, clock):
    _postgresql(store)
    supa, = _ids(store, "supa")
    with store.write_engine.begin() as conn:  # the store's connection: casenotes.now is its frozen clock
        conn.execute(text(ATTACK), _attack(agency.fss, supa))
        conn.execute(_revision(conn), {"at": T0, "by": supa})
        stored = conn.execute(text(STORED)).one()
    assert tuple(stored) == (supa, supa, clock.now(), "draft", 1, FREEZES, None, None, None)


@pytest.mark.parametrize("attack, sentence", [
    ({"entered": datetime(2000, 1, 1, tzinfo=timezone.utc), "freezes": datetime(2000, 1, 22, tzinfo=timezone.utc)},
     "a note's entry time is the moment it is saved"),
    ({"status": "approved"}, "starts as a draft"),
    ({"version": 5}, "starts at its first version"),
    ({"freezes": datetime(2099, 1, 1, tzinfo=timezone.utc)}, "freezes the policy's freeze window"),
    ({"freezes": datetime(2026, 3, 2, 16, 0, tzinfo=timezone.utc)}, "freezes the policy's freeze window"),
    ({"reviewed": T0}, "has not been submitted or reviewed"),
])
def test_sqlite_refuses_a_raw_note_the_rules_would_not_write(store, agency, attack, sentence):
    if store.write_engine.dialect.name != "sqlite":
        pytest.skip("SQLite refuses; PostgreSQL sets (the tests above)")
    supa, = _ids(store, "supa")
    before = counts(store)
    row = {"stage": agency.fss, "event": T0, "entered": None, "author": supa, "status": "draft", "version": 1,
           "freezes": FREEZES, "reviewed": None, **attack}
    row = {name: _sqlite_time(value) for name, value in row.items()}
    sql = ATTACK.replace(":entered, :entered, :entered)", "NULL, NULL, :reviewed)").replace(
        ":event, :entered,", ":event, COALESCE(:entered, casenotes_now()),")
    with pytest.raises(DBAPIError) as caught, store.write_engine.begin() as conn:
        conn.execute(text(sql), row)
    assert "casenotes[InvalidNote]: " in str(caught.value.orig)
    assert sentence in str(caught.value.orig)
    assert counts(store) == before


def test_sqlite_takes_a_raw_note_written_as_the_rules_would(store, agency):
    if store.write_engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    supa, = _ids(store, "supa")
    with store.write_engine.begin() as conn:
        conn.execute(text(ATTACK.replace(":entered, :entered, :entered)", "NULL, NULL, NULL)")
                          .replace(":event, :entered,", ":event, casenotes_now(),")),
                     {"stage": agency.fss, "event": _sqlite_time(T0), "author": supa, "status": "draft",
                      "version": 1, "freezes": _sqlite_time(FREEZES)})
        conn.execute(_revision(conn), {"at": T0, "by": supa})


# --- the store's own saves: what it shows is what the database set -----------------------------------

def test_a_worker_signed_in_as_themselves_adds_a_note_as_its_author(store, agency, role_url, clock):
    cw, clerk = _ids(store, "cw", "clerk")
    signed_in = Store.open(role_url("cw"), clock=clock)
    note = signed_in.signed_in().add_note(agency.fss, event_at=T0, contact_type="Caseworker/Child Contact", narrative="Seen.")
    signed_in.close()
    assert (note.author, note.entered_at, note.freezes_at, note.status) == ("cw", clock.now(), FREEZES, "draft")
    clerks = Store.open(role_url("clerk"), clock=clock)
    typed = clerks.signed_in().add_note(agency.fss, author="cw", event_at=T0, contact_type="Caseworker/Child Contact",
                                        narrative="Dictated.")
    clerks.close()
    with store.write_engine.connect() as conn:
        stored = conn.execute(text("SELECT author_id, entered_by_id FROM notes WHERE id IN (:a, :b) ORDER BY id"),
                              {"a": note.id, "b": typed.id}).all()
    assert [tuple(r) for r in stored] == [(cw, cw), (cw, clerk)]


# --- TRUNCATE -------------------------------------------------------------------------------------

def test_no_table_of_the_record_can_be_emptied_even_by_its_owner(store, agency):
    _postgresql(store)
    before = counts(store)
    for table in PROTECTED:
        with pytest.raises(DBAPIError) as caught, store.write_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))
        assert (f"casenotes[InvalidTransition]: the {table} table is part of the record and is never emptied"
                in str(caught.value.orig)), table
    assert counts(store) == before


def test_a_worker_may_not_truncate(store, agency, role_url):
    engine = _as_role(role_url("supa"))
    for table in ("audit_log", "note_revisions", "review_actions", "change_log"):
        with pytest.raises(DBAPIError, match=r"permission denied|casenotes"), engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table}"))
    engine.dispose()


# --- the trigger clock ----------------------------------------------------------------------------

EDIT = "UPDATE notes SET narrative = 'Rewritten behind the store''s back.', version = version + 1 WHERE id = :i"
UNFREEZE = "SELECT set_config('casenotes.now', '2000-01-01 00:00:00+00', true)"


def test_set_config_cannot_unfreeze_a_note_in_a_database_not_marked_for_tests(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("on SQLite the trigger clock is the function the opening store registers")
    clock = FrozenClock(T0)
    store = Store.open(db_url, clock=clock)  # a fresh database: not marked
    with store.write_engine.connect() as conn:
        assert not conn.execute(text("SELECT EXISTS (SELECT 1 FROM test_clock_allowed)")).scalar_one()
    store.allow_test_clock()  # only to write a note dated T0, frozen since 23 March (the real clock is later)
    staffing = store.staffing()
    staffing.add_worker("cw", "Cara", "Caseworker")
    case = staffing.open_case("Lee")
    kid = staffing.add_person(case, "Kim", "Lee", "child", is_child=True)
    stage = staffing.open_stage(case, "FSS", subtype="CWS", case_manager="cw", person_ids=[kid])
    note = store.as_user("cw").add_note(stage, event_at=T0, contact_type="Caseworker/Child Contact", narrative="Seen.")
    with store.write_engine.begin() as conn:
        conn.execute(text("DELETE FROM test_clock_allowed"))
    with store.write_engine.connect() as conn:
        conn.begin()
        conn.execute(text(UNFREEZE))
        assert conn.execute(text("SELECT casenotes_now() = now()")).scalar_one() is True
        with pytest.raises(DBAPIError) as caught:
            conn.execute(text(EDIT), {"i": note.id})
        conn.rollback()
    assert "casenotes[NoteFrozen]: this note is past its freeze date" in str(caught.value.orig)
    with store.write_engine.begin() as conn:  # marked again, the setting is the clock
        conn.execute(text("INSERT INTO test_clock_allowed DEFAULT VALUES"))
        conn.execute(text(UNFREEZE))
        assert conn.execute(text("SELECT casenotes_now()")).scalar_one() == datetime(2000, 1, 1, tzinfo=timezone.utc)
    store.close()


def test_a_worker_can_neither_mark_the_database_nor_fake_the_mark(store, agency, role_url):
    engine = _as_role(role_url("cw"))
    for sql in ("INSERT INTO test_clock_allowed DEFAULT VALUES", "DELETE FROM test_clock_allowed",
                "UPDATE test_clock_allowed SET allowed = true"):
        with pytest.raises(DBAPIError, match="permission denied"), engine.begin() as conn:
            conn.execute(text(sql))
    with store.write_engine.begin() as conn:  # the owner takes the agency copy's mark away
        conn.execute(text("DELETE FROM test_clock_allowed"))
    with engine.begin() as conn:  # a table of one's own, found first on the search path, is not read
        conn.execute(text("CREATE TEMP TABLE test_clock_allowed (allowed boolean)"))
        conn.execute(text("INSERT INTO pg_temp.test_clock_allowed VALUES (true)"))
        conn.execute(text("CREATE TEMP TABLE workers AS SELECT * FROM public.workers"))
        conn.execute(text("UPDATE pg_temp.workers SET db_role = session_user WHERE login = 'director'"))
        conn.execute(text("UPDATE pg_temp.workers SET db_role = NULL WHERE login = 'cw'"))
        conn.execute(text(UNFREEZE))
        assert conn.execute(text("SELECT casenotes_now() = now()")).scalar_one() is True
        assert conn.execute(text("SELECT casenotes_worker_id()")).scalar_one() == _ids(store, "cw")[0]
    engine.dispose()
