"""Every public ``Desk`` method, called with fuzzed arguments, either answers or refuses with a
``StoreError`` that is a sentence, and a refusal writes nothing (SQLite and PostgreSQL).

Arguments mix values that reach deep into a method (numbers of records that exist, the agency's own
pick-list words, times around now) with values no caller should send (wrong types, numbers past
what the database holds, years 1 and 9999, naive and aware times, lone surrogates, NUL, direction
overrides, unhashable lists). ``CASENOTES_FUZZ_EXAMPLES`` sets the examples per method (default 40).
"""

from __future__ import annotations

import inspect
import os
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from store import Policy, StoreError
from store.desks.desk import Desk
from tests.conftest import T0, visit

EXAMPLES = int(os.environ.get("CASENOTES_FUZZ_EXAMPLES", "40"))
PUBLIC = sorted(name for name, member in inspect.getmembers(Desk, inspect.isfunction) if not name.startswith("_"))
LOGINS = ("cw", "cw2", "supa", "director", "clerk", "casa", "cpsw", "vaplanner")
NOW = T0 + timedelta(hours=2)  # the agency fixture moves the clock on by two hours
POLICY = Policy.load()
NASTY_TEXT = ["", " ", "\ud800", "a\udfffb", "\x00", "Jay\x00", "\u202eevil", "x\u2066y", "\x1b[31m", "é" * 300,
              "Safety", "cw", "1", "2026-03-02T10:00", "0001-01-01T00:00", "9999-12-31T23:59:59+14:00"]

junk = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-3, 40), st.sampled_from([0, -1, 2**63, 2**64, -2**63]),
    st.floats(), st.text(alphabet=st.characters(codec=None), max_size=12), st.sampled_from(NASTY_TEXT),
    st.binary(max_size=4), st.lists(st.integers(-2, 30), max_size=4), st.lists(st.lists(st.integers(), max_size=2),
                                                                                min_size=1, max_size=2),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.timezones()),
    st.sampled_from([date(1, 1, 1), date(9999, 12, 31), datetime(1, 1, 1, tzinfo=timezone.utc),
                     datetime(9999, 12, 31, 23, 59, 59), datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc)]),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.tuples(st.integers(1, 30)), st.just(object()),
)
near = st.one_of(st.datetimes(min_value=(NOW - timedelta(days=40)).replace(tzinfo=None),
                              max_value=(NOW + timedelta(days=40)).replace(tzinfo=None)),
                 st.integers(-60 * 24 * 40, 60 * 24 * 40).map(lambda m: NOW + timedelta(minutes=m)))
days_near = st.integers(-400, 400).map(lambda d: NOW.date() + timedelta(days=d))
record = st.integers(1, 30)
FIELD_VALUES = {
    "event_at": st.one_of(near, st.integers(1, 600).map(lambda m: NOW - timedelta(minutes=m))),
    "contact_type": st.sampled_from(POLICY.contact_types),
    "method": st.sampled_from(POLICY.methods + ("",)),
    "location": st.sampled_from(POLICY.locations),
    "purposes": st.lists(st.sampled_from(POLICY.purposes), max_size=3),
    "participants": st.lists(record, max_size=3),
    "others": st.lists(st.sampled_from(["foster parent", "school nurse", "x" * 200, "\u202e", ""]), max_size=2),
    "narrative": st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(NASTY_TEXT)),
}
fields = st.dictionaries(st.sampled_from(sorted(FIELD_VALUES) + ["mood", "status", "version"]),
                         st.just(None), max_size=5).flatmap(
    lambda keys: st.fixed_dictionaries({k: st.one_of(FIELD_VALUES.get(k, junk), junk) for k in keys}))
BY_NAME = {  # realistic values for a parameter, by its name; any parameter also gets junk
    "version": st.integers(1, 6), "ids": st.lists(record, max_size=5), "note_ids": st.lists(record, max_size=5),
    "due": st.one_of(near, days_near), "starts_on": days_near, "ends_on": days_near,
    "comment": st.one_of(st.text(max_size=30), st.just("Say where Jay was.")),
    "reason": st.one_of(st.sampled_from(POLICY.stage_closure_reasons), st.text(max_size=30)),
    "author": st.sampled_from(LOGINS), "text": st.sampled_from(["Rivera", "jay", "Nguyen", "zz"]),
    "limit": st.integers(-2, 50), "days": st.integers(-2, 400), "notes": st.integers(-2, 60),
}


def _argument(name: str):
    realistic = record if name.endswith("_id") else BY_NAME.get(name, junk)
    return st.one_of(realistic, junk)


@st.composite
def calls(draw, method: str):
    """Keyword arguments for one call of ``method``: required ones always, optional ones sometimes."""
    kwargs = {}
    for parameter in list(inspect.signature(getattr(Desk, method)).parameters.values())[1:]:
        if parameter.kind is parameter.VAR_KEYWORD:
            kwargs.update(draw(fields))
        elif parameter.default is parameter.empty or draw(st.booleans()):
            kwargs[parameter.name] = draw(_argument(parameter.name))
    return draw(st.sampled_from(LOGINS)), kwargs


def _written(store) -> dict[str, int]:
    """Row counts of what the store writes, and the sum of note versions (an UPDATE raises one)."""
    queries = {t: f"SELECT count(*) FROM {t}" for t in ("notes", "note_participants", "note_revisions",
                                                        "review_actions", "audit_log", "change_log", "absences")}
    queries["versions"] = "SELECT coalesce(sum(version), 0) FROM notes"
    queries["closed"] = "SELECT count(*) FROM stages WHERE closed_at IS NOT NULL OR closing_started_at IS NOT NULL"
    with store.write_engine.connect() as conn:
        return {name: conn.execute(text(sql)).scalar_one() for name, sql in queries.items()}


@pytest.fixture
def record_with_notes(store, agency, clock):
    """Notes in every state, so that small numbers name real notes."""
    cw, sup = store.as_user("cw"), store.as_user("supa")
    draft = cw.add_note(agency.fss, **visit(agency, clock))
    sent = cw.add_note(agency.fss, **visit(agency, clock, narrative="Sent for review."))
    cw.submit(sent.id)
    approved = cw.add_note(agency.fss, **visit(agency, clock, narrative="Approved."))
    cw.submit(approved.id)
    sup.approve(approved.id)
    store.as_user("vaplanner").add_addendum(approved.id, narrative="A draft addendum.")
    store.as_user("cw").add_note(agency.fsi, **visit(agency, clock, narrative="Intake entry."))
    return draft


@pytest.mark.parametrize("method", PUBLIC)
def test_every_desk_method_refuses_bad_arguments_with_a_sentence_and_writes_nothing(store, record_with_notes,
                                                                                    method):
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(call=calls(method))
    def check(call):
        login, kwargs = call
        before = _written(store)
        try:
            getattr(store.as_user(login), method)(**kwargs)
        except StoreError as refusal:
            sentence = refusal.message
            assert isinstance(sentence, str) and sentence.strip() and sentence.rstrip()[-1] in ".?!)", sentence
            assert _written(store) == before, f"{method}({kwargs!r}) was refused but wrote: {sentence}"

    check()


def test_every_public_method_is_fuzzed():
    """A new public method is fuzzed without anyone remembering to add it (and the list is not empty)."""
    assert {"add_note", "edit_note", "return_note", "plan_absence", "stage_notes", "review_queue",
            "close_stage", "timeliness", "find_cases"} <= set(PUBLIC)
