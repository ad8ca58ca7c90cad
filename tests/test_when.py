"""tui.when: forgiving entry of an event's date and time, read in the agency's zone."""

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.when import Reading, read_when

ZONE = "America/New_York"
# Monday 23 November 2026, 10:00 in New York (EST, UTC-5).
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)
# Sunday 8 March 2026, 12:00 in New York: DST began at 2:00 this morning (EDT, UTC-4).
DST_NOW = datetime(2026, 3, 8, 16, 0, tzinfo=timezone.utc)


def utc(*fields):
    return datetime(*fields, tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "expected"), [
    # now, today, yesterday
    ("now", utc(2026, 11, 23, 15, 0)),
    ("  NOW ", utc(2026, 11, 23, 15, 0)),
    ("today 9am", utc(2026, 11, 23, 14, 0)),
    ("today 8", utc(2026, 11, 23, 13, 0)),
    ("today @ 9:30am", utc(2026, 11, 23, 14, 30)),
    ("yesterday 14:30", utc(2026, 11, 22, 19, 30)),
    ("yesterday at 2pm", utc(2026, 11, 22, 19, 0)),
    ("yday 2pm", utc(2026, 11, 22, 19, 0)),
    ("yest 9:15a", utc(2026, 11, 22, 14, 15)),
    ("2pm yesterday", utc(2026, 11, 22, 19, 0)),
    ("noon yesterday", utc(2026, 11, 22, 17, 0)),
    # weekdays: the most recent one, today included
    ("mon 9:15a", utc(2026, 11, 23, 14, 15)),
    ("monday 8:00 am", utc(2026, 11, 23, 13, 0)),
    ("sunday 11", utc(2026, 11, 22, 16, 0)),
    ("fri 3pm", utc(2026, 11, 20, 20, 0)),
    ("Tue 8am", utc(2026, 11, 17, 13, 0)),
    ("thurs 4:45 p.m.", utc(2026, 11, 19, 21, 45)),
    # relative
    ("-2h", utc(2026, 11, 23, 13, 0)),
    ("-90m", utc(2026, 11, 23, 13, 30)),
    ("-1d", utc(2026, 11, 22, 15, 0)),
    ("2h ago", utc(2026, 11, 23, 13, 0)),
    ("30 min ago", utc(2026, 11, 23, 14, 30)),
    ("-1d 3pm", utc(2026, 11, 22, 20, 0)),
    ("2 days ago 9am", utc(2026, 11, 21, 14, 0)),
    # dates
    ("11/21 9:15a", utc(2026, 11, 21, 14, 15)),
    ("11/21/2026 9:15 am", utc(2026, 11, 21, 14, 15)),
    ("2026-11-21 14:30", utc(2026, 11, 21, 19, 30)),
    ("2026-11-21T14:30", utc(2026, 11, 21, 19, 30)),
    ("11/21/26 2pm", utc(2026, 11, 21, 19, 0)),
    ("nov 21 2pm", utc(2026, 11, 21, 19, 0)),
    ("Nov 21, 2:30pm", utc(2026, 11, 21, 19, 30)),
    ("14:30 on nov 21", utc(2026, 11, 21, 19, 30)),
    ("Sat 11/21/2026 9:15 AM", utc(2026, 11, 21, 14, 15)),  # what `shown` displays reads back
    ("11/21 2", utc(2026, 11, 21, 19, 0)),
    # a time alone is today
    ("9am", utc(2026, 11, 23, 14, 0)),
    ("8:30", utc(2026, 11, 23, 13, 30)),
    ("9:15 a", utc(2026, 11, 23, 14, 15)),
    ("12am", utc(2026, 11, 23, 5, 0)),
])
def test_reads(text, expected):
    reading = read_when(text, NOW, ZONE)
    assert reading.error is None, reading.error
    assert reading.at == expected
    assert reading.at.tzinfo is timezone.utc


def test_shown_is_normalised_in_the_zone():
    assert read_when("11/21 9:15a", NOW, ZONE) == Reading(utc(2026, 11, 21, 14, 15), "Sat 11/21/2026 9:15 AM")


def test_now_drops_seconds_and_microseconds():
    now = datetime(2026, 11, 23, 15, 0, 37, 123456, tzinfo=timezone.utc)
    assert read_when("now", now, ZONE).at == utc(2026, 11, 23, 15, 0)
    assert read_when("-2h", now, ZONE).at == utc(2026, 11, 23, 13, 0)


