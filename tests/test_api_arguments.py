"""The desk's arguments are checked at its door (store/core/arguments.py): each bad argument the fuzzing
of issue 14 found is a ``StoreError`` with a sentence, and nothing is written. The property test
over every method is tests/test_api_fuzz.py; these are the cases by name."""

from datetime import date, datetime, timedelta, timezone

import pytest

from store import InvalidAbsence, InvalidNote, NotFound, StaleEdit, StoreError
from store.desks.review import COMMENT_MAX_CHARS
from tests.conftest import counts, visit

UTC = timezone.utc


@pytest.fixture
def sent(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    return cw.submit(note.id)


def _refused(store, error, match, call):
    before = counts(store)
    with pytest.raises(error, match=match) as caught:
        call()
    assert counts(store) == before
    assert caught.value.message.endswith(".")
    return caught.value.message


@pytest.mark.parametrize("stage_id, match", [
    ([1, 2], "found by its number, and casenotes was given a list"),
    ("", "given a text"), ("\x00", "given a text"), ("\ud800", "given a text"), (True, "given yes or no"),
    (2.0, "a number with a fraction"), (2**64, "There is no stage number 18446744073709551616"),
    (2**31, "There is no stage number"), (0, "There is no stage number 0"), (-1, "There is no stage number -1"),
])
def test_a_stage_number_of_the_wrong_type_or_range_is_not_found(store, agency, clock, stage_id, match):
    _refused(store, NotFound, match, lambda: store.as_user("cw").add_note(stage_id, **visit(agency, clock)))


def test_note_numbers_and_versions_out_of_range_are_refused(store, agency, clock, sent):
    cw = store.as_user("cw")
    _refused(store, NotFound, "There is no note number", lambda: cw.edit_note(2**64, 1, narrative="x"))
    _refused(store, StaleEdit, "version 18446744073709551616 is not one", lambda: cw.edit_note(sent.id, 2**64))
    _refused(store, StaleEdit, "version 'two' is not one", lambda: cw.recall(sent.id, version="two"))
    _refused(store, NotFound, "note is found by its number", lambda: cw.note_history({"id": 1}))


@pytest.mark.parametrize("event_at", [
    datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59),
    datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))), "0001-01-01T00:00", date(2026, 3, 2),
])
def test_an_event_time_the_calendar_cannot_reach_is_refused(store, agency, clock, event_at):
    message = _refused(store, InvalidNote, "event time",
                       lambda: store.as_user("cw").add_note(agency.fss, **visit(agency, clock, event_at=event_at)))
    assert "casenotes keeps dates from 1900" in message or "must be a date and time" in message


@pytest.mark.parametrize("due", [date(9999, 12, 31), date(1, 1, 1), datetime(9999, 12, 31, 23, 0),
                                 datetime(1, 1, 1, tzinfo=UTC), "tomorrow", 3])
def test_a_correction_due_date_out_of_reach_is_refused(store, sent, due):
    sup = store.as_user("supa")
    _refused(store, InvalidNote, "correction due date", lambda: sup.return_note(sent.id, "Say where Jay was.", due=due))
    _refused(store, InvalidNote, "correction due date", lambda: sup.plan_return(sent.id, due=due))


def test_a_return_comment_is_capped_and_kept_as_typed(store, sent):
    sup = store.as_user("supa")
    _refused(store, InvalidNote, f"holds at most {COMMENT_MAX_CHARS:,}",
             lambda: sup.return_note(sent.id, "Say where. " * 300_000))
    returned = sup.return_note(sent.id, "  Say where Jay was.\n\tAnd who else.  ")
    assert store.as_user("cw").note_history(sent.id).review[-1].comment == "Say where Jay was.\n\tAnd who else."
    assert returned.note.status == "returned"


@pytest.mark.parametrize("starts, ends", [
    (datetime(2026, 3, 16, 9, 0), datetime(2026, 3, 20, 17, 0)),
    (datetime(2026, 3, 16, 9, 0, tzinfo=UTC), date(2026, 3, 20)),
    (date(2026, 3, 16), datetime(2026, 3, 20, tzinfo=UTC)),
    (date(9999, 12, 30), date(9999, 12, 31)), (date(2026, 3, 16), date(9999, 12, 31)),
    (None, date(2026, 3, 20)), ([2026, 3, 16], date(2026, 3, 20)),
])
def test_an_absence_is_given_as_days_in_reach(store, agency, starts, ends):
    _refused(store, InvalidAbsence, "absence", lambda: store.as_user("cw").plan_absence(starts, ends))


