"""The day-21 freeze: counted from the entry date in the agency's zone, to the midnight that starts
the 21st day after it, across daylight-saving changes."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store import FrozenClock, InvalidTransition, NoteFrozen, Policy, Store
from tests.raw_notes import snapshot_of
from tests.conftest import visit

US = timedelta(microseconds=1)


def _note_entered_at(store, agency, clock, at):
    clock.set(at)
    return store.as_user("cw").add_note(agency.fss, **visit(agency, clock))


def _raw_edit(store, note_id):
    with store.write_engine.begin() as conn:  # the next version's revision first, as the store writes it
        conn.execute(text("INSERT INTO note_revisions (note_id, version, saved_at, saved_by_id, status, snapshot) "
                          "SELECT id, version + 1, entered_at, author_id, status, "
                          + snapshot_of(store.write_engine.dialect.name, narrative="'raw'") + " FROM notes n WHERE id = :i"),
                     {"i": note_id})
        conn.execute(text("UPDATE notes SET narrative = 'raw', version = version + 1 WHERE id = :i"), {"i": note_id})


def test_note_freezes_at_day_21_in_agency_zone_across_spring_dst(store, agency, clock):
    # Entered Monday 2 March 2026, 11:00 EST. 21 days later is Monday 23 March, by then EDT (UTC-4).
    note = _note_entered_at(store, agency, clock, datetime(2026, 3, 2, 16, 0, tzinfo=timezone.utc))
    midnight = datetime(2026, 3, 23, 4, 0, tzinfo=timezone.utc)
    assert note.freezes_at == midnight
    clock.set(midnight - US)
    note = store.as_user("cw").edit_note(note.id, note.version, narrative="Last change on 22 March.")
    clock.set(midnight)
    with pytest.raises(NoteFrozen, match="froze on Mon 03/23/2026"):
        store.as_user("cw").edit_note(note.id, note.version, narrative="Too late.")
    assert store.as_user("cw").note(note.id).frozen


def test_raw_sql_meets_the_same_freeze_boundary(store, agency, clock):
    note = _note_entered_at(store, agency, clock, datetime(2026, 3, 2, 16, 0, tzinfo=timezone.utc))
    clock.set(note.freezes_at - US)
    _raw_edit(store, note.id)  # still allowed one microsecond before midnight
    clock.set(note.freezes_at)
    with pytest.raises(DBAPIError, match=r"casenotes\[NoteFrozen\]"):
        _raw_edit(store, note.id)


def test_entry_date_is_local_not_utc(store, agency, clock):
    # 23:30 EST on 2 March is already 3 March in UTC; the anchor is the local date, 2 March.
    note = _note_entered_at(store, agency, clock, datetime(2026, 3, 3, 4, 30, tzinfo=timezone.utc))
    assert note.freezes_at == datetime(2026, 3, 23, 4, 0, tzinfo=timezone.utc)
    # And a note entered just after local midnight belongs to the next day.
    later = _note_entered_at(store, agency, clock, datetime(2026, 3, 3, 5, 0, 1, tzinfo=timezone.utc))
    assert later.freezes_at == datetime(2026, 3, 24, 4, 0, tzinfo=timezone.utc)


def test_note_freezes_across_autumn_dst(store, agency, clock):
    # Entered 20 October 2026 (EDT); DST ends 1 November; freezes Tuesday 10 November 00:00 EST.
    note = _note_entered_at(store, agency, clock, datetime(2026, 10, 20, 14, 0, tzinfo=timezone.utc))
    assert note.freezes_at == datetime(2026, 11, 10, 5, 0, tzinfo=timezone.utc)
    clock.set(datetime(2026, 11, 10, 4, 59, 59, tzinfo=timezone.utc))
    assert not store.as_user("cw").note(note.id).frozen
    clock.set(datetime(2026, 11, 10, 5, 0, tzinfo=timezone.utc))
    assert store.as_user("cw").note(note.id).frozen


def test_freeze_days_is_policy(db_url, tmp_path):
    override = tmp_path / "policy.toml"
    override.write_text('[clock]\nfreeze = { amount = 10, unit = "calendar_days" }\n')
    clock = FrozenClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    store = Store.open(db_url, clock=clock, policy=Policy.load(override))
    store.allow_test_clock()
    s = store.staffing()
    s.add_worker("sup", "Sue", "Supervisor")
    s.add_worker("cw", "Cara", "Caseworker", supervisor="sup")
    case = s.open_case("Lee")
    kid = s.add_person(case, "Kim", "Lee", "child", is_child=True)
    stage = s.open_stage(case, "FSS", subtype="CWS", case_manager="cw", person_ids=[kid])
    clock.advance(hours=1)
    note = store.as_user("cw").add_note(stage, event_at=clock.now(), contact_type="Caseworker/Child Contact",
                                        narrative="Seen.")
    assert note.freezes_at == datetime(2026, 3, 12, 4, 0, tzinfo=timezone.utc)
    store.close()


def test_frozen_draft_cannot_be_discarded_or_submitted(store, agency, clock):
    note = _note_entered_at(store, agency, clock, datetime(2026, 3, 2, 16, 0, tzinfo=timezone.utc))
    clock.set(note.freezes_at + timedelta(hours=1))
    cw = store.as_user("cw")
    with pytest.raises(NoteFrozen):
        cw.discard_draft(note.id)
    with pytest.raises(NoteFrozen):
        cw.submit(note.id)
    addendum = cw.add_addendum(note.id, narrative="The school bag was a gift from the foster mother.")
    assert addendum.amends_note_id == note.id


def test_addendum_is_only_for_a_locked_note(store, agency, clock):
    note = _note_entered_at(store, agency, clock, datetime(2026, 3, 2, 16, 0, tzinfo=timezone.utc))
    with pytest.raises(InvalidTransition, match="can still be changed"):
        store.as_user("cw").add_addendum(note.id, narrative="Too early for an addendum.")
