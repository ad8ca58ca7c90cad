"""A stage's persons: its Case Manager, Case Planner and the supervision chain above them add a
person of the family to a stage and end one; nobody else may. An ended person is kept for the
stage's history and in the notes naming them, but offered for nothing new (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from store import InvalidNote, InvalidStage, NoAccess, NotFound, StoreError
from tests.conftest import visit
from tests.stage_keeping import KEEPERS, NOT_KEEPERS, activities, detail_of, written
from tests.test_triggers import _refused

CLOSE = "Services no longer necessary"
PARENT_CONTACT = "Birth Parent/Caseworker Contact"


def _aunt(store, agency):
    return store.staffing().add_person(agency.case, "Rosa", "Rivera", "aunt/uncle")


def _ended(store, stage_id):
    view = store.as_user("cw").persons_in_stage(stage_id)
    return {p.person.id: p.ended_at for p in view.persons}


@pytest.mark.parametrize("login", KEEPERS)
def test_the_stages_keepers_may_add_a_person_of_the_family(store, agency, login):
    aunt = _aunt(store, agency)
    assert store.as_user(login).may_change_stage_persons(agency.fss) is None
    store.as_user(login).add_person_to_stage(agency.fss, aunt)
    assert aunt in {p.id for p in store.as_user("cw").stage(agency.fss).persons}
    assert _ended(store, agency.fss)[aunt] is None
    [(by, entity, stage_id, detail)] = activities(store, agency.case, "add person to stage")
    assert (by, entity, stage_id) == (login, "stage", agency.fss)
    assert detail_of(detail)["after"]["person"] == "Rosa Rivera"


@pytest.mark.parametrize("login", NOT_KEEPERS)
def test_nobody_else_may_add_a_person_to_a_stage(store, agency, login):
    aunt = _aunt(store, agency)
    before = written(store)
    refusal = store.as_user(login).may_change_stage_persons(agency.fss)
    assert refusal and "Case Manager or Case Planner" in refusal
    with pytest.raises(NoAccess, match="Case Manager or Case Planner"):
        store.as_user(login).add_person_to_stage(agency.fss, aunt)
    assert written(store) == before


@pytest.mark.parametrize("login", KEEPERS)
def test_the_stages_keepers_may_end_a_person_in_it(store, agency, clock, login):
    store.as_user(login).end_person_in_stage(agency.fss, agency.ana)
    assert _ended(store, agency.fss)[agency.ana] == clock.now()
    assert agency.ana not in {p.id for p in store.as_user("cw").stage(agency.fss).persons}
    [(by, _, _, detail)] = activities(store, agency.case, "end person in stage")
    assert by == login and detail_of(detail)["before"]["in stage"] is True


@pytest.mark.parametrize("login", NOT_KEEPERS)
def test_nobody_else_may_end_a_person_in_a_stage(store, agency, login):
    before = written(store)
    with pytest.raises(NoAccess, match="may end a person in it"):
        store.as_user(login).end_person_in_stage(agency.fss, agency.ana)
    assert written(store) == before
    assert _ended(store, agency.fss)[agency.ana] is None


def test_the_list_marks_ended_persons_and_offers_the_family_not_in_the_stage(store, agency):
    aunt = _aunt(store, agency)
    store.as_user("cw").end_person_in_stage(agency.fss, agency.ana)
    view = store.as_user("supa").persons_in_stage(agency.fss)
    assert [(p.person.name, p.ended_at is not None) for p in view.persons] == [
        ("Jay Rivera", False), ("Mia Rivera", False), ("Ana Rivera", True)]
    assert [p.id for p in view.family] == [aunt]
    assert [p.id for p in store.as_user("cw").persons_in_stage(agency.fsi).family] == [agency.mia, aunt]


def test_an_ended_person_is_not_offered_for_new_notes_but_stays_in_notes_naming_them(store, agency):
    cw = store.as_user("cw")
    kept = cw.add_note(agency.fss, **visit(agency, store.clock, participants=[agency.jay, agency.ana]))
    assert agency.ana in cw.default_participants(agency.fss, PARENT_CONTACT)
    cw.end_person_in_stage(agency.fss, agency.ana)
    with pytest.raises(InvalidNote, match="persons of this stage"):
        cw.add_note(agency.fss, **visit(agency, store.clock, participants=[agency.ana]))
    assert [p.id for p in cw.note(kept.id).participants] == [agency.jay, agency.ana]
    edited = cw.edit_note(kept.id, kept.version, narrative="Ana was there too.",
                          participants=[agency.jay, agency.ana])
    assert [p.id for p in edited.participants] == [agency.jay, agency.ana]
    assert agency.ana not in cw.default_participants(agency.fss, PARENT_CONTACT)


def test_an_ended_child_is_no_longer_given_to_a_case_worker(store, agency):
    store.as_user("cw").end_person_in_stage(agency.fss, agency.mia)
    with pytest.raises(InvalidStage, match="children in the stage"):
        store.as_user("cw").assign_role(agency.fss, "cwb", "Case Worker", children=[agency.mia])


def test_the_last_child_of_a_family_services_intake_stays(store, agency):
    before = written(store)
    with pytest.raises(InvalidStage, match="Family Services Intake needs at least one child"):
        store.as_user("cw").end_person_in_stage(agency.fsi, agency.jay)
    assert written(store) == before
    store.as_user("cw").end_person_in_stage(agency.fsi, agency.ana)  # the adult may go


def test_a_child_in_an_open_placement_of_the_stage_stays(store, agency):
    store.staffing().place_child(agency.fss, agency.jay, store.clock.now().date() - timedelta(days=3))
    with pytest.raises(InvalidStage, match="end the placement first"):
        store.as_user("cw").end_person_in_stage(agency.fss, agency.jay)


def test_a_person_is_ended_once_and_does_not_come_back(store, agency):
    cw = store.as_user("cw")
    cw.end_person_in_stage(agency.fss, agency.ana)
    with pytest.raises(InvalidStage, match="already ended"):
        cw.end_person_in_stage(agency.fss, agency.ana)
    with pytest.raises(InvalidStage, match="stays ended"):
        cw.add_person_to_stage(agency.fss, agency.ana)
    _refused(store, "InvalidStage", "UPDATE stage_persons SET ended_at = NULL WHERE stage_id = :s AND person_id = :p",
             s=agency.fss, p=agency.ana)
    assert len(activities(store, agency.case, "end person in stage")) == 1


def test_a_stage_takes_persons_of_its_own_family_once(store, agency):
    cw = store.as_user("cw")
    stranger = store.staffing().add_person(agency.other_case, "Minh", "Nguyen", "father")
    with pytest.raises(InvalidStage, match="family's case"):
        cw.add_person_to_stage(agency.fss, stranger)
    with pytest.raises(InvalidStage, match="already in this"):
        cw.add_person_to_stage(agency.fss, agency.jay)
    with pytest.raises(InvalidStage, match="not a person of this"):
        cw.end_person_in_stage(agency.fsi, agency.mia)
    with pytest.raises(NotFound, match="no person number 9999"):
        cw.add_person_to_stage(agency.fss, 9999)


def test_a_closed_stages_persons_stay_as_they_were(store, agency):
    cw = store.as_user("cw")
    cw.close_stage(agency.fsi, CLOSE)
    assert "closed" in cw.may_change_stage_persons(agency.fsi)
    with pytest.raises(InvalidStage, match="closed"):
        cw.end_person_in_stage(agency.fsi, agency.ana)
    with pytest.raises(InvalidStage, match="closed"):
        cw.add_person_to_stage(agency.fsi, agency.mia)


@pytest.mark.parametrize("bad", [None, "3", -1, 2**64, 1.5, [1], object()])
def test_bad_ids_are_refused_with_a_sentence_and_write_nothing(store, agency, bad):
    before = written(store)
    for call in (lambda d: d.add_person_to_stage(bad, agency.jay), lambda d: d.add_person_to_stage(agency.fss, bad),
                 lambda d: d.end_person_in_stage(agency.fss, bad), lambda d: d.persons_in_stage(bad),
                 lambda d: d.may_change_stage_persons(bad)):
        with pytest.raises(StoreError):
            call(store.as_user("cw"))
    assert written(store) == before


def test_an_advocate_does_not_read_the_stages_people(store, agency):
    store.staffing().appoint_advocate("casa", agency.jay)
    with pytest.raises(NoAccess, match="advocate"):
        store.as_user("casa").persons_in_stage(agency.fss)
    with pytest.raises(NoAccess):
        store.as_user("cwb").persons_in_stage(agency.fss)


def test_an_advocate_keeps_seeing_the_stage_of_a_child_ended_in_it(store, agency):
    store.staffing().appoint_advocate("casa", agency.mia)
    store.as_user("cw").end_person_in_stage(agency.fss, agency.mia)
    stages = {s.id: s for s in store.as_user("casa").case(agency.case).stages}
    assert [p.id for p in stages[agency.fss].persons] == [agency.mia]


def test_raw_sql_may_not_put_a_person_back_or_change_who_was_in_a_stage(store, agency):
    store.as_user("cw").end_person_in_stage(agency.fss, agency.ana)
    with store.write_engine.connect() as conn:
        ended = conn.execute(text("SELECT ended_at FROM stage_persons WHERE stage_id = :s AND person_id = :p"),
                             {"s": agency.fss, "p": agency.ana}).scalar_one()
    assert ended is not None
    _refused(store, "InvalidStage", "UPDATE stage_persons SET ended_at = '2030-01-01 00:00:00' "
             "WHERE stage_id = :s AND person_id = :p", s=agency.fss, p=agency.ana)
    _refused(store, "InvalidStage", "DELETE FROM stage_persons WHERE stage_id = :s AND person_id = :p",
             s=agency.fss, p=agency.ana)


def test_adding_and_ending_read_as_sentences_in_the_cases_activity(store, agency):
    aunt = _aunt(store, agency)
    store.as_user("cw").add_person_to_stage(agency.fss, aunt)
    store.as_user("supa").end_person_in_stage(agency.fss, aunt)
    first, second = store.as_user("cw").case_activity(agency.case).entries[:2]
    assert (first.who_login, first.sentence) == ("supa", "Rosa Rivera taken out of FSS-CWS")
    assert (second.who_login, second.sentence) == ("cw", "Rosa Rivera added to FSS-CWS")
