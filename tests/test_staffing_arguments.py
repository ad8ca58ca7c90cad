"""``Store.as_user`` and ``store.staffing()`` check their arguments at the door like the desk
(store/core/arguments.py): each bad argument is a ``StoreError`` with a sentence, and nothing is written.
The property test over every method is tests/test_api_fuzz_staffing.py; these are the cases by name."""

from datetime import date, datetime, timezone

import pytest

from store import InvalidAbsence, InvalidRequest, InvalidStage, NoAccess, NotFound
from tests.test_api_fuzz_staffing import _record


def _refused(store, error, match, call):
    before = _record(store)
    with pytest.raises(error, match=match) as caught:
        call()
    assert _record(store) == before
    assert caught.value.message.endswith(".")
    return caught.value.message


@pytest.mark.parametrize("login, match", [
    ("\ud800", r"The login holds an invisible control character \(U\+D800\) at line 1, column 1\. Remove it and try"),
    ("cw\x00", r"invisible control character \(U\+0000\) at line 1, column 3"),
    ("cw\u202e", "changes the direction of the text"),
    (123, "A login is text, and casenotes was given a number."),
    (None, "given nothing"), (["cw"], "given a list"), (b"cw", "given something else"),
    ("c" * 65, "a login has at most 64 characters"), ("c" * 1_000_000, "There is no login 'ccc"),
    ("nobody", "There is no active casenotes user with the login 'nobody'."),
])
def test_signing_in_with_a_bad_login_is_refused_with_a_sentence(store, agency, login, match):
    message = _refused(store, NoAccess, match, lambda: store.as_user(login))
    assert len(message) < 200


def test_a_good_login_still_signs_in(store, agency):
    assert store.as_user("cw").login == "cw"


@pytest.mark.parametrize("call, error, match", [
    (lambda s, a: s.staffing(by=123), InvalidRequest, "administrator's login is text"),
    (lambda s, a: s.staffing().add_unit("Unit A"), InvalidRequest, "already a unit called 'Unit A'"),
    (lambda s, a: s.staffing().add_unit(None), InvalidRequest, "unit's name must be text"),
    (lambda s, a: s.staffing().add_worker("cw", "Cara Again", "Caseworker"), InvalidRequest,
     "already a worker with the login 'cw'"),
    (lambda s, a: s.staffing().add_worker("new\x00", "New", "Caseworker"), InvalidRequest, "invisible"),
    (lambda s, a: s.staffing().add_worker("n" * 65, "New", "Caseworker"), InvalidRequest, "at most 64 characters"),
    (lambda s, a: s.staffing().add_worker("new", "New", None), InvalidRequest, "worker's title must be text"),
    (lambda s, a: s.staffing().add_worker("new", "New", "Caseworker", unit=999), NotFound, "no unit number 999"),
    (lambda s, a: s.staffing().add_worker("new", "New", "Caseworker", employer=["LDSS"]), InvalidStage,
     "An employer type is one of LDSS, VA, CASA, and casenotes was given a list."),
    (lambda s, a: s.staffing().add_worker("new", "New", "Caseworker", functions="ENT PROG NOTE"), InvalidRequest,
     "function codes must be a list of texts"),
    (lambda s, a: s.staffing().open_case("x" * 121), InvalidRequest, "holds at most 120"),
    (lambda s, a: s.staffing().add_person(2**64, "Kim", "Rivera", "child"), NotFound, "no case number"),
    (lambda s, a: s.staffing().add_person(a.case, "Kim", "Rivera", "child", is_child=1), InvalidRequest,
     "Whether Kim Rivera is a child is said with yes or no"),
    (lambda s, a: s.staffing().add_person(a.case, "Kim", "Rivera", "child", birth_date=datetime(2020, 1, 1)),
     InvalidRequest, "birth date of Kim Rivera must be a date without a time"),
    (lambda s, a: s.staffing().add_person(a.case, "Kim\ud800", "Rivera", "child"), InvalidRequest, "invisible"),
    (lambda s, a: s.staffing().open_stage(999, "FAD", case_manager="cw", person_ids=[]), NotFound,
     "no case number 999"),
    (lambda s, a: s.staffing().open_stage(a.case, "FSS", case_manager="cw", person_ids=[[1]], subtype="CWS"),
     NotFound, "person is found by its number"),
    (lambda s, a: s.staffing().open_stage(a.case, "X" * 500, case_manager="cw", person_ids=[]), InvalidStage,
     "is not a stage type"),
    (lambda s, a: s.staffing().assign_role(a.fss, "cw2", "Boss"), InvalidStage, "'Boss' is not a stage role"),
    (lambda s, a: s.staffing().assign_role(a.fss, "cw2", "Case Worker", children="1"), NotFound,
     "persons must be a list"),
    (lambda s, a: s.staffing().end_role("1", "cw2", "Case Worker"), NotFound, "stage is found by its number"),
    (lambda s, a: s.staffing().appoint_advocate("casa", a.jay, active="yes"), InvalidRequest, "yes or no"),
    (lambda s, a: s.staffing().plan_absence("cw", datetime(2026, 3, 16, tzinfo=timezone.utc), date(2026, 3, 20)),
     InvalidAbsence, "first day of the absence must be a date without a time"),
    (lambda s, a: s.staffing().plan_absence("cw", date(2026, 3, 16), date(2026, 3, 20), reason=3), InvalidAbsence,
     "reason for the absence must be text"),
    (lambda s, a: s.staffing().place_child(a.fss, a.jay, date(2026, 3, 2), setting=None), InvalidStage,
     "placement's setting must be text"),
    (lambda s, a: s.staffing().place_child(a.fss, a.jay, date(1, 1, 1)), InvalidStage, "too long ago"),
    (lambda s, a: s.staffing().end_placement(1, "today"), InvalidStage, "last day of the placement must be a date"),
    (lambda s, a: s.staffing().set_meta("demo", "\u202eyes"), InvalidRequest, "changes the direction"),
])
def test_staffing_refuses_bad_arguments_with_a_sentence_and_writes_nothing(store, agency, call, error, match):
    _refused(store, error, match, lambda: call(store, agency))
