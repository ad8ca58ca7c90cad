"""Migration 0007's triggers: raw SQL is held to the maintenance rules on both databases.

Casework records are ended, closed or deactivated, never deleted; a stage's identity never changes
and a closed stage stays closed; role assignments and placements only ever get their end, once; the
role-holder rules (LDSS only, no advocate, no deactivated worker); no progress note in an ADVPO stage.
"""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.test_triggers import _raw, _refused, _scalar

NOW = "'2026-03-02 15:00:00'"


def _role(store, stage, login, role):
    return _scalar(store, "SELECT r.id FROM role_assignments r JOIN workers w ON w.id = r.worker_id "
                          "WHERE r.stage_id = :s AND w.login = :l AND r.role = :r", s=stage, l=login, r=role)


def _worker(store, login):
    return _scalar(store, "SELECT id FROM workers WHERE login = :l", l=login)


@pytest.mark.parametrize("table", ["workers", "units", "cases", "persons", "stages", "stage_persons",
                                   "role_assignments", "role_children", "placements"])
def test_casework_records_are_never_deleted(store, agency, table):
    if table == "placements":
        store.staffing().place_child(agency.fss, agency.jay, store.clock.now().date())
    before = _scalar(store, f"SELECT count(*) FROM {table}")
    assert before > 0
    message = _refused(store, "InvalidStage", f"DELETE FROM {table}")
    assert "never deleted" in message
    assert _scalar(store, f"SELECT count(*) FROM {table}") == before


@pytest.mark.parametrize(("column", "value"), [("case_id", ":other"), ("type", "'INV'"), ("parent_id", "NULL"),
                                               ("opened_at", "'2025-01-01 00:00:00'")])
def test_a_stages_identity_never_changes(store, agency, column, value):
    params = {"other": agency.other_case} if ":other" in value else {}
    _refused(store, "InvalidStage", f"UPDATE stages SET {column} = {value} WHERE id = :i", i=agency.fss, **params)


def test_a_closed_stage_stays_closed(store, agency):
    store.as_user("cw").close_stage(agency.fsi, "Services no longer necessary")
    _refused(store, "InvalidStage", "UPDATE stages SET closed_at = NULL WHERE id = :i", i=agency.fsi)
    _refused(store, "InvalidStage", "UPDATE stages SET close_reason = 'Other' WHERE id = :i", i=agency.fsi)
    assert _raw(store, "UPDATE stages SET narrative = 'Payment authorised.' WHERE id = :i", i=agency.fsi) == 1


def test_a_role_gets_its_end_once_and_nothing_else_changes(store, agency):
    planner = _role(store, agency.fss, "vaplanner", "Case Planner")
    _refused(store, "InvalidStage", "UPDATE role_assignments SET role = 'Case Manager' WHERE id = :i", i=planner)
    _refused(store, "InvalidStage", "UPDATE role_assignments SET worker_id = :w WHERE id = :i", i=planner,
             w=_worker(store, "cw2"))
    assert _raw(store, f"UPDATE role_assignments SET ends_at = {NOW} WHERE id = :i", i=planner) == 1
    _refused(store, "InvalidStage", "UPDATE role_assignments SET ends_at = NULL WHERE id = :i", i=planner)


@pytest.mark.parametrize(("login", "role", "words"), [
    ("vaplanner", "Case Manager", "LDSS"),
    ("vaplanner", "CPS Worker/Monitor", "LDSS"),
    ("casa", "Case Worker", "advocates"),
])
def test_role_holder_rules_hold_for_raw_inserts(store, agency, login, role, words):
    message = _refused(store, "InvalidStage", f"INSERT INTO role_assignments (stage_id, worker_id, role, starts_at) "
                                              f"VALUES (:s, :w, :r, {NOW})", s=agency.fss, w=_worker(store, login), r=role)
    assert words in message


def test_a_deactivated_worker_gets_no_new_role_by_raw_sql(store, agency):
    worker = _worker(store, "cw2")
    _raw(store, "UPDATE workers SET active = :no WHERE id = :w", no=False, w=worker)
    message = _refused(store, "InvalidStage", f"INSERT INTO role_assignments (stage_id, worker_id, role, starts_at) "
                                              f"VALUES (:s, :w, 'Case Worker', {NOW})", s=agency.fss, w=worker)
    assert "deactivated" in message


def test_an_active_ldss_worker_may_still_be_given_a_role_by_raw_sql(store, agency):
    assert _raw(store, f"INSERT INTO role_assignments (stage_id, worker_id, role, starts_at) "
                       f"VALUES (:s, :w, 'Case Worker', {NOW})", s=agency.fss, w=_worker(store, "cwb")) == 1


def test_a_persons_end_in_a_stage_is_written_once(store, agency):
    assert _raw(store, f"UPDATE stage_persons SET ended_at = {NOW} WHERE stage_id = :s AND person_id = :p",
                s=agency.fss, p=agency.ana) == 1
    _refused(store, "InvalidStage", "UPDATE stage_persons SET ended_at = NULL WHERE stage_id = :s AND person_id = :p",
             s=agency.fss, p=agency.ana)
    _refused(store, "InvalidStage", "UPDATE stage_persons SET person_id = :o WHERE stage_id = :s AND person_id = :p",
             s=agency.fss, p=agency.jay, o=agency.mia)


def test_a_placement_keeps_its_child_stage_and_first_day_and_ends_once(store, agency):
    today = store.clock.now().date()
    placement = store.staffing().place_child(agency.fss, agency.jay, today)
    _refused(store, "InvalidStage", "UPDATE placements SET person_id = :m WHERE id = :i", i=placement, m=agency.mia)
    _refused(store, "InvalidStage", "UPDATE placements SET starts_on = '2020-01-01' WHERE id = :i", i=placement)
    store.staffing().end_placement(placement, today)
    _refused(store, "InvalidStage", "UPDATE placements SET ends_on = NULL WHERE id = :i", i=placement)


def test_no_progress_note_is_stored_in_an_advpo_stage_by_raw_sql(store, agency):
    s = store.staffing()
    advpo = s.open_stage(agency.case, "FSS", subtype="ADVPO", case_manager="cw", person_ids=[agency.jay])
    cw = _worker(store, "cw")
    with pytest.raises(DBAPIError) as caught, store.write_engine.begin() as conn:
        conn.execute(text(f"INSERT INTO notes (stage_id, event_at, entered_at, author_id, entered_by_id, "
                          f"contact_type, purposes, others, narrative, status, version, freezes_at) VALUES "
                          f"(:s, {NOW}, casenotes_now(), :w, :w, 'Collateral', '[]', '[]', 'x', 'draft', 1, "
                          f"'2026-03-23 04:00:00')"), {"s": advpo, "w": cw})  # as 0009 wants it, but for ADVPO
    assert "casenotes[InvalidNote]" in str(caught.value.orig)
    assert "ADVPO" in str(caught.value.orig)
    assert _scalar(store, "SELECT count(*) FROM notes WHERE stage_id = :s", s=advpo) == 0
