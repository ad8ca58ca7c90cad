"""The other doors into the store, fuzzed like the desk's (tests/test_api_fuzz.py): ``Store.as_user``
and every public ``Staffing`` method (the system's way in, used by the demo and the tests) either
answer or refuse with a ``StoreError`` that is a sentence, and a refusal writes nothing (SQLite and
PostgreSQL). ``CASENOTES_FUZZ_EXAMPLES`` sets the examples per method (default 40).
"""

from __future__ import annotations

import inspect

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from store import StoreError
from store.desks.desk import Desk
from store.db.models import Base
from store.desks.roles import ROLES
from store.desks.stage_opening import FSS_TYPES, STAGE_TYPES
from store.staffing import EMPLOYERS, Staffing
from tests.test_api_fuzz import EXAMPLES, LOGINS, NASTY_TEXT, days_near, junk, record

PUBLIC = sorted(name for name, member in inspect.getmembers(Staffing, inspect.isfunction) if not name.startswith("_"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.filter_too_much, HealthCheck.data_too_large])
words = st.one_of(st.text(max_size=20), st.sampled_from(["Foster home", "Rivera", "mother", "x" * 130]))
logins = st.one_of(st.sampled_from(LOGINS), st.text(max_size=8), st.just("n" * 65))
BY_NAME = {  # realistic values for a parameter, by its name; any parameter also gets junk
    "login": logins, "supervisor": st.one_of(st.none(), logins), "case_manager": logins,
    "type": st.sampled_from(STAGE_TYPES), "subtype": st.sampled_from(FSS_TYPES + (None,)),
    "role": st.sampled_from(ROLES), "employer": st.sampled_from(EMPLOYERS), "unit": st.one_of(st.none(), record),
    "person_ids": st.lists(record, max_size=4), "children": st.lists(record, max_size=3),
    "functions": st.lists(st.sampled_from(["ENT PROG NOTE", "ENT PROG NOTE", "x" * 40]), max_size=2),
    "starts_on": days_near, "ends_on": days_near, "birth_date": st.one_of(st.none(), days_near),
    "active": st.booleans(), "is_child": st.booleans(),
}


def _argument(name: str):
    realistic = record if name.endswith("_id") else BY_NAME.get(name, words)
    return st.one_of(realistic, junk)


@st.composite
def calls(draw, method: str):
    """(who the staffing acts as, keyword arguments): required ones always, optional ones sometimes."""
    kwargs = {}
    for parameter in list(inspect.signature(getattr(Staffing, method)).parameters.values())[1:]:
        if parameter.default is parameter.empty or draw(st.booleans()):
            kwargs[parameter.name] = draw(_argument(parameter.name))
    return draw(st.one_of(st.none(), st.sampled_from(LOGINS), junk)), kwargs


def _record(store) -> dict[str, list[str]]:
    """Every row of every table, to prove a refused call changed nothing (staffing also updates rows)."""
    with store.write_engine.connect() as conn:
        return {table.name: sorted(map(repr, conn.execute(text(f"SELECT * FROM {table.name}"))))
                for table in Base.metadata.sorted_tables}


def _is_a_sentence(refusal: StoreError) -> str:
    sentence = refusal.message
    assert isinstance(sentence, str) and sentence.strip() and sentence.rstrip()[-1] in ".?!)", sentence
    return sentence


@pytest.mark.parametrize("method", PUBLIC)
def test_every_staffing_method_refuses_bad_arguments_with_a_sentence_and_writes_nothing(store, agency, method):
    @SETTINGS
    @given(call=calls(method))
    def check(call):
        by, kwargs = call
        before = _record(store)
        try:
            getattr(store.staffing(by), method)(**kwargs)
        except StoreError as refusal:
            sentence = _is_a_sentence(refusal)
            assert _record(store) == before, f"{method}({kwargs!r}) was refused but wrote: {sentence}"

    check()


def test_as_user_answers_with_a_desk_or_a_sentence(store, agency):
    @SETTINGS
    @given(login=st.one_of(logins, junk, st.sampled_from(NASTY_TEXT + ["cw" * 33, "a" * 100_000])))
    def check(login):
        before = _record(store)
        try:
            assert isinstance(store.as_user(login), Desk)
        except StoreError as refusal:
            _is_a_sentence(refusal)
        assert _record(store) == before

    check()


def test_every_public_staffing_method_is_fuzzed():
    assert {"add_worker", "open_stage", "assign_role", "place_child", "plan_absence", "set_meta"} <= set(PUBLIC)