@pytest.mark.parametrize("starts", [datetime(2026, 3, 16, 9, 0), datetime(2026, 3, 16, tzinfo=UTC), date(9999, 12, 31),
                                    date(1, 1, 1), "2026-03-16", None])
def test_an_absence_cut_off_is_asked_of_a_day_in_reach(store, agency, starts):
    with pytest.raises(InvalidAbsence, match="first day of the absence"):
        store.as_user("cw").absence_cutoff(starts)


@pytest.mark.parametrize("reason", [123, ["Training"], b"Training", "x" * 201, "Trip\u202e", "Trip\x00"])
def test_an_absence_reason_is_text_like_a_narrative(store, agency, reason):
    _refused(store, InvalidAbsence, "reason", lambda: store.as_user("cw").plan_absence(date(2026, 3, 16), date(2026, 3, 20),
                                                                                        reason))


def test_an_absence_reason_given_as_nothing_is_empty(store, agency):
    assert store.as_user("cw").plan_absence(date(2026, 3, 16), date(2026, 3, 20), None).reason == ""


@pytest.mark.parametrize("participants", [[[1]], [{"id": 1}], [{1}], "1", [1.0], [True]])
def test_participants_that_are_not_person_numbers_are_refused(store, agency, clock, participants):
    _refused(store, InvalidNote, "articipant",
             lambda: store.as_user("cw").add_note(agency.fss, **visit(agency, clock, participants=participants)))


DIRECTION = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", DIRECTION, ids=[f"U+{ord(c):04X}" for c in DIRECTION])
def test_direction_overrides_are_refused_in_every_text_of_the_record(store, agency, clock, sent, char):
    cw, sup = store.as_user("cw"), store.as_user("supa")
    tricked = f"Paid {char}0051$ to the family."
    where = f"U\\+{ord(char):04X}"
    _refused(store, InvalidNote, f"narrative holds a character that changes the direction.*{where}",
             lambda: cw.add_note(agency.fss, **visit(agency, clock, narrative=tricked)))
    _refused(store, InvalidNote, where, lambda: cw.add_note(agency.fss, **visit(agency, clock, others=[tricked])))
    _refused(store, InvalidNote, f"return comment .*{where}", lambda: sup.return_note(sent.id, tricked))
    _refused(store, InvalidAbsence, where, lambda: cw.plan_absence(date(2026, 3, 16), date(2026, 3, 20), tricked))


@pytest.mark.parametrize("text", ["\ud800", "Seen at home.\udfff", "x\U000f0000"])
def test_lone_surrogates_and_private_characters_are_refused(store, agency, clock, sent, text):
    cw = store.as_user("cw")
    _refused(store, InvalidNote, "invisible control character",
             lambda: cw.add_note(agency.fss, **visit(agency, clock, narrative=text)))
    _refused(store, InvalidNote, "invisible", lambda: store.as_user("supa").return_note(sent.id, text))
    _refused(store, NotFound, "login", lambda: cw.add_note(agency.fss, author=text, **visit(agency, clock)))


def test_reads_refuse_bad_arguments_with_a_sentence(store, agency):
    cw = store.as_user("cw")
    for call in (lambda: cw.stage_notes(agency.fss, limit="10"), lambda: cw.stage_notes(agency.fss, ids=[[1]]),
                 lambda: cw.visible_note_ids(True), lambda: cw.find_cases(None), lambda: cw.find_cases("Rivera", 0),
                 lambda: cw.review_queue(-1), lambda: cw.case(2**40), lambda: cw.cancel_absence("1"),
                 lambda: cw.stage_deadlines(agency.fss, ids="1,2"), lambda: cw.close_stage(agency.fss, ["x"])):
        with pytest.raises(StoreError) as caught:
            call()
        assert caught.value.message.endswith(".")
