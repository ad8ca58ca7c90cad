"""A stage's course through the signed-in desk: progress it along the tree, App/Reg a Family Services
Stage, start closing and close it, each allowed and refused (who may, and what), audited as the
case's activity; and the answers the case screen shows before a key is pressed."""

import pytest
from sqlalchemy import text

from store import InvalidStage, NoAccess, StoreError
from tests.test_stages import CLOSE, stage_ids, stage_of
from tests.test_triggers import _raw, _scalar

PROGRESSED = "Progressed to another stage"


def activity(store, stage_id):
    """(action, case) of the audit rows about the stage, oldest first."""
    with store.write_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT action, case_id FROM audit_log WHERE entity = 'stage' AND entity_id = :s ORDER BY id"),
            {"s": stage_id})]


def detail(store, stage_id, action):
    import json

    raw = _scalar(store, "SELECT detail FROM audit_log WHERE entity = 'stage' AND entity_id = :s AND action = :a "
                         "ORDER BY id DESC LIMIT 1", s=stage_id, a=action)
    return raw if isinstance(raw, dict) else json.loads(raw)


# --- which way a stage may go -------------------------------------------------------------------

def test_each_stage_offers_the_stages_the_tree_allows(store, agency):
    cw, cpsw = store.as_user("cw"), store.as_user("cpsw")
    assert cpsw.stage_course(agency.int_).transitions == ("INV",)
    assert cpsw.stage_course(agency.inv).transitions == ("FSS",)
    assert cw.stage_course(agency.fsi).transitions == ("FSS",)
    assert cw.stage_course(agency.fss).transitions == ("CCR", "FAD")
    cw.close_stage(agency.fsi, CLOSE)
    course = cw.stage_course(agency.fsi)
    assert course.transitions == () and "already closed" in course.progress


# --- progress -----------------------------------------------------------------------------------

def test_fsi_progresses_to_an_fss_and_the_intake_closes(store, agency, clock):
    new = store.as_user("cw").progress_stage(agency.fsi, "FSS", subtype="CWS", case_manager="cw2",
                                             person_ids=[agency.jay, agency.ana])
    assert (new.label, new.parent_id, new.opened_at) == ("FSS-CWS", agency.fsi, clock.now())
    assert [p.id for p in new.persons] == [agency.jay, agency.ana]
    assert [(r.worker_login, r.role) for r in new.roles] == [("cw2", "Case Manager")]
    fsi = stage_of(store, agency, agency.fsi)
    assert (fsi.closed_at, fsi.close_reason) == (clock.now(), PROGRESSED)
    assert activity(store, agency.fsi)[-2:] == [("progress stage", agency.case), ("close stage", agency.case)]
    assert detail(store, agency.fsi, "progress stage")["after"]["new stage id"] == new.id
    assert ("open stage", agency.case) in activity(store, new.id)


def test_investigation_stays_open_when_its_fss_opens(store, agency):
    new = store.as_user("cpsw").progress_stage(agency.inv, "FSS", subtype="OTI", case_manager="cw",
                                               person_ids=[agency.mia, agency.ana])
    assert (new.label, new.parent_id) == ("FSS-OTI", agency.inv)
    assert stage_of(store, agency, agency.inv).closed_at is None


def test_intake_closes_when_its_investigation_opens(store, agency):
    new = store.as_user("supcps").progress_stage(agency.int_, "INV", case_manager="cpsw", person_ids=[agency.jay])
    assert (new.type, new.parent_id) == ("INV", agency.int_)
    assert stage_of(store, agency, agency.int_).close_reason == PROGRESSED


def test_fss_opens_a_child_case_record_per_freed_child_and_stays_open(store, agency):
    cw = store.as_user("cw")
    jay = cw.progress_stage(agency.fss, "CCR", case_manager="cw", person_ids=[agency.jay])
    mia = cw.progress_stage(agency.fss, "CCR", case_manager="cw2", person_ids=[agency.mia])
    assert [(s.type, s.parent_id, [p.id for p in s.persons]) for s in (jay, mia)] == [
        ("CCR", agency.fss, [agency.jay]), ("CCR", agency.fss, [agency.mia])]
    assert stage_of(store, agency, agency.fss).closed_at is None
    with pytest.raises(InvalidStage, match="exactly one child"):
        cw.progress_stage(agency.fss, "CCR", case_manager="cw", person_ids=[agency.jay, agency.mia])


def test_fss_opens_a_fad_that_stands_alone(store, agency):
    fad = store.as_user("vaplanner").progress_stage(agency.fss, "FAD", case_manager="cw", person_ids=[agency.ana])
    assert (fad.type, fad.parent_id) == ("FAD", None)
    assert stage_of(store, agency, agency.fss).closed_at is None


