"""The casework clock, line by line from the recording policy (DOMAIN.md, "Supervisor review"), then
properties that must hold for any start time: working days only, monotonic, stable across DST."""

from datetime import date, datetime, timedelta

import pendulum
import pytest
from hypothesis import given, settings, strategies as st

from store import Policy
from store.core.work_calendar import Window, absence_cutoff, freeze_instant
from store.rules.obligations import is_late_entry
from store.rules.note_rules import correction_due, entry_due, review_due

@pytest.fixture(scope="module")
def ny():
    return Policy.defaults()


def local(text: str, zone: str = "America/New_York") -> datetime:
    """A wall-clock time in the agency, as the aware UTC datetime the store keeps."""
    return pendulum.parse(text, tz=zone).in_timezone("UTC")


# (policy line, rule, start, expected deadline) — New York agency defaults.
NEW_YORK = [
    ("recorded within 72 hours of the event", "entry", "2026-11-20 14:30", "2026-11-23 14:30"),
    ("72 hours are elapsed hours across the spring DST change", "entry", "2026-03-07 10:00", "2026-03-10 11:00"),
    ("72 hours are elapsed hours across the autumn DST change", "entry", "2026-10-31 10:00", "2026-11-03 09:00"),
    ("reviews within 5 days of receiving it: by the end of the fifth day", "review", "2026-11-02 10:00",
     "2026-11-07 23:59:59"),
    ("5 days run over a month end", "review", "2026-01-29 16:45", "2026-02-03 23:59:59"),
    ("5 days run over the autumn DST change", "review", "2026-10-29 09:00", "2026-11-03 23:59:59"),
    ("5 days count weekends and holidays (calendar days)", "review", "2026-11-25 09:00", "2026-11-30 23:59:59"),
    ("resubmits within 3 days of the return", "correction", "2026-12-30 16:00", "2027-01-02 23:59:59"),
    ("a corrected note is reviewed within 3 days", "rereview", "2026-02-26 08:00", "2026-03-01 23:59:59"),
    ("3 days in a leap year", "rereview", "2028-02-27 08:00", "2028-03-01 23:59:59"),
    ("a note sent at 11:30 PM counts from that day", "review", "2026-11-20 23:30", "2026-11-25 23:59:59"),
]


@pytest.mark.parametrize("line, rule, start, expected", NEW_YORK, ids=[row[0] for row in NEW_YORK])
def test_new_york_recording_policy(ny, line, rule, start, expected):
    assert deadline(ny, rule, local(start)) == local(expected)


def deadline(policy: Policy, rule: str, start: datetime, contact_type: str | None = None) -> datetime:
    if rule == "entry":
        return entry_due(start, policy, contact_type)
    if rule == "correction":
        return correction_due(start, policy)
    return review_due(start, rule == "rereview", policy)


def test_an_entry_at_the_deadline_is_on_time_and_a_minute_later_is_late(ny):
    event = local("2026-11-20 14:30")
    assert not is_late_entry(event, local("2026-11-23 14:30"), ny)
    assert is_late_entry(event, local("2026-11-23 14:31"), ny)


@pytest.mark.parametrize("entered, freezes", [
    ("2026-03-02 10:00", "2026-03-23 00:00"),  # day 21 from the entry date, across the DST change
    ("2026-01-31 23:30", "2026-02-21 00:00"),  # 11:30 PM local is already 1 February in UTC
    ("2026-12-15 08:00", "2027-01-05 00:00"),  # over the year end
])
def test_a_note_freezes_at_the_start_of_day_21_after_its_entry_date(ny, entered, freezes):
    assert freeze_instant(local(entered), ny.windows["freeze"], ny.calendar) == local(freezes)


@pytest.mark.parametrize("starts_on, cutoff", [
    (date(2026, 12, 7), "2026-12-03 17:00"),   # Monday: Friday is one weekday before, Thursday two
    (date(2026, 11, 25), "2026-11-23 17:00"),  # Wednesday: Monday
    (date(2026, 11, 30), "2026-11-25 17:00"),  # Monday after Thanksgiving: Friday, then Wednesday (Thursday is a holiday)
    (date(2026, 12, 29), "2026-12-24 17:00"),  # Tuesday after Christmas: Monday, then Thursday 24th
])
def test_pending_notes_are_submitted_by_5_pm_two_weekdays_before_an_absence(ny, starts_on, cutoff):
    assert absence_cutoff(starts_on, ny.absence_working_days_before, ny.absence_cutoff, ny.calendar) == local(cutoff)


def test_texas_records_within_7_calendar_days():
    texas = Policy.preset("texas")
    assert entry_due(local("2026-11-02 09:00", "America/Chicago"), texas) == local("2026-11-09 23:59:59", "America/Chicago")