@pytest.mark.parametrize(("text", "expected"), [
    ("12/25 10am", utc(2025, 12, 25, 15, 0)),   # December has not come yet: last year's
    ("11/24 9am", utc(2025, 11, 24, 14, 0)),    # tomorrow's date: last year's
    ("nov 24 9am", utc(2025, 11, 24, 14, 0)),
    ("11/23 9am", utc(2026, 11, 23, 14, 0)),    # today's date stays this year
    ("1/5 9am", utc(2026, 1, 5, 14, 0)),
])
def test_month_day_without_year_is_last_year_when_not_yet_come(text, expected):
    assert read_when(text, NOW, ZONE).at == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("yesterday 1", utc(2026, 11, 22, 18, 0)),   # 1 PM
    ("yesterday 7", utc(2026, 11, 23, 0, 0)),    # 7 PM
    ("yesterday 8", utc(2026, 11, 22, 13, 0)),   # 8 AM
    ("yesterday 11", utc(2026, 11, 22, 16, 0)),  # 11 AM
    ("yesterday 12", utc(2026, 11, 22, 17, 0)),  # noon
    ("yesterday 2:15", utc(2026, 11, 22, 19, 15)),
    ("yesterday 07:30", utc(2026, 11, 22, 12, 30)),  # a leading zero is a 24-hour clock
    ("yesterday 19:00", utc(2026, 11, 23, 0, 0)),
    ("yesterday 0:30", utc(2026, 11, 22, 5, 30)),
    ("yesterday 2am", utc(2026, 11, 22, 7, 0)),
])
def test_bare_hour_reads_as_daytime(text, expected):
    assert read_when(text, NOW, ZONE).at == expected


@pytest.mark.parametrize(("text", "shown"), [
    ("today 2", "Mon 11/23/2026 2:00 PM"),
    ("2:15 p", "Mon 11/23/2026 2:15 PM"),
    ("today 2pm", "Mon 11/23/2026 2:00 PM"),
    ("11/23 2pm", "Mon 11/23/2026 2:00 PM"),  # today's date at a later hour: refused, not moved a year back
    ("10:01", "Mon 11/23/2026 10:01 AM"),
])
def test_future_is_refused_but_shown(text, shown):
    reading = read_when(text, NOW, ZONE)
    assert reading.at is None
    assert reading.shown == shown
    assert reading.error.startswith(f"The event time {shown} is in the future (")
    assert reading.error.endswith("); a note records something that has already happened.")


@pytest.mark.parametrize(("text", "says"), [
    ("", "Type when it happened, e.g. today 2pm"),
    ("   ", "Type when it happened, e.g. today 2pm"),
    ("tomorow 2pm", "“tomorow 2pm”: no date or time in that — try today 2pm, 11/21 9:15a or -2h"),
    ("12/45", "no date or time in that"),
    ("25:00", "is not a time of day"),
    ("today 99pm", "is not a time of day"),
    ("13pm", "is not a time of day"),
    ("yesterday 9:75", "is not a time of day"),
    ("???", "no date or time in that"),
    ("x" * 200, "too long to be a time"),
    ("today", "Add the time"),
    ("yesterday", "Add the time"),
    ("11/21", "Add the time"),
    ("nov 21", "Add the time"),
    ("mon 11/21 2pm", "11/21/2026 is a Saturday, not a Monday"),
    ("2pm z", "time zone"),
    ("0001-01-01 1am", "year"),
    ("-2h 3pm", "no date or time in that"),
])
def test_errors(text, says):
    reading = read_when(text, NOW, ZONE)
    assert reading.at is None
    assert reading.error and says in reading.error
    assert reading.shown == ("" if not text.strip() else reading.error)


def test_long_text_is_clipped_in_the_error():
    assert len(read_when("x" * 200, NOW, ZONE).error) < 120


@pytest.mark.parametrize(("text", "expected"), [
    ("yesterday 9am", utc(2026, 3, 7, 14, 0)),   # EST
    ("today 9am", utc(2026, 3, 8, 13, 0)),       # EDT
    ("-1d", utc(2026, 3, 7, 17, 0)),             # same wall-clock time, 12:00 EST
    ("-12h", utc(2026, 3, 8, 4, 0)),             # exact: 11:00 PM EST the night before
    ("today 2:30am", utc(2026, 3, 8, 7, 30)),    # no such wall time; pendulum moves it forward to 3:30 EDT
])
def test_dst(text, expected):
    assert read_when(text, DST_NOW, ZONE).at == expected