@pytest.mark.parametrize(("login", "allowed"), [
    ("cw", True), ("vaplanner", True), ("supa", True), ("director", True),  # keepers and the chain above them
    ("cw2", False), ("supb", False), ("clerk", False), ("cpsw", False), ("casa", False),
])
def test_who_may_progress_a_stage(store, agency, login, allowed):
    before = stage_ids(store, agency.case)
    progress = lambda: store.as_user(login).progress_stage(  # noqa: E731
        agency.fss, "CCR", case_manager="cw", person_ids=[agency.jay])
    if allowed:
        assert progress().parent_id == agency.fss
    else:
        with pytest.raises(NoAccess, match="Case Manager or Case Planner, or a supervisor above them, may progress"):
            progress()
        assert stage_ids(store, agency.case) == before


@pytest.mark.parametrize(("change", "sentence"), [
    (lambda a: dict(type="CCR"), "progresses into a Family Services Stage"),
    (lambda a: dict(type="FSS", subtype=None), "has a type"),
    (lambda a: dict(type="FSS", subtype="XYZ"), "not a Family Services Stage type"),
    (lambda a: dict(person_ids=[]), "Choose the persons"),
    (lambda a: dict(person_ids=["Jay"]), "found by its number"),
    (lambda a: dict(person_ids=[a.ana]), "at least one child"),
    (lambda a: dict(person_ids=[a.mia, a.jay]), "now in the FSI stage"),
    (lambda a: dict(case_manager="vaplanner"), "LDSS"),
    (lambda a: dict(case_manager="nobody"), "no worker with the login"),
])
def test_a_wrong_progression_is_refused_and_writes_nothing(store, agency, change, sentence):
    call = {"type": "FSS", "subtype": "CWS", "case_manager": "cw", "person_ids": [agency.jay], **change(agency)}
    before = stage_ids(store, agency.case), activity(store, agency.fsi)
    with pytest.raises(StoreError, match=sentence):
        store.as_user("cw").progress_stage(agency.fsi, **call)
    assert (stage_ids(store, agency.case), activity(store, agency.fsi)) == before
    assert stage_of(store, agency, agency.fsi).closed_at is None


def test_a_closed_stage_does_not_progress(store, agency):
    store.as_user("cw").close_stage(agency.fsi, CLOSE)
    with pytest.raises(InvalidStage, match="already closed"):
        store.as_user("cw").progress_stage(agency.fsi, "FSS", subtype="CWS", case_manager="cw",
                                           person_ids=[agency.jay])


def test_the_child_stage_carries_the_administrative_mark(store, agency):
    _raw(store, "UPDATE stages SET administrative = :yes WHERE id = :i", yes=True, i=agency.fsi)
    cw = store.as_user("cw")
    new = cw.progress_stage(agency.fsi, "FSS", subtype="CWS", case_manager="cw", person_ids=[agency.jay])
    assert new.administrative and stage_of(store, agency, new.id).administrative
    ordinary = cw.progress_stage(agency.fss, "CCR", case_manager="cw", person_ids=[agency.jay])
    assert not ordinary.administrative


def test_a_person_taken_out_of_the_stage_is_not_carried_on(store, agency, clock):
    _raw(store, "UPDATE stage_persons SET ended_at = :at WHERE stage_id = :s AND person_id = :p",
         at=clock.now().strftime("%Y-%m-%d %H:%M:%S"), s=agency.fss, p=agency.mia)
    course = store.as_user("cw").stage_course(agency.fss)
    assert [p.id for p in course.persons] == [agency.jay, agency.ana]
    with pytest.raises(InvalidStage, match="now in the FSS-CWS stage"):
        store.as_user("cw").progress_stage(agency.fss, "CCR", case_manager="cw", person_ids=[agency.mia])


# --- App/Reg ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("login", "allowed"), [
    ("cw", True), ("vaplanner", True), ("supa", True), ("cw2", False), ("supb", False), ("clerk", False)])
def test_who_may_app_reg_an_fss(store, agency, clock, login, allowed):
    if allowed:
        view = store.as_user(login).app_reg(agency.fss, agency.ana)
        assert (view.primary_caretaker_id, view.app_reg_at) == (agency.ana, clock.now())
        assert activity(store, agency.fss)[-1] == ("app/reg", agency.case)
        assert detail(store, agency.fss, "app/reg")["after"] == {"primary caretaker": "Ana Rivera"}
    else:
        with pytest.raises(NoAccess, match="may App/Reg it"):
            store.as_user(login).app_reg(agency.fss, agency.ana)
        assert stage_of(store, agency, agency.fss).app_reg_at is None


@pytest.mark.parametrize(("who", "sentence"), [
    ("jay", "is a child of the stage"), ("stranger", "one of the persons now in the stage"),
    (None, "only children are in it"), (999_999, "one of the persons now in the stage")])
def test_app_reg_needs_an_adult_of_the_stage_as_primary_caretaker(store, agency, who, sentence):
    stranger = store.staffing().add_person(agency.other_case, "Kim", "Nguyen", "aunt/uncle")
    person = {"jay": agency.jay, "stranger": stranger}.get(who, who)
    with pytest.raises(InvalidStage, match=sentence):
        store.as_user("cw").app_reg(agency.fss, person)
    assert stage_of(store, agency, agency.fss).app_reg_at is None
    assert ("app/reg", agency.case) not in activity(store, agency.fss)