def test_washington_monthly_visit_in_3_days_other_contacts_in_10_review_in_2_business_days():
    wa, zone = Policy.preset("washington"), "America/Los_Angeles"
    event = local("2026-11-02 09:00", zone)
    assert entry_due(event, wa, "Caseworker/Child Contact") == local("2026-11-05 23:59:59", zone)
    assert entry_due(event, wa, "School Contact") == local("2026-11-12 23:59:59", zone)
    # Wednesday before Thanksgiving: Thursday and Friday are Washington holidays, then the weekend.
    assert review_due(local("2026-11-25 10:00", zone), False, wa) == local("2026-12-01 23:59:59", zone)
    # Received on a Saturday: Monday is the first business day, Tuesday the second.
    assert review_due(local("2026-11-07 10:00", zone), False, wa) == local("2026-11-10 23:59:59", zone)
    # Received late on Friday: the same deadline.
    assert review_due(local("2026-11-06 23:00", zone), False, wa) == local("2026-11-10 23:59:59", zone)
    # Received on Tuesday 11/10: Wednesday 11th is Veterans Day, so Thursday and Friday.
    assert review_due(local("2026-11-10 09:00", zone), False, wa) == local("2026-11-13 23:59:59", zone)


def test_an_agency_closed_day_counts_as_a_holiday(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('[agency]\nclosed_days = ["2026-12-24"]\n[clock]\nreview = { amount = 1, unit = "business_days" }\n')
    policy = Policy.load(path)
    assert policy.calendar.holiday(date(2026, 12, 24)) == "Agency closed"
    assert review_due(local("2026-12-23 12:00"), False, policy) == local("2026-12-28 23:59:59")


def test_windows_say_how_they_read():
    assert [Window(72, "hours").describe(), Window(5, "calendar_days").describe(), Window(1, "business_days").describe(),
            Window(0, "calendar_days").describe()] == ["72 hours", "5 days", "1 business day", "the same day"]


# ---- properties ---------------------------------------------------------------------------------

ZONES = {"NY": "America/New_York", "TX": "America/Chicago", "WA": "America/Los_Angeles"}
instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda naive: pendulum.instance(naive, tz="UTC"))
windows = st.builds(Window, st.integers(0, 20), st.sampled_from(["calendar_days", "business_days"])) | st.builds(
    Window, st.integers(1, 400), st.just("hours"))


@pytest.fixture(scope="module")
def calendars():
    from store.core.work_calendar import WorkCalendar

    return {state: WorkCalendar(pendulum.timezone(zone), "US", state) for state, zone in ZONES.items()}


@settings(max_examples=300, deadline=None)
@given(start=instants, amount=st.integers(0, 20), state=st.sampled_from(sorted(ZONES)))
def test_business_day_deadlines_never_fall_on_a_weekend_or_holiday(calendars, start, amount, state):
    calendar = calendars[state]
    due = Window(amount, "business_days").due(start, calendar)
    assert calendar.is_working_day(calendar.local_day(due))
    assert calendar.local_day(due) >= calendar.local_day(start)


@settings(max_examples=300, deadline=None)
@given(first=instants, gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)), window=windows,
       state=st.sampled_from(sorted(ZONES)))
def test_deadlines_are_monotonic_in_the_start_time(calendars, first, gap, window, state):
    calendar = calendars[state]
    assert window.due(first, calendar) <= window.due(first + gap, calendar)


@settings(max_examples=300, deadline=None)
@given(start=instants, window=windows, state=st.sampled_from(sorted(ZONES)))
def test_deadlines_are_stable_across_dst(calendars, start, window, state):
    """Day windows end at 11:59:59 PM local whatever the offset; hour windows are exact elapsed time."""
    calendar = calendars[state]
    due = window.due(start, calendar)
    if window.unit == "hours":
        assert due - start == timedelta(hours=window.amount)
        return
    wall = pendulum.instance(due).in_timezone(calendar.zone)
    assert (wall.hour, wall.minute, wall.second) == (23, 59, 59)
    if window.unit == "calendar_days":
        assert wall.date() == calendar.local_day(start) + timedelta(days=window.amount)


@settings(max_examples=200, deadline=None)
@given(starts_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), before=st.integers(0, 5),
       state=st.sampled_from(sorted(ZONES)))
def test_an_absence_cutoff_is_5_pm_on_a_working_day_before_the_absence(calendars, starts_on, before, state):
    from datetime import time

    calendar = calendars[state]
    cutoff = absence_cutoff(starts_on, before, time(17, 0), calendar)
    wall = pendulum.instance(cutoff).in_timezone(calendar.zone)
    assert (wall.hour, wall.minute) == (17, 0)
    working_between = [d for d in (starts_on - timedelta(days=n) for n in range(1, 40))
                       if wall.date() <= d < starts_on and calendar.is_working_day(d)]
    assert len(working_between) == before
    assert before == 0 or calendar.is_working_day(wall.date())


def test_a_commemoration_in_the_holiday_table_is_a_working_day(ny):
    # Susan B. Anthony Day (15 February) is in New York's table but state offices work; Lincoln's
    # Birthday (12 February) closes them.
    assert ny.calendar.is_working_day(date(2029, 2, 15))
    assert ny.calendar.holiday(date(2029, 2, 12)) == "Lincoln's Birthday"