TOKENS = st.sampled_from([
    "today", "yesterday", "yday", "mon", "sunday", "now", "ago", "at", "@", "-", "/", ":", "am", "pm",
    "a", "p", "noon", "nov", "2", "12", "0", "99", "2026", "11/21", "2pm", "-2h", "-1d", "h", "m", "d",
    "min", "days", "z", "est", "t", ",", ".", "9:15a", "25:00", "99999999999999999999",
])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(TOKENS, max_size=6).map(" ".join)))
def test_never_raises_and_never_accepts_the_future(text):
    reading = read_when(text, NOW, ZONE)
    if reading.at is not None:
        assert reading.error is None
        assert reading.at <= NOW
        # what is shown reads back to the same instant
        assert read_when(reading.shown, NOW, ZONE).at == reading.at
    else:
        assert reading.error


# Sunday 1 November 2026: at 2:00 AM EDT the clocks went back to 1:00 AM EST, so 1:00-1:59 came twice.
FIRST_145 = utc(2026, 11, 1, 5, 45)   # 1:45 AM EDT, the first time round
SECOND_145 = utc(2026, 11, 1, 6, 45)  # 1:45 AM EST, the second


@pytest.mark.parametrize(("now", "text", "expected"), [
    (FIRST_145, "1:30am", utc(2026, 11, 1, 5, 30)),       # the later 1:30 has not come: the earlier
    (FIRST_145, "1:30am EDT", utc(2026, 11, 1, 5, 30)),
    (SECOND_145, "1:30am", utc(2026, 11, 1, 6, 30)),      # both have happened: the more recent
    (SECOND_145, "1:30am edt", utc(2026, 11, 1, 5, 30)),  # ... and the earlier can be chosen
    (SECOND_145, "today 1:30am est", utc(2026, 11, 1, 6, 30)),
    (SECOND_145, "-1h", utc(2026, 11, 1, 5, 45)),         # an exact hour back, across the change
    (SECOND_145, "12:30am", utc(2026, 11, 1, 4, 30)),     # outside the repeated hour: as ever
])
def test_the_repeated_hour_reads_a_past_time_and_either_can_be_chosen(now, text, expected):
    assert read_when(text, now, ZONE).at == expected


def test_the_repeated_hour_says_how_to_choose_the_other():
    first = read_when("1:30am", FIRST_145, ZONE)
    assert first.shown == "Sun 11/01/2026 1:30 AM EDT · 1:30 AM came twice: type 1:30am EST for the later"
    later = read_when("1:30am EST", FIRST_145, ZONE)
    assert later.at is None and "future (45 min from now)" in later.error


def test_a_zone_the_time_is_not_in_is_refused():
    reading = read_when("today 2pm EDT", NOW, ZONE)
    assert reading.at is None and reading.error == "11/23/2026 2:00 PM is EST in the agency's zone, not EDT"
    assert read_when("today 9am est", NOW, ZONE).at == utc(2026, 11, 23, 14, 0)


def test_a_long_paste_is_refused_at_once():
    import time

    started = time.perf_counter()
    reading = read_when("1" * 8000, NOW, ZONE)
    assert time.perf_counter() - started < 0.05  # was 2.6 s: the editor reads on every keystroke
    assert reading.at is None and reading.error.startswith("That is too long to be a time (more than 60 characters)")
    assert read_when("1" * 61, NOW, ZONE).error == reading.error
    assert read_when("yesterday 2pm" + " " * 47, NOW, ZONE).at == utc(2026, 11, 22, 19, 0)  # 60 is fine


def test_a_future_time_is_refused_in_the_store_s_words():
    """One rule, one sentence: the editor says as the time is typed what the store would say on saving."""
    from store.rules.note_rules import not_yet_happened

    reading = read_when("today 2pm", NOW, ZONE)
    assert reading.error == not_yet_happened(utc(2026, 11, 23, 19, 0), NOW, ZONE) == (
        "The event time Mon 11/23/2026 2:00 PM is in the future (4 h from now); "
        "a note records something that has already happened.")