def test_a_child_only_stage_is_app_regd_without_a_caretaker(store, agency, clock):
    view = store.as_user("cwb").app_reg(agency.other_fss, None)
    assert (view.primary_caretaker_id, view.app_reg_at) == (None, clock.now())
    assert detail(store, agency.other_fss, "app/reg")["after"] == {"primary caretaker": "child only"}


def test_app_reg_is_for_an_open_fss_once(store, agency):
    cw = store.as_user("cw")
    with pytest.raises(InvalidStage, match="Family Services Stage, not in a FSI"):
        cw.app_reg(agency.fsi, agency.ana)
    cw.app_reg(agency.fss, agency.ana)
    with pytest.raises(InvalidStage, match="already been App/Reg'd"):
        cw.app_reg(agency.fss, agency.ana)
    assert "already been App/Reg'd" in cw.stage_course(agency.fss).app_reg


# --- start closing and close ---------------------------------------------------------------------

def test_closing_is_audited_as_the_cases_activity(store, agency):
    store.as_user("vaplanner").start_closing(agency.fss, CLOSE)
    store.as_user("cw").close_stage(agency.fss, CLOSE)
    assert activity(store, agency.fss)[-2:] == [("start closing", agency.case), ("close stage", agency.case)]
    assert detail(store, agency.fss, "start closing")["after"] == {"closing reason": CLOSE}
    assert detail(store, agency.fss, "close stage")["after"] == {"closed": CLOSE}


def test_a_stage_with_a_child_still_placed_is_not_closed(store, agency, clock):
    today = clock.now().date()
    placement = store.staffing().place_child(agency.fss, agency.jay, today)
    with pytest.raises(InvalidStage, match=r"Jay Rivera is still placed .* end the placement before closing it"):
        store.as_user("cw").close_stage(agency.fss, CLOSE)
    assert "still placed" in store.as_user("cw").stage_course(agency.fss).close
    assert stage_of(store, agency, agency.fss).closed_at is None
    store.as_user("vaplanner").start_closing(agency.fss, CLOSE)  # proposing it is fine
    store.staffing().end_placement(placement, today)
    assert store.as_user("cw").close_stage(agency.fss, CLOSE).close_reason == CLOSE


# --- the screen's answers are the actions' own refusals --------------------------------------------

ACTIONS = {
    "progress": lambda d, a: d.progress_stage(a.fss, "CCR", case_manager="cw", person_ids=[a.jay]),
    "app_reg": lambda d, a: d.app_reg(a.fss, a.ana),
    "start_closing": lambda d, a: d.start_closing(a.fss, CLOSE),
    "close": lambda d, a: d.close_stage(a.fss, CLOSE),
}


@pytest.mark.parametrize("login", ["cw", "vaplanner", "cw2", "supa", "supb", "clerk", "casa"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_answer_is_what_the_action_then_says(store, agency, login, action):
    desk = store.as_user(login)
    said = getattr(desk.stage_course(agency.fss), action)
    if said is None:
        ACTIONS[action](desk, agency)  # allowed: it goes through
    else:
        with pytest.raises(StoreError) as refusal:
            ACTIONS[action](desk, agency)
        assert said == refusal.value.message


def test_the_course_offers_the_stages_persons_and_ldss_case_managers(store, agency):
    course = store.as_user("cw").stage_course(agency.fss)
    assert (course.progress, course.app_reg, course.start_closing, course.close) == (None, None, None, None)
    assert [p.id for p in course.persons] == [agency.jay, agency.mia, agency.ana]
    logins = [login for login, _ in course.case_managers]
    assert "cw" in logins and "cw2" in logins and "vaplanner" not in logins and "casa" not in logins
    assert course.case_manager == "cw" and CLOSE in course.closure_reasons
    planner = store.as_user("vaplanner").stage_course(agency.fss)
    assert planner.start_closing is None and "Case Manager" in planner.close


def test_a_deactivated_worker_is_not_offered_nor_made_case_manager(store, agency):
    _raw(store, "UPDATE workers SET active = :no WHERE login = 'cw2'", no=False)
    assert "cw2" not in [login for login, _ in store.as_user("cw").stage_course(agency.fss).case_managers]
    with pytest.raises(InvalidStage, match="no longer works here"):
        store.as_user("cw").progress_stage(agency.fss, "CCR", case_manager="cw2", person_ids=[agency.jay])


def test_the_clock_of_a_progression_is_the_stores(store, agency, clock):
    clock.advance(days=3)
    new = store.as_user("cw").progress_stage(agency.fsi, "FSS", subtype="COI", case_manager="cw",
                                             person_ids=[agency.jay])
    assert new.opened_at == clock.now() == stage_of(store, agency, agency.fsi).closed_at
