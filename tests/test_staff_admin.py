"""Staff administration (MAINTAIN STAFF, store/desks/staff.py): who may add and change units and
workers, deactivate a worker and plan someone's absence; every bad input refused with a sentence and
nothing written; a deactivated worker signs in no more, and everything they did is kept (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import event, text

from store import InvalidAbsence, InvalidRequest, InvalidStage, NoAccess, NotFound
from tests.conftest import visit
from tests.test_api_fuzz_staffing import _record
from tests.test_triggers import _refused as _refused_by_sql
from tests.test_triggers import _scalar

ADMIN = "admin"
NOT_ADMINS = ("director", "supa", "cw", "clerk", "casa")


@pytest.fixture
def admin(store, agency):
    """The test agency has no MAINTAIN STAFF holder: the system hires one."""
    store.staffing().add_worker(ADMIN, "Ada Admin", "Staff Administrator", supervisor="director",
                                functions=["MAINTAIN STAFF"])
    return store.as_user(ADMIN)


def _unit(store, name):
    return _scalar(store, "SELECT id FROM units WHERE name = :n", n=name)


def _worker_row(store, login):
    with store.write_engine.connect() as conn:
        return conn.execute(text("SELECT w.*, u.name AS unit_name, s.login AS boss FROM workers w "
                                 "LEFT JOIN units u ON u.id = w.unit_id LEFT JOIN workers s ON s.id = w.supervisor_id "
                                 "WHERE w.login = :l"), {"l": login}).mappings().one()


def _functions(store, login):
    with store.write_engine.connect() as conn:
        return sorted(conn.execute(text("SELECT f.code FROM worker_functions f JOIN workers w ON w.id = f.worker_id "
                                        "WHERE w.login = :l"), {"l": login}).scalars())


def _audit(store, action):
    with store.write_engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text(
            "SELECT a.*, w.login AS by_login FROM audit_log a LEFT JOIN workers w ON w.id = a.worker_id "
            "WHERE a.action = :a ORDER BY a.id"), {"a": action}).mappings()]
    for row in rows:  # JSON text on SQLite
        row["detail"] = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"]
    return rows


def _refused(store, error, match, call):
    before = _record(store)
    with pytest.raises(error, match=match) as caught:
        call()
    assert _record(store) == before, "a refusal wrote something"
    assert caught.value.message.rstrip()[-1] in ".)", caught.value.message
    return caught.value.message


def _soon(store, days=10):
    return store.clock.now().date() + timedelta(days=days)


ACTIONS = {  # each staff action, called by ``desk`` with arguments that would succeed for an administrator
    "add_unit": lambda desk, store: desk.add_unit("Unit C"),
    "rename_unit": lambda desk, store: desk.rename_unit(_unit(store, "Unit B"), "Unit Bravo"),
    "add_worker": lambda desk, store: desk.add_worker("newcw", "Nell New", "Caseworker", unit=_unit(store, "Unit A"),
                                                      supervisor="supa"),
    "change_worker": lambda desk, store: desk.change_worker("cwb", {"title": "Senior Caseworker"}),
    "deactivate_worker": lambda desk, store: desk.deactivate_worker("clerk"),
    "plan_absence_for": lambda desk, store: desk.plan_absence_for("cw", _soon(store), _soon(store, 14), "Training"),
    "staff": lambda desk, store: desk.staff(),
    "units": lambda desk, store: desk.units(),
    "open_roles": lambda desk, store: desk.open_roles("cw"),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_only_maintain_staff_may_administer_staff(store, admin, action):
    for login in NOT_ADMINS:
        message = _refused(store, NoAccess, "MAINTAIN STAFF", lambda login=login: ACTIONS[action](store.as_user(login), store))
        assert message == ("Only staff with the MAINTAIN STAFF function may add, change or deactivate workers "
                           "and units.")
    ACTIONS[action](admin, store)  # the administrator may


def test_the_screen_is_told_who_may_and_why_not(store, admin):
    assert admin.may_maintain_staff() is None
    assert "MAINTAIN STAFF" in store.as_user("supa").may_maintain_staff()


def test_adding_a_worker_writes_the_profile_and_audits_it(store, admin, clock):
    unit = _unit(store, "Unit A")
    new_id = admin.add_worker("nell", "Nell New", "Caseworker", employer="VA", agency="Harbor", unit=unit,
                              supervisor="supa", functions=["ENT PROG NOTE", "INTAKE"])
    row = _worker_row(store, "nell")
    assert (row["id"], row["name"], row["title"], row["employer"], row["agency"], row["unit_name"], row["boss"],
            bool(row["active"]), row["deactivated_at"]) == (new_id, "Nell New", "Caseworker", "VA", "Harbor",
                                                             "Unit A", "supa", True, None)
    assert _functions(store, "nell") == ["ENT PROG NOTE", "INTAKE"]
    added = _audit(store, "add worker")[-1]
    assert added["by_login"] == ADMIN and added["entity_id"] == new_id and added["case_id"] is None
    assert added["detail"]["after"] == {"name": "Nell New", "title": "Caseworker", "employer": "VA",
                                        "agency": "Harbor", "unit": unit, "supervisor": "supa",
                                        "functions": ["ENT PROG NOTE", "INTAKE"], "email": None}
    assert store.as_user("nell").me().supervisor == "supa"  # and may sign in


def test_units_are_added_and_renamed_with_their_history(store, admin):
    unit = admin.add_unit("Unit C")
    admin.rename_unit(unit, "Adoption")
    assert [u.name for u in admin.units()] == ["Adoption", "CPS", "Unit A", "Unit B"]
    renamed = _audit(store, "change unit")[-1]
    assert renamed["detail"]["before"] == {"name": "Unit C"} and renamed["detail"]["after"] == {"name": "Adoption"}
    _refused(store, InvalidRequest, "already a unit called 'Unit A'", lambda: admin.rename_unit(unit, "Unit A"))
    _refused(store, NotFound, "no unit number 999", lambda: admin.rename_unit(999, "Nowhere"))
    _refused(store, InvalidRequest, "unit's name is empty", lambda: admin.add_unit("  "))


def test_changing_a_worker_keeps_the_login_and_audits_before_and_after(store, admin):
    admin.change_worker("cwb", {"name": "Bo Worker-Lee", "unit": _unit(store, "Unit A"), "supervisor": "supa",
                               "functions": ["INTAKE"]})
    row = _worker_row(store, "cwb")
    assert (row["name"], row["unit_name"], row["boss"]) == ("Bo Worker-Lee", "Unit A", "supa")
    assert _functions(store, "cwb") == ["INTAKE"]
    changed = _audit(store, "change worker")[-1]
    assert changed["detail"]["before"] == {"name": "Bo Worker", "unit": _unit(store, "Unit B"), "supervisor": "supb",
                                           "functions": []}
    assert changed["detail"]["after"]["supervisor"] == "supa"
    _refused(store, InvalidRequest, "'login' is not something casenotes changes",
             lambda: admin.change_worker("cwb", {"login": "bo"}))
    admin.change_worker("cwb", {"unit": None, "supervisor": None})  # a unit and a supervisor may be taken away
    assert (_worker_row(store, "cwb")["unit_id"], _worker_row(store, "cwb")["supervisor_id"]) == (None, None)


@pytest.mark.parametrize("call, error, match", [
    (lambda d, s: d.add_worker("cw", "Cara Again", "Caseworker"), InvalidRequest, "already a worker with the login 'cw'"),
    (lambda d, s: d.add_worker("new one", "New", "Caseworker"), InvalidRequest, "one word, without spaces"),
    (lambda d, s: d.add_worker("new", "New", "Caseworker", unit=999), NotFound, "no unit number 999"),
    (lambda d, s: d.add_worker("new", "New", "Caseworker", supervisor="nobody"), NotFound,
     "no worker with the login 'nobody' to be the supervisor"),
    (lambda d, s: d.add_worker("new", "New", "Caseworker", functions=["APPROVE EVERYTHING"]), InvalidRequest,
     "'APPROVE EVERYTHING' is not a business function casenotes knows"),
    (lambda d, s: d.add_worker("new", "New", "Caseworker", employer="ACS"), InvalidRequest,
     r"'ACS' is not an employer type \(LDSS for the local district"),
    (lambda d, s: d.add_worker("new", "", "Caseworker"), InvalidRequest, "worker's name is empty"),
    (lambda d, s: d.add_worker("new", "N" * 121, "Caseworker"), InvalidRequest, "holds at most 120"),
    (lambda d, s: d.add_worker("new", "Nell\x07", "Caseworker"), InvalidRequest, "invisible control character"),
    (lambda d, s: d.add_worker("new", "Nell", "Case\u202eworker"), InvalidRequest, "changes the direction"),
    (lambda d, s: d.change_worker("director", {"supervisor": "cw"}), InvalidRequest,
     r"The supervision chain runs in a circle \(director → cw → supa → director\)"),
    (lambda d, s: d.change_worker("supa", {"supervisor": "supa"}), InvalidRequest, "cannot be their own supervisor"),
    (lambda d, s: d.change_worker("nobody", {"title": "X"}), NotFound, "no worker with the login 'nobody'"),
    (lambda d, s: d.change_worker("cw", {"employer": "VA"}), InvalidStage,
     "cannot become VA staff while holding Case Manager in the Rivera family's FSS-CWS stage"),
    (lambda d, s: d.change_worker("vaplanner", {"employer": "CASA"}), InvalidStage, "an advocate holds no stage role"),
    (lambda d, s: d.change_worker("cw", {}), InvalidRequest, "Say what to change"),
    (lambda d, s: d.change_worker("cw", ["title"]), InvalidRequest, "given by field name"),
    (lambda d, s: d.deactivate_worker("nobody"), NotFound, "no worker with the login 'nobody'"),
])
def test_bad_staff_input_is_refused_with_a_sentence_and_nothing_written(store, admin, call, error, match):
    _refused(store, error, match, lambda: call(admin, store))


def test_a_deactivated_supervisor_supervises_no_one(store, admin):
    admin.add_worker("gone", "Gil Gone", "Supervisor", supervisor="director")
    admin.deactivate_worker("gone")
    _refused(store, InvalidRequest, "Gil Gone was deactivated on 03/02/2026 and supervises no one now",
             lambda: admin.add_worker("new", "New", "Caseworker", supervisor="gone"))
    _refused(store, InvalidRequest, "Gil Gone was deactivated", lambda: admin.change_worker("cw", {"supervisor": "gone"}))
    _refused(store, InvalidRequest, "not changed", lambda: admin.change_worker("gone", {"title": "Back"}))


def test_deactivation_is_refused_while_open_roles_remain_and_names_each(store, admin):
    message = _refused(store, InvalidStage, "Cara Worker still holds 2 open roles",
                       lambda: admin.deactivate_worker("cw"))
    assert "Case Manager in the Rivera family's FSI stage (number" in message
    assert "Case Manager in the Rivera family's FSS-CWS stage (number" in message
    assert [(r.stage_label, r.role, r.family_name) for r in admin.open_roles("cw")] == [
        ("FSS-CWS", "Case Manager", "Rivera"), ("FSI", "Case Manager", "Rivera")]
    _refused(store, InvalidRequest, "Cara Worker, Cleo Clerk, Cole Worker, Vic Planner report to Sam Supervisor",
             lambda: admin.deactivate_worker("supa"))
    _refused(store, InvalidRequest, "cannot deactivate yourself", lambda: admin.deactivate_worker(ADMIN))


def test_deactivation_refuses_sign_in_and_keeps_notes_roles_and_history(store, admin, agency, clock):
    cw2 = store.as_user("cw2")  # a desk already open when the worker is deactivated
    note = cw2.add_note(agency.fss, **visit(agency, clock, narrative="Jay at school."))
    note = cw2.submit(note.id)
    _refused(store, InvalidStage, r"Cole Worker still holds 1 open role; reassign it first.*Case Worker in the Rivera",
             lambda: admin.deactivate_worker("cw2"))
    store.staffing().end_role(agency.fss, "cw2", "Case Worker")
    kept = {table: _scalar(store, f"SELECT count(*) FROM {table} WHERE {column} = (SELECT id FROM workers "
                                  "WHERE login = 'cw2')")
            for table, column in (("notes", "author_id"), ("role_assignments", "worker_id"),
                                  ("audit_log", "worker_id"), ("note_revisions", "saved_by_id"))}
    workers = _scalar(store, "SELECT count(*) FROM workers")
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(store.write_engine, "before_cursor_execute", seen)
    try:
        admin.deactivate_worker("cw2")
    finally:
        event.remove(store.write_engine, "before_cursor_execute", seen)
    assert not [s for s in statements if s.lstrip().upper().startswith("DELETE")]
    row = _worker_row(store, "cw2")
    assert not row["active"] and row["deactivated_at"] is not None
    assert _scalar(store, "SELECT count(*) FROM workers") == workers
    assert kept == {table: _scalar(store, f"SELECT count(*) FROM {table} WHERE {column} = :w", w=row["id"])
                    for table, column in (("notes", "author_id"), ("role_assignments", "worker_id"),
                                          ("audit_log", "worker_id"), ("note_revisions", "saved_by_id"))}
    assert kept["notes"] == 1 and kept["role_assignments"] == 1
    deactivated = _audit(store, "deactivate worker")[-1]
    assert deactivated["by_login"] == ADMIN and deactivated["detail"]["before"] == {"active": True}
    assert deactivated["detail"]["after"]["active"] is False
    # Sign-in refused at once, and the desk that was open acts no more (a save, a read).
    _refused(store, NoAccess, "no active casenotes user with the login 'cw2'", lambda: store.as_user("cw2"))
    _refused(store, NoAccess, "sign-in was deactivated", lambda: cw2.add_note(agency.fss, **visit(agency, clock)))
    _refused(store, NoAccess, "sign-in was deactivated", lambda: cw2.edit_note(note.id, note.version,
                                                                               narrative="Changed."))
    _refused(store, NoAccess, "sign-in was deactivated", cw2.me)
    # Their note is still read by those who reach the case, and the worker row cannot be deleted by SQL.
    assert store.as_user("supa").note(note.id).narrative == "Jay at school."
    assert "never deleted" in _refused_by_sql(store, "InvalidStage", "DELETE FROM workers WHERE login = 'cw2'")
    listed = {m.login: m for m in admin.staff()}["cw2"]
    assert (listed.active, listed.deactivated_at is not None, listed.open_roles) == (False, True, 0)
    _refused(store, InvalidRequest, "already|not deactivated again", lambda: admin.deactivate_worker("cw2"))


def test_the_staff_list_says_unit_supervisor_functions_roles_and_last_change(store, admin, clock):
    clock.advance(hours=1)
    admin.change_worker("clerk", {"functions": ["ENT PROG NOTE", "INTAKE"], "email": None})
    staff = admin.staff()
    assert [m.unit for m in staff][:3] == ["CPS", "CPS", "Unit A"]
    assert staff[-1].unit is None  # no unit last
    listed = {m.login: m for m in staff}
    assert (listed["cw"].unit, listed["cw"].supervisor, listed["cw"].supervisor_name, listed["cw"].open_roles) == (
        "Unit A", "supa", "Sam Supervisor", 2)
    assert listed["clerk"].functions == ("ENT PROG NOTE", "INTAKE")
    assert listed["clerk"].last_change_at == clock.now()
    assert listed[ADMIN].functions == ("MAINTAIN STAFF",) and listed["casa"].open_roles == 0


def test_plan_someones_absence_with_the_workers_own_rules(store, admin, clock):
    absence = admin.plan_absence_for("cw", _soon(store), _soon(store, 14), "  Training   week ")
    assert (absence.worker, absence.reason) == ("cw", "Training week")
    assert [a.id for a in store.as_user("cw").my_absences()] == [absence.id]
    planned = _audit(store, "plan absence")[-1]
    assert planned["by_login"] == ADMIN and planned["detail"]["after"]["reason"] == "Training week"
    _refused(store, InvalidAbsence, "Cara Worker already has an absence from",
             lambda: admin.plan_absence_for("cw", _soon(store, 12), _soon(store, 13)))
    _refused(store, InvalidAbsence, "planned ahead", lambda: admin.plan_absence_for("cw2", clock.now().date(),
                                                                                     _soon(store)))
    _refused(store, InvalidAbsence, "before it starts", lambda: admin.plan_absence_for("cw2", _soon(store, 3),
                                                                                        _soon(store, 1)))
    _refused(store, NotFound, "no worker with the login 'nobody'",
             lambda: admin.plan_absence_for("nobody", _soon(store, 1), _soon(store, 2)))
    # The worker's own absence follows the same rules and says "You".
    _refused(store, InvalidAbsence, "You already have an absence",
             lambda: store.as_user("cw").plan_absence(_soon(store, 11), _soon(store, 12)))


def test_the_systems_staffing_calls_the_same_rules(store, agency):
    s = store.staffing()
    s.add_worker("nell", "Nell New", "Caseworker", supervisor="supa", functions=["INTAKE"])
    added = _audit(store, "add worker")[-1]
    assert added["worker_id"] is None and added["detail"]["after"]["supervisor"] == "supa"
    _refused(store, InvalidRequest, "not a business function", lambda: s.add_worker("x", "X", "Y", functions=["Z"]))
    _refused(store, InvalidAbsence, "planned ahead",
             lambda: s.plan_absence("cw", date(2026, 3, 1), date(2026, 3, 3)))
    assert s.plan_absence("cw", date(2026, 3, 9), date(2026, 3, 13)) > 0
