"""Intake (issue 16): who may open a family, its persons and its INT or FSI, the intake's facts, and
the bad input refused with a sentence and nothing written (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from store import InvalidRequest, InvalidStage, NoAccess, NotFound, StoreError
from store.core.intake_forms import IntakeStage, NewPerson
from tests.test_triggers import _refused, _scalar

TODAY = date(2026, 3, 2)  # the agency fixture's clock, T0 + 2 h, in New York
MOTHER = NewPerson("Rosa", "Delgado", "mother", "Female", date(1990, 5, 1), primary_caretaker=True)
CHILD = NewPerson("Lucia", "Delgado", "child", "Female", date(2018, 7, 9), is_child=True)
FSI = IntakeStage("FSI", "cw", source_worker="supa", narrative="Mother asks for help with the rent arrears.",
                  administrative=True)


@pytest.fixture
def intake(store, agency):
    """An intake worker (the INTAKE function, no supervisor duties) in the test agency."""
    store.staffing().add_worker("intake", "Ida Intake", "Intake Worker", supervisor="supa", functions=["INTAKE"])
    return store.as_user("intake")


def _written(store):
    tables = ("cases", "persons", "stages", "stage_persons", "role_assignments", "audit_log", "change_log", "notes")
    with store.write_engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def _activity(store, case_id):
    with store.write_engine.connect() as conn:
        rows = conn.execute(text("SELECT a.action, a.entity, a.detail, w.login FROM audit_log a "
                                 "LEFT JOIN workers w ON w.id = a.worker_id WHERE a.case_id = :c ORDER BY a.id"),
                            {"c": case_id}).all()
    return [(action, entity, detail if isinstance(detail, dict) else json.loads(detail), login)
            for action, entity, detail, login in rows]


def _refuses(store, call, error=StoreError, words=""):
    before = _written(store)
    with pytest.raises(error) as refused:
        call()
    assert words in refused.value.message, refused.value.message
    assert _written(store) == before
    return refused.value.message


@pytest.mark.parametrize("login", ["intake", "supa", "director"])
def test_intake_staff_and_supervisors_open_a_family_with_its_fsi(store, intake, login):
    desk = store.as_user(login)
    assert desk.may_do_intake() is None
    opened = desk.open_family("Delgado", [MOTHER, CHILD], FSI)
    with store.write_engine.connect() as conn:
        stage = conn.execute(text("SELECT type, source_worker_id, narrative, application_date, preventive_only, "
                                  "administrative, linked_case_id, primary_caretaker_id FROM stages WHERE id = :s"),
                             {"s": opened.stage_id}).one()
        persons = conn.execute(text("SELECT first_name, relationship, sex, birth_date, is_child FROM persons "
                                    "WHERE case_id = :c ORDER BY id"), {"c": opened.case_id}).all()
    assert stage[0] == "FSI" and stage[2] == FSI.narrative and str(stage[3]) == "2026-03-02"
    assert stage[1] == _scalar(store, "SELECT id FROM workers WHERE login = 'supa'")
    assert not stage[4] and stage[5] and stage[6] is None and stage[7] == opened.person_ids[0]
    assert [(p[0], p[1], p[2], str(p[3]), bool(p[4])) for p in persons] == [
        ("Rosa", "mother", "Female", "1990-05-01", False), ("Lucia", "child", "Female", "2018-07-09", True)]
    view = store.as_user("cw").case(opened.case_id)
    assert [s.label for s in view.stages] == ["FSI"]
    assert [r.worker_login for r in view.stages[0].roles] == ["cw"]


@pytest.mark.parametrize("login", ["cw", "clerk", "casa", "cpsw", "vaplanner"])
def test_caseworkers_clerks_and_advocates_may_not_do_intake(store, intake, login):
    desk = store.as_user(login)
    assert "INTAKE" in desk.may_do_intake()
    _refuses(store, lambda: desk.open_family("Delgado", [MOTHER, CHILD], FSI), NoAccess, "intake staff")


def test_opening_is_case_activity_with_the_case_and_after_values(store, intake):
    opened = intake.open_family("Delgado", [MOTHER, CHILD], FSI)
    rows = _activity(store, opened.case_id)
    assert [(action, entity, login) for action, entity, _, login in rows] == [
        ("open case", "case", "intake"), ("add person", "person", "intake"), ("add person", "person", "intake"),
        ("open stage", "stage", "intake"), ("assign role", "stage", "intake"), ("record intake", "stage", "intake")]
    assert rows[0][2]["after"] == {"family": "Delgado"}
    assert rows[1][2]["after"] == {"name": "Rosa Delgado", "relationship": "mother", "sex": "Female",
                                   "birth date": "1990-05-01", "child": False}
    facts = rows[-1][2]["after"]
    assert facts["application date"] == "2026-03-02" and facts["source"] == "Sam Supervisor"
    assert facts["primary caretaker"] == "Rosa Delgado" and facts["administrative"] is True
    with store.write_engine.connect() as conn:
        logged = conn.execute(text("SELECT entity, op FROM change_log WHERE entity_id IN (:c, :p, :s) "
                                   "AND entity IN ('case', 'person', 'stage') ORDER BY seq"),
                              {"c": opened.case_id, "p": opened.person_ids[0], "s": opened.stage_id}).all()
    assert ("case", "insert") in logged and ("person", "insert") in logged and ("stage", "insert") in logged


def test_an_int_takes_its_case_manager_and_persons(store, intake):
    opened = intake.open_family("Okoro", [CHILD], IntakeStage("INT", "cpsw"))
    stage = store.as_user("cpsw").stage(opened.stage_id)
    assert stage.label == "INT" and [p.name for p in stage.persons] == ["Lucia Delgado"]
    _refuses(store, lambda: intake.open_family("Okoro", [CHILD], IntakeStage("INT", "cpsw", narrative="x")),
             InvalidStage, "belong to a Family Services Intake")
    _refuses(store, lambda: intake.open_family("Okoro", [CHILD], IntakeStage("FSS", "cw")), InvalidStage,
             "CPS Intake (INT) or a Family Services Intake (FSI)")


def test_the_case_manager_is_local_district_staff(store, intake):
    _refuses(store, lambda: intake.open_family("Delgado", [MOTHER, CHILD],
                                               IntakeStage("FSI", "vaplanner", "supa", "Rent.")), InvalidStage, "LDSS")
    _refuses(store, lambda: intake.open_family("Delgado", [MOTHER, CHILD], IntakeStage("FSI", "nobody", "supa", "x")),
             NotFound, "no active worker")


BAD_PERSONS = {
    "a birth date in the future": ([NewPerson("Lucia", "Delgado", "child", "Female", TODAY + timedelta(days=1),
                                              is_child=True)], "still to come"),
    "a birth date before 1900": ([NewPerson("Lucia", "Delgado", "child", "Female", date(1899, 12, 31),
                                            is_child=True)], "too long ago"),
    "an unknown relationship": ([CHILD, NewPerson("Rosa", "Delgado", "landlord", "Female")], "not a relationship"),
    "an unknown sex": ([CHILD, NewPerson("Rosa", "Delgado", "mother", "F")], "not a sex"),
    "two primary caretakers": ([CHILD, MOTHER, NewPerson("Raul", "Delgado", "father", "Male",
                                                         primary_caretaker=True)], "one primary caretaker"),
    "a child as primary caretaker": ([NewPerson("Lucia", "Delgado", "child", "Female", is_child=True,
                                                primary_caretaker=True)], "is a child"),
    "an FSI without a child": ([MOTHER], "at least one child"),
    "no one": ([], "add at least one"),
    "an empty first name": ([CHILD, NewPerson("  ", "Delgado", "mother", "Female")], "is empty"),
    "an empty last name": ([CHILD, NewPerson("Rosa", "", "mother", "Female")], "is empty"),
    "a control character": ([CHILD, NewPerson("Ro\x1bsa", "Delgado", "mother", "Female")], "control character"),
    "a direction override": ([CHILD, NewPerson("Rosa\u202e", "Delgado", "mother", "Female")], "direction"),
    "an over-long name": ([CHILD, NewPerson("R" * 81, "Delgado", "mother", "Female")], "at most 80"),
    "not a person": ([CHILD, "Rosa Delgado"], "NewPerson"),
    "a birth date with a time": ([NewPerson("Lucia", "Delgado", "child", birth_date="2018-07-09", is_child=True)],
                                 "date without a time"),
}


@pytest.mark.parametrize("case", sorted(BAD_PERSONS))
def test_bad_persons_are_refused_with_a_sentence_and_nothing_written(store, intake, case):
    persons, words = BAD_PERSONS[case]
    _refuses(store, lambda: intake.open_family("Delgado", persons, FSI), StoreError, words)


@pytest.mark.parametrize(("name", "words"), [("", "is empty"), ("D" * 121, "at most 120"), ("De\x00lgado", "control")])
def test_a_family_name_is_checked(store, intake, name, words):
    _refuses(store, lambda: intake.open_family(name, [MOTHER, CHILD], FSI), InvalidRequest, words)


@pytest.mark.parametrize(("facts", "words"), [
    (dict(source_worker=None), "names its source"),
    (dict(narrative="   "), "is empty"),
    (dict(narrative="x" * 50_001), "at most 50,000"),
    (dict(preventive_only="no"), "yes or no"),
    (dict(source_worker="ghost"), "no active worker"),
])
def test_an_fsis_facts_are_checked(store, intake, facts, words):
    stage = IntakeStage(**{**FSI.__dict__, **facts})
    _refuses(store, lambda: intake.open_family("Delgado", [MOTHER, CHILD], stage), StoreError, words)


@pytest.mark.parametrize("day", [TODAY - timedelta(days=1), TODAY - timedelta(days=400), TODAY + timedelta(days=1)])
def test_the_application_date_is_never_back_dated(store, intake, day):
    message = _refuses(store, lambda: intake.open_family(
        "Delgado", [MOTHER, CHILD], IntakeStage(**{**FSI.__dict__, "application_date": day})), InvalidStage,
        "never back-dated")
    assert "today 03/02/2026" in message


def test_the_application_date_is_the_day_of_the_work_in_the_agencys_zone(store, intake, clock):
    clock.advance(hours=10)  # 03/03 03:00 UTC is still 03/02, 10 PM, in New York
    opened = intake.open_family("Delgado", [MOTHER, CHILD], IntakeStage(**{**FSI.__dict__, "application_date": TODAY}))
    assert str(_scalar(store, "SELECT application_date FROM stages WHERE id = :s", s=opened.stage_id)) == "2026-03-02"


def test_an_fsi_links_to_the_familys_earlier_closed_case(store, intake, agency):
    earlier = intake.open_family("Delgado", [MOTHER, CHILD], FSI)
    store.as_user("cw").close_stage(earlier.stage_id, "Services no longer necessary")
    assert [c.case_id for c in intake.earlier_cases("delgado")] == [earlier.case_id]
    assert intake.earlier_cases(str(agency.case)) == []  # the Riveras' case is open
    again = intake.open_family("Delgado", [MOTHER, CHILD], IntakeStage(**{**FSI.__dict__,
                                                                          "linked_case_id": earlier.case_id}))
    assert _scalar(store, "SELECT linked_case_id FROM stages WHERE id = :s", s=again.stage_id) == earlier.case_id


def test_an_fsi_links_neither_to_an_open_case_nor_to_itself_nor_to_no_case(store, intake, agency):
    def link(case_id):
        return IntakeStage(**{**FSI.__dict__, "linked_case_id": case_id})

    _refuses(store, lambda: intake.open_family("Delgado", [MOTHER, CHILD], link(agency.case)), InvalidStage,
             "still open")
    _refuses(store, lambda: intake.open_family("Delgado", [MOTHER, CHILD], link(9999)), InvalidStage,
             "no case number 9999")
    _refuses(store, lambda: intake.open_intake_stage(agency.case, link(agency.case), [agency.jay]), InvalidStage,
             "not to its own")


def test_an_intake_stage_opens_only_with_persons_of_the_family(store, intake, agency):
    _refuses(store, lambda: intake.open_intake_stage(agency.other_case, FSI, [agency.jay]), InvalidStage,
             "belong to the family's case")
    _refuses(store, lambda: intake.open_intake_stage(agency.case, FSI, [agency.jay, agency.ana], agency.jay),
             InvalidStage, "is a child")
    _refuses(store, lambda: intake.open_intake_stage(agency.case, FSI, [agency.jay], agency.ana), InvalidStage,
             "one of the stage's persons")
    _refuses(store, lambda: store.as_user("cw").open_intake_stage(agency.case, FSI, [agency.jay]), NoAccess)
    stage_id = intake.open_intake_stage(agency.case, FSI, [agency.jay, agency.ana], agency.ana)
    assert _scalar(store, "SELECT primary_caretaker_id FROM stages WHERE id = :s", s=stage_id) == agency.ana


def test_intake_and_the_familys_stage_keepers_add_a_person(store, intake, agency):
    uncle = NewPerson("Tito", "Rivera", "Aunt/Uncle", "Male", date(1980, 1, 2))
    for login in ("intake", "supa", "cw", "vaplanner"):  # cw manages and vaplanner plans the Riveras' FSS
        person_id = store.as_user(login).add_person(agency.case, uncle)
        assert _scalar(store, "SELECT relationship FROM persons WHERE id = :p", p=person_id) == "aunt/uncle"
        assert _activity(store, agency.case)[-1][:2] == ("add person", "person")
    for login in ("cw2", "clerk", "casa", "cwb"):
        desk = store.as_user(login)
        assert "open stages" in desk.may_keep_family(agency.case)
        _refuses(store, lambda desk=desk: desk.add_person(agency.case, uncle), NoAccess, "open stages")
    assert store.as_user("cw").may_keep_family(agency.case) is None
    _refuses(store, lambda: intake.add_person(agency.case, NewPerson("Tito", "Rivera", "uncle")), InvalidRequest,
             "not a relationship")
    _refuses(store, lambda: intake.add_person(9999, uncle), NotFound, "no case number 9999")


def test_a_persons_details_are_corrected_with_before_and_after(store, intake, agency):
    store.as_user("cw").change_person(agency.ana, first_name="Anna", birth_date=date(1988, 2, 29), sex="female")
    with store.write_engine.connect() as conn:
        row = conn.execute(text("SELECT first_name, last_name, birth_date, sex FROM persons WHERE id = :p"),
                           {"p": agency.ana}).one()
    assert (row[0], row[1], str(row[2]), row[3]) == ("Anna", "Rivera", "1988-02-29", "Female")
    action, entity, detail, login = _activity(store, agency.case)[-1]
    assert (action, entity, login) == ("change person", "person", "cw")
    assert detail["before"] == {"first name": "Ana", "birth date": None, "sex": None}
    assert detail["after"] == {"first name": "Anna", "birth date": "1988-02-29", "sex": "Female"}
    _refuses(store, lambda: intake.change_person(agency.ana, first_name="Anna"), InvalidRequest, "Nothing")
    _refuses(store, lambda: intake.change_person(agency.ana, birth_date=TODAY + timedelta(days=1)), InvalidRequest,
             "still to come")
    _refuses(store, lambda: intake.change_person(agency.ana, sex="M"), InvalidRequest, "not a sex")
    _refuses(store, lambda: store.as_user("clerk").change_person(agency.ana, first_name="Ann"), NoAccess)
    _refuses(store, lambda: intake.change_person(9999, first_name="Ann"), NotFound)


def test_the_screen_is_offered_the_picklists_and_the_workers(store, intake):
    choices = intake.intake_choices()
    assert choices.sexes == ("Female", "Male", "Unknown") and "mother" in choices.relationships
    assert choices.stage_types == ("INT", "FSI") and choices.application_date == TODAY
    assert "vaplanner" not in {w.login for w in choices.case_managers} and "cw" in {w.login for w in
                                                                                   choices.case_managers}
    assert "casa" not in {w.login for w in choices.source_workers}
    _refuses(store, lambda: store.as_user("cw").earlier_cases("Rivera"), NoAccess)


def test_the_system_staffing_keeps_the_same_rules(store, agency):
    s = store.staffing()
    _refuses(store, lambda: s.add_person(agency.case, "Tito", "Rivera", "landlord"), InvalidRequest)
    _refuses(store, lambda: s.add_person(agency.case, "Kid", "Rivera", "child", is_child=True,
                                         birth_date=TODAY + timedelta(days=3)), InvalidRequest, "still to come")
    case = s.open_case("Park")
    assert _activity(store, case)[0][:2] == ("open case", "case")


@pytest.mark.parametrize("table", ["cases", "persons"])
def test_raw_sql_never_deletes_a_family_or_a_person(store, intake, table):
    opened = intake.open_family("Delgado", [MOTHER, CHILD], FSI)
    key = opened.case_id if table == "cases" else opened.person_ids[1]
    _refused(store, "InvalidStage", f"DELETE FROM {table} WHERE id = :i", i=key)
    assert _scalar(store, f"SELECT count(*) FROM {table} WHERE id = :i", i=key) == 1


def test_the_opener_is_told_whether_the_new_family_is_theirs_to_read(store, intake):
    """An intake worker opening a family for a caseworker's caseload cannot read it afterwards (no role):
    the answer says so, and the screen then does not try to open a record it would be refused."""
    for_cw = intake.open_family("Delgado", [MOTHER, CHILD], FSI)
    assert for_cw.readable is False
    with pytest.raises(StoreError):
        intake.case(for_cw.case_id)
    by_supervisor = store.as_user("supa").open_family("Okafor", [MOTHER, CHILD], FSI)
    assert by_supervisor.readable is True  # cw, the Case Manager, is in supa's unit
